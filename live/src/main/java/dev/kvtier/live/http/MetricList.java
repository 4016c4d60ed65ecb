package dev.kvtier.live.http;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of one scrape, built one by one from a node's counters on the node's own thread and written in
 * Prometheus text format by the client library's writer. kvtier's processes export counters they already keep,
 * so a scrape is a snapshot built on demand rather than a registry updated on every event.
 */
public final class MetricList
{
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
    private final List<MetricSnapshot> snapshots = new ArrayList<>();

    public MetricList gauge(final String name, final String help, final double value)
    {
        snapshots.add(GaugeSnapshot.builder().name(name).help(help)
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build());
        return this;
    }

    /** A counter; {@code name} without the {@code _total} the text format adds. */
    public MetricList counter(final String name, final String help, final double value)
    {
        snapshots.add(CounterSnapshot.builder().name(name).help(help)
            .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build());
        return this;
    }

    public MetricList add(final MetricSnapshot snapshot)
    {
        snapshots.add(snapshot);
        return this;
    }

    public MetricList addAll(final Iterable<? extends MetricSnapshot> more)
    {
        for (final MetricSnapshot s : more)
        {
            snapshots.add(s);
        }
        return this;
    }

    public MetricSnapshots snapshots()
    {
        return new MetricSnapshots(snapshots);
    }

    /** The scrape in Prometheus text format 0.0.4. */
    public String text() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        WRITER.write(out, snapshots());
        return out.toString(StandardCharsets.UTF_8);
    }

    public static String contentType()
    {
        return WRITER.getContentType();
    }
}
