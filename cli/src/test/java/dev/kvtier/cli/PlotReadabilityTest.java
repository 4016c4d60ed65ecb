package dev.kvtier.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.AxesChart;
import org.knowm.xchart.internal.chartpart.Chart;

import java.awt.Color;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every plot the tool writes, rendered at 1, 4 and 12 series: a handful of short tick labels on each axis (not 40
 * labels with 15 decimals, not none when the data fall within one decade), and series colours far enough apart
 * to tell apart. The PNGs are left in {@code target/plots} for a look.
 */
class PlotReadabilityTest
{
    private static final Path OUT = Path.of("target", "plots");

    /** Smallest CIE76 colour difference between two series: about the difference between blue and purple. */
    private static final double MIN_DELTA_E = 20;

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 12})
    void hitRatioPlotShouldBeReadable(final int series) throws Exception
    {
        for (final double[] caps : new double[][] {{1000, 10000, 30000, 100000}, {2000, 4000, 6000, 8000}})
        {
            final List<HitPlot.Curve> curves = new ArrayList<>();
            for (int s = 0; s < series; s++)
            {
                final double[] y = new double[caps.length];
                for (int i = 0; i < caps.length; i++)
                {
                    y[i] = 0.05 + 0.3 * (i + 1) / caps.length * (1 - s / 20.0);
                }
                curves.add(new HitPlot.Curve("policy-" + s, caps, y));
            }
            final XYChart chart = HitPlot.chart(curves, 0.3736);
            final String name = "hit_ratio-" + series + (caps[3] / caps[0] >= 10 ? "-decades" : "-one-decade");
            render(chart, name);
            checkTicks(chart, name);
            checkPalette(chart, name);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 12})
    void ttftCdfShouldBeReadable(final int series) throws Exception
    {
        for (final double spread : new double[] {1000, 3})
        {
            final List<String> labels = new ArrayList<>();
            final List<double[]> samples = new ArrayList<>();
            final Random random = new Random(series);
            for (int s = 0; s < series; s++)
            {
                labels.add("prefetch_policy=variant-" + s);
                final double[] x = new double[1000];
                for (int i = 0; i < x.length; i++)
                {
                    x[i] = 0.05 * Math.pow(spread, random.nextDouble()) * (1 + s * 0.1);
                }
                samples.add(x);
            }
            final XYChart chart = ServingPlot.ttftCdfChart(labels, samples);
            final String name = "ttft_cdf-" + series + (spread > 10 ? "-decades" : "-one-decade");
            render(chart, name);
            checkTicks(chart, name);
            checkPalette(chart, name);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 12})
    void hitsByTierShouldBeReadable(final int series) throws Exception
    {
        final List<String> labels = new ArrayList<>();
        final List<double[]> shares = new ArrayList<>();
        for (int s = 0; s < series; s++)
        {
            labels.add("write_policy=write_through prefetch_policy=variant-" + s);
            shares.add(new double[] {0.3 - s * 0.01, 0.05 + s * 0.01, 0.02 * s});
        }
        final CategoryChart chart = ServingPlot.hitsByTierChart(labels, shares);
        final String name = "hits_by_tier-" + series;
        render(chart, name);
        assertThat(labels(chart, "getYAxis")).as(name).hasSizeBetween(3, 12);
        assertThat(labels(chart, "getXAxis")).as(name + ": every variant named").isEqualTo(labels);
        final boolean fitUpright = labels.stream().mapToInt(l -> l.length() + 2).sum() * 7 <= 760;
        assertThat(chart.getStyler().getXAxisLabelRotation()).as(name).isEqualTo(fitUpright ? 0 : 90);
        final List<Color> colors = new ArrayList<>();
        chart.getSeriesCollection().forEach(s -> colors.add(s.getFillColor()));
        assertDistinct(colors, name);
    }

    private static void render(final Chart<?, ?> chart, final String name) throws Exception
    {
        Files.createDirectories(OUT);
        Files.write(OUT.resolve(name + ".png"), BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }

    private static void checkTicks(final XYChart chart, final String name) throws Exception
    {
        for (final String axis : new String[] {"getXAxis", "getYAxis"})
        {
            final List<String> ticks = labels(chart, axis);
            assertThat(ticks).as(name + " " + axis + " " + ticks).hasSizeBetween(2, 12);
            assertThat(ticks).as(name + " " + axis).allMatch(t -> t.length() <= 7 && !t.contains("E"));
        }
    }

    private static void checkPalette(final XYChart chart, final String name)
    {
        final List<Color> colors = new ArrayList<>();
        for (final XYSeries s : chart.getSeriesCollection())
        {
            if (!s.getName().startsWith("ideal"))
            {
                colors.add(s.getLineColor());
            }
        }
        assertDistinct(colors, name);
    }

    private static void assertDistinct(final List<Color> colors, final String name)
    {
        for (int i = 0; i < colors.size(); i++)
        {
            for (int j = i + 1; j < colors.size(); j++)
            {
                assertThat(deltaE(colors.get(i), colors.get(j))).as(name + ": series " + i + " and " + j)
                    .isGreaterThan(MIN_DELTA_E);
            }
        }
    }

    /** The tick labels XChart drew on an axis (read after rendering; the calculator is package-private). */
    @SuppressWarnings("unchecked")
    private static List<String> labels(final AxesChart<?, ?> chart, final String axis) throws Exception
    {
        final Method get = AxesChart.class.getDeclaredMethod(axis);
        get.setAccessible(true);
        final Object a = get.invoke(chart);
        final Field calc = Class.forName("org.knowm.xchart.internal.chartpart.Axis_")
            .getDeclaredField("axisTickCalculator");
        calc.setAccessible(true);
        final Object c = calc.get(a);
        final Method labels = Class.forName("org.knowm.xchart.internal.chartpart.AxisTickCalculator")
            .getMethod("getTickLabels");
        labels.setAccessible(true);
        return ((List<String>)labels.invoke(c)).stream().filter(l -> l != null && !l.isEmpty()).toList();
    }

    private static double deltaE(final Color a, final Color b)
    {
        final double[] x = lab(a);
        final double[] y = lab(b);
        return Math.sqrt(Math.pow(x[0] - y[0], 2) + Math.pow(x[1] - y[1], 2) + Math.pow(x[2] - y[2], 2));
    }

    private static double[] lab(final Color c)
    {
        final double r = linear(c.getRed());
        final double g = linear(c.getGreen());
        final double b = linear(c.getBlue());
        final double x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
        final double y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
        final double z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
        return new double[] {116 * y - 16, 500 * (x - y), 200 * (y - z)};
    }

    private static double linear(final int v)
    {
        final double c = v / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static double f(final double t)
    {
        return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
    }
}
