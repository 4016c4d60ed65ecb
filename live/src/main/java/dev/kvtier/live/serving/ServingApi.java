package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.http.HttpExchange;
import dev.kvtier.live.http.JettyHttpServer;
import dev.kvtier.model.engine.FlushCacheReply;
import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.engine.RequestRecord;

import java.util.List;
import java.util.Locale;

/**
 * The worker's HTTP API as SGLang's {@code launch_server} exposes it: {@code /generate} ({@link GenerateApi}), the
 * OpenAI-compatible {@code /v1/*} ({@link OpenAiApi}), health, server and model info, {@code /flush_cache} (L1 and
 * L2; the store keeps L3) and {@code /metrics}.
 */
final class ServingApi
{
    private static final long FLUSH_TIMEOUT_MS = 30_000;

    private final ServingServer server;
    private final GenerateApi generate;
    private final OpenAiApi openAi;

    ServingApi(final ServingServer server)
    {
        this.server = server;
        this.generate = new GenerateApi(server.frontEnd());
        this.openAi = new OpenAiApi(server.frontEnd(), server.settings().modelPath());
    }

    void routes(final JettyHttpServer http)
    {
        http.route("POST /generate", generate::generate)
            .route("POST /v1/completions", openAi::completions)
            .route("POST /v1/chat/completions", openAi::chatCompletions)
            .route("GET /v1/models", openAi::models)
            .route("GET /health", ex -> ex.text(200, ""))
            .route("GET /health_generate", this::healthGenerate)
            .route("GET /get_server_info", this::serverInfo)
            .route("GET /get_model_info", this::modelInfo)
            .route("POST /flush_cache", this::flush)
            .route("GET /flush_cache", this::flush)
            .route("GET /metrics", ex -> ex.respond(200, ServingMetrics.contentType(), server.metricsText()));
    }

    /** One token through the whole worker: healthy only if the scheduler and compute answer. */
    private void healthGenerate(final HttpExchange ex) throws Exception
    {
        final Generation g = server.frontEnd().submit(null, new int[] {1}, 1, List.of());
        final Object end = GenerateApi.awaitEnd(g);
        if (end instanceof RequestRecord)
        {
            ex.text(200, "");
        }
        else
        {
            ex.text(503, ((Generation.Failure)end).reason());
        }
    }

    private void flush(final HttpExchange ex) throws Exception
    {
        final FlushCacheReply reply = server.frontEnd().flush(FLUSH_TIMEOUT_MS);
        if (reply.flushed())
        {
            ex.text(200, "Cache flushed.\nPlease check backend logs for more details. (When there are running or "
                + "waiting requests, the operation will not be performed.)\n");
        }
        else
        {
            ex.text(400, "Cache not flushed: " + reply.reason() + ". Retry when the server is idle.\n");
        }
    }

    private void modelInfo(final HttpExchange ex)
    {
        final ObjectNode n = GenerateApi.JSON.createObjectNode();
        n.put("model_path", server.settings().modelPath());
        n.put("tokenizer_path", "kvtier-synthetic");
        n.put("is_generation", true);
        ex.json(200, n.toString());
    }

    private void serverInfo(final HttpExchange ex)
    {
        ex.json(200, info(server).toString());
    }

    /** The server's settings and derived sizes, as {@code /get_server_info} shows them and a recording's header. */
    static ObjectNode info(final ServingServer server)
    {
        final ServerSettings s = server.settings();
        final ObjectNode n = GenerateApi.JSON.createObjectNode();
        n.put("model_path", s.modelPath());
        n.put("tp_size", s.tpSize());
        n.put("page_size", s.pageSize());
        n.put("mem_fraction_static", s.memFractionStatic());
        n.put("max_running_requests", s.maxRunningRequests());
        n.put("chunked_prefill_size", s.chunkedPrefillSize());
        n.put("enable_hierarchical_cache", s.hierarchicalCache());
        n.put("hicache_ratio", s.hicacheRatio());
        n.put("hicache_size", s.hicacheSizeGb());
        n.put("hicache_write_policy", s.writePolicy().name().toLowerCase(Locale.ROOT));
        n.put("radix_eviction_policy", s.evictionPolicy().label());
        n.put("hicache_mem_layout", s.memLayout());
        n.put("hicache_storage_backend", s.storage() ? s.storageBackend() : null);
        n.put("hicache_storage_prefetch_policy", s.prefetchPolicy().name().toLowerCase(Locale.ROOT));
        final HiCacheConfig cache = server.plan().cache();
        n.put("prefetch_threshold", cache.prefetchThresholdTokens());
        n.put("prefetch_timeout_base", cache.prefetchTimeoutBaseNs() / 1e9);
        n.put("prefetch_timeout_per_ki_token", cache.prefetchTimeoutPerKiNs() / 1e9);
        n.put("prefetch_timeout_max", cache.prefetchTimeoutMaxNs() == Long.MAX_VALUE ? 0
            : cache.prefetchTimeoutMaxNs() / 1e9);
        n.put("host", s.host());
        n.put("port", server.port());
        n.put("device_memory", s.deviceMemory());
        n.put("gpu", s.gpu().name());
        n.put("compute_time_scale", s.computeTimeScale());
        n.put("storage_latency_ms", s.storageLatencyMs());
        n.put("storage_bandwidth", s.storageBandwidth());
        n.put("device_pages", server.plan().cache().devicePages());
        n.put("host_pages", server.plan().cache().hostPages());
        n.put("page_bytes", server.plan().pageBytes());
        final MooncakeBackendConfig b = server.backend();
        if (b != null)
        {
            final ObjectNode m = n.putObject("mooncake");
            m.put("config_source", b.source());
            m.put("master_server_address", b.master());
            m.put("metadata_server", b.metadataServer());
            m.put("global_segment_size", b.globalSegmentSize());
            m.put("local_hostname", b.localHostname());
        }
        n.put("version", "kvtier");
        return n;
    }
}
