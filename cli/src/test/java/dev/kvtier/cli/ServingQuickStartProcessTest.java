package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.workloads.recorded.RecordedTrace;
import dev.kvtier.workloads.recorded.TraceOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's serving quick start as real processes on loopback: {@code kvtier master
 * --enable-http-metadata-server}, two {@code kvtier server} workers started from {@code MOONCAKE_MASTER} alone with
 * the quick start's flags, {@code kvtier router} in front, and the reference's {@code curl /generate} smoke test;
 * then a second round after {@code /flush_cache} that must come from the store, and a worker killed with SIGKILL
 * behind the router. Ports are the OS's (the quick start's fixed ports are replaced by 0) and each worker's segment
 * is small, so the test fits the CI machine.
 */
class ServingQuickStartProcessTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> post(final String url, final String body) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(final String url) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String prompt(final long seed, final int tokens)
    {
        final SplittableRandom r = new SplittableRandom(seed);
        final StringJoiner ids = new StringJoiner(",", "[", "]");
        for (int i = 0; i < tokens; i++)
        {
            ids.add(Integer.toString(r.nextInt(1000, 100_000)));
        }
        return "{\"input_ids\": " + ids + ", \"sampling_params\": {\"max_new_tokens\": 4, \"temperature\": 0}}";
    }

    private static double metric(final String text, final String name)
    {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
            l.substring(name.length() + 1).trim())).sum();
    }

    @Test
    void quickStartServesFromTheStoreAfterAFlushAndSurvivesAKilledWorker(@TempDir final Path dir) throws Exception
    {
        final Path traceDir = dir.resolve("router-trace");
        try (KvtierProcess master = KvtierProcess.start("kvtier master:", "master", "--enable-http-metadata-server",
            "--rpc-port", "0", "--rpc-address", "127.0.0.1", "--http-metadata-server-port", "0",
            "--http-metadata-server-host", "127.0.0.1", "--metrics-port", "0", "--metrics-host", "127.0.0.1",
            "--enable-metric-reporting=false"))
        {
            final String rpc = master.fromReadyLine("rpc (\\S+:\\d+),");
            final Map<String, String> env = Map.of("MOONCAKE_MASTER", rpc, "MOONCAKE_GLOBAL_SEGMENT_SIZE", "256mb");
            final String[] server = {"server", "--model-path", "llama-3-8b", "--page-size", "64",
                "--enable-hierarchical-cache", "--hicache-storage-prefetch-policy", "timeout",
                "--hicache-storage-backend", "mooncake", "--port", "0"};
            try (KvtierProcess w0 = KvtierProcess.start(env, "kvtier server:", server);
                KvtierProcess w1 = KvtierProcess.start(env, "kvtier server:", server))
            {
                final String u0 = w0.fromReadyLine("(http://\\S+:\\d+)");
                final String u1 = w1.fromReadyLine("(http://\\S+:\\d+)");
                try (KvtierProcess router = KvtierProcess.start("kvtier router:", "router", "--worker-urls", u0, u1,
                    "--port", "0", "--prometheus-port", "0", "--page-size", "64", "--trace-dir", traceDir.toString()))
                {
                    final String r = router.fromReadyLine("(http://\\S+:\\d+) ");
                    final String metrics = router.fromReadyLine("metrics (http://\\S+/metrics)");

                    final HttpResponse<String> smoke = post(r + "/generate", "{\"text\": \"Let me tell you a long "
                        + "story \", \"sampling_params\": {\"temperature\": 0}}");
                    assertThat(smoke.statusCode()).isEqualTo(200);
                    final JsonNode answer = JSON.readTree(smoke.body());
                    assertThat(answer.path("text").asText()).isNotEmpty();
                    assertThat(answer.path("output_ids")).hasSize(128);
                    final JsonNode meta = answer.path("meta_info");
                    for (final String field : new String[] {"id", "finish_reason", "prompt_tokens",
                        "completion_tokens", "cached_tokens", "cached_tokens_details", "e2e_latency"})
                    {
                        assertThat(meta.has(field)).as(field).isTrue();
                    }
                    assertThat(meta.path("finish_reason").path("type").asText()).isEqualTo("length");
                    assertThat(meta.path("cached_tokens_details").fieldNames()).toIterable()
                        .contains("device", "host", "storage");

                    // round 1 fills the store through the workers' backups; after the flush, round 2 reads it back
                    final String round = prompt(7, 700);
                    assertThat(post(r + "/generate", round).statusCode()).isEqualTo(200);
                    final HttpResponse<String> flushed = post(r + "/flush_cache", "");
                    assertThat(flushed.statusCode()).as(flushed.body()).isEqualTo(200);
                    final JsonNode again = JSON.readTree(post(r + "/generate", round).body()).path("meta_info");
                    final int fullPages = 700 / 64 * 64;
                    assertThat(again.path("cached_tokens_details").path("storage").asInt())
                        .as(again.toString()).isGreaterThanOrEqualTo((int)(0.9 * fullPages));
                    assertThat(metric(get(u0 + "/metrics"), "kvtier_kv_mismatches_total")
                        + metric(get(u1 + "/metrics"), "kvtier_kv_mismatches_total")).isZero();

                    w1.kill();
                    for (int i = 0; i < 4; i++)
                    {
                        final HttpResponse<String> after = post(r + "/generate", prompt(100 + i, 90));
                        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
                    }
                    assertThat(metric(get(metrics), "sgl_router_processed_requests_total{worker=\"" + u0 + "\"}"))
                        .isGreaterThanOrEqualTo(4);
                    router.stop();
                    assertRecorded(traceDir, again.path("cached_tokens_details").path("storage").asInt());
                }
            }
        }
    }

    /** The smoke test, two rounds and four requests after the kill: one arrival and one outcome each. */
    private static void assertRecorded(final Path traceDir, final int secondRoundStorage) throws Exception
    {
        try (RecordedTrace trace = RecordedTrace.open(traceDir))
        {
            assertThat(trace.arrivals()).hasSize(7);
            assertThat(trace.outcomes()).hasSize(7).noneMatch(TraceOutcome::aborted);
            assertThat(trace.outcomes().get(2).storageTokens()).isEqualTo(secondRoundStorage);
        }
    }
}
