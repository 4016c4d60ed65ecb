package dev.kvtier.live.store;

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
 * text format with the data port's limits, connections and refusals ({@code kvtier_transfer_*}). A store has no
 * other HTTP endpoint, so this is off unless asked for; over {@code rdma}, which has no data port, the page is
 * empty. One handler thread; the JDK server's connections and request time are bounded by
 * {@link JdkHttpServers}.
 */
public final class StoreMetricsService implements AutoCloseable
{
    private final HttpServer server;
    private final TransferServer dataPort;

    /** @param dataPort the store's data port server, or null when it has none */
    public StoreMetricsService(final String host, final int port, final TransferServer dataPort) throws IOException
    {
        this.dataPort = dataPort;
        server = JdkHttpServers.create(host, port, 1, "kvtier-store-metrics");
        server.createContext("/metrics", this::metrics);
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
        if (dataPort != null)
        {
            TransferServerMetrics.add(all, dataPort);
        }
        HttpExchanges.respond(ex, 200, MetricList.contentType(), all.text().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
