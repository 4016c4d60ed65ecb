package dev.kvtier.sim.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.HuggingFaceConfig;
import dev.kvtier.workloads.recorded.TraceHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster a recording ran on, as far as its header tells, as a layer of cluster config fields for {@link
 * ClusterLoader#tree(String, JsonNode, Map)}: a replay must simulate the recorded configuration, and a user
 * should only have to name what the header lacks. A simulator's header holds the whole resolved config; a
 * worker's ({@code /get_server_info}) gives its model, tensor parallelism, GPU, page size and tier sizes in pages,
 * policies and store segment (one instance); a router's gives its policy, page size and worker URLs (instances), so
 * the workers' settings must come from {@code --cluster} or {@code --set}. What cannot be derived is an {@link
 * IllegalArgumentException} with one line naming the field.
 */
public final class RecordedCluster
{
    /** Kinds of recorder, from the header. */
    public enum Kind
    {
        /** {@code kvtier sim --trace-dir}. */
        SIM,
        /** {@code kvtier server --trace-dir}. */
        SERVER,
        /** {@code kvtier router --trace-dir}. */
        ROUTER,
        /** Anything else (an imported Mooncake trace): no configuration. */
        NONE
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final Kind kind;
    private final ObjectNode layer;
    private final ModelSpec model;
    private final List<String> notes;

    private RecordedCluster(final Kind kind, final ObjectNode layer, final ModelSpec model, final List<String> notes)
    {
        this.kind = kind;
        this.layer = layer;
        this.model = model;
        this.notes = notes;
    }

    /**
     * What the header of a recording gives.
     *
     * @param cluster   the user's {@code --cluster}, or null
     * @param overrides the user's {@code --set} fields (checked for what the header lacks)
     * @param modelPath the user's {@code --model-path}, or null
     */
    public static RecordedCluster of(final TraceHeader header, final String cluster,
        final Map<String, String> overrides, final Path modelPath)
    {
        final JsonNode config = parse(header.configJson());
        final List<String> notes = new ArrayList<>();
        final ModelSpec userModel = modelPath == null ? null : readModel(modelPath);
        if (config.has("cluster") && TraceHeader.ORIGIN_SIM.equals(header.origin()))
        {
            final ObjectNode layer = (ObjectNode)config.get("cluster").deepCopy();
            final String recordedModel = config.path("model").asText(layer.path("model").asText());
            if (userModel == null && !recordedModel.equalsIgnoreCase(layer.path("model").asText()))
            {
                throw new IllegalArgumentException("the recording's model '" + recordedModel + "' came from a "
                    + "config.json (--model-path), which its header does not hold: give --model-path DIR|config.json");
            }
            return new RecordedCluster(Kind.SIM, layer, userModel, notes);
        }
        if (config.has("model_path"))
        {
            return server(config, userModel, notes);
        }
        final boolean named = cluster != null || overrides.containsKey("model");
        if (config.has("worker_urls"))
        {
            final int workers = config.get("worker_urls").size();
            if (!named)
            {
                throw new IllegalArgumentException("a router recording's header has no 'model' (nor the workers' "
                    + "gpu, tp and tier sizes): give --cluster PRESET|FILE with the workers' settings or --set "
                    + "model=NAME (instances = its " + workers + " worker URLs)");
            }
            final ObjectNode layer = JSON.createObjectNode();
            layer.put("nodes", workers);
            final ObjectNode router = layer.putObject("router");
            copyText(config, "policy", router, "policy");
            copyNumber(config, "cache_threshold", router, "cache_threshold");
            copyNumber(config, "balance_abs_threshold", router, "balance_abs_threshold");
            copyNumber(config, "balance_rel_threshold", router, "balance_rel_threshold");
            copyNumber(config, "page_size", layer.putObject("serving"), "page_size");
            notes.add("instances = the router's " + workers + " worker URLs (nodes = " + workers
                + ", one instance of tp GPUs per node); the workers' settings are --cluster's");
            return new RecordedCluster(Kind.ROUTER, layer, userModel, notes);
        }
        if (!named)
        {
            throw new IllegalArgumentException("the recording's header (origin " + header.origin() + ") has no "
                + "cluster config, not even 'model': give --cluster PRESET|FILE");
        }
        return new RecordedCluster(Kind.NONE, JSON.createObjectNode(), userModel, notes);
    }

    private static RecordedCluster server(final JsonNode info, final ModelSpec userModel, final List<String> notes)
    {
        final ObjectNode layer = JSON.createObjectNode();
        ModelSpec model = userModel;
        final String modelPath = info.get("model_path").asText();
        if (model == null)
        {
            if (isPreset(modelPath))
            {
                layer.put("model", modelPath.toLowerCase(Locale.ROOT));
            }
            else if (Files.exists(Path.of(modelPath)))
            {
                model = readModel(Path.of(modelPath));
            }
            else
            {
                throw new IllegalArgumentException("header field 'model_path' ('" + modelPath + "') is neither a "
                    + "model preset nor a config.json on this machine: give --model-path DIR|config.json");
            }
        }
        final int tp = info.path("tp_size").asInt(1);
        layer.put("nodes", 1);
        layer.put("tp", tp);
        layer.put("gpus_per_node", tp);
        copyText(info, "gpu", layer, "gpu");
        final ObjectNode serving = layer.putObject("serving");
        copyNumber(info, "page_size", serving, "page_size");
        copyNumber(info, "mem_fraction_static", serving, "mem_fraction_static");
        copyNumber(info, "max_running_requests", serving, "max_running_requests");
        copyNumber(info, "chunked_prefill_size", serving, "chunked_prefill_size");
        if (info.path("enable_hierarchical_cache").asBoolean(false))
        {
            copyNumber(info, "hicache_ratio", serving, "hicache_ratio");
            copyNumber(info, "hicache_size", serving, "hicache_size_gb");
        }
        else
        {
            serving.put("hicache_ratio", 0);
            serving.put("hicache_size_gb", 0);
        }
        copyNumber(info, "device_pages", serving, "device_pages");
        copyNumber(info, "host_pages", serving, "host_pages");
        copyText(info, "hicache_write_policy", serving, "write_policy");
        copyText(info, "radix_eviction_policy", serving, "eviction_policy");
        copyText(info, "hicache_storage_prefetch_policy", serving, "prefetch_policy");
        copyNumber(info, "prefetch_threshold", serving, "prefetch_threshold");
        copyNumber(info, "prefetch_timeout_base", serving, "prefetch_timeout_base_s");
        copyNumber(info, "prefetch_timeout_per_ki_token", serving, "prefetch_timeout_per_ki_token_s");
        copyNumber(info, "prefetch_timeout_max", serving, "prefetch_timeout_max_s");
        serving.put("storage", info.hasNonNull("hicache_storage_backend"));
        final JsonNode segment = info.at("/mooncake/global_segment_size");
        if (segment.isNumber())
        {
            layer.putObject("store").put("global_segment_size_gb", segment.asDouble() / GIB);
        }
        final double scale = info.path("compute_time_scale").asDouble(1);
        if (scale > 0 && scale != 1)
        {
            serving.put("compute_time_scale", scale);
        }
        else if (scale != 1)
        {
            notes.add("the worker did not wait for compute (compute_time_scale 0); the simulator times compute by "
                + "the cost model");
        }
        final double latencyMs = info.path("storage_latency_ms").asDouble(0);
        final double bandwidth = info.path("storage_bandwidth").asDouble(0);
        if (latencyMs != 0)
        {
            notes.add("the worker's L3 transfers had an added latency (storage_latency_ms " + latencyMs
                + ") that the simulator does not model");
        }
        if (bandwidth != 0)
        {
            notes.add("the worker's links to its peers' segments ran at storage_bandwidth " + (long)bandwidth
                + " B/s: replay them with nic.gbps × the protocol's efficiency at that rate");
        }
        notes.add("one instance (a worker); the nic is --cluster's or the default"
            + (info.has("prefetch_threshold") ? "" : ", and so are the prefetch thresholds (not in this recording)"));
        return new RecordedCluster(Kind.SERVER, layer, model, notes);
    }

    public Kind kind()
    {
        return kind;
    }

    /** The config fields the header gives. */
    public ObjectNode layer()
    {
        return layer;
    }

    /** The model when it is not a preset (a config.json), else null. */
    public ModelSpec model()
    {
        return model;
    }

    /** What the replay took from elsewhere, or could not model, one sentence each. */
    public List<String> notes()
    {
        return notes;
    }

    /**
     * The full cluster tree: defaults, then {@code cluster}, then the header's fields, then {@code overrides}. A
     * router recording's instances are {@code nodes} of {@code tp} GPUs each, whatever {@code gpus_per_node} the
     * preset had.
     */
    public ObjectNode tree(final String cluster, final Map<String, String> overrides)
    {
        final ObjectNode merged = layer.deepCopy();
        if (kind == Kind.ROUTER && !overrides.containsKey("gpus_per_node"))
        {
            merged.put("gpus_per_node", ClusterLoader.tree(cluster, layer, overrides).get("tp").asInt());
        }
        return ClusterLoader.tree(cluster, merged, overrides);
    }

    private static boolean isPreset(final String name)
    {
        try
        {
            ModelSpec.preset(name);
            return true;
        }
        catch (final IllegalArgumentException e)
        {
            return false;
        }
    }

    private static ModelSpec readModel(final Path path)
    {
        try
        {
            return HuggingFaceConfig.read(path);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyText(final JsonNode from, final String field, final ObjectNode to, final String key)
    {
        if (from.hasNonNull(field))
        {
            to.put(key, from.get(field).asText());
        }
    }

    private static void copyNumber(final JsonNode from, final String field, final ObjectNode to, final String key)
    {
        if (from.path(field).isNumber())
        {
            to.set(key, from.get(field));
        }
    }

    private static JsonNode parse(final String json)
    {
        try
        {
            final JsonNode n = JSON.readTree(json);
            return n == null || !n.isObject() ? JSON.createObjectNode() : n;
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalArgumentException("the recording's header config is not JSON: "
                + e.getOriginalMessage());
        }
    }
}
