package overparam.lab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import overparam.lab.store.CellResult;

/**
 * A {@code rounds} figure, for experiments of iterative magnitude pruning (train --prune-rounds): y, a value each training
 * of a pruning run stores as rNN_NETWORK_y (early_stop_test_accuracy, early_stop_step, final_test_accuracy, ...), against
 * the percentage of weights remaining, one line per network (ticket and each control), every line starting at the dense
 * network of round 0 (100%). A point is the mean over the cells (the seeds) with its 95% t-interval. The x axis is
 * logarithmic and runs from 100% down, as Frankle and Carbin's Figures 3 and 4 draw it.
 */
final class Rounds {
    /** The networks a pruning run trains each round after the dense one (lab/run/PruningRun), in the legend's order. */
    static final List<String> NETWORKS = List.of("ticket", "reinit", "random");
    private static final int MOST_ROUNDS = 99;                 // rNN: two digits

    private Rounds() {}

    static Figures.Drawn draw(FigureSpec spec, List<CellResult> cells) {
        YIntervalSeriesCollection lines = new YIntervalSeriesCollection();
        List<Double> xs = new ArrayList<>();
        int fewest = Integer.MAX_VALUE, most = 0;
        for (String network : NETWORKS) {
            YIntervalSeries series = new YIntervalSeries(network, false, true);
            for (int round = 0; round <= MOST_ROUNDS; round++) {
                String prefix = String.format(Locale.ROOT, "r%02d_%s_", round, round == 0 ? "dense" : network);
                List<Double> values = new ArrayList<>(), percents = new ArrayList<>();
                for (CellResult c : cells) {
                    double v = c.valueOf(prefix + spec.y()), f = c.valueOf(prefix + "fraction_remaining");
                    if (Double.isFinite(v) && f > 0) {
                        values.add(v);
                        percents.add(100 * f);
                    }
                }
                if (values.isEmpty()) continue;    // a round this run did not reach, or a control it did not train
                // every seed prunes the same counts (MagnitudePruning is exact), so the cells share one x a round
                double x = percents.get(0);
                double[] m = Band.CI95.interval(values);
                series.add(x, m[0], m[1], m[2]);
                xs.add(x);
                fewest = Math.min(fewest, values.size());
                most = Math.max(most, values.size());
            }
            if (series.getItemCount() > 1) lines.addSeries(series);
        }
        if (lines.getSeriesCount() == 0)
            return Figures.Drawn.nothing("No data: no cell has r00_dense_" + spec.y() + " and a later round's value (a rounds figure needs an experiment"
                    + " of train --prune-rounds).", List.of());

        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setCapLength(6);
        renderer.setErrorStroke(new BasicStroke(1.2f));
        renderer.setDefaultLinesVisible(true);
        for (int s = 0; s < lines.getSeriesCount(); s++) {
            Color color = Style.color(NETWORKS.indexOf((String) lines.getSeriesKey(s)), NETWORKS.size(), false);
            renderer.setSeriesPaint(s, color);
            renderer.setSeriesShape(s, Style.mark(s));
            renderer.setSeriesStroke(s, Style.stroke(s, true));
        }
        ValueAxis x = Style.axis("percent of weights remaining", true, xs.stream().mapToDouble(d -> d).toArray(), false);
        x.setInverted(true);                                      // 100% on the left, the sparsest tickets on the right
        XYPlot plot = new XYPlot(lines, x, Style.axis(spec.y(), Boolean.TRUE.equals(spec.logY()), new double[0], false), renderer);
        Style.plot(plot);
        JFreeChart chart = Style.chart(plot);
        String band = Band.CI95.legend(fewest, most, "seeds");
        return new Figures.Drawn(chart, null, List.of("Each line starts at the dense network (round 0, 100%); points: " + band + "."));
    }
}
