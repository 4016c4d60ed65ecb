package dev.kvtier.cli;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Locale;

/**
 * How every plot the tool writes looks: a palette of twelve colours that stay apart from each other (and from the
 * black reference lines), line dashes and markers that change with each further round of twelve, a white plot
 * area with the legend outside it, and tick labels written as numbers people read ({@code 10,000}, {@code 0.5}),
 * never {@code 1E4} or fifteen decimals.
 */
final class PlotStyle
{
    /** Twelve colours chosen for distance from one another on white (Kelly's and Tol's contrast sets). */
    static final Color[] PALETTE = {
        new Color(0x0067A5), new Color(0xBE0032), new Color(0x008856), new Color(0xF38400),
        new Color(0x875692), new Color(0x6FC6E8), new Color(0xE68FAC), new Color(0x654522),
        new Color(0x8DB600), new Color(0xF3C300), new Color(0x2B3D26), new Color(0x848482)};

    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP};

    private static final BasicStroke[] LINES = {
        new BasicStroke(2f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 4f}, 0f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 3f}, 0f)};

    /** The reference line (an ideal ceiling): thin, dashed, black. */
    static final BasicStroke REFERENCE = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
        new float[] {6f, 4f}, 0f);

    private PlotStyle()
    {
    }

    /** Common look of an axes chart: white plot, legend outside on the right, readable fonts. */
    static void apply(final AxesChartStyler styler)
    {
        System.setProperty("java.awt.headless", "true");
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(true);
        styler.setPlotGridLinesColor(new Color(0xDDDDDD));
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setSeriesColors(PALETTE);
        styler.setAxisTickLabelsColor(Color.BLACK);
        styler.setXAxisTickMarkSpacingHint(100);
    }

    /** Colour, dash and marker of the {@code index}-th data series (0-based). */
    static void series(final XYSeries s, final int index, final boolean markers)
    {
        s.setLineColor(PALETTE[index % PALETTE.length]);
        s.setLineStyle(LINES[index / PALETTE.length % LINES.length]);
        if (markers)
        {
            s.setMarker(MARKERS[index / PALETTE.length % MARKERS.length]);
            s.setMarkerColor(PALETTE[index % PALETTE.length]);
        }
        else
        {
            s.setMarker(SeriesMarkers.NONE);
        }
    }

    /** A reference line: black, dashed, no markers. */
    static void reference(final XYSeries s)
    {
        s.setLineColor(Color.BLACK);
        s.setLineStyle(REFERENCE);
        s.setMarker(SeriesMarkers.NONE);
    }

    /**
     * Log scale only when the values span at least a decade: within one, a log axis has no decade to label and
     * shows no tick labels at all.
     */
    static boolean logScale(final double min, final double max)
    {
        return min > 0 && max / min >= 10;
    }

    /** A number as a tick label: grouped thousands, at most three significant decimals, no exponent. */
    static String tick(final double v)
    {
        if (v == Math.rint(v) && Math.abs(v) < 1e15)
        {
            return String.format(Locale.ROOT, "%,d", (long)v);
        }
        final String s = new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros()
            .toPlainString();
        return s;
    }

    static void logAxes(final XYChart chart, final boolean xLog)
    {
        chart.getStyler().setXAxisLogarithmic(xLog);
        chart.setCustomXAxisTickLabelsFormatter(PlotStyle::tick);
    }
}
