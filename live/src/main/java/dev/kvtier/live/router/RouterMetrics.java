package dev.kvtier.live.router;

import dev.kvtier.live.http.MetricList;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

import java.io.IOException;

/**
 * The router's Prometheus metrics under sgl-router's names: requests by route, processed requests and running
 * requests per worker, active workers, cache-aware hits and misses, and the generate duration histogram.
 */
final class RouterMetrics
{
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("sgl_router_requests")
        .help("Requests received, by route").labelNames("route").register(registry);
    private final Counter processed = Counter.builder().name("sgl_router_processed_requests")
        .help("Requests answered by a worker, by worker").labelNames("worker").register(registry);
    private final Counter retries = Counter.builder().name("sgl_router_retries")
        .help("Forwards retried after a worker failed").register(registry);
    private final Counter errors = Counter.builder().name("sgl_router_request_errors")
        .help("Requests answered with an error by the router").labelNames("reason").register(registry);
    private final Histogram duration = Histogram.builder().name("sgl_router_generate_duration_seconds")
        .help("Time from receiving a generation request to its last byte").register(registry);

    void request(final String route)
    {
        requests.labelValues(route).inc();
    }

    void processed(final String worker, final double seconds)
    {
        processed.labelValues(worker).inc();
        duration.observe(seconds);
    }

    void retry()
    {
        retries.inc();
    }

    void error(final String reason)
    {
        errors.labelValues(reason).inc();
    }

    /** @param node the node's view: healthy workers, cache-aware hits, balanced picks, then in-flight per worker */
    String text(final WorkerPool pool, final int[] node) throws IOException
    {
        final MetricList all = new MetricList().addAll(registry.scrape());
        all.gauge("sgl_router_active_workers", "Healthy workers", node[0]);
        final GaugeSnapshot.Builder running = GaugeSnapshot.builder().name("sgl_router_running_requests")
            .help("Requests in flight per worker");
        for (int i = 3; i < node.length; i++)
        {
            running.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("worker", pool.url(i - 3))).value(node[i]).build());
        }
        all.add(running.build());
        all.counter("sgl_router_cache_hits", "cache_aware picks that followed a prefix match", node[1]);
        all.counter("sgl_router_cache_balanced", "cache_aware picks made to balance load", node[2]);
        return all.text();
    }

    static String contentType()
    {
        return MetricList.contentType();
    }
}
