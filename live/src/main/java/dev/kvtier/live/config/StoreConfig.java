package dev.kvtier.live.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.transport.tcp.rpc.MasterRpcClient;
import dev.kvtier.workloads.json.JsonProblem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    /**
     * Fields of the reference store service that kvtier does not implement, with the value that means "off" (the
     * reference's default), and the environment variable that also sets each: any other value is refused rather than
     * accepted and ignored.
     */
    private static final Map<String, String[]> UNIMPLEMENTED = Map.of(
        "enable_ssd_offload", new String[] {"false", "MOONCAKE_OFFLOAD_ENABLED", "SSD offload"},
        "ssd_offload_path", new String[] {"", "MOONCAKE_OFFLOAD_FILE_STORAGE_PATH", "SSD offload"},
        "tenant_id", new String[] {"default", "MOONCAKE_TENANT_ID", "multi-tenancy"},
        "enable_client_http_server", new String[] {"false", "MOONCAKE_ENABLE_CLIENT_HTTP_SERVER",
            "the client HTTP server"},
        "client_http_port", new String[] {"9300", "MOONCAKE_CLIENT_HTTP_PORT", "the client HTTP server"});

    public StoreConfig
    {
        TransferProtocol.check("store config", protocol, metadataServer);
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

    /** The same setup over another transfer protocol ({@code tcp} or {@code rdma}) and NIC list. */
    public StoreConfig withProtocol(final String transferProtocol, final String devices)
    {
        return new StoreConfig(localHostname, metadataServer, masterServerAddress, transferProtocol, devices,
            globalSegmentSize, localBufferSize, clusterToken);
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
     * Reads a store.json (or none: {@code file} null) and applies the environment, as the reference store service
     * does: with no file, {@code MOONCAKE_MASTER} is required and the rest take the reference's environment defaults
     * ({@code MOONCAKE_LOCAL_HOSTNAME} localhost, {@code MOONCAKE_TE_META_DATA_SERVER} P2PHANDSHAKE).
     *
     * @throws IllegalArgumentException one line naming the field and the fix
     */
    public static StoreConfig load(final Path file, final Map<String, String> env) throws IOException
    {
        return file == null ? parse(null, null, env) : parse(Files.readString(file), file.toString(), env);
    }

    /**
     * Reads a store.json's text (null: the environment alone) and applies the environment; {@code file} names it in
     * errors.
     *
     * @throws IllegalArgumentException one line naming the field and the fix
     */
    public static StoreConfig parse(final String text, final String file, final Map<String, String> env)
    {
        final JsonNode root;
        final String source = text == null ? "environment (no MOONCAKE_CONFIG_PATH or --config)" : file;
        if (text == null)
        {
            root = JSON.createObjectNode();
        }
        else
        {
            try
            {
                root = JSON.readTree(text);
            }
            catch (final com.fasterxml.jackson.core.JsonProcessingException e)
            {
                throw new IllegalArgumentException(file + ": not valid JSON "
                    + JsonProblem.describe(e));
            }
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
        for (final Map.Entry<String, String[]> u : new TreeMap<>(UNIMPLEMENTED).entrySet())
        {
            final String[] off = u.getValue();
            final String value = env.getOrDefault(off[1], text(root, u.getKey(), off[0]));
            if (!value.equalsIgnoreCase(off[0]))
            {
                throw new IllegalArgumentException(source + ": " + u.getKey() + " (" + off[1] + ") = '" + value
                    + "': " + off[2] + " is not implemented in kvtier's store; remove it or set it to '" + off[0]
                    + "'");
            }
        }
        final boolean envOnly = text == null;
        final String host = env.getOrDefault("MOONCAKE_LOCAL_HOSTNAME",
            text(root, "local_hostname", envOnly ? "localhost" : null));
        final String metadata = env.getOrDefault("MOONCAKE_TE_META_DATA_SERVER",
            text(root, "metadata_server", envOnly ? "P2PHANDSHAKE" : null));
        final String master = env.getOrDefault("MOONCAKE_MASTER", text(root, "master_server_address", null));
        require(source, "local_hostname", "MOONCAKE_LOCAL_HOSTNAME", host);
        require(source, "metadata_server", "MOONCAKE_TE_META_DATA_SERVER", metadata);
        require(source, "master_server_address", "MOONCAKE_MASTER", master);
        try
        {
            MasterRpcClient.address(master);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException(source + ": master_server_address (or MOONCAKE_MASTER): "
                + e.getMessage());
        }
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

    private static void require(final String source, final String field, final String env, final String value)
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException(source + ": missing required field '" + field + "' (or " + env + ")");
        }
    }
}
