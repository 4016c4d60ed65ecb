package dev.kvtier.live.router;

import dev.kvtier.live.http.JettyHttpServer;
import dev.kvtier.live.runtime.LiveRuntime;
import dev.kvtier.live.runtime.NodeRunner;
import dev.kvtier.live.runtime.RemoteLink;
import dev.kvtier.model.engine.Dispatch;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.routing.InstanceHealth;
import dev.kvtier.model.routing.Router;
import dev.kvtier.model.routing.RouterConfig;
import dev.kvtier.model.routing.RoutingPolicy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code kvtier router}: the model's {@link Router} node as a process in front of worker processes. Each HTTP request
 * becomes an {@code InferenceRequest} in the node's ring; the node's {@code Dispatch} names the worker, and the
 * exchange's thread forwards the body there and streams the answer back ({@link RouterApi}); the worker's answer
 * goes back into the node as the request's record, so in-flight counts and trees are the node's as in the
 * simulator. Health checks and failed forwards tell the node which workers to route around.
 */
public final class RouterServer implements AutoCloseable
{
    /** The address the front end sends requests from. */
    static final NodeId CLIENT = new NodeId(LiveRuntime.REMOTE_BASE + 1, "router-front-end");
    private static final int HTTP_THREADS = 512;

    private final RouterSettings settings;
    private final WorkerPool pool = new WorkerPool();
    private final Map<Long, RoutedRequest> pending = new ConcurrentHashMap<>();
    private final LiveRuntime runtime = new LiveRuntime();
    private final Router router;
    private final NodeRunner runner;
    private final RouterMetrics metrics = new RouterMetrics();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService health = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "kvtier-router-health");
        t.setDaemon(true);
        return t;
    });
    private final JettyHttpServer http;
    private final JettyHttpServer prometheus;

    private RouterServer(final RouterSettings settings)
    {
        this.settings = settings;
        final List<NodeId> ids = new ArrayList<>();
        for (final String url : settings.workerUrls())
        {
            final int i = pool.add(url);
            if (i == ids.size())
            {
                ids.add(WorkerPool.id(i, pool.url(i)));
            }
        }
        this.router = new Router(new RouterConfig(settings.policy(), RoutingPolicy.ROUND_ROBIN, ids, List.of(),
            settings.cacheThreshold(), settings.balanceAbsThreshold(), settings.balanceRelThreshold(),
            TimeUnit.SECONDS.toNanos(settings.evictionIntervalSecs()), settings.maxTreeSize(), settings.pageSize(),
            null, 1, 0));
        this.runner = runtime.add("router", router);
        runtime.remote(new RemoteLink()
        {
            @Override
            public void send(final NodeId to, final Message message)
            {
                decided(to, message);
            }

            @Override
            public void expired(final NodeId from, final Message message)
            {
            }
        });
        this.http = new JettyHttpServer(settings.host(), settings.port(), HTTP_THREADS, "kvtier-router-http");
        this.prometheus = settings.prometheusPort() < 0 ? null
            : new JettyHttpServer(settings.prometheusHost(), settings.prometheusPort(), 4, "kvtier-router-metrics");
    }

    /** Starts the node, the health checks and both HTTP ports. */
    public static RouterServer start(final RouterSettings settings)
    {
        final RouterServer s = new RouterServer(settings);
        try
        {
            s.runtime.start();
            new RouterApi(s).routes(s.http);
            s.http.start();
            if (s.prometheus != null)
            {
                s.prometheus.route("GET /metrics", ex -> ex.respond(200, RouterMetrics.contentType(), s.metricsText()));
                s.prometheus.start();
            }
            s.health.scheduleWithFixedDelay(s::checkHealth, settings.healthCheckMs(), settings.healthCheckMs(),
                TimeUnit.MILLISECONDS);
            return s;
        }
        catch (final RuntimeException e)
        {
            s.close();
            throw e;
        }
    }

    /** The node's decisions, on its thread: hand the chosen worker to the waiting exchange. */
    private void decided(final NodeId to, final Message message)
    {
        if (message instanceof Dispatch d)
        {
            final RoutedRequest r = pending.get(d.request().id());
            if (r != null)
            {
                r.decided(WorkerPool.index(to));
            }
        }
        else if (message instanceof RequestRecord rec && rec.aborted() && rec.prefillInstance() < 0)
        {
            final RoutedRequest r = pending.get(rec.id());
            if (r != null)
            {
                r.decided(-1);
            }
        }
    }

    private void checkHealth()
    {
        for (int i = 0; i < pool.size(); i++)
        {
            if (pool.removed(i))
            {
                continue;
            }
            boolean ok;
            try
            {
                final HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(pool.url(i) + "/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                ok = r.statusCode() == 200;
            }
            catch (final java.io.IOException e)
            {
                ok = false;
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return;
            }
            setHealth(i, ok);
        }
    }

    /** Tells the pool and the node whether worker {@code i} can take requests. */
    void setHealth(final int i, final boolean ok)
    {
        if (pool.healthy(i) != ok || ok)
        {
            pool.healthy(i, ok);
            runner.deliver(CLIENT, new InstanceHealth(WorkerPool.id(i, pool.url(i)), pool.healthy(i)), 0);
        }
    }

    String metricsText() throws Exception
    {
        final int[] inFlight = runner.query(() ->
        {
            final int[] out = new int[router.instances().size() + 3];
            for (int i = 0; i < router.instances().size(); i++)
            {
                out[i + 3] = router.inFlight(i);
            }
            out[0] = router.healthyInstances();
            out[1] = (int)router.cacheAwareHits();
            out[2] = (int)router.cacheAwareBalanced();
            return out;
        }).get(10, TimeUnit.SECONDS);
        return metrics.text(pool, inFlight);
    }

    /** Requests in flight per worker, as the node counts them. */
    int[] loads() throws Exception
    {
        return runner.query(() ->
        {
            final int[] out = new int[router.instances().size()];
            for (int i = 0; i < out.length; i++)
            {
                out[i] = router.inFlight(i);
            }
            return out;
        }).get(10, TimeUnit.SECONDS);
    }

    RouterSettings settings()
    {
        return settings;
    }

    WorkerPool pool()
    {
        return pool;
    }

    Map<Long, RoutedRequest> pending()
    {
        return pending;
    }

    NodeRunner runner()
    {
        return runner;
    }

    HttpClient client()
    {
        return client;
    }

    RouterMetrics metrics()
    {
        return metrics;
    }

    public int port()
    {
        return http.port();
    }

    public int prometheusPort()
    {
        return prometheus == null ? -1 : prometheus.port();
    }

    @Override
    public void close()
    {
        health.shutdownNow();
        http.close();
        if (prometheus != null)
        {
            prometheus.close();
        }
        runtime.close();
    }
}
