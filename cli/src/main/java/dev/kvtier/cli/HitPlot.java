package dev.kvtier.cli;

import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hits.HitResult;
import dev.kvtier.sim.hits.HitScenario;
import dev.kvtier.sim.report.HitReport;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Token-weighted hit ratio against capacity, one line per policy (and topology), with the ideal ceiling. */
final class HitPlot
{
    private HitPlot()
    {
    }

    static byte[] png(final HitReport report) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final XYChart chart = new XYChartBuilder().width(900).height(600)
            .title("Prefix hit ratio vs capacity").xAxisTitle("capacity (512-token blocks)")
            .yAxisTitle("hit ratio (token-weighted)").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        final Map<String, List<double[]>> series = new LinkedHashMap<>();
        double minCap = Double.MAX_VALUE;
        double maxCap = 0;
        boolean anyZero = false;
        for (final HitResult r : report.results())
        {
            final HitScenario s = r.scenario();
            series.computeIfAbsent(label(s, report), k -> new ArrayList<>())
                .add(new double[] {s.capacityBlocks(), r.counts().tokenRatio()});
            minCap = Math.min(minCap, s.capacityBlocks());
            maxCap = Math.max(maxCap, s.capacityBlocks());
            anyZero |= s.capacityBlocks() == 0;
        }
        chart.getStyler().setXAxisLogarithmic(!anyZero && maxCap > minCap);
        for (final Map.Entry<String, List<double[]>> e : series.entrySet())
        {
            final List<double[]> points = e.getValue();
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            final double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
            final double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
            chart.addSeries(e.getKey(), x, y);
        }
        if (maxCap > 0)
        {
            final double ideal = report.ideal().tokenRatio();
            final XYSeries ceiling = chart.addSeries("ideal (unbounded)",
                new double[] {Math.max(minCap, anyZero ? 0 : 1), maxCap}, new double[] {ideal, ideal});
            ceiling.setMarker(SeriesMarkers.NONE);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    private static String label(final HitScenario s, final HitReport report)
    {
        final boolean topology = report.results().stream()
            .anyMatch(r -> r.scenario().nodes() > 1 || r.scenario().placement() == PoolPlacement.LOCAL);
        if (!topology)
        {
            return s.policy().label();
        }
        return s.policy().label() + " " + s.nodes() + "x " + s.placement().label()
            + (s.placement() == PoolPlacement.LOCAL ? " " + s.routing().label() : "");
    }
}
