package dev.kvtier.live.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A store client's setup, with the reference store service's JSON field names and defaults
 * ({@code local_hostname}, {@code metadata_server}, {@code master_server_address}, {@code protocol},
 * {@code device_name}, {@code global_segment_size}, {@code local_buffer_size}; sizes also as "4gb"). The
 * {@code MOONCAKE_*} environment variables override the file where they apply.
 *
 * @param globalSegmentSize bytes this process contributes to the pool; 0 = pure client
 * @param localBufferSize   registered staging buffer for the copying {@code put}/{@code get}
 * @param clusterToken      the cluster's shared secret ({@code cluster_token}, env {@code KVTIER_CLUSTER_TOKEN});
 *                          empty = none, as upstream
 */
public record StoreConfig(
    String localHostname,
    String metadataServer,
    String masterServerAddress,
    String protocol,
    String deviceName,
    long globalSegmentSize,
    long localBufferSize,
    String clusterToken)
{
    /** The store service's default segment, 3.125 GiB. */
    public static final long DEFAULT_GLOBAL_SEGMENT_SIZE = 3_355_443_200L;
    public static final long DEFAULT_LOCAL_BUFFER_SIZE = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KNOWN = Set.of("local_hostname", "metadata_server", "master_server_address",
        "protocol", "device_name", "global_segment_size", "local_buffer_size", "enable_ssd_offload",
        "ssd_offload_path", "tenant_id", "enable_client_http_server", "client_http_port", "cluster_token");

    /** Without a cluster token (or with the one the environment gives). */
    public StoreConfig(final String localHostname, final String metadataServer, final String masterServerAddress,
        final String protocol, final String deviceName, final long globalSegmentSize, final long localBufferSize)
    {
        this(localHostname, metadataServer, masterServerAddress, protocol, deviceName, globalSegmentSize,
            localBufferSize, "");
    }

    public StoreConfig
    {
        if (!"tcp".equals(protocol))
        {
            throw new IllegalArgumentException("protocol: '" + protocol + "' is not available in this build; use "
                + "\"tcp\"");
        }
        if (globalSegmentSize < 0 || localBufferSize < 0)
        {
            throw new IllegalArgumentException("global_segment_size and local_buffer_size must be >= 0");
        }
        if (localBufferSize > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("local_buffer_size: at most 2 GiB per staging buffer, got "
                + localBufferSize);
        }
    }

    /** A client-only (or segment-contributing) setup for code that builds one directly. */
    public static StoreConfig of(final String master, final String metadata, final long segment, final long buffer)
    {
        return new StoreConfig("localhost", metadata, master, "tcp", "", segment, buffer);
    }

    public StoreConfig withSegment(final long bytes)
    {
        return new StoreConfig(localHostname, metadataServer, masterServerAddress, protocol, deviceName, bytes,
            localBufferSize, clusterToken);
    }

    public StoreConfig withClusterToken(final String token)
    {
        return new StoreConfig(localHostname, metadataServer, masterServerAddress, protocol, deviceName,
            globalSegmentSize, localBufferSize, token);
    }

    /**
     * Reads a store.json and applies the environment.
     *
     * @throws IllegalArgumentException one line naming the field and the fix
     */
    public static StoreConfig load(final Path file, final Map<String, String> env) throws IOException
    {
        return parse(Files.readString(file), file.toString(), env);
    }

    /**
     * Reads a store.json's text and applies the environment; {@code source} names it in errors.
     *
     * @throws IllegalArgumentException one line naming the field and the fix
     */
    public static StoreConfig parse(final String text, final String source, final Map<String, String> env)
    {
        final String file = source;
        final JsonNode root;
        try
        {
            root = JSON.readTree(text);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException e)
        {
            throw new IllegalArgumentException(file + ": not valid JSON (line " + e.getLocation().getLineNr()
                + "): " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject())
        {
            throw new IllegalArgumentException(file + ": expected a JSON object with local_hostname, "
                + "metadata_server and master_server_address");
        }
        for (final Iterator<String> it = root.fieldNames(); it.hasNext(); )
        {
            final String f = it.next();
            if (!KNOWN.contains(f))
            {
                throw new IllegalArgumentException(file + ": unknown field '" + f + "'; known fields: "
                    + String.join(", ", KNOWN.stream().sorted().toList()));
            }
        }
        final String host = env.getOrDefault("MOONCAKE_LOCAL_HOSTNAME", text(root, "local_hostname", null));
        final String metadata = env.getOrDefault("MOONCAKE_TE_META_DATA_SERVER", text(root, "metadata_server", null));
        final String master = env.getOrDefault("MOONCAKE_MASTER", text(root, "master_server_address", null));
        require(file, "local_hostname", host);
        require(file, "metadata_server", metadata);
        require(file, "master_server_address", master);
        final String protocol = env.getOrDefault("MOONCAKE_PROTOCOL", text(root, "protocol", "tcp"));
        final String device = env.getOrDefault("MOONCAKE_DEVICE", text(root, "device_name", ""));
        final long segment = ByteSizes.parse("global_segment_size", env.getOrDefault("MOONCAKE_GLOBAL_SEGMENT_SIZE",
            text(root, "global_segment_size", Long.toString(DEFAULT_GLOBAL_SEGMENT_SIZE))));
        final long buffer = ByteSizes.parse("local_buffer_size", env.getOrDefault("MOONCAKE_LOCAL_BUFFER_SIZE",
            text(root, "local_buffer_size", Long.toString(DEFAULT_LOCAL_BUFFER_SIZE))));
        final String token = env.getOrDefault("KVTIER_CLUSTER_TOKEN", text(root, "cluster_token", ""));
        return new StoreConfig(host, metadata, master, protocol, device, segment, buffer, token);
    }

    private static String text(final JsonNode root, final String field, final String fallback)
    {
        final JsonNode n = root.get(field);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    private static void require(final String file, final String field, final String value)
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException(file + ": missing required field '" + field + "'");
        }
    }
}
