package overparam.lab.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import overparam.lab.store.CellResult;

/**
 * A {@code curves} figure: metric y against the step, one line per group (the mean over its cells, i.e. its
 * seeds) inside a translucent band from their minimum to their maximum, and the bound dashed in the same colour:
 * a metric, or a number (a theorem's constant) drawn as a level line.
 */
final class Curves {
    private Curves() {}

    static Figures.Drawn draw(FigureSpec spec, List<CellResult> cells, String id) {
        boolean logX = Boolean.TRUE.equals(spec.logX()), logY = Boolean.TRUE.equals(spec.logY());
        boolean hasBound = !Figures.blank(spec.bound());
        Double constant = hasBound ? constant(spec.bound()) : null;
        Map<String, List<CellResult>> groups = Figures.groups(cells, spec.group());
        boolean ordered = Figures.ordered(groups.keySet());
        YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
        XYSeriesCollection bounds = new XYSeriesCollection();
        List<Color> bandColors = new ArrayList<>(), boundColors = new ArrayList<>();
        int[] skipped = new int[1];
        int i = 0;
        for (Map.Entry<String, List<CellResult>> g : groups.entrySet()) {
            Color color = Style.color(i++, groups.size(), ordered);
            String label = Figures.label(spec.group(), g.getKey(), spec.y());
            TreeMap<Integer, List<Double>> y = byStep(g.getValue(), spec.y(), logX, logY, skipped);
            if (y.isEmpty()) continue;
            YIntervalSeries band = new YIntervalSeries(label, false, true);
            y.forEach((step, v) -> Figures.addSpread(band, step, v));
            bands.addSeries(band);
            bandColors.add(color);
            if (!hasBound) continue;
            XYSeries bound = new XYSeries(spec.bound() + " " + label, false, true);
            if (constant != null) y.keySet().forEach(step -> bound.add(step.doubleValue(), constant.doubleValue()));
            else byStep(g.getValue(), spec.bound(), logX, logY, new int[1])
                    .forEach((step, v) -> bound.add(step.doubleValue(), v.stream().mapToDouble(d -> d).average().orElseThrow()));
            if (bound.isEmpty()) continue;
            bounds.addSeries(bound);
            boundColors.add(color);
        }
        List<String> remarks = new ArrayList<>();
        if (skipped[0] > 0)
            remarks.add(skipped[0] + (logY || logX ? " non-finite or non-positive " : " non-finite ") + Figures.plural(skipped[0], "value")
                    + " of " + spec.y() + " left out" + (logY || logX ? " (log axis)." : "."));
        if (bands.getSeriesCount() == 0)
            return Figures.Drawn.nothing("No data: no cell recorded " + spec.y() + (skipped[0] > 0 ? " as a value that can be drawn." : "."), remarks);
        if (hasBound && bounds.getSeriesCount() == 0) remarks.add("No cell recorded the bound " + spec.bound() + ".");

        ValueAxis x = Style.axis("step", logX, new double[0], false);
        if (x instanceof NumberAxis linear) {
            linear.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            linear.setLowerMargin(0.02);
            linear.setUpperMargin(0.02);
        }
        DeviationRenderer mean = new DeviationRenderer(true, false);
        Style.lines(mean);
        mean.setAlpha(0.25f);
        for (int s = 0; s < bandColors.size(); s++) {
            mean.setSeriesPaint(s, bandColors.get(s));
            mean.setSeriesFillPaint(s, bandColors.get(s));
            mean.setSeriesStroke(s, Style.LINE);
        }
        XYPlot plot = new XYPlot(bands, x, Style.axis(spec.y(), logY, new double[0], false), mean);
        Style.plot(plot);
        LegendItemCollection legend = new LegendItemCollection();
        for (int s = 0; s < bands.getSeriesCount(); s++) legend.add(mean.getLegendItem(0, s));
        if (bounds.getSeriesCount() > 0) {
            XYLineAndShapeRenderer dashed = new XYLineAndShapeRenderer(true, false);
            Style.lines(dashed);
            for (int s = 0; s < boundColors.size(); s++) {
                dashed.setSeriesPaint(s, boundColors.get(s));
                dashed.setSeriesStroke(s, Style.DASHED);
            }
            plot.setDataset(1, bounds);
            plot.setRenderer(1, dashed);
            legend.add(new LegendItem(spec.bound() + " (dashed)", null, null, null, Style.LEGEND_LINE, Style.DASHED, Style.INK));
        }
        plot.setFixedLegendItems(legend);
        return new Figures.Drawn(Style.svg(Style.chart(plot), id), null, remarks);
    }

    /** A bound given as a number (a theorem's constant, e.g. 1.6859) rather than a metric's name: drawn at that height. */
    private static Double constant(String bound) {
        try {
            double v = Double.parseDouble(bound.trim());
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** step -> the values the group's cells recorded there, without those a log axis cannot show. */
    private static TreeMap<Integer, List<Double>> byStep(List<CellResult> cells, String metric, boolean logX, boolean logY, int[] skipped) {
        TreeMap<Integer, List<Double>> out = new TreeMap<>();
        for (CellResult c : cells)
            for (Map.Entry<Integer, Double> e : c.series(metric).entrySet()) {
                Double v = e.getValue();
                if (v == null || !Double.isFinite(v) || (logY && v <= 0) || (logX && e.getKey() <= 0)) {
                    skipped[0]++;
                    continue;
                }
                out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(v);
            }
        return out;
    }
}
