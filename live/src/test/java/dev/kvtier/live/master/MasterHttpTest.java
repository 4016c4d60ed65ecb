package dev.kvtier.live.master;

import dev.kvtier.live.LiveMaster;
import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.MasterConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The master's HTTP side: admin endpoints, Prometheus exposition, and the embedded metadata service. */
class MasterHttpTest
{
    /** Debian's interpreter, where python3-prometheus-client installs; any python3 otherwise. */
    private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
        : "python3";

    private static boolean pythonPrometheusParser()
    {
        try
        {
            final Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser")
                .redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        catch (final IOException | InterruptedException e)
        {
            return false;
        }
    }

    @Test
    void metricsParseAsPrometheusTextAndAdminEndpointsAnswer() throws Exception
    {
        try (LiveMaster master = new LiveMaster(MasterConfig.defaults());
             DistributedStore store = DistributedStore.setup(new StoreConfig("127.0.0.1", master.metadataUrl(),
                 master.rpcAddress(), "tcp", "", 32 << 20, 1 << 20)))
        {
            assertThat(store.put("metrics-key", new byte[1000])).isZero();
            assertThat(store.get("nope")).isEmpty();

            assertThat(master.admin("/health").statusCode()).isEqualTo(200);
            assertThat(master.admin("/metrics/summary").body())
                .startsWith("Mem Storage: 0.00 MB / 33.55 MB (0.0%) | Keys: 1 | Clients: 1 | Requests (total): PutStart=1,")
                .containsPattern("Get=1, Exist=0, Ping=[1-9][0-9]*")
                .contains("Eviction: Success/Attempts=0/0", "Discard: Released/Total=0/0");
            assertThat(master.admin("/get_all_segments").body().trim()).isEqualTo(store.segmentName());
            final HttpResponse<String> q = master.admin("/query_key?key=metrics-key");
            assertThat(q.statusCode()).isEqualTo(200);
            assertThat(q.body()).contains("\"segment\":\"" + store.segmentName() + "\"", "\"size\":1000",
                "\"status\":\"COMPLETE\"");
            assertThat(master.admin("/query_key?key=absent").statusCode()).isEqualTo(404);
            assertThat(master.admin("/query_key").statusCode()).isEqualTo(400);

            final HttpResponse<String> metrics = master.admin("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
            assertThat(metrics.body()).contains("master_key_count 1.0", "master_total_capacity_bytes 3.3554432E7",
                "master_put_start_requests_total 1.0", "master_get_replica_list_failures_total 1.0",
                "master_mount_segment_requests_total 1.0", "master_remount_segment_requests_total 1.0",
                "kvtier_node_errors_total{node=\"master\"} 0.0");

            Assumptions.assumeTrue(pythonPrometheusParser(),
                "python3-prometheus-client is not installed (.ci/run installs it)");
            final Path file = Files.createTempFile("kvtier-metrics", ".txt");
            Files.writeString(file, metrics.body());
            final Process parse = new ProcessBuilder(PYTHON, "-c", String.join("\n",
                "import sys",
                "from prometheus_client.parser import text_string_to_metric_families",
                "fams = list(text_string_to_metric_families(open(sys.argv[1]).read()))",
                "names = {s.name for f in fams for s in f.samples}",
                "print(len(fams), 'families')",
                "assert 'master_put_start_requests_total' in names, names",
                "assert 'master_key_count' in names",
                "assert 'mem_cache_hit_nums_' in names",
                "assert 'kvtier_node_errors_total' in names"), file.toString()).redirectErrorStream(true).start();
            final String out = new String(parse.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(parse.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(parse.exitValue()).as(out).isZero();
            assertThat(out).contains("families");
            Files.delete(file);
        }
    }

    @Test
    void metadataServiceKeepsTheReferenceSemantics() throws Exception
    {
        try (LiveMaster master = new LiveMaster(MasterConfig.defaults()))
        {
            final HttpClient http = HttpClient.newHttpClient();
            final String url = master.metadataUrl() + "?key=";
            final java.util.function.BiFunction<String, HttpRequest.Builder, HttpResponse<String>> send = (k, b) ->
            {
                try
                {
                    return http.send(b.uri(URI.create(url + java.net.URLEncoder.encode(k, StandardCharsets.UTF_8)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                }
                catch (final IOException | InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            };
            final String ram = "mooncake/ram/h:1";
            assertThat(send.apply(ram, HttpRequest.newBuilder().GET()).statusCode()).isEqualTo(404);
            assertThat(send.apply(ram, HttpRequest.newBuilder().PUT(HttpRequest.BodyPublishers.ofString("{\"a\":1}")))
                .body()).isEqualTo("metadata updated");
            final HttpResponse<String> got = send.apply(ram, HttpRequest.newBuilder().GET());
            assertThat(got.body()).isEqualTo("{\"a\":1}");
            assertThat(got.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(send.apply(ram, HttpRequest.newBuilder().PUT(HttpRequest.BodyPublishers.ofString("{\"a\":2}")))
                .statusCode()).as("ram descriptors may change").isEqualTo(200);

            final String rpc = "mooncake/rpc_meta/h:1";
            send.apply(rpc, HttpRequest.newBuilder().PUT(HttpRequest.BodyPublishers.ofString("{\"rpc_port\":1}")));
            assertThat(send.apply(rpc, HttpRequest.newBuilder().PUT(HttpRequest.BodyPublishers.ofString(
                "{\"rpc_port\":1}"))).body()).isEqualTo("metadata unchanged");
            final HttpResponse<String> dup = send.apply(rpc, HttpRequest.newBuilder().PUT(
                HttpRequest.BodyPublishers.ofString("{\"rpc_port\":2}")));
            assertThat(dup.statusCode()).isEqualTo(400);
            assertThat(dup.body()).isEqualTo("Duplicate rpc_meta key not allowed");

            assertThat(send.apply(rpc, HttpRequest.newBuilder().DELETE()).body()).isEqualTo("metadata deleted");
            assertThat(send.apply(rpc, HttpRequest.newBuilder().DELETE()).statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(master.metadataUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("Missing key parameter");
        }
    }
}
