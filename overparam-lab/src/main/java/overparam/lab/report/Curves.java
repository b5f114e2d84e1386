package overparam.lab.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import overparam.lab.store.CellResult;

/**
 * A {@code curves} figure: metric y against the step, one line per group (the mean over its cells, i.e. its
 * seeds) inside a translucent band from their minimum to their maximum ({@link BandChart}), and the bound dashed in
 * the same colour: a metric, or a number (a theorem's constant) drawn as a level line. With a bound the lines stay
 * solid (dashes mean the bound) and the markers tell them apart.
 */
final class Curves {
    private Curves() {}

    static Figures.Drawn draw(FigureSpec spec, List<CellResult> cells) {
        boolean logX = Boolean.TRUE.equals(spec.logX()), logY = Boolean.TRUE.equals(spec.logY());
        boolean hasBound = !Figures.blank(spec.bound());
        Double constant = hasBound ? constant(spec.bound()) : null;
        Map<String, List<CellResult>> groups = Figures.groups(cells, spec.group());
        boolean ordered = Figures.ordered(groups.keySet());
        List<BandChart.Series> lines = new ArrayList<>();
        for (Map.Entry<String, List<CellResult>> g : groups.entrySet())
            lines.add(new BandChart.Series(Figures.label(spec.group(), g.getKey(), spec.y()), byStep(g.getValue(), spec.y())));
        BandChart.Built built = BandChart.build(lines, Band.MINMAX, "seeds", new BandChart.Axes("step", spec.y(), logX, logY, true), ordered, !hasBound);
        List<String> remarks = new ArrayList<>(built.notes().stream().map(n -> Figures.sentence(n)).toList());
        if (built.chart() == null)
            return Figures.Drawn.nothing("No data: no cell recorded " + spec.y() + (remarks.isEmpty() ? "." : " as a value that can be drawn."), remarks);
        if (!hasBound) return new Figures.Drawn(built.chart(), null, remarks);

        XYSeriesCollection bounds = new XYSeriesCollection();
        List<Color> boundColors = new ArrayList<>();
        int i = 0, hidden = 0;
        for (Map.Entry<String, List<CellResult>> g : groups.entrySet()) {
            Color color = Style.color(i++, groups.size(), ordered);
            XYSeries bound = new XYSeries(spec.bound() + " " + g.getKey() + " " + i, true, true);
            NavigableMap<Double, List<Double>> at = constant != null ? byStep(g.getValue(), spec.y()) : byStep(g.getValue(), spec.bound());
            for (Map.Entry<Double, List<Double>> e : at.entrySet()) {
                double v = constant != null ? constant : e.getValue().stream().filter(d -> d != null && Double.isFinite(d)).mapToDouble(d -> d).average().orElse(Double.NaN);
                if (Double.isNaN(v)) continue;
                if ((logY && v <= 0) || (logX && e.getKey() <= 0)) hidden++;
                else bound.add(e.getKey().doubleValue(), v);
            }
            if (bound.isEmpty()) continue;
            bounds.addSeries(bound);
            boundColors.add(color);
        }
        if (hidden > 0) remarks.add(hidden + " " + Figures.plural(hidden, "point") + " of the bound <= 0 not shown on the log axis.");
        if (bounds.getSeriesCount() == 0) {
            remarks.add("No cell recorded the bound " + spec.bound() + ".");
            return new Figures.Drawn(built.chart(), null, remarks);
        }
        XYLineAndShapeRenderer dashed = new XYLineAndShapeRenderer(true, false);
        Style.lines(dashed);
        for (int s = 0; s < boundColors.size(); s++) {
            dashed.setSeriesPaint(s, boundColors.get(s));
            dashed.setSeriesStroke(s, Style.DASHED);
        }
        built.plot().setDataset(1, bounds);
        built.plot().setRenderer(1, dashed);
        LegendItemCollection legend = built.plot().getFixedLegendItems();
        legend.add(new LegendItem(spec.bound() + " (dashed)", null, null, null, Style.LEGEND_LINE, Style.DASHED, Style.INK));
        built.plot().setFixedLegendItems(legend);
        return new Figures.Drawn(built.chart(), null, remarks);
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

    /** step -> the values the group's cells recorded there (null where the store holds NULL: an overflow). */
    static NavigableMap<Double, List<Double>> byStep(List<CellResult> cells, String metric) {
        NavigableMap<Double, List<Double>> out = new TreeMap<>();
        for (CellResult c : cells)
            for (Map.Entry<Integer, Double> e : c.series(metric).entrySet())
                out.computeIfAbsent(e.getKey().doubleValue(), k -> new ArrayList<>()).add(e.getValue());
        return out;
    }
}
