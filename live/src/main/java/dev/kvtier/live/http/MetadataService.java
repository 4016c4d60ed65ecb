package dev.kvtier.live.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The transfer engine's HTTP metadata service, as the master embeds it ({@code --enable_http_metadata_server}):
 * an in-memory key/value map at {@code <path>?key=}. GET answers the value (404 "metadata not found"), PUT stores
 * it (a changed re-PUT of an {@code rpc_meta} key is refused with 400, an identical one accepted), DELETE removes
 * it; {@code /health} answers "OK". Clients find a segment's data port and host here.
 */
public final class MetadataService implements AutoCloseable
{
    private final Map<String, byte[]> store = new ConcurrentHashMap<>();
    private final HttpServer server;

    public MetadataService(final String host, final int port, final String path) throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(host, port), 128);
        server.createContext(path, this::handle);
        server.createContext("/health", ex -> HttpExchanges.text(ex, 200, "OK"));
        server.setExecutor(Executors.newFixedThreadPool(2, r ->
        {
            final Thread t = new Thread(r, "kvtier-metadata-http");
            t.setDaemon(true);
            return t;
        }));
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

    /** Removes a key directly (the master's cleanup of a dead client's entries). */
    public void delete(final String key)
    {
        store.remove(key);
    }

    private void handle(final HttpExchange ex) throws IOException
    {
        final String key = HttpExchanges.query(ex, "key");
        if (key == null || key.isEmpty())
        {
            HttpExchanges.text(ex, 400, "Missing key parameter");
            return;
        }
        switch (ex.getRequestMethod())
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
                final byte[] body = ex.getRequestBody().readAllBytes();
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
            default -> HttpExchanges.text(ex, 405, "method " + ex.getRequestMethod() + " not allowed; use GET, PUT "
                + "or DELETE");
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
