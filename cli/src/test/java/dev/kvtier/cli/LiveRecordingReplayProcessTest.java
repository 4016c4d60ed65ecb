package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.sim.replay.ReplayMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A real live recording replays: {@code kvtier master} and one {@code kvtier server --trace-dir} (llama-3-8b,
 * 16-token pages, a device tier of about 40 pages and a host tier four times that, the master's store as L3 with a
 * wait_complete prefetch, compute timed by the cost model) serve {@value #SESSIONS} conversations of {@value #TURNS}
 * turns, one request at a time, the sessions taking turns. Each turn resends its whole history (earlier prompts and
 * answers) plus {@value #NEW_TOKENS} new tokens, so by the time a session speaks again the other sessions' pages have
 * pushed its own out of L1 and L2 (the cyclic order defeats LRU) and its history comes back from the store. Then {@code
 * kvtier replay --trace-dir --json} runs through the CLI.
 *
 * <p>What is asserted exactly: every metric has a recorded and a simulated value, and the recorded hits by tier, the
 * storage hit ratio and the prefetch outcome counts are what the HTTP answers reported ({@code meta_info}'s {@code
 * cached_tokens_details} summed over requests, over the prompt tokens). What is asserted loosely: the simulated
 * storage hit ratio is within {@value #STORAGE_BOUND} (5 percentage points) of the recorded one. The simulator
 * replays the recorded arrivals, page keys and tier sizes with the same cost model the worker waits on, so in every
 * run so far its hits by tier equalled the recorded ones to four decimals; but its backups and prefetches are timed
 * by its network model rather than the loopback TCP store, so a page the live worker had not yet backed up when it
 * was evicted (or the simulator had) can move between the storage and miss columns, and the bound allows for that.
 * The store serves little in this shape (about one request in 60 prefetches its history; longer histories are
 * revoked: fewer than {@code prefetch_threshold} of their pages are in the store when asked), which is enough to
 * show that storage hits are recorded and replayed, not to measure the simulator's L3 accuracy. Before each turn
 * the test waits for the worker's {@code kvtier_backup_pages_pending} to reach 0, so what the store holds when a
 * session speaks again does not depend on how fast the backups ran on a loaded machine (when they lagged, that one
 * storage hit was revoked and the store served nothing).
 */
class LiveRecordingReplayProcessTest
{
    private static final int SESSIONS = 10;
    private static final int TURNS = 6;
    private static final int FIRST_TOKENS = 128;
    private static final int NEW_TOKENS = 64;
    private static final int OUTPUT_TOKENS = 4;
    private static final double STORAGE_BOUND = 0.05;
    private static final java.time.Duration HANG_GUARD = java.time.Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLiveWorkersRecordingReplaysWithItsHttpFiguresAsTheRecordedColumn(@TempDir final Path dir) throws Exception
    {
        final Path traceDir = dir.resolve("trace");
        long prompt = 0;
        long device = 0;
        long host = 0;
        long storage = 0;
        final Map<String, Integer> prefetch = new java.util.HashMap<>();
        final JsonNode info;
        try (KvtierProcess master = KvtierProcess.start("kvtier master:", "master", "--enable-http-metadata-server",
            "--rpc-port", "0", "--rpc-address", "127.0.0.1", "--http-metadata-server-port", "0",
            "--http-metadata-server-host", "127.0.0.1", "--metrics-port", "0", "--metrics-host", "127.0.0.1",
            "--enable-metric-reporting=false"))
        {
            final String rpc = master.fromReadyLine("rpc (\\S+:\\d+),");
            final Map<String, String> env = Map.of("MOONCAKE_MASTER", rpc, "MOONCAKE_GLOBAL_SEGMENT_SIZE", "1gb");
            try (KvtierProcess worker = KvtierProcess.start(env, "kvtier server:", "server", "--model-path",
                "llama-3-8b", "--page-size", "16", "--device-memory", "100mb", "--mem-fraction-static", "0.8",
                "--enable-hierarchical-cache", "--hicache-ratio", "4", "--hicache-storage-backend", "mooncake",
                "--hicache-storage-prefetch-policy", "wait_complete", "--port", "0", "--trace-dir",
                traceDir.toString()))
            {
                final String url = worker.fromReadyLine("(http://\\S+:\\d+)");
                info = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/get_server_info")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
                final List<List<Integer>> histories = new ArrayList<>();
                final SplittableRandom random = new SplittableRandom(13);
                for (int s = 0; s < SESSIONS; s++)
                {
                    histories.add(new ArrayList<>());
                }
                for (int turn = 0; turn < TURNS; turn++)
                {
                    for (int s = 0; s < SESSIONS; s++)
                    {
                        final List<Integer> history = histories.get(s);
                        for (int i = 0; i < (turn == 0 ? FIRST_TOKENS : NEW_TOKENS); i++)
                        {
                            history.add(random.nextInt(1000, 100_000));
                        }
                        awaitBackups(url);
                        final JsonNode answer = generate(url, history);
                        final JsonNode meta = answer.path("meta_info");
                        final JsonNode tiers = meta.path("cached_tokens_details");
                        assertThat(meta.path("prompt_tokens").asInt()).isEqualTo(history.size());
                        prompt += history.size();
                        device += tiers.path("device").asLong();
                        host += tiers.path("host").asLong();
                        storage += tiers.path("storage").asLong();
                        prefetch.merge(meta.path("prefetch").asText(), 1, Integer::sum);
                        for (final JsonNode id : answer.path("output_ids"))
                        {
                            history.add(id.asInt());
                        }
                    }
                }
                worker.stop();
            }
        }
        assertThat(storage).as("the store served some history: " + info + " device " + device + " host " + host
            + " prompt " + prompt + " prefetch " + prefetch).isPositive();

        final CliRun replay = CliRun.of("replay", "--trace-dir", traceDir.toString(), "--json", "--no-progress");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        final JsonNode r = JSON.readTree(replay.out());
        assertThat(r.get("origin").asText()).isEqualTo("live");
        assertThat(r.get("recorder").asText()).isEqualTo("server");
        assertThat(r.get("requests").asInt()).isEqualTo(SESSIONS * TURNS);
        assertThat(r.get("outcomes").asInt()).isEqualTo(SESSIONS * TURNS);
        assertThat(r.at("/cluster/serving/device_pages")).isEqualTo(info.get("device_pages"));
        assertThat(r.at("/cluster/serving/host_pages")).isEqualTo(info.get("host_pages"));
        for (final String name : ReplayMetrics.NAMES)
        {
            assertThat(r.at("/metrics/" + name + "/recorded").isNumber()).as(name).isTrue();
            assertThat(r.at("/metrics/" + name + "/simulated").isNumber()).as(name).isTrue();
        }
        final JsonNode m = r.get("metrics");
        assertThat(m.at("/hit_ratio_device/recorded").asDouble()).isCloseTo((double)device / prompt, within(1e-6));
        assertThat(m.at("/hit_ratio_host/recorded").asDouble()).isCloseTo((double)host / prompt, within(1e-6));
        assertThat(m.at("/hit_ratio_storage/recorded").asDouble()).isCloseTo((double)storage / prompt, within(1e-6));
        assertThat(m.at("/hit_ratio_total/recorded").asDouble())
            .isCloseTo((double)(device + host + storage) / prompt, within(1e-6));
        final double storageHit = (double)storage / (prompt - device - host);
        assertThat(m.at("/storage_hit_ratio/recorded").asDouble()).isCloseTo(storageHit, within(1e-6));
        assertThat(m.at("/prefetch_completed/recorded").asInt()).isEqualTo(prefetch.getOrDefault("completed", 0));
        assertThat(m.at("/prefetch_partial/recorded").asInt()).isEqualTo(prefetch.getOrDefault("partial", 0));
        assertThat(m.at("/prefetch_timed_out/recorded").asInt()).isEqualTo(prefetch.getOrDefault("timed_out", 0));
        final double simulated = m.at("/storage_hit_ratio/simulated").asDouble();
        System.out.printf("live recording replayed (prefetch %s): storage hit ratio recorded %.4f simulated %.4f; "
            + "hit ratio device/host/storage recorded %.4f/%.4f/%.4f simulated %.4f/%.4f/%.4f%n", prefetch, storageHit,
            simulated, m.at("/hit_ratio_device/recorded").asDouble(), m.at("/hit_ratio_host/recorded").asDouble(),
            m.at("/hit_ratio_storage/recorded").asDouble(), m.at("/hit_ratio_device/simulated").asDouble(),
            m.at("/hit_ratio_host/simulated").asDouble(), m.at("/hit_ratio_storage/simulated").asDouble());
        assertThat(simulated).as(replay.out()).isCloseTo(storageHit, within(STORAGE_BOUND));
    }

    /**
     * Waits until the worker has no page on its way to the store ({@code kvtier_backup_pages_pending} is 0), so the
     * next turn finds in L3 every page written through before it however slowly the backups ran; a hang guard, not
     * a timed assertion.
     */
    private static void awaitBackups(final String url) throws Exception
    {
        final long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (true)
        {
            final String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            final double pending = sample(metrics, "kvtier_backup_pages_pending");
            if (pending == 0)
            {
                return;
            }
            assertThat(System.nanoTime()).as("backups still pending after %s: %s pages", HANG_GUARD, pending)
                .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static double sample(final String metrics, final String name)
    {
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + name + " in /metrics:\n" + metrics);
    }

    private static JsonNode generate(final String url, final List<Integer> ids) throws Exception
    {
        final StringJoiner tokens = new StringJoiner(",", "[", "]");
        for (final int id : ids)
        {
            tokens.add(Integer.toString(id));
        }
        final HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/generate"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"input_ids\": "
            + tokens + ", \"sampling_params\": {\"max_new_tokens\": " + OUTPUT_TOKENS + ", \"temperature\": 0, "
            + "\"ignore_eos\": true}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }
}
