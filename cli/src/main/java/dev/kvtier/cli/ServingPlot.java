package dev.kvtier.cli;

import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.sim.report.ServingReport;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** PNG plots of serving runs, simulated or live: the TTFT CDF per run and cached tokens by tier per variant. */
final class ServingPlot
{
    private static final int POINTS = 200;

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
        final XYChart chart = new XYChartBuilder().width(900).height(600).title("TTFT CDF")
            .xAxisTitle("TTFT (s)").yAxisTitle("fraction of requests").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("0.###");
        chart.getStyler().setYAxisDecimalPattern("0.0#");
        for (int s = 0; s < labels.size(); s++)
        {
            final double[] ttft = Arrays.stream(ttftSeconds.get(s)).map(x -> Math.max(1e-3, x)).sorted().toArray();
            if (ttft.length == 0)
            {
                continue;
            }
            final int n = Math.min(POINTS, ttft.length);
            final double[] xs = new double[n];
            final double[] ys = new double[n];
            for (int i = 0; i < n; i++)
            {
                final int idx = (int)((long)(i + 1) * ttft.length / n) - 1;
                xs[i] = ttft[idx];
                ys[i] = (idx + 1.0) / ttft.length;
            }
            chart.addSeries(labels.get(s), xs, ys).setMarker(SeriesMarkers.NONE);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    static byte[] hitsByTier(final List<ServingReport> reports) throws IOException
    {
        final CategoryChart chart = new CategoryChartBuilder().width(900).height(600)
            .title("Prompt tokens served from cache, by tier").yAxisTitle("share of input tokens").build();
        chart.getStyler().setStacked(true);
        final List<String> labels = new ArrayList<>();
        final List<Double> device = new ArrayList<>();
        final List<Double> host = new ArrayList<>();
        final List<Double> storage = new ArrayList<>();
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
            device.add(in == 0 ? 0 : (double)d / in);
            host.add(in == 0 ? 0 : (double)h / in);
            storage.add(in == 0 ? 0 : (double)s / in);
        }
        chart.addSeries("device (L1)", labels, device);
        chart.addSeries("host (L2)", labels, host);
        chart.addSeries("storage (L3)", labels, storage);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    private static String label(final ServingReport r)
    {
        return r.variant().isEmpty() ? "run" : r.variant();
    }
}
