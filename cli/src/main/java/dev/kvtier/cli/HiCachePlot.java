package dev.kvtier.cli;

import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.sim.hicache.HiCacheResult;
import dev.kvtier.sim.hicache.HiCacheScenario;
import dev.kvtier.sim.report.HiCacheReport;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Plots of a clock-free HiCache replay: page hits by tier stacked per variant, and per policy a heat map of the
 * L1+L2 hit ratio over the L1 × L2 grid.
 */
final class HiCachePlot
{
    private HiCachePlot()
    {
    }

    static byte[] hitsByTier(final HiCacheReport report) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final CategoryChart chart = new CategoryChartBuilder().width(1000).height(600)
            .title("Page hits by tier").yAxisTitle("share of page references").build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setXAxisLabelRotation(report.results().size() > 4 ? 45 : 0);
        final List<String> labels = new ArrayList<>();
        final List<Double> l1 = new ArrayList<>();
        final List<Double> l2 = new ArrayList<>();
        final List<Double> l3 = new ArrayList<>();
        for (final HiCacheResult r : report.results())
        {
            labels.add(label(r.scenario(), report));
            l1.add(r.counts().l1Ratio());
            l2.add(r.counts().l1L2Ratio() - r.counts().l1Ratio());
            l3.add(r.counts().l3Ratio());
        }
        chart.addSeries("L1 (device)", labels, l1);
        chart.addSeries("L2 (host)", labels, l2);
        chart.addSeries("L3 (store)", labels, l3);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * One heat map per policy whose variants span at least two L1 or two L2 sizes, over the variants with the first
     * L3 size and topology given; keyed by the policy's name.
     */
    static Map<String, byte[]> heatMaps(final HiCacheReport report) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final Map<String, byte[]> maps = new LinkedHashMap<>();
        if (report.results().isEmpty())
        {
            return maps;
        }
        final HiCacheScenario first = report.results().get(0).scenario();
        final Map<WritePolicy, List<HiCacheResult>> byPolicy = new LinkedHashMap<>();
        for (final HiCacheResult r : report.results())
        {
            final HiCacheScenario s = r.scenario();
            if (s.l3Pages() == first.l3Pages() && s.nodes() == first.nodes() && s.placement() == first.placement()
                && s.routing() == first.routing())
            {
                byPolicy.computeIfAbsent(s.policy(), k -> new ArrayList<>()).add(r);
            }
        }
        for (final Map.Entry<WritePolicy, List<HiCacheResult>> e : byPolicy.entrySet())
        {
            final TreeSet<Integer> l1 = new TreeSet<>();
            final TreeSet<Integer> l2 = new TreeSet<>();
            for (final HiCacheResult r : e.getValue())
            {
                l1.add(r.scenario().l1Pages());
                l2.add(r.scenario().l2Pages());
            }
            if (l1.size() < 2 && l2.size() < 2)
            {
                continue;
            }
            final List<Integer> xs = new ArrayList<>(l1);
            final List<Integer> ys = new ArrayList<>(l2);
            final List<Number[]> cells = new ArrayList<>();
            for (final HiCacheResult r : e.getValue())
            {
                cells.add(new Number[] {xs.indexOf(r.scenario().l1Pages()), ys.indexOf(r.scenario().l2Pages()),
                    Math.round(r.counts().l1L2Ratio() * 10_000) / 10_000.0});
            }
            final HeatMapChart chart = new HeatMapChartBuilder().width(900).height(700)
                .title("L1+L2 page hit ratio, " + e.getKey().cliName()).xAxisTitle("L1 pages")
                .yAxisTitle("L2 pages").build();
            chart.getStyler().setShowValue(xs.size() * ys.size() <= 144);
            chart.getStyler().setMin(0);
            chart.getStyler().setMax(Math.max(0.01, Math.ceil(report.ideal().blockRatio() * 100) / 100));
            chart.addSeries("L1+L2 hit ratio", xs, ys, cells);
            maps.put(e.getKey().cliName(), BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        }
        return maps;
    }

    private static String label(final HiCacheScenario s, final HiCacheReport report)
    {
        final StringBuilder sb = new StringBuilder(s.policy().cliName());
        final HiCacheScenario first = report.results().get(0).scenario();
        final boolean sizes = report.results().stream().anyMatch(r -> r.scenario().l1Pages() != first.l1Pages()
            || r.scenario().l2Pages() != first.l2Pages() || r.scenario().l3Pages() != first.l3Pages());
        if (sizes)
        {
            sb.append(' ').append(s.l1Pages()).append('/').append(s.l2Pages()).append('/').append(s.l3Pages());
        }
        final boolean topology = report.results().stream().anyMatch(r -> r.scenario().nodes() != first.nodes()
            || r.scenario().placement() != first.placement() || r.scenario().routing() != first.routing());
        if (topology)
        {
            sb.append(' ').append(s.nodes()).append("x ").append(s.placement().label());
        }
        return sb.toString();
    }
}
