package dev.kvtier.live.http;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * kvtier's servers on the JDK's HTTP server ({@code com.sun.net.httpserver}: the metadata service, the master's admin
 * endpoints, a store's metrics), created in one place so that each has its limits and a fixed number of named
 * handler threads. The JDK reads its limits once, from system properties, when its first server is created, so
 * {@link #create} sets kvtier's defaults before that and leaves any property the operator set with {@code -D}. What
 * they bound, on JDK 17.0.15 and 25 alike:
 *
 * <ul>
 *   <li>{@value #MAX_CONNECTIONS} (1,024 per server): connections open at once; one more is closed at accept.
 *       Without it a flood of idle connections grows without bound.</li>
 *   <li>{@code sun.net.httpserver.maxReqTime} (10 s): a request must be read within this, and a connection that
 *       has sent nothing since it was accepted is closed after it too, so idle floods drain by themselves and the
 *       cap refuses newcomers for at most that long.</li>
 *   <li>{@code sun.net.httpserver.maxRspTime} (30 s): a response must be written within this.</li>
 *   <li>{@code sun.net.httpserver.idleInterval} (30 s, the JDK's default): a kept-alive connection idle this long
 *       is closed.</li>
 *   <li>{@code sun.net.httpserver.clockTick} (1 s instead of 10 s): how often idle connections are looked at, so
 *       the 10 s above are not 20.</li>
 * </ul>
 *
 * <p>Not bounded by them: a request being read holds one of the server's handler threads (two for the metadata
 * service and the admin endpoints) until it is complete or {@code maxReqTime} closes it, so a few clients sending
 * their requests slowly delay the others by up to that long.
 */
public final class JdkHttpServers
{
    /** The JDK's connection cap property (read by JDK 17.0.15 and 25; unset or -1 = no cap). */
    public static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
    /** kvtier's default for {@value #MAX_CONNECTIONS}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static
    {
        DEFAULTS.put(MAX_CONNECTIONS, String.valueOf(DEFAULT_MAX_CONNECTIONS));
        DEFAULTS.put("sun.net.httpserver.maxReqTime", "10");
        DEFAULTS.put("sun.net.httpserver.maxRspTime", "30");
        DEFAULTS.put("sun.net.httpserver.idleInterval", "30");
        DEFAULTS.put("sun.net.httpserver.clockTick", "1000");
    }

    private JdkHttpServers()
    {
    }

    /**
     * A server on {@code host:port} (0: a free port) with kvtier's limits and {@code handlerThreads} daemon threads
     * named {@code threadName}; add contexts, then start it.
     */
    public static HttpServer create(final String host, final int port, final int handlerThreads,
        final String threadName) throws IOException
    {
        applyDefaults();
        final HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
        server.setExecutor(Executors.newFixedThreadPool(handlerThreads, r ->
        {
            final Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }));
        return server;
    }

    /** Sets each limit the operator did not; effective only before the JVM's first JDK HTTP server is created. */
    public static synchronized void applyDefaults()
    {
        for (final Map.Entry<String, String> e : DEFAULTS.entrySet())
        {
            if (System.getProperty(e.getKey()) == null)
            {
                System.setProperty(e.getKey(), e.getValue());
            }
        }
    }

    /** The connection cap in effect (per server), as the JDK reads it; -1 when there is none. */
    public static int maxConnections()
    {
        return Integer.getInteger(MAX_CONNECTIONS, -1);
    }
}
