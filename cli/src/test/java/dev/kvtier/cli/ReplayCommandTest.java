package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.replay.ReplayMetrics;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.recorded.TraceRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

final class ReplayCommandTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void replayingASimulatorsRecordingReproducesItsReportExactly() throws Exception
    {
        final Path rec = dir.resolve("rec");
        final CliRun sim = CliRun.of("sim", "--cluster", "small-4", "--limit", "400", "--synthetic-duration", "300",
            "--set", "router.policy=round_robin", "--json", "--no-timing", "--no-progress", "--trace-dir",
            rec.toString());
        assertThat(sim.exitCode()).as(sim.err()).isZero();
        final Path out = dir.resolve("out");
        final CliRun replay = CliRun.of("replay", "--trace-dir", rec.toString(), "--json", "--no-timing",
            "--no-progress", "--out", out.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();

        // the simulated run is the simulator's own run: its whole report, but for the variant label, is the same
        final ObjectNode original = (ObjectNode)JSON.readTree(sim.out());
        final ObjectNode simulated = (ObjectNode)JSON.readTree(Files.readString(out.resolve("simulated.json")));
        original.remove("variant");
        simulated.remove("variant");
        assertThat(simulated).isEqualTo(original);

        // and the recorded figures are the report's, so every error is 0
        final JsonNode r = JSON.readTree(replay.out());
        assertThat(r.get("mode").asText()).isEqualTo("replay");
        assertThat(r.get("origin").asText()).isEqualTo("sim");
        assertThat(r.get("requests").asInt()).isEqualTo(400);
        assertThat(r.get("outcomes").asInt()).isEqualTo(400);
        assertThat(r.get("variants")).isEmpty();
        assertThat(r.get("cluster")).isEqualTo(original.at("/cluster/config"));
        for (final String name : ReplayMetrics.NAMES)
        {
            final JsonNode m = r.at("/metrics/" + name);
            assertThat(m.get("recorded").asDouble()).as(name).isEqualTo(m.get("simulated").asDouble());
            assertThat(m.get("error").asDouble()).as(name).isZero();
        }
        final JsonNode m = r.get("metrics");
        assertThat(m.at("/ttft_p50_ms/simulated").asDouble()).isEqualTo(original.at("/ttft_ms/p50").asDouble());
        assertThat(m.at("/ttft_p99_ms/simulated").asDouble()).isEqualTo(original.at("/ttft_ms/p99").asDouble());
        assertThat(m.at("/itl_p50_ms/simulated").asDouble()).isEqualTo(original.at("/itl_ms/p50").asDouble());
        assertThat(m.at("/hit_ratio_total/recorded").asDouble())
            .isEqualTo(original.at("/hits/total_ratio").asDouble()).isPositive();
        assertThat(m.at("/hit_ratio_storage/recorded").asDouble())
            .isEqualTo(original.at("/hits/storage_ratio").asDouble());
        assertThat(m.at("/prefetch_completed/recorded").asLong())
            .isEqualTo(original.at("/prefetch/completed").asLong());
        assertThat(m.at("/requests_per_s/recorded").asDouble())
            .isEqualTo(original.at("/throughput/requests_per_s").asDouble());
        assertThat(m.at("/output_tokens_per_s/recorded").asDouble())
            .isEqualTo(original.at("/throughput/output_tokens_per_s").asDouble());
        assertThat(JSON.readTree(Files.readString(out.resolve("report.json")))).isEqualTo(r);
    }

    @Test
    void aLiveWorkersRecordingReplaysOnItsPageKeysWithItsTierSizesAndAnswersWhatIf() throws Exception
    {
        final Path rec = dir.resolve("live");
        record(rec, serverInfo(), 16);
        final CliRun table = CliRun.of("replay", "--trace-dir", rec.toString(), "--no-progress");
        assertThat(table.exitCode()).as(table.err()).isZero();
        for (final String name : ReplayMetrics.NAMES)
        {
            assertThat(table.out()).contains(name);
        }
        assertThat(table.out()).contains("origin live").contains("12 requests, 12 outcomes");

        final CliRun json = CliRun.of("replay", "--trace-dir", rec.toString(), "--json", "--no-progress",
            "--vary", "serving.prefetch_policy=best_effort,wait_complete");
        assertThat(json.exitCode()).as(json.err()).isZero();
        final JsonNode r = JSON.readTree(json.out());
        assertThat(r.get("recorder").asText()).isEqualTo("server");
        assertThat(r.at("/cluster/nodes").asInt()).isEqualTo(1);
        assertThat(r.at("/cluster/serving/device_pages").asInt()).isEqualTo(500);
        assertThat(r.at("/cluster/serving/host_pages").asInt()).isEqualTo(1500);
        assertThat(r.at("/cluster/serving/page_size").asInt()).isEqualTo(16);
        assertThat(r.at("/cluster/serving/prefetch_policy").asText()).isEqualTo("timeout");
        assertThat(r.at("/cluster/store/global_segment_size_gb").asDouble()).isEqualTo(1.0);
        for (final String name : ReplayMetrics.NAMES)
        {
            assertThat(r.at("/metrics/" + name + "/recorded").isNumber()).as(name).isTrue();
            assertThat(r.at("/metrics/" + name + "/simulated").isNumber()).as(name).isTrue();
        }
        // recorded: turns 2..4 of each of 3 sessions found their history on the device (HdrHistogram: 3 digits)
        assertThat(r.at("/metrics/hit_ratio_device/recorded").asDouble()).isPositive();
        assertThat(r.at("/metrics/prefetch_completed/recorded").asInt()).isEqualTo(3);
        assertThat(r.at("/metrics/ttft_p50_ms/recorded").asDouble()).isCloseTo(40.0, within(0.1));
        // simulated: the shared prefixes of the recorded keys hit as well
        assertThat(r.at("/metrics/hit_ratio_total/simulated").asDouble()).isPositive();
        assertThat(r.get("variants")).hasSize(2);
        assertThat(r.at("/variants/0/variant").asText()).isEqualTo("prefetch_policy=best_effort");
        assertThat(r.at("/variants/1/overrides/serving.prefetch_policy").asText()).isEqualTo("wait_complete");
        assertThat(r.at("/variants/1/metrics/ttft_p50_ms/recorded").asDouble()).isCloseTo(40.0, within(0.1));
    }

    @Test
    void aWorkersStorageFaultKnobsAreNoted() throws Exception
    {
        final Path rec = dir.resolve("faults");
        final ObjectNode info = serverInfo();
        info.put("storage_latency_ms", 5.0);
        info.put("storage_bandwidth", 500_000_000.0);
        record(rec, info, 16);
        final CliRun json = CliRun.of("replay", "--trace-dir", rec.toString(), "--json", "--no-progress");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(JSON.readTree(json.out()).get("notes")).anySatisfy(n -> assertThat(n.asText())
            .contains("does not model").contains("storage_latency_ms 5.0"));
        assertThat(JSON.readTree(json.out()).get("notes")).anySatisfy(n -> assertThat(n.asText())
            .contains("500000000 B/s").contains("nic.gbps"));

        final Path plain = dir.resolve("plain");
        record(plain, serverInfo(), 16);
        final CliRun quiet = CliRun.of("replay", "--trace-dir", plain.toString(), "--json", "--no-progress");
        assertThat(JSON.readTree(quiet.out()).get("notes")).noneSatisfy(n -> assertThat(n.asText())
            .containsAnyOf("storage_latency_ms", "storage_bandwidth"));
    }

    @Test
    void whatTheHeaderLacksIsOneLineAndExitTwo() throws Exception
    {
        final Path router = dir.resolve("router");
        final ObjectNode config = JSON.createObjectNode();
        config.put("policy", "round_robin");
        config.put("page_size", 16);
        config.put("cache_threshold", 0.3);
        config.putArray("worker_urls").add("http://127.0.0.1:30000").add("http://127.0.0.1:30001");
        record(router, config, 16);
        final CliRun missing = CliRun.of("replay", "--trace-dir", router.toString(), "--no-progress");
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(missing.err().lines()).hasSize(1);
        assertThat(missing.err()).startsWith("kvtier replay: ").contains("'model'").contains("--cluster")
            .contains("2 worker URLs");

        final CliRun given = CliRun.of("replay", "--trace-dir", router.toString(), "--cluster", "small-4", "--json",
            "--no-progress");
        assertThat(given.exitCode()).as(given.err()).isZero();
        final JsonNode r = JSON.readTree(given.out());
        assertThat(r.get("recorder").asText()).isEqualTo("router");
        assertThat(r.at("/cluster/nodes").asInt()).isEqualTo(2);
        assertThat(r.at("/cluster/router/policy").asText()).isEqualTo("round_robin");
        assertThat(r.at("/cluster/serving/page_size").asInt()).isEqualTo(16);

        final CliRun recut = CliRun.of("replay", "--trace-dir", router.toString(), "--cluster", "small-4", "--set",
            "serving.page_size=32", "--no-progress");
        assertThat(recut.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(recut.err().lines()).hasSize(1);
        assertThat(recut.err()).contains("serving.page_size");
    }

    /** What {@code /get_server_info} says of a worker with a 500-page device tier and a 1,500-page host tier. */
    private static ObjectNode serverInfo()
    {
        final ObjectNode n = JSON.createObjectNode();
        n.put("model_path", "llama-3-8b");
        n.put("tp_size", 1);
        n.put("page_size", 16);
        n.put("mem_fraction_static", 0.88);
        n.put("max_running_requests", 256);
        n.put("chunked_prefill_size", 8192);
        n.put("enable_hierarchical_cache", true);
        n.put("hicache_ratio", 3.0);
        n.put("hicache_size", 0.0);
        n.put("hicache_write_policy", "write_through");
        n.put("hicache_storage_backend", "mooncake");
        n.put("hicache_storage_prefetch_policy", "timeout");
        n.put("gpu", "H100");
        n.put("compute_time_scale", 1.0);
        n.put("device_pages", 500);
        n.put("host_pages", 1500);
        n.put("page_bytes", 16 * 131_072);
        n.putObject("mooncake").put("global_segment_size", 1L << 30);
        return n;
    }

    /**
     * Records three conversations of four turns, each turn resending its history plus 40 new tokens at {@code
     * pageSize}-token pages (a hash chain of page keys), one every 100 ms, with outcomes: later turns hit their
     * history on the device, each session's second turn prefetched a page from the store.
     */
    private static void record(final Path dir, final ObjectNode config, final int pageSize) throws Exception
    {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (TraceRecorder r = TraceRecorder.open(dir))
        {
            r.writeHeader(new TraceHeader(TraceHeader.ORIGIN_LIVE, "test", 0, "kvtier test", config.toString()));
            long id = 0;
            for (int turn = 0; turn < 4; turn++)
            {
                for (int session = 0; session < 3; session++)
                {
                    final int prompt = 200 + 40 * turn;
                    final List<String> keys = new ArrayList<>();
                    String parent = "session-" + session;
                    for (int p = 0; p < prompt / pageSize; p++)
                    {
                        parent = HexFormat.of().formatHex(sha.digest((parent + "/" + p)
                            .getBytes(StandardCharsets.UTF_8)));
                        keys.add(parent);
                    }
                    final long t = id * 100_000_000L;
                    r.append(new TraceArrival(id, t, prompt, 32, pageSize, null, keys.toArray(new String[0]),
                        session, turn));
                    final int cached = turn == 0 ? 0 : (200 + 40 * (turn - 1)) / pageSize * pageSize;
                    final int storage = turn == 1 ? pageSize : 0;
                    r.append(new TraceOutcome(id, cached - storage, 0, storage, turn == 1 ? "completed" : "none",
                        storage / pageSize, 40_000_000L, 5_000_000L, 40_000_000L + 31 * 5_000_000L, 0, false));
                    id++;
                }
            }
        }
    }
}
