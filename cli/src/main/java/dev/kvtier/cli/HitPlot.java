package dev.kvtier.cli;

import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hits.HitResult;
import dev.kvtier.sim.hits.HitScenario;
import dev.kvtier.sim.report.HitReport;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Token-weighted hit ratio against capacity, one line per policy (and topology), with the ideal ceiling. */
final class HitPlot
{
    /** One line of the plot: a policy (and topology) and its hit ratio at each capacity. */
    record Curve(String label, double[] capacities, double[] ratios)
    {
    }

    private HitPlot()
    {
    }

    static byte[] png(final HitReport report) throws IOException
    {
        return BitmapEncoder.getBitmapBytes(chart(curves(report), report.ideal().tokenRatio()),
            BitmapEncoder.BitmapFormat.PNG);
    }

    static List<Curve> curves(final HitReport report)
    {
        final Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (final HitResult r : report.results())
        {
            final HitScenario s = r.scenario();
            series.computeIfAbsent(label(s, report), k -> new ArrayList<>())
                .add(new double[] {s.capacityBlocks(), r.counts().tokenRatio()});
        }
        final List<Curve> out = new ArrayList<>();
        for (final Map.Entry<String, List<double[]>> e : series.entrySet())
        {
            final List<double[]> points = e.getValue();
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            out.add(new Curve(e.getKey(), points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray()));
        }
        return out;
    }

    static XYChart chart(final List<Curve> curves, final double ideal)
    {
        final XYChart chart = new XYChartBuilder().width(1000).height(600)
            .title("Prefix hit ratio vs capacity").xAxisTitle("capacity (512-token blocks)")
            .yAxisTitle("hit ratio (token-weighted)").build();
        PlotStyle.apply(chart.getStyler());
        double minCap = Double.MAX_VALUE;
        double maxCap = 0;
        double maxRatio = ideal;
        for (final Curve c : curves)
        {
            for (int i = 0; i < c.capacities().length; i++)
            {
                minCap = Math.min(minCap, c.capacities()[i]);
                maxCap = Math.max(maxCap, c.capacities()[i]);
                maxRatio = Math.max(maxRatio, c.ratios()[i]);
            }
        }
        PlotStyle.logAxes(chart, PlotStyle.logScale(minCap, maxCap));
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Math.min(1.0, Math.max(0.1, Math.ceil(maxRatio * 11) / 10)));
        chart.getStyler().setYAxisDecimalPattern("0.00");
        int i = 0;
        for (final Curve c : curves)
        {
            PlotStyle.series(chart.addSeries(c.label(), c.capacities(), c.ratios()), i++, true);
        }
        if (maxCap > 0)
        {
            PlotStyle.reference(chart.addSeries("ideal (unbounded)", new double[] {minCap, maxCap},
                new double[] {ideal, ideal}));
        }
        return chart;
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
