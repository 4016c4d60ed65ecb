package dev.kvtier.cli;

import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.sim.report.ServingReport;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** PNG plots of serving runs, simulated or live: the TTFT CDF per run and cached tokens by tier per variant. */
final class ServingPlot
{
    private static final int POINTS = 200;

    /** Tier colours: blue for device, orange for host, green for storage. */
    private static final Color[] TIERS = {PlotStyle.PALETTE[0], PlotStyle.PALETTE[3], PlotStyle.PALETTE[2]};

    private ServingPlot()
    {
    }

    static byte[] ttftCdf(final List<ServingReport> reports) throws IOException
    {
        final List<String> labels = new ArrayList<>();
        final List<double[]> samples = new ArrayList<>();
        for (final ServingReport r : reports)
        {
            labels.add(label(r));
            samples.add(r.result().records().stream().mapToDouble(x -> x.ttftNs() / 1e9).toArray());
        }
        return ttftCdf(labels, samples);
    }

    /** The TTFT CDF of labelled runs, each given as its requests' TTFTs in seconds (live or simulated). */
    static byte[] ttftCdf(final List<String> labels, final List<double[]> ttftSeconds) throws IOException
    {
        return BitmapEncoder.getBitmapBytes(ttftCdfChart(labels, ttftSeconds), BitmapEncoder.BitmapFormat.PNG);
    }

    static XYChart ttftCdfChart(final List<String> labels, final List<double[]> ttftSeconds)
    {
        final XYChart chart = new XYChartBuilder().width(1000).height(600).title("TTFT CDF")
            .xAxisTitle("TTFT (s)").yAxisTitle("fraction of requests").build();
        PlotStyle.apply(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        double min = Double.MAX_VALUE;
        double max = 0;
        int shown = 0;
        for (int s = 0; s < labels.size(); s++)
        {
            final double[] ttft = Arrays.stream(ttftSeconds.get(s)).map(x -> Math.max(1e-3, x)).sorted().toArray();
            if (ttft.length == 0)
            {
                continue;
            }
            min = Math.min(min, ttft[0]);
            max = Math.max(max, ttft[ttft.length - 1]);
            final int n = Math.min(POINTS, ttft.length);
            final double[] xs = new double[n];
            final double[] ys = new double[n];
            for (int i = 0; i < n; i++)
            {
                final int idx = (int)((long)(i + 1) * ttft.length / n) - 1;
                xs[i] = ttft[idx];
                ys[i] = (idx + 1.0) / ttft.length;
            }
            PlotStyle.series(chart.addSeries(labels.get(s), xs, ys), shown++, false);
        }
        PlotStyle.logAxes(chart, PlotStyle.logScale(min, max));
        return chart;
    }

    static byte[] hitsByTier(final List<ServingReport> reports) throws IOException
    {
        final List<String> labels = new ArrayList<>();
        final List<double[]> shares = new ArrayList<>();
        for (final ServingReport r : reports)
        {
            long in = 0;
            long d = 0;
            long h = 0;
            long s = 0;
            for (final RequestRecord x : r.result().records())
            {
                in += x.inputTokens();
                d += x.deviceHitTokens();
                h += x.hostHitTokens();
                s += x.storageHitTokens();
            }
            labels.add(label(r));
            shares.add(in == 0 ? new double[3] : new double[] {(double)d / in, (double)h / in, (double)s / in});
        }
        return BitmapEncoder.getBitmapBytes(hitsByTierChart(labels, shares), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Stacked bars of the shares of prompt tokens each tier served, one bar per variant. Variant names are written
     * upright under their bars when short and few; otherwise turned by 90 degrees, with the chart as much taller as
     * the longest name needs, so no two names overlap.
     */
    static CategoryChart hitsByTierChart(final List<String> labels, final List<double[]> shares)
    {
        int longest = 0;
        int total = 0;
        for (final String l : labels)
        {
            longest = Math.max(longest, l.length());
            total += l.length() + 2;
        }
        final boolean turned = total * 7 > 760;
        final CategoryChart chart = new CategoryChartBuilder().width(1000).height(520 + (turned ? longest * 9 : 0))
            .title("Prompt tokens served from cache, by tier").yAxisTitle("share of prompt tokens").build();
        PlotStyle.apply(chart.getStyler());
        chart.getStyler().setStacked(true);
        chart.getStyler().setSeriesColors(TIERS);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.getStyler().setXAxisLabelRotation(turned ? 90 : 0);
        chart.getStyler().setXAxisTickMarkSpacingHint(turned ? 12 : 40);
        final String[] tiers = {"device (L1)", "host (L2)", "storage (L3)"};
        for (int t = 0; t < tiers.length; t++)
        {
            final List<Double> values = new ArrayList<>();
            for (final double[] s : shares)
            {
                values.add(s[t]);
            }
            chart.addSeries(tiers[t], labels, values).setFillColor(TIERS[t]);
        }
        return chart;
    }

    private static String label(final ServingReport r)
    {
        return r.variant().isEmpty() ? "run" : r.variant();
    }
}
