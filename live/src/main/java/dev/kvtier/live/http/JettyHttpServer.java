package dev.kvtier.live.http;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP front end of kvtier's serving processes (worker and router), on Jetty: a route table of
 * {@code METHOD path} to endpoint, one pooled thread per exchange that may block while a generation runs or
 * streams, and a plain 404/405/500 for everything else. Jetty rather than the JDK's {@code HttpServer} because it is
 * a serving front end: keep-alive and pipelining under load, chunked streaming with back-pressure, bounded pools.
 */
public final class JettyHttpServer implements AutoCloseable
{
    /** One endpoint's work. */
    @FunctionalInterface
    public interface Endpoint
    {
        void handle(HttpExchange exchange) throws Exception;
    }

    private static final System.Logger LOG = System.getLogger(JettyHttpServer.class.getName());
    private final Map<String, Endpoint> routes = new LinkedHashMap<>();
    private final Map<String, Endpoint> prefixes = new LinkedHashMap<>();
    private final Server server;
    private final ServerConnector connector;

    /** @param threads the most exchanges answered at once (streams hold a thread each) */
    public JettyHttpServer(final String host, final int port, final int threads, final String name)
    {
        final QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(threads, 8));
        pool.setName(name);
        pool.setDaemon(true);
        server = new Server(pool);
        // sgl-router's DELETE /workers/{url} carries a URL-encoded URL: its encoded slashes must not be refused
        final HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.LEGACY);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract()
        {
            @Override
            public boolean handle(final Request request, final Response response, final Callback callback)
            {
                dispatch(new HttpExchange(request, response, callback));
                return true;
            }
        });
    }

    /** Routes {@code METHOD path} (e.g. "POST /generate") to {@code endpoint}; before {@link #start}. */
    public JettyHttpServer route(final String methodAndPath, final Endpoint endpoint)
    {
        routes.put(methodAndPath, endpoint);
        return this;
    }

    /** Routes every path under {@code METHOD prefix} (e.g. "DELETE /workers/"). */
    public JettyHttpServer routePrefix(final String methodAndPrefix, final Endpoint endpoint)
    {
        prefixes.put(methodAndPrefix, endpoint);
        return this;
    }

    public JettyHttpServer start()
    {
        try
        {
            server.start();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("cannot listen on " + connector.getHost() + ":" + connector.getPort()
                + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** The bound port (the one the OS picked for port 0). */
    public int port()
    {
        return connector.getLocalPort();
    }

    private void dispatch(final HttpExchange ex)
    {
        try
        {
            final String key = ex.method() + " " + ex.path();
            Endpoint e = routes.get(key);
            if (e == null)
            {
                for (final Map.Entry<String, Endpoint> p : prefixes.entrySet())
                {
                    if (key.startsWith(p.getKey()))
                    {
                        e = p.getValue();
                        break;
                    }
                }
            }
            if (e == null)
            {
                final boolean pathKnown = routes.keySet().stream().anyMatch(r -> r.endsWith(" " + ex.path()));
                ex.json(pathKnown ? 405 : 404, "{\"error\": {\"message\": \"" + (pathKnown ? "method not allowed: "
                    : "not found: ") + ex.method() + " " + ex.path().replace("\"", "") + "\"}}");
                return;
            }
            e.handle(ex);
            if (!ex.answered())
            {
                ex.json(500, "{\"error\": {\"message\": \"no answer\"}}");
            }
        }
        catch (final Throwable t)
        {
            if (ex.streaming())
            {
                LOG.log(System.Logger.Level.DEBUG, "stream to client ended: " + t);
                ex.fail(t);
            }
            else
            {
                LOG.log(System.Logger.Level.WARNING, ex.method() + " " + ex.path() + " failed", t);
                ex.json(500, "{\"error\": {\"message\": \"" + String.valueOf(t.getMessage()).replace("\"", "'")
                    + "\"}}");
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            server.stop();
        }
        catch (final Exception e)
        {
            LOG.log(System.Logger.Level.WARNING, "stopping the HTTP server", e);
        }
    }
}
