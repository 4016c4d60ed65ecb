package dev.kvtier.live.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kvtier.live.http.HttpExchanges;
import dev.kvtier.live.http.JdkHttpServers;
import dev.kvtier.live.http.MetricList;
import dev.kvtier.transport.tcp.transfer.TransferServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A store service's metrics endpoint ({@code kvtier store --metrics-port}): {@code GET /metrics} in Prometheus
 * text format with the data port's limits, connections and refusals ({@code kvtier_transfer_*}), and {@code GET
 * /health}, which answers 503 with {@code "ready": false} and the reason once a data port I/O thread has died (the
 * store process then exits, but a probe may ask first). A store has no other HTTP endpoint, so this is off unless
 * asked for; over {@code rdma}, which has no data port, the metrics page is empty and health is always ready. One handler thread; the JDK server's connections and request time are bounded by
 * {@link JdkHttpServers}.
 */
public final class StoreMetricsService implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final TransferServer dataPort;

    /** @param dataPort the store's data port server, or null when it has none */
    public StoreMetricsService(final String host, final int port, final TransferServer dataPort) throws IOException
    {
        this.dataPort = dataPort;
        server = JdkHttpServers.create(host, port, 1, "kvtier-store-metrics");
        server.createContext("/metrics", this::metrics);
        server.createContext("/health", this::health);
    }

    public StoreMetricsService start()
    {
        server.start();
        return this;
    }

    public int port()
    {
        return server.getAddress().getPort();
    }

    private void metrics(final HttpExchange ex) throws IOException
    {
        final MetricList all = new MetricList();
        all.gauge("kvtier_ready", "1 while every data port thread runs, 0 after one died",
            dataPort == null || dataPort.failure() == null ? 1 : 0);
        if (dataPort != null)
        {
            TransferServerMetrics.add(all, dataPort);
        }
        HttpExchanges.respond(ex, 200, MetricList.contentType(), all.text().getBytes(StandardCharsets.UTF_8));
    }

    private void health(final HttpExchange ex) throws IOException
    {
        final Throwable failure = dataPort == null ? null : dataPort.failure();
        final ObjectNode root = JSON.createObjectNode().put("status", failure == null ? "ok" : "failed")
            .put("ready", failure == null);
        if (failure != null)
        {
            root.put("reason", String.valueOf(failure));
        }
        HttpExchanges.respond(ex, failure == null ? 200 : 503, "application/json", JSON.writeValueAsBytes(root));
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
