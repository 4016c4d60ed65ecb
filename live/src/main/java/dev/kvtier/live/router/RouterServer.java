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

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.serving.GenerateBody;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.recorded.TraceRecorder;

import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicLong;
import java.nio.file.Path;

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
    private final AtomicLong traceIds = new AtomicLong(1);
    private volatile TraceRecorder recorder;

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

    /**
     * Takes worker {@code i} out for good: marked removed first (so no health check can bring it back), then the node
     * is told it is unhealthy, whatever the pool's flag said before.
     */
    void remove(final int i)
    {
        pool.remove(i);
        runner.deliver(CLIENT, new InstanceHealth(WorkerPool.id(i, pool.url(i)), false), 0);
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

    /**
     * Records every request from now on into the empty directory {@code dir}, in the recorded-trace format the
     * simulator and the workers write: the router's settings in the header, each request's arrival (page keys at the
     * router's page size) and its outcome as the worker answered it, with latencies seen from the router.
     */
    public void recordTo(final Path dir, final String versions) throws IOException
    {
        final TraceRecorder r = TraceRecorder.open(dir);
        final ObjectNode config = new ObjectMapper().createObjectNode();
        config.put("policy", settings.policy().name().toLowerCase(java.util.Locale.ROOT));
        config.put("page_size", settings.pageSize());
        config.put("cache_threshold", settings.cacheThreshold());
        config.put("balance_abs_threshold", settings.balanceAbsThreshold());
        config.put("balance_rel_threshold", settings.balanceRelThreshold());
        config.putPOJO("worker_urls", settings.workerUrls());
        r.writeHeader(new TraceHeader(TraceHeader.ORIGIN_LIVE, "kvtier router http://" + settings.host() + ":"
            + port(), 0, versions, config.toString()));
        recorder = r;
    }

    /** Records a request's arrival (when recording) and returns its id in the trace. */
    long record(final long arrivalNs, final GenerateBody body, final PageChain chain)
    {
        final long id = traceIds.getAndIncrement();
        final TraceRecorder r = recorder;
        if (r != null)
        {
            final String[] keys = new String[chain.length()];
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = chain.key(i);
            }
            r.append(new TraceArrival(id, arrivalNs, body.prompt().length, body.maxNewTokens(), settings.pageSize(),
                null, keys, TraceArrival.UNKNOWN, TraceArrival.UNKNOWN));
        }
        return id;
    }

    /** Records how request {@code id} ended, as the worker's answer said and the router timed it. */
    void recordOutcome(final long id, final RequestRecord rec, final long ttftNs, final long e2eNs,
        final boolean failed, final String prefetch)
    {
        recordOutcome(id, rec, ttftNs, e2eNs, failed, prefetch, null);
    }

    /**
     * Records how request {@code id} ended, as the worker's answer said and the router timed it, with the page keys
     * of the full pages its output completed (null when the answer did not give its output ids).
     */
    void recordOutcome(final long id, final RequestRecord rec, final long ttftNs, final long e2eNs,
        final boolean failed, final String prefetch, final String[] outputKeys)
    {
        final TraceRecorder r = recorder;
        if (r != null)
        {
            final int out = rec.outputTokens();
            r.append(new TraceOutcome(id, rec.deviceHitTokens(), rec.hostHitTokens(), rec.storageHitTokens(),
                prefetch, (rec.storageHitTokens() + settings.pageSize() - 1) / settings.pageSize(), ttftNs,
                out > 1 ? (e2eNs - ttftNs) / (out - 1) : 0, e2eNs, rec.prefillInstance(), failed || rec.aborted(),
                failed || rec.aborted() ? null : outputKeys));
        }
    }

    /** Whether requests are being recorded ({@code --trace-dir}). */
    boolean recording()
    {
        return recorder != null;
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
        final TraceRecorder r = recorder;
        recorder = null;
        if (r != null)
        {
            r.close();
        }
    }
}
