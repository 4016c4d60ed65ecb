package dev.kvtier.live.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.client.SegmentDirectory;
import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.live.config.TransferProtocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * How a worker's Mooncake backend is set up, resolved as SGLang's {@code mooncake_store.py} does: the prefetch keys
 * are popped from {@code --hicache-storage-backend-extra-config} first; then the extra config is the store config if
 * it names {@code master_server_address}, else the JSON file named by {@code SGLANG_HICACHE_MOONCAKE_CONFIG_PATH},
 * else the {@code MOONCAKE_*} environment (which must name the master). The segment is per rank:
 * {@code global_segment_size / tp_size}.
 *
 * @param source                where the store settings came from ("extra-config", the file, or "environment")
 * @param prefetchThreshold     tokens; -1 = the default
 * @param prefetchTimeoutBaseS  seconds; -1 = the default
 * @param prefetchTimeoutPerKiS seconds per 1024 hit tokens; -1 = the default
 * @param prefetchTimeoutMaxS   seconds; -1 = none
 */
public record MooncakeBackendConfig(String source, String localHostname, String metadataServer, String master,
    String protocol, String deviceName, long globalSegmentSize, int prefetchThreshold, double prefetchTimeoutBaseS,
    double prefetchTimeoutPerKiS, double prefetchTimeoutMaxS)
{
    /** SGLang's default segment for the Mooncake backend, 4 GiB. */
    public static final long DEFAULT_SEGMENT = 4L << 30;
    private static final Set<String> STORE_KEYS = Set.of("local_hostname", "metadata_server",
        "global_segment_size", "local_buffer_size", "protocol", "device_name", "master_server_address",
        "master_metrics_port", "check_server", "extra_backend_tag");

    /**
     * @param extraConfig the flag's value: JSON, {@code @file}, or null
     * @throws IllegalArgumentException one line naming the setting and the fix
     */
    public static MooncakeBackendConfig resolve(final String extraConfig, final Map<String, String> env)
        throws IOException
    {
        final ObjectNode extra = extraConfig == null ? new ObjectMapper().createObjectNode()
            : parse("--hicache-storage-backend-extra-config", extraConfig.startsWith("@")
                ? Files.readString(Path.of(extraConfig.substring(1))) : extraConfig);
        final int threshold = extra.has("prefetch_threshold") ? extra.remove("prefetch_threshold").asInt() : -1;
        final double base = popSeconds(extra, "prefetch_timeout_base");
        final double perKi = popSeconds(extra, "prefetch_timeout_per_ki_token");
        final double max = popSeconds(extra, "prefetch_timeout_max");
        extra.remove("hicache_storage_pass_prefix_keys");
        final ObjectNode store;
        final String source;
        if (extra.hasNonNull("master_server_address"))
        {
            store = extra;
            source = "extra-config";
        }
        else if (env.get("SGLANG_HICACHE_MOONCAKE_CONFIG_PATH") != null)
        {
            final String file = env.get("SGLANG_HICACHE_MOONCAKE_CONFIG_PATH");
            store = parse(file, Files.readString(Path.of(file)));
            source = file;
        }
        else
        {
            store = fromEnv(env);
            source = "environment";
        }
        for (final Iterator<String> it = store.fieldNames(); it.hasNext(); )
        {
            final String f = it.next();
            if (!STORE_KEYS.contains(f))
            {
                throw new IllegalArgumentException(source + ": unknown Mooncake backend key '" + f + "'; known: "
                    + String.join(", ", STORE_KEYS.stream().sorted().toList()));
            }
        }
        final String master = text(store, "master_server_address", null);
        if (master == null || master.isBlank())
        {
            throw new IllegalArgumentException("the Mooncake backend needs the master: " + ("environment".equals(source)
                ? "set MOONCAKE_MASTER=host:port (or master_server_address in --hicache-storage-backend-extra-config)"
                : "set master_server_address in " + source));
        }
        final String protocol = text(store, "protocol", TransferProtocol.TCP);
        final String metadata = text(store, "metadata_server", SegmentDirectory.P2P);
        TransferProtocol.check(source, protocol, metadata);
        final long segment = ByteSizes.parse("global_segment_size", text(store, "global_segment_size",
            Long.toString(DEFAULT_SEGMENT)));
        return new MooncakeBackendConfig(source, text(store, "local_hostname", "localhost"), metadata, master,
            protocol, text(store, "device_name", ""), segment, threshold, base, perKi, max);
    }

    private static ObjectNode fromEnv(final Map<String, String> env)
    {
        final ObjectNode n = new ObjectMapper().createObjectNode();
        final String host = env.getOrDefault("MOONCAKE_LOCAL_HOSTNAME", env.get("LOCAL_HOSTNAME"));
        putIf(n, "local_hostname", host);
        putIf(n, "metadata_server", env.get("MOONCAKE_TE_META_DATA_SERVER"));
        putIf(n, "global_segment_size", env.get("MOONCAKE_GLOBAL_SEGMENT_SIZE"));
        putIf(n, "protocol", env.get("MOONCAKE_PROTOCOL"));
        putIf(n, "device_name", env.get("MOONCAKE_DEVICE"));
        putIf(n, "master_server_address", env.get("MOONCAKE_MASTER"));
        return n;
    }

    private static void putIf(final ObjectNode n, final String key, final String value)
    {
        if (value != null)
        {
            n.put(key, value);
        }
    }

    private static ObjectNode parse(final String what, final String json)
    {
        try
        {
            final JsonNode n = new ObjectMapper().readTree(json);
            if (n == null || !n.isObject())
            {
                throw new IllegalArgumentException(what + ": expected a JSON object");
            }
            return (ObjectNode)n;
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalArgumentException(what + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static double popSeconds(final ObjectNode n, final String key)
    {
        final JsonNode v = n.remove(key);
        if (v == null || v.isNull())
        {
            return -1;
        }
        if (!v.isNumber() || v.asDouble() < 0)
        {
            throw new IllegalArgumentException("--hicache-storage-backend-extra-config: '" + key + "' must be a "
                + "number of seconds >= 0, got " + v);
        }
        return v.asDouble();
    }

    private static String text(final JsonNode n, final String key, final String fallback)
    {
        final JsonNode v = n.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }
}
