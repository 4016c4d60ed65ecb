package dev.kvtier.live.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.config.TransferProtocol;
import dev.kvtier.model.transfer.EndpointDirectory;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.transport.tcp.rpc.ClusterToken;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a segment's bytes can be reached: publishes this process's transfer-engine descriptors
 * ({@code mooncake/ram/<segment>}, {@code mooncake/rpc_meta/<segment>}) to the metadata service and resolves other
 * segments' data ports from it, cached. With {@code P2PHANDSHAKE} there is no service and the segment name itself
 * is {@code host:port}. The live runtime reaches it as its {@link EndpointDirectory}, on transfer threads only,
 * since every miss is an HTTP round trip.
 */
public final class SegmentDirectory implements EndpointDirectory
{
    public static final String P2P = TransferProtocol.P2P;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String metadataUrl;
    private final ClusterToken token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(1500)).build();
    private final Map<String, InetSocketAddress> cache = new ConcurrentHashMap<>();
    private final Map<String, SegmentEndpoint> endpoints = new ConcurrentHashMap<>();

    public SegmentDirectory(final String metadataServer)
    {
        this(metadataServer, ClusterToken.resolve(null, System.getenv()));
    }

    /** @param token sent with every write when set (a metadata service with a token refuses writes without it) */
    public SegmentDirectory(final String metadataServer, final ClusterToken token)
    {
        this.token = token;
        requireSupported(metadataServer);
        this.metadataUrl = metadataServer;
    }

    /** Refuses a metadata server this directory cannot talk to: an http:// URL or P2PHANDSHAKE. */
    public static void requireSupported(final String metadataServer)
    {
        if (metadataServer == null || !P2P.equals(metadataServer) && !metadataServer.startsWith("http://"))
        {
            throw new IllegalArgumentException("metadata_server: '" + metadataServer + "' is not supported; use "
                + "http://host:port/metadata or P2PHANDSHAKE");
        }
    }

    /** Publishes the descriptors of a segment served over TCP on {@code host:dataPort}. */
    public void publish(final String segment, final String host, final int dataPort, final long base,
        final long length) throws IOException
    {
        publish(new SegmentEndpoint(segment, "tcp", host, dataPort, base, length));
    }

    /**
     * Publishes {@code mooncake/ram/<segment>} (protocol, the buffer's range and, over RDMA, its packed remote key
     * in the buffer's {@code rkey} list and the engine's UCX worker address, where Mooncake keeps its verbs
     * {@code devices}) and {@code mooncake/rpc_meta/<segment>}.
     */
    @Override
    public void publish(final SegmentEndpoint endpoint) throws IOException
    {
        if (P2P.equals(metadataUrl))
        {
            return;
        }
        final ObjectNode ram = JSON.createObjectNode();
        ram.put("name", endpoint.segment()).put("protocol", endpoint.protocol());
        final ObjectNode buffer = ram.putArray("buffers").addObject().put("name", "cpu:0")
            .put("addr", endpoint.base()).put("length", endpoint.length());
        if (!endpoint.remoteKey().isEmpty())
        {
            buffer.putArray("rkey").add(endpoint.remoteKey());
            ram.put("ucx_worker_address", endpoint.workerAddress());
        }
        else
        {
            ram.put("tcp_data_port", endpoint.port()).put("tcp_proto_version", 2);
        }
        ram.put("timestamp", Instant.now().toString());
        put("mooncake/ram/" + endpoint.segment(), JSON.writeValueAsString(ram));
        final ObjectNode rpc = JSON.createObjectNode().put("ip_or_host_name", endpoint.host())
            .put("rpc_port", endpoint.port());
        put("mooncake/rpc_meta/" + endpoint.segment(), JSON.writeValueAsString(rpc));
    }

    @Override
    public void withdraw(final String segment)
    {
        unpublish(segment);
    }

    @Override
    public SegmentEndpoint cached(final String segment)
    {
        return endpoints.get(segment);
    }

    /** The whole descriptor of {@code segment}: data port, host and exposed range (P2P: host and port only). */
    @Override
    public SegmentEndpoint lookup(final String segment) throws IOException
    {
        final SegmentEndpoint known = endpoints.get(segment);
        if (known != null)
        {
            return known;
        }
        final SegmentEndpoint e;
        if (P2P.equals(metadataUrl))
        {
            final InetSocketAddress addr = resolve(segment);
            e = new SegmentEndpoint(segment, "tcp", addr.getHostString(), addr.getPort(), 0, 0);
        }
        else
        {
            e = endpointOf(segment, get("mooncake/rpc_meta/" + segment), get("mooncake/ram/" + segment));
        }
        endpoints.put(segment, e);
        return e;
    }

    /**
     * Publishes {@code endpoint} again if the metadata service no longer has it (it restarted, or its entry was
     * removed): the live runtime calls this periodically for every segment it exposes, so a store recovers from a
     * master or metadata restart without being restarted itself.
     *
     * @return true if it had to publish
     */
    @Override
    public boolean republishIfMissing(final SegmentEndpoint endpoint) throws IOException
    {
        if (P2P.equals(metadataUrl))
        {
            return false;
        }
        final HttpResponse<String> r = send(request("mooncake/ram/" + endpoint.segment()).GET().build());
        if (r.statusCode() == 200)
        {
            return false;
        }
        if (r.statusCode() != 404)
        {
            throw new IOException("metadata GET mooncake/ram/" + endpoint.segment() + " answered " + r.statusCode()
                + ": " + r.body());
        }
        publish(endpoint);
        return true;
    }

    /**
     * A segment's endpoint from its two descriptors as the metadata service holds them.
     *
     * @throws IOException when either is not JSON or lacks a host, a data port in [1, 65535] or a buffer range
     */
    public static SegmentEndpoint endpointOf(final String segment, final String rpcMeta, final String ramMeta)
        throws IOException
    {
        final JsonNode rpc = JSON.readTree(rpcMeta);
        final JsonNode ram = JSON.readTree(ramMeta);
        if (rpc == null || ram == null || !rpc.isObject() || !ram.isObject())
        {
            throw new IOException("descriptors of segment " + segment + " are not JSON objects");
        }
        final String host = rpc.path("ip_or_host_name").asText("");
        final int port = ram.path("tcp_data_port").asInt(0);
        final JsonNode buffer = ram.path("buffers").path(0);
        final long addr = buffer.path("addr").asLong();
        final long length = buffer.path("length").asLong();
        final String protocol = ram.path("protocol").asText("tcp");
        // a segment served over rdma has no TCP data port: its peers reach it through the UCX worker address
        final boolean needsPort = !"rdma".equals(protocol);
        if (host.isEmpty() || needsPort && (port < 1 || port > 65_535) || port < 0 || port > 65_535 || length < 0)
        {
            throw new IOException("descriptors of segment " + segment + " lack a host, a data port in [1, 65535] "
                + "or a buffer length >= 0 (host '" + host + "', port " + port + ", length " + length + ")");
        }
        return new SegmentEndpoint(segment, protocol, host, port, addr, length,
            ram.path("ucx_worker_address").asText(""), buffer.path("rkey").path(0).asText(""));
    }

    /** Removes a segment's descriptors (on a clean close). */
    public void unpublish(final String segment)
    {
        if (P2P.equals(metadataUrl))
        {
            return;
        }
        for (final String key : new String[] {"mooncake/ram/" + segment, "mooncake/rpc_meta/" + segment})
        {
            try
            {
                http.send(request(key).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            }
            catch (final IOException e)
            {
                // best effort: the service may already be gone
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The data-plane address of {@code segment}. */
    public InetSocketAddress resolve(final String segment) throws IOException
    {
        final InetSocketAddress known = cache.get(segment);
        if (known != null)
        {
            return known;
        }
        final InetSocketAddress addr;
        if (P2P.equals(metadataUrl))
        {
            final int colon = segment.lastIndexOf(':');
            addr = new InetSocketAddress(segment.substring(0, colon), Integer.parseInt(segment.substring(colon + 1)));
        }
        else
        {
            final JsonNode rpc = JSON.readTree(get("mooncake/rpc_meta/" + segment));
            final JsonNode ram = JSON.readTree(get("mooncake/ram/" + segment));
            addr = new InetSocketAddress(rpc.path("ip_or_host_name").asText(), ram.path("tcp_data_port").asInt());
        }
        cache.put(segment, addr);
        return addr;
    }

    /** Forgets a cached address (after a transfer to it failed). */
    @Override
    public void invalidate(final String segment)
    {
        cache.remove(segment);
        endpoints.remove(segment);
    }

    private HttpRequest.Builder request(final String key)
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(metadataUrl + "?key=" + URLEncoder.encode(key,
            StandardCharsets.UTF_8))).timeout(Duration.ofMillis(3000));
        return token.enabled() ? b.header(ClusterToken.HEADER, token.value()) : b;
    }

    private void put(final String key, final String value) throws IOException
    {
        final HttpResponse<String> r = send(request(key).PUT(HttpRequest.BodyPublishers.ofString(value)).build());
        if (r.statusCode() != 200)
        {
            throw new IOException("metadata PUT " + key + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private String get(final String key) throws IOException
    {
        final HttpResponse<String> r = send(request(key).GET().build());
        if (r.statusCode() != 200)
        {
            throw new IOException("segment not published at " + metadataUrl + " (" + key + " answered "
                + r.statusCode() + ")");
        }
        return r.body();
    }

    private HttpResponse<String> send(final HttpRequest req) throws IOException
    {
        try
        {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        catch (final IOException e)
        {
            throw new IOException("metadata service " + metadataUrl + " unreachable: " + IoErrors.describe(e), e);
        }
    }
}
