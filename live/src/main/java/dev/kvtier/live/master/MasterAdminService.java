package dev.kvtier.live.master;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.kvtier.live.http.HttpExchanges;
import dev.kvtier.live.http.JdkHttpServers;
import dev.kvtier.live.runtime.NodeRunner;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.Segment;
import dev.kvtier.transport.tcp.rpc.ClusterToken;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The master's admin HTTP server ({@code --metrics_port}, 9003): {@code /metrics} in Prometheus text format,
 * {@code /metrics/summary} (upstream's one-line summary), {@code /health}, {@code /get_all_segments} (one segment
 * name per line; SGLang polls it to wait for the store) and {@code /query_key?key=}. Every read of master state runs
 * on the master's own thread. Every endpoint is a read: any other method than GET or HEAD is answered 405, or, with
 * a cluster token set and not presented, 401, so that no request can change the master through this port (and a
 * mutating endpoint added later is behind the token from the start).
 */
public final class MasterAdminService implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final MasterNode node;
    private final MasterServer owner;
    private final ClusterToken token;
    private final NodeRunner runner;
    private final java.util.concurrent.atomic.AtomicLong unauthorized = new java.util.concurrent.atomic.AtomicLong();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MasterAdminService(final String host, final int port, final MasterNode node, final NodeRunner runner,
        final MasterServer owner, final ClusterToken token) throws IOException
    {
        this.owner = owner;
        this.token = token;
        this.node = node;
        this.runner = runner;
        server = JdkHttpServers.create(host, port, 2, "kvtier-master-admin");
        server.createContext("/metrics/summary", readOnly(ex -> HttpExchanges.text(ex, 200,
            onMaster(() -> MasterMetrics.summary(node)) + "\n")));
        server.createContext("/metrics", readOnly(this::metrics));
        server.createContext("/health", readOnly(this::health));
        server.createContext("/get_all_segments", readOnly(this::segments));
        server.createContext("/query_key", readOnly(this::queryKey));
        server.createContext("/", readOnly(ex -> HttpExchanges.text(ex, 404, "no such endpoint\n")));
    }

    /** {@code handler} for GET and HEAD; 401 (token required, not presented) or 405 for any other method. */
    private HttpHandler readOnly(final HttpHandler handler)
    {
        return ex ->
        {
            final String method = ex.getRequestMethod();
            if ("GET".equals(method) || "HEAD".equals(method))
            {
                handler.handle(ex);
            }
            else if (!HttpExchanges.authorized(ex, token))
            {
                unauthorized.incrementAndGet();
                HttpExchanges.text(ex, 401, "cluster token required for " + method + " (header "
                    + ClusterToken.HEADER + ")\n");
            }
            else
            {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                HttpExchanges.text(ex, 405, method + " not allowed: the admin port is read-only\n");
            }
        };
    }

    /** Requests with another method than GET or HEAD refused for want of the cluster token. */
    public long unauthorized()
    {
        return unauthorized.get();
    }

    public MasterAdminService start()
    {
        server.start();
        return this;
    }

    public int port()
    {
        return server.getAddress().getPort();
    }

    private <T> T onMaster(final Supplier<T> query) throws IOException
    {
        try
        {
            return runner.query(query).get(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        catch (final ExecutionException | TimeoutException e)
        {
            throw new IOException("master did not answer: " + e, e);
        }
    }

    /** Upstream's answer while every server thread runs; 503 with {@code ready: false} and why once one died. */
    private void health(final HttpExchange ex) throws IOException
    {
        final Throwable failure = owner.failure();
        if (failure == null)
        {
            HttpExchanges.respond(ex, 200, "application/json",
                "{\"status\":\"ok\",\"role\":\"leader\",\"ha\":false,\"ready\":true}".getBytes());
            return;
        }
        final ObjectNode root = JSON.createObjectNode().put("status", "failed").put("role", "leader").put("ha", false)
            .put("ready", false).put("reason", String.valueOf(failure));
        HttpExchanges.respond(ex, 503, "application/json", JSON.writeValueAsBytes(root));
    }

    private void metrics(final HttpExchange ex) throws IOException
    {
        final MetricSnapshots master = onMaster(() -> MasterMetrics.snapshot(node, runner.self().name(),
            runner.errors()));
        final dev.kvtier.live.http.MetricList all = new dev.kvtier.live.http.MetricList().addAll(master);
        MasterLimitMetrics.add(all, owner);
        final MetricSnapshots snapshots = all.snapshots();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, snapshots);
        HttpExchanges.respond(ex, 200, writer.getContentType(), out.toByteArray());
    }

    private void segments(final HttpExchange ex) throws IOException
    {
        final List<Segment> segments = onMaster(() -> node.service().allSegments());
        final StringBuilder sb = new StringBuilder();
        for (final Segment s : segments)
        {
            sb.append(s.name()).append('\n');
        }
        HttpExchanges.text(ex, 200, sb.toString());
    }

    private void queryKey(final HttpExchange ex) throws IOException
    {
        final String key = HttpExchanges.query(ex, "key");
        if (key == null || key.isEmpty())
        {
            HttpExchanges.text(ex, 400, "Missing key parameter");
            return;
        }
        final List<ReplicaDescriptor> replicas = onMaster(() -> node.service().queryKey(key));
        if (replicas == null || replicas.isEmpty())
        {
            HttpExchanges.text(ex, 404, "key not found: " + key);
            return;
        }
        final ObjectNode root = JSON.createObjectNode().put("key", key);
        final ArrayNode list = root.putArray("replicas");
        for (final ReplicaDescriptor d : replicas)
        {
            list.addObject().put("segment", d.segmentName()).put("buffer_address", d.bufferAddress())
                .put("size", d.size()).put("status", d.status().name());
        }
        HttpExchanges.respond(ex, 200, "application/json", JSON.writeValueAsBytes(root));
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
