package overparam.lab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Line2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import overparam.lab.check.Fit;
import overparam.lab.store.CellResult;

/**
 * A {@code scaling} figure: each cell's y ({@link CellResult#valueOf}: a per-run value such as lambda_0, else the
 * metric's last recorded value; steps_to: and relative: names as in checks) against the configuration field x, one
 * series per group: the mean with min-max error bars over the cells sharing an x, and the least-squares line through
 * every cell's point, its slope and 95% interval in the legend.
 * Log-log by default, where the slope is the exponent of a power law (weight movement ~ width^slope).
 */
final class Scaling {
    private static final int FIT_POINTS = 48;

    private Scaling() {}

    static Figures.Drawn draw(FigureSpec spec, List<CellResult> cells) {
        if (Figures.blank(spec.x())) return Figures.Drawn.nothing("No figure: a scaling figure needs x (a configuration field such as width).", List.of());
        boolean logX = spec.logX() == null || spec.logX(), logY = spec.logY() == null || spec.logY();
        Map<String, List<CellResult>> groups = Figures.groups(cells, spec.group());
        boolean ordered = Figures.ordered(groups.keySet());
        YIntervalSeriesCollection points = new YIntervalSeriesCollection();
        XYSeriesCollection fits = new XYSeriesCollection();
        List<Color> pointColors = new ArrayList<>(), fitColors = new ArrayList<>();
        List<Integer> fitOf = new ArrayList<>();   // points series -> its fit series, -1 without one
        List<String> fitted = new ArrayList<>();
        List<Double> xs = new ArrayList<>();
        int nonFinite = 0, xOff = 0, yOff = 0, fewest = Integer.MAX_VALUE, most = 0, i = 0;
        for (Map.Entry<String, List<CellResult>> g : groups.entrySet()) {
            Color color = Style.color(i++, groups.size(), ordered);
            String label = Figures.label(spec.group(), g.getKey(), spec.y());
            TreeMap<Double, List<Double>> byX = new TreeMap<>();
            List<double[]> runs = new ArrayList<>();
            for (CellResult c : g.getValue()) {
                double x = c.number(spec.x()), y = c.valueOf(spec.y());
                if (!Double.isFinite(x) || !Double.isFinite(y)) nonFinite++;
                else if (logX && x <= 0) xOff++;
                else if (logY && y <= 0) yOff++;
                if (!Double.isFinite(x) || !Double.isFinite(y) || (logX && x <= 0) || (logY && y <= 0)) continue;
                byX.computeIfAbsent(x, k -> new ArrayList<>()).add(y);
                runs.add(new double[] {x, y});
                xs.add(x);
            }
            if (runs.isEmpty()) continue;
            YIntervalSeries series = new YIntervalSeries(label, false, true);
            byX.forEach((x, y) -> Figures.addSpread(series, x, y));
            for (List<Double> y : byX.values()) {
                fewest = Math.min(fewest, y.size());
                most = Math.max(most, y.size());
            }
            points.addSeries(series);
            pointColors.add(color);
            fitOf.add(byX.size() < 2 ? -1 : fits.getSeriesCount());
            if (byX.size() < 2) {
                fitted.add(label + ": no fit (a single " + spec.x() + ")");
                continue;
            }
            Fit fit = fit(runs, logX, logY);
            String slope = "slope " + fit.describe();
            fitted.add((Figures.blank(spec.group()) ? "" : label + ": ") + slope + " over " + fit.points() + " runs");
            String key = slope;
            while (fits.getSeriesIndex(key) >= 0) key += " ";   // two groups with the same fit still get two lines
            fits.addSeries(line(key, fit, byX.firstKey(), byX.lastKey(), logX, logY));
            fitColors.add(color);
        }
        List<String> remarks = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (yOff > 0) notes.add(yOff + " " + Figures.plural(yOff, "point") + " <= 0 not shown on the log " + spec.y() + " axis, nor fitted");
        if (xOff > 0) notes.add(xOff + " " + Figures.plural(xOff, "point") + " at " + spec.x() + " <= 0 not shown on the log " + spec.x() + " axis, nor fitted");
        if (nonFinite > 0) notes.add(nonFinite + " non-finite " + Figures.plural(nonFinite, "point") + " (NaN, infinite, or no " + spec.x() + ") left out");
        notes.forEach(n -> remarks.add(Figures.sentence(n)));
        if (points.getSeriesCount() == 0)
            return Figures.Drawn.nothing("No data: no cell has " + spec.y() + ", neither as a per-run value nor as a recorded metric"
                    + (notes.isEmpty() ? "." : " that can be drawn."), remarks);
        if (!fitted.isEmpty())
            remarks.add(0, "Least-squares fit of " + (logY ? "ln " : "") + spec.y() + " on " + (logX && logY ? "ln " : "") + spec.x()
                    + ", one point per run (95% interval of the slope in brackets): " + String.join("; ", fitted) + ".");

        XYErrorRenderer marks = new XYErrorRenderer();
        marks.setDrawXError(false);
        marks.setDrawYError(true);
        marks.setCapLength(7);
        marks.setErrorStroke(new BasicStroke(1.3f));
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
        Style.lines(lines);
        for (int s = 0; s < pointColors.size(); s++) {
            marks.setSeriesPaint(s, pointColors.get(s));
            marks.setSeriesShape(s, Style.mark(s));
        }
        for (int s = 0; s < fitColors.size(); s++) {
            lines.setSeriesPaint(s, fitColors.get(s));
            lines.setSeriesStroke(s, Style.stroke(s, true));
        }
        double[] xv = xs.stream().mapToDouble(d -> d).toArray();
        XYPlot plot = new XYPlot(points, Style.axis(spec.x(), logX, xv, false), Style.axis(spec.y(), logY, new double[0], false), marks);
        Style.plot(plot);
        plot.setDataset(1, fits);
        plot.setRenderer(1, lines);
        LegendItemCollection legend = new LegendItemCollection();   // each series, then its fit
        for (int s = 0; s < points.getSeriesCount(); s++) {
            legend.add(marks.getLegendItem(0, s));
            if (fitOf.get(s) >= 0) legend.add(lines.getLegendItem(1, fitOf.get(s)));
        }
        if (most >= 2)
            legend.add(new LegendItem("mean, bars min-max over " + (fewest == most ? "" + most : fewest + "-" + most) + " runs", null, null, null,
                    new Line2D.Double(0, -7, 0, 7), new BasicStroke(1.3f), Style.INK));
        plot.setFixedLegendItems(legend);
        JFreeChart chart = Style.chart(plot);
        Style.notes(chart, notes);
        return new Figures.Drawn(chart, null, remarks);
    }

    /** Fit.logLog on log-log axes, Fit.semiLog with only y logarithmic, Fit.of otherwise: a straight line on the axes drawn. */
    private static Fit fit(List<double[]> runs, boolean logX, boolean logY) {
        double[] x = runs.stream().mapToDouble(r -> r[0]).toArray(), y = runs.stream().mapToDouble(r -> r[1]).toArray();
        return logX && logY ? Fit.logLog(x, y) : logY ? Fit.semiLog(x, y) : Fit.of(x, y);
    }

    private static XYSeries line(String key, Fit fit, double from, double to, boolean logX, boolean logY) {
        XYSeries s = new XYSeries(key, false, true);
        for (int k = 0; k < FIT_POINTS; k++) {
            double t = k / (FIT_POINTS - 1.0);
            double x = logX ? from * Math.pow(to / from, t) : from + t * (to - from);
            double y = logX && logY ? Math.exp(fit.intercept()) * Math.pow(x, fit.slope())
                    : logY ? Math.exp(fit.intercept() + fit.slope() * x) : fit.intercept() + fit.slope() * x;
            if (Double.isFinite(y) && (!logY || y > 0)) s.add(x, y);
        }
        return s;
    }
}
