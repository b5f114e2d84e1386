package overparam.lab.compare;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Stroke;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import overparam.lab.report.Band;
import overparam.lab.report.Style;
import overparam.lab.store.CellResult;

/**
 * One metric recorded over steps, every folder's curve on one chart: a run's own record, an experiment's mean over the
 * seeds of a condition with its 95% t-interval (mean +- t(0.975; n - 1) s / sqrt(n) over the n seeds recorded at that
 * step) as a band when it has more than one seed. One colour per folder (Okabe-Ito, as the reports); with several shared
 * conditions, one dash pattern per condition. The legend names each folder and says what its line and band are. The y
 * axis is logarithmic when every point is positive and they span more than three decades (a loss going to zero).
 */
public final class Overlay {
    private static final Stroke[] DASHES = {Style.LINE, dash(8f, 4f), dash(2f, 3f), dash(10f, 3f, 2f, 3f)};
    private static final double LOG_SPAN = 1e3;

    private Overlay() {}

    /** A drawn overlay and the caption that says what it shows. */
    public record Figure(String metric, JFreeChart chart, String caption) {}

    public static Figure of(String metric, List<ComparedFolder> folders, CellMatching matching) {
        YIntervalSeriesCollection curves = new YIntervalSeriesCollection();
        List<Color> colors = new ArrayList<>();
        List<Stroke> strokes = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < folders.size(); i++) {
            ComparedFolder f = folders.get(i);
            for (int k = 0; k < matching.keys().size(); k++) {
                String key = matching.keys().get(k);
                List<CellResult> cells = matching.cells(i, key);
                YIntervalSeries s = new YIntervalSeries(label(f, key, cells.size()), false, true);
                for (Map.Entry<Integer, double[]> e : byStep(cells, metric).entrySet()) {
                    double[] v = e.getValue();
                    if (v.length == 0) {
                        dropped++;
                        continue;
                    }
                    double[] band = band(v);
                    s.add(e.getKey(), band[0], band[1], band[2]);
                }
                if (s.getItemCount() == 0) continue;
                curves.addSeries(s);
                colors.add(Style.color(i, folders.size(), false));
                strokes.add(DASHES[k % DASHES.length]);
            }
        }
        boolean log = logScale(curves);
        ValueAxis x = Style.axis("step", false, new double[0], false);
        if (x instanceof NumberAxis linear) {
            linear.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            linear.setLowerMargin(0.02);
            linear.setUpperMargin(0.02);
        }
        DeviationRenderer renderer = new DeviationRenderer(true, false);
        Style.lines(renderer);
        renderer.setAlpha(0.2f);
        for (int s = 0; s < colors.size(); s++) {
            renderer.setSeriesPaint(s, colors.get(s));
            renderer.setSeriesFillPaint(s, colors.get(s));
            renderer.setSeriesStroke(s, strokes.get(s));
        }
        XYPlot plot = new XYPlot(curves, x, Style.axis(metric, log, new double[0], false), renderer);
        Style.plot(plot);
        LegendItemCollection legend = new LegendItemCollection();
        for (int s = 0; s < curves.getSeriesCount(); s++) legend.add(renderer.getLegendItem(0, s));
        plot.setFixedLegendItems(legend);
        return new Figure(metric, Style.chart(plot), caption(metric, folders, matching, log, dropped));
    }

    /** "a", or "b width=64 (mean of 3 seeds, 95% t-interval)": the folder, its condition, and what its line is. */
    static String label(ComparedFolder f, String key, int seeds) {
        String name = f.name() + (key.isEmpty() ? "" : " " + key);
        if (!f.isExperiment()) return name;
        return name + (seeds > 1 ? " (mean of " + seeds + " seeds, 95% t-interval)" : " (1 seed)");
    }

    /** step -> the finite values the cells recorded there (a diverged cell's non-finite loss is not drawn). */
    private static TreeMap<Integer, double[]> byStep(List<CellResult> cells, String metric) {
        TreeMap<Integer, List<Double>> values = new TreeMap<>();
        for (CellResult c : cells)
            c.series(metric).forEach((step, v) -> {
                List<Double> at = values.computeIfAbsent(step, s -> new ArrayList<>());
                if (v != null && Double.isFinite(v)) at.add(v);
            });
        TreeMap<Integer, double[]> out = new TreeMap<>();
        values.forEach((step, v) -> out.put(step, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    /** {mean, low, high}: the mean and its 95% t-interval over the values; the point itself for one value. */
    static double[] band(double[] v) {
        return Band.CI95.interval(java.util.Arrays.stream(v).boxed().toList());      // the plots' own band, one formula
    }

    private static boolean logScale(YIntervalSeriesCollection curves) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (int s = 0; s < curves.getSeriesCount(); s++)
            for (int i = 0; i < curves.getItemCount(s); i++) {
                double low = curves.getStartYValue(s, i), high = curves.getEndYValue(s, i);
                if (!(low > 0)) return false;
                min = Math.min(min, low);
                max = Math.max(max, high);
            }
        return max / min > LOG_SPAN;
    }

    private static String caption(String metric, List<ComparedFolder> folders, CellMatching matching, boolean log, int dropped) {
        StringBuilder b = new StringBuilder(metric + " against the step: " + String.join(", ", folders.stream().map(ComparedFolder::name).toList()) + ".");
        if (folders.stream().anyMatch(ComparedFolder::isExperiment))
            b.append(" An experiment's line is the mean over its seeds")
                    .append(matching.fields().isEmpty() ? "" : " (its cells that agree on " + String.join(", ", matching.fields()) + ")")
                    .append(", with its 95% t-interval as a band where it has more than one seed; a run's line is its own record.");
        if (matching.keys().size() > 1) b.append(" Dash patterns tell the conditions apart.");
        if (log) b.append(" The y axis is logarithmic.");
        if (dropped > 0) b.append(" ").append(dropped).append(dropped == 1 ? " step" : " steps").append(" with no finite value left out.");
        return b.toString();
    }

    private static Stroke dash(float... pattern) {
        return new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, pattern, 0f);
    }
}
