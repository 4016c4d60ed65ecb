package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.LiveMaster;
import dev.kvtier.model.cost.GpuSpec;
import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.hicache.RadixEvictionPolicy;
import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.tokens.SyntheticTokenizer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live serving worker for tests: a master in the test's process (RPC, metadata service and admin on free ports)
 * and a {@link ServingServer} on a free HTTP port whose L3 is the kvtier store through that master, configured
 * through the {@code env} map as {@code MOONCAKE_*} variables (never the process environment). The worker
 * contributes its own {@link #SEGMENT} to the store, so no separate store service is needed. Settings are small:
 * llama-3-8b pages of {@link Launch#pageSize} tokens (512 KiB at 4), 256 MiB of counted device memory.
 */
final class LiveServing implements AutoCloseable
{
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "llama-3-8b";
    static final String SEGMENT = "128mb";
    /** A hang guard on every HTTP call, not an assertion on time. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    private final LiveMaster master;
    private final ServingServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    /** How a test's worker is launched; fields default to a small worker with the store as L3. */
    static final class Launch
    {
        String storageBackend = "mooncake";
        boolean hierarchicalCache = true;
        PrefetchPolicy prefetchPolicy = PrefetchPolicy.TIMEOUT;
        WritePolicy writePolicy = WritePolicy.WRITE_THROUGH;
        RadixEvictionPolicy evictionPolicy = RadixEvictionPolicy.LRU;
        String memLayout = "page_first";
        int pageSize = 4;
        long deviceMemory = 256L << 20;
        double computeTimeScale;
        double storageLatencyMs;
        String extraConfig;

        Launch backend(final String backend)
        {
            this.storageBackend = backend;
            return this;
        }

        /** A worker with the device tier only: no host tier, no store. */
        Launch deviceOnly()
        {
            this.storageBackend = "none";
            this.hierarchicalCache = false;
            return this;
        }

        Launch eviction(final RadixEvictionPolicy policy)
        {
            this.evictionPolicy = policy;
            return this;
        }

        Launch policy(final PrefetchPolicy policy)
        {
            this.prefetchPolicy = policy;
            return this;
        }

        Launch latencyMs(final double ms)
        {
            this.storageLatencyMs = ms;
            return this;
        }

        Launch deviceMemory(final long bytes)
        {
            this.deviceMemory = bytes;
            return this;
        }

        Launch extra(final String json)
        {
            this.extraConfig = json;
            return this;
        }

        ServerSettings settings()
        {
            return new ServerSettings(MODEL, ModelSpec.preset(MODEL), GpuSpec.preset("H100"), 1, pageSize, 0.88, 256,
                8192, hierarchicalCache, 2.0, 0, writePolicy, evictionPolicy, memLayout, storageBackend, prefetchPolicy,
                extraConfig,
                "127.0.0.1", 0, deviceMemory, computeTimeScale, storageLatencyMs, 0);
        }
    }

    LiveServing(final Launch launch) throws Exception
    {
        this.master = new LiveMaster(MasterConfig.defaults());
        try
        {
            this.server = ServingServer.start(launch.settings(), env(master));
        }
        catch (final Exception | Error e)
        {
            master.close();
            throw e;
        }
    }

    /** The {@code MOONCAKE_*} variables naming {@code master}, its metadata service and a small segment. */
    static Map<String, String> env(final LiveMaster master)
    {
        final Map<String, String> env = new HashMap<>();
        env.put("MOONCAKE_MASTER", master.rpcAddress());
        env.put("MOONCAKE_TE_META_DATA_SERVER", master.metadataUrl());
        env.put("MOONCAKE_LOCAL_HOSTNAME", "127.0.0.1");
        env.put("MOONCAKE_GLOBAL_SEGMENT_SIZE", SEGMENT);
        return env;
    }

    LiveMaster master()
    {
        return master;
    }

    ServingServer server()
    {
        return server;
    }

    URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> post(final String path, final String body) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(HANG_GUARD)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(final String path) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(HANG_GUARD).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs {@code body} to {@code path}, expects 200 and returns the JSON answer. */
    JsonNode postOk(final String path, final JsonNode body) throws IOException, InterruptedException
    {
        final HttpResponse<String> r = post(path, body.toString());
        assertThat(r.statusCode()).as("%s %s: %s", path, body, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** {@code /generate} of {@code prompt} as token ids with {@code maxNewTokens}; expects 200. */
    JsonNode generate(final int[] prompt, final int maxNewTokens) throws IOException, InterruptedException
    {
        return postOk("/generate", generateBody(prompt, maxNewTokens));
    }

    static ObjectNode generateBody(final int[] prompt, final int maxNewTokens)
    {
        final ObjectNode body = JSON.createObjectNode();
        final ArrayNode ids = body.putArray("input_ids");
        for (final int t : prompt)
        {
            ids.add(t);
        }
        body.putObject("sampling_params").put("max_new_tokens", maxNewTokens).put("temperature", 0);
        return body;
    }

    /** {@code /flush_cache}, which must succeed (the worker retries while its backups drain). */
    void flush() throws IOException, InterruptedException
    {
        final HttpResponse<String> r = post("/flush_cache", "");
        assertThat(r.statusCode()).as("/flush_cache: %s", r.body()).isEqualTo(200);
    }

    /**
     * Waits until no page is on its way to L3 ({@code kvtier_backup_pages_pending} is 0): every page written
     * through so far is in the store. Bounded by the hang guard, not a timed assertion.
     */
    void awaitBackups() throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        double pending = metric("kvtier_backup_pages_pending");
        while (pending > 0)
        {
            assertThat(System.nanoTime()).as("%s pages still pending after %s", pending, HANG_GUARD)
                .isLessThan(deadline);
            Thread.sleep(10);
            pending = metric("kvtier_backup_pages_pending");
        }
    }

    String metrics() throws IOException, InterruptedException
    {
        final HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of sample {@code sample} (name with labels, e.g. {@code x_total{outcome="partial"}}). */
    double metric(final String sample) throws IOException, InterruptedException
    {
        return metric(metrics(), sample);
    }

    static double metric(final String text, final String sample)
    {
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(sample + " "))
            {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + sample + " in /metrics:\n" + text);
    }

    /** {@code n} prompt token ids from a seeded stream (ids of text pieces, as the tokenizer makes them). */
    static int[] tokens(final long seed, final int n)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] out = new int[n];
        for (int i = 0; i < n; i++)
        {
            out[i] = random.nextInt(SyntheticTokenizer.WORDS, SyntheticTokenizer.VOCAB);
        }
        return out;
    }

    static int[] ids(final JsonNode array)
    {
        final int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            server.close();
        }
        finally
        {
            master.close();
        }
    }
}
