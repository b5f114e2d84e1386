package overparam.lab.report;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Lines of means with a band over the runs that share each x (seeds), one line per group: the figure behind report
 * curves, {@code plot} and overlays. Each line has its colour, marker and (unless dashes are kept for a bound) dash
 * pattern; the legend has one entry per line and one saying what the band is. A log axis cannot show a point at or
 * below 0: such points are counted and named in {@link Built#notes}, never dropped silently.
 */
public final class BandChart {
    private static final int MARKS_PER_LINE = 10;

    private BandChart() {}

    /** One line: its legend label and, at each x, the values of the runs there (null or non-finite ones are counted and left out). */
    public record Series(String label, NavigableMap<Double, List<Double>> values) {}

    /** The axes: labels, which are logarithmic, and whether x counts steps (integer ticks on a linear axis). */
    public record Axes(String x, String y, boolean logX, boolean logY, boolean integerX) {}

    /**
     * The chart (its plot can take more datasets, such as a bound) with what its caption must add: {@code notes} on
     * what the axes could not show, also drawn under the figure; the fewest and most runs behind a drawn point.
     */
    public record Built(JFreeChart chart, XYPlot plot, List<String> notes, int fewest, int most) {
        public Built {
            notes = List.copyOf(notes);
        }
    }

    /**
     * Draws the series; null when no point can be drawn. {@code repeats} names what the runs at one point are
     * ("seeds", "runs"); {@code ordered} colours the lines along viridis (groups by a number), else Okabe-Ito;
     * {@code dashes} false keeps every line solid (dashes then mean something else, a bound).
     */
    public static Built build(List<Series> series, Band band, String repeats, Axes axes, boolean ordered, boolean dashes) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<Integer> colourOf = new ArrayList<>();
        List<double[]> clipped = new ArrayList<>();   // {series, x, mean} whose band's low end a log axis cannot show
        List<Double> xs = new ArrayList<>();
        int nonFinite = 0, xOff = 0, yOff = 0, fewest = Integer.MAX_VALUE, most = 0;
        double floor = Double.POSITIVE_INFINITY;
        java.util.Set<String> labels = new java.util.HashSet<>();
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            YIntervalSeries line = new YIntervalSeries(unique(labels, s.label()), true, true);
            for (Map.Entry<Double, List<Double>> e : s.values().entrySet()) {
                List<Double> values = new ArrayList<>();
                for (Double v : e.getValue()) if (v != null && Double.isFinite(v)) values.add(v); else nonFinite++;
                if (values.isEmpty()) continue;
                double x = e.getKey();
                double[] m = band.interval(values);
                if (axes.logX() && !(x > 0)) { xOff++; continue; }
                if (axes.logY() && !(m[0] > 0)) { yOff++; continue; }
                fewest = Math.min(fewest, values.size());
                most = Math.max(most, values.size());
                floor = Math.min(floor, m[0]);
                if (m[1] > 0) floor = Math.min(floor, m[1]);
                if (axes.logY() && !(m[1] > 0)) clipped.add(new double[] {data.getSeriesCount(), x, m[0], m[2]});
                else line.add(x, m[0], m[1], m[2]);
                xs.add(x);
            }
            if (line.isEmpty() && clipped.stream().noneMatch(c -> c[0] == data.getSeriesCount())) continue;
            data.addSeries(line);
            colourOf.add(i);
        }
        // a band whose low end is <= 0 runs to the bottom of the log axis (a little below every other point): it is that wide
        for (double[] c : clipped) data.getSeries((int) c[0]).add(c[1], c[2], floor / 3, c[3]);
        List<String> notes = new ArrayList<>();
        if (yOff > 0) notes.add(yOff + " " + Figures.plural(yOff, "point") + " <= 0 not shown on the log " + axes.y() + " axis");
        if (xOff > 0) notes.add(xOff + " " + Figures.plural(xOff, "point") + " at " + axes.x() + " <= 0 not shown on the log " + axes.x() + " axis");
        if (!clipped.isEmpty())
            notes.add("at " + clipped.size() + " " + Figures.plural(clipped.size(), "point") + " the band's low end is <= 0; there it runs to the bottom of the log axis");
        if (nonFinite > 0) notes.add(nonFinite + " non-finite " + Figures.plural(nonFinite, "value") + " (NaN, infinite) left out");
        if (data.getSeriesCount() == 0) return new Built(null, null, notes, 0, 0);

        ValueAxis x = Style.axis(axes.x(), axes.logX(), xs.stream().mapToDouble(d -> d).toArray(), false);
        if (axes.integerX() && x instanceof NumberAxis linear) {
            linear.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            linear.setLowerMargin(0.02);
            linear.setUpperMargin(0.02);
        }
        Marked renderer = new Marked(data);
        Style.lines(renderer);
        renderer.setAlpha(0.25f);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            Color colour = Style.color(colourOf.get(s), series.size(), ordered);
            renderer.setSeriesPaint(s, colour);
            renderer.setSeriesFillPaint(s, colour);
            renderer.setSeriesStroke(s, Style.stroke(s, dashes));
            renderer.setSeriesShape(s, Style.mark(s));
        }
        renderer.setDefaultShapesVisible(true);
        renderer.setUseFillPaint(false);
        XYPlot plot = new XYPlot(data, x, Style.axis(axes.y(), axes.logY(), new double[0], false), renderer);
        Style.plot(plot);
        LegendItemCollection legend = new LegendItemCollection();
        for (int s = 0; s < data.getSeriesCount(); s++) {
            LegendItem item = renderer.getLegendItem(0, s);
            item.setShape(Style.mark(s));
            item.setShapeVisible(true);
            legend.add(item);
        }
        if (most >= 2) legend.add(bandItem(band.legend(fewest, most, repeats)));
        else legend.add(new LegendItem(band.legend(fewest, most, repeats), null, null, null, Style.LEGEND_LINE, Style.LINE, Style.INK));
        plot.setFixedLegendItems(legend);
        JFreeChart chart = Style.chart(plot);
        Style.notes(chart, notes);
        return new Built(chart, plot, notes, fewest, most);
    }

    /** The legend's swatch for the band: a translucent grey box labelled with what it is. */
    static LegendItem bandItem(String label) {
        return new LegendItem(label, null, null, null, new Rectangle2D.Double(-10, -6, 20, 12), new Color(0x22, 0x22, 0x22, 70),
                new java.awt.BasicStroke(0.8f), new Color(0x22, 0x22, 0x22, 140));
    }

    /** Two groups with the same label still get two lines (JFreeChart keys series by label). */
    private static String unique(java.util.Set<String> used, String label) {
        String key = label;
        while (!used.add(key)) key += " ";
        return key;
    }

    /** Markers on about ten points of each line (all of them when it has few), staggered so that lines sharing x do not hide each other's. */
    private static final class Marked extends DeviationRenderer {
        private static final long serialVersionUID = 1L;
        private final transient YIntervalSeriesCollection data;

        Marked(YIntervalSeriesCollection data) {
            super(true, true);
            this.data = data;
        }

        @Override public boolean getItemShapeVisible(int series, int item) {
            int count = data.getItemCount(series), every = Math.max(1, (int) Math.ceil(count / (double) MARKS_PER_LINE));
            int offset = every * series / Math.max(1, data.getSeriesCount());
            return Math.floorMod(item - offset, every) == 0;
        }
    }
}
