package dev.kvtier.live.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kvtier.transport.tcp.rpc.ClusterToken;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transfer engine's HTTP metadata service, as the master embeds it ({@code --enable_http_metadata_server}):
 * an in-memory key/value map at {@code <path>?key=}. GET answers the value (404 "metadata not found"), PUT stores
 * it (a changed re-PUT of an {@code rpc_meta} key is refused with 400, an identical one accepted), DELETE removes
 * it; {@code /health} answers "OK". Clients find a segment's data port and host here.
 *
 * <p>Bounded: a PUT body over {@code maxBodyBytes} (declared or read) is answered 413 and not stored, without
 * reading it whole; two handler threads serve every connection; connections, request and idle time are bounded
 * by {@link JdkHttpServers}. With a cluster token, PUT and DELETE need it
 * ({@value ClusterToken#HEADER} or {@code Authorization: Bearer}) and are answered 401 otherwise; reads stay open,
 * as upstream clients read descriptors without one.
 */
public final class MetadataService implements AutoCloseable
{
    /**
     * Default body limit: 1 MiB. A segment's descriptors are a few hundred bytes (upstream's RDMA descriptors, with
     * one entry per registered buffer and NIC, stay within tens of KiB).
     */
    public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

    private final Map<String, byte[]> store = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final long maxBodyBytes;
    private final ClusterToken token;
    private final AtomicLong tooLarge = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();

    public MetadataService(final String host, final int port, final String path) throws IOException
    {
        this(host, port, path, DEFAULT_MAX_BODY_BYTES, ClusterToken.NONE);
    }

    public MetadataService(final String host, final int port, final String path, final long maxBodyBytes,
        final ClusterToken token) throws IOException
    {
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("metadata body limit must be in [1, 2 GiB), got " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
        this.token = token;
        server = JdkHttpServers.create(host, port, 2, "kvtier-metadata-http");
        server.createContext(path, this::handle);
        server.createContext("/health", ex -> HttpExchanges.text(ex, 200, "OK"));
    }

    public MetadataService start()
    {
        server.start();
        return this;
    }

    public int port()
    {
        return server.getAddress().getPort();
    }

    public long maxBodyBytes()
    {
        return maxBodyBytes;
    }

    /** PUTs answered 413 because their body was over the limit. */
    public long tooLarge()
    {
        return tooLarge.get();
    }

    /** Writes answered 401 because the cluster token was missing or wrong. */
    public long unauthorized()
    {
        return unauthorized.get();
    }

    /** Removes a key directly (the master's cleanup of a dead client's entries). */
    public void delete(final String key)
    {
        store.remove(key);
    }

    /** The body, or null if it is over the limit (then 413 has been answered). */
    private byte[] body(final HttpExchange ex) throws IOException
    {
        final String declared = ex.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null)
        {
            try
            {
                length = Long.parseLong(declared.trim());
            }
            catch (final NumberFormatException e)
            {
                length = Long.MAX_VALUE;
            }
        }
        if (length > maxBodyBytes)
        {
            return tooLarge(ex, length);
        }
        try (InputStream in = ex.getRequestBody())
        {
            final byte[] b = in.readNBytes((int)maxBodyBytes + 1);
            if (b.length > maxBodyBytes)
            {
                return tooLarge(ex, -1);
            }
            return b;
        }
    }

    private byte[] tooLarge(final HttpExchange ex, final long declared) throws IOException
    {
        tooLarge.incrementAndGet();
        ex.getResponseHeaders().set("Connection", "close");
        HttpExchanges.text(ex, 413, "metadata body " + (declared >= 0 ? "of " + declared + " bytes " : "")
            + "exceeds the " + maxBodyBytes + "-byte limit (--metadata-max-body-bytes)");
        return null;
    }

    private void handle(final HttpExchange ex) throws IOException
    {
        final String key = HttpExchanges.query(ex, "key");
        if (key == null || key.isEmpty())
        {
            HttpExchanges.text(ex, 400, "Missing key parameter");
            return;
        }
        final String method = ex.getRequestMethod();
        if (("PUT".equals(method) || "DELETE".equals(method)) && !HttpExchanges.authorized(ex, token))
        {
            unauthorized.incrementAndGet();
            ex.getResponseHeaders().set("Connection", "close");
            HttpExchanges.text(ex, 401, "cluster token required for " + method + " (header " + ClusterToken.HEADER
                + ")");
            return;
        }
        switch (method)
        {
            case "GET" ->
            {
                final byte[] v = store.get(key);
                if (v == null)
                {
                    HttpExchanges.text(ex, 404, "metadata not found");
                }
                else
                {
                    HttpExchanges.respond(ex, 200, "application/json", v);
                }
            }
            case "PUT" ->
            {
                final byte[] body = body(ex);
                if (body == null)
                {
                    return;
                }
                final byte[] old = store.get(key);
                if (old != null && Arrays.equals(old, body))
                {
                    HttpExchanges.text(ex, 200, "metadata unchanged");
                }
                else if (old != null && key.contains("rpc_meta"))
                {
                    HttpExchanges.text(ex, 400, "Duplicate rpc_meta key not allowed");
                }
                else
                {
                    store.put(key, body);
                    HttpExchanges.text(ex, 200, "metadata updated");
                }
            }
            case "DELETE" ->
            {
                if (store.remove(key) == null)
                {
                    HttpExchanges.text(ex, 404, "metadata not found");
                }
                else
                {
                    HttpExchanges.text(ex, 200, "metadata deleted");
                }
            }
            default -> HttpExchanges.text(ex, 405, "method " + method + " not allowed; use GET, PUT or DELETE");
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
