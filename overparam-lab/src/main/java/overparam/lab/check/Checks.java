package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/** The check types of experiment specs. Every field comes from the YAML; unset optional fields are null. */
public final class Checks {
    private Checks() {}

    /**
     * metric(k) <= bound(k) * (1 + slack) at every recorded step of every cell kept (e.g. loss <= loss_bound:
     * Theorems 5.1/6.1's L(k) <= (1 - eta lambda_0 / 2)^k L(0)). A diverged cell violates it. The first record
     * counts but is not reported as the worst: there the bound equals the loss by construction.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Bound(String name, String metric, String bound, Map<String, String> where, Double slack) implements Check {
        public Verdict evaluate(Results results) {
            String m = metric == null ? "loss" : metric, b = bound == null ? "loss_bound" : bound;
            double s = slack == null ? 1e-9 : slack;
            String expected = m + " <= " + b + (s > 0 ? " (1 + " + s + ")" : "") + " at every recorded step, " + Check.describe(where);
            List<CellResult> cells = results.where(Where.of(where));
            if (cells.isEmpty()) return new Verdict(name, false, "no cell to check", expected);
            double worst = Double.NEGATIVE_INFINITY;
            String at = "";
            for (CellResult c : cells) {
                if (c.diverged()) return new Verdict(name, false, "cell " + c.cell() + " diverged", expected);
                NavigableMap<Integer, Double> mv = c.series(m), bv = c.series(b);
                if (mv.isEmpty() || bv.isEmpty()) return new Verdict(name, false, "cell " + c.cell() + " recorded no " + (mv.isEmpty() ? m : b), expected);
                for (var e : mv.entrySet()) {
                    Double bound = bv.get(e.getKey());
                    if (bound == null || e.getValue() == null || bound <= 0) continue;
                    double ratio = e.getValue() / bound;
                    boolean first = e.getKey().equals(mv.firstKey());
                    if (first ? ratio > 1 + s && ratio > worst : ratio > worst) { worst = ratio; at = c.cell() + ", step " + e.getKey(); }
                }
            }
            return new Verdict(name, worst <= 1 + s, "largest " + m + " / " + b + " = " + Check.number(worst) + " (" + at + "), "
                    + cells.size() + " cells", expected);
        }
    }

    /** The fitted slope of y against x (loglog: the exponent of a power law) lies in [min, max]. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Slope(String name, String y, String x, String scale, Map<String, String> where, double min, double max) implements Check {
        public Verdict evaluate(Results results) {
            String expected = "slope of " + y + " vs " + x + " (" + (scale == null ? "loglog" : scale) + ") in [" + min + ", " + max + "], "
                    + Check.describe(where);
            double[][] p = Check.points(results.where(Where.of(where)), x, y, Check.logX(scale), Check.logY(scale));
            if (p[0].length < 3) return new Verdict(name, false, "only " + p[0].length + " usable runs", expected);
            Fit f = Check.fit(scale, p[0], p[1]);
            return new Verdict(name, f.slope() >= min && f.slope() <= max, "slope " + f.describe() + " (95%), " + f.points() + " runs", expected);
        }
    }

    /**
     * The slopes of y against x of two groups (e.g. arch fc and resnet) compare as expected: "first_below" means
     * first's slope < second's - margin (first falls faster), "first_above" the opposite.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SlopeCompare(String name, String y, String x, String group, String first, String second, String expect,
                               String scale, Double margin, Map<String, String> where) implements Check {
        public Verdict evaluate(Results results) {
            boolean below = !"first_above".equals(expect);
            double mg = margin == null ? 0 : margin;
            String expected = "slope of " + y + " vs " + x + " (" + (scale == null ? "loglog" : scale) + ") for " + group + " = " + first
                    + (below ? " below " : " above ") + "that for " + second + (mg > 0 ? " by more than " + mg : "");
            List<CellResult> kept = results.where(Where.of(where));
            double[][] a = Check.points(kept.stream().filter(c -> c.field(group).equals(first)).toList(), x, y, Check.logX(scale), Check.logY(scale));
            double[][] b = Check.points(kept.stream().filter(c -> c.field(group).equals(second)).toList(), x, y, Check.logX(scale), Check.logY(scale));
            if (a[0].length < 3 || b[0].length < 3)
                return new Verdict(name, false, "only " + a[0].length + " and " + b[0].length + " usable runs", expected);
            Fit fa = Check.fit(scale, a[0], a[1]), fb = Check.fit(scale, b[0], b[1]);
            boolean holds = below ? fa.slope() < fb.slope() - mg : fa.slope() > fb.slope() + mg;
            return new Verdict(name, holds, first + " " + fa.describe() + ", " + second + " " + fb.describe() + " (95%)", expected);
        }
    }

    /** The mean over cells of y at each value of x moves in one direction as x grows (decreasing or increasing). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Monotone(String name, String y, String x, String direction, Map<String, String> where) implements Check {
        public Verdict evaluate(Results results) {
            boolean down = !"increasing".equals(direction);
            String expected = "mean " + y + " " + (down ? "decreasing" : "increasing") + " in " + x + ", " + Check.describe(where);
            TreeMap<Double, double[]> means = new TreeMap<>();                     // x -> {sum, count}
            for (CellResult c : results.where(Where.of(where))) {
                double vx = c.number(x), vy = c.valueOf(y);
                if (!Double.isFinite(vx) || !Double.isFinite(vy)) continue;
                double[] acc = means.computeIfAbsent(vx, k -> new double[2]);
                acc[0] += vy; acc[1]++;
            }
            if (means.size() < 2) return new Verdict(name, false, "only " + means.size() + " values of " + x, expected);
            List<String> shown = new ArrayList<>();
            boolean holds = true;
            double previous = Double.NaN;
            for (var e : means.entrySet()) {
                double mean = e.getValue()[0] / e.getValue()[1];
                shown.add(Check.number(e.getKey()) + ": " + Check.number(mean));
                if (!Double.isNaN(previous) && (down ? mean >= previous : mean <= previous)) holds = false;
                previous = mean;
            }
            return new Verdict(name, holds, String.join(", ", shown), expected);
        }
    }

    /** Every cell kept converged: final loss <= ratio * initial loss, and none diverged. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Converges(String name, double ratio, Map<String, String> where) implements Check {
        public Verdict evaluate(Results results) {
            String expected = "final loss <= " + ratio + " x initial loss, " + Check.describe(where);
            List<CellResult> cells = results.where(Where.of(where));
            if (cells.isEmpty()) return new Verdict(name, false, "no cell to check", expected);
            double worst = 0;
            String at = "";
            for (CellResult c : cells) {
                if (c.diverged()) return new Verdict(name, false, "cell " + c.cell() + " diverged", expected);
                double r = c.value("final_loss") / c.value("initial_loss");
                if (!(r <= worst) ) { worst = r; at = c.cell(); }
            }
            return new Verdict(name, worst <= ratio, "largest final / initial = " + Check.number(worst) + " (" + at + "), " + cells.size() + " cells", expected);
        }
    }

    /**
     * Linear convergence at or above the rate the theorem predicts: the per-step rate fitted to log loss over the
     * recorded steps (until the loss reaches 1e-20 of its start) is at most 1 - eta lambda_0 / 2 in every cell.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Rate(String name, Map<String, String> where) implements Check {
        public Verdict evaluate(Results results) {
            String expected = "fitted loss rate per step <= 1 - eta lambda_0 / 2 in every cell, " + Check.describe(where);
            List<CellResult> cells = results.where(Where.of(where));
            if (cells.isEmpty()) return new Verdict(name, false, "no cell to check", expected);
            double worstExcess = Double.NEGATIVE_INFINITY;
            String shown = "";
            for (CellResult c : cells) {
                if (c.diverged()) return new Verdict(name, false, "cell " + c.cell() + " diverged", expected);
                double measured = fittedRate(c), predicted = 1 - c.value("eta") * c.value("lambda_0") / 2;
                if (!Double.isFinite(measured) || !Double.isFinite(predicted))
                    return new Verdict(name, false, "cell " + c.cell() + " has no rate (too few records, or no lambda_0)", expected);
                if (measured - predicted > worstExcess) {
                    worstExcess = measured - predicted;
                    shown = "measured " + rate(measured) + " vs predicted " + rate(predicted) + " (" + c.cell() + ")";
                }
            }
            return new Verdict(name, worstExcess <= 0, "slowest cell relative to its prediction: " + shown + ", " + cells.size() + " cells", expected);
        }

        /** A per-step rate near 1 reads as 1 - decrement, where the digits that matter are. */
        static String rate(double r) {
            return r > 0.9 && r < 1 ? "1 - " + Check.number(1 - r) : Check.number(r);
        }

        /** exp of the slope of log loss against step, over the records before the loss falls below 1e-20 of its start. */
        static double fittedRate(CellResult c) {
            NavigableMap<Integer, Double> loss = c.series("loss");
            if (loss.size() < 2) return Double.NaN;
            double start = loss.firstEntry().getValue();
            List<double[]> p = new ArrayList<>();
            for (var e : loss.entrySet()) {
                if (e.getValue() == null || e.getValue() <= 1e-20 * start) break;
                p.add(new double[] {e.getKey(), e.getValue()});
            }
            if (p.size() < 2) return Double.NaN;
            double[] x = new double[p.size()], y = new double[p.size()];
            for (int i = 0; i < p.size(); i++) { x[i] = p.get(i)[0]; y[i] = p.get(i)[1]; }
            return Math.exp(Fit.semiLog(x, y).slope());
        }
    }

    /**
     * The empirical over-parameterization threshold: the smallest width from which on at least 1 - delta of the
     * seeds converge at the theorem's rate (loss <= loss_bound at every record), is at most what the theorem
     * demands (the run value width_requirement, hidden constants set to 1).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Threshold(String name, String field, double delta, Double slack) implements Check {
        public Verdict evaluate(Results results) {
            String f = field == null ? "width" : field;
            double s = slack == null ? 1e-9 : slack;
            TreeMap<Double, int[]> successes = successes(results.cells(), f, s);     // width -> {converged, runs}
            double threshold = threshold(successes, delta);
            double demanded = results.cells().stream().mapToDouble(c -> c.value("width_requirement")).filter(Double::isFinite).max().orElse(Double.NaN);
            List<String> table = new ArrayList<>();
            successes.forEach((w, k) -> table.add(Check.number(w) + ": " + k[0] + "/" + k[1]));
            String expected = "a threshold exists and is <= " + Check.number(demanded) + ", the width the theorem demands (hidden constants set to 1)";
            if (Double.isNaN(threshold)) return new Verdict(name, false, "no width converged in >= " + (1 - delta) + " of the seeds (" + String.join(", ", table) + ")", expected);
            return new Verdict(name, threshold <= demanded, f + " threshold " + Check.number(threshold) + " (converged at the theorem's rate: "
                    + String.join(", ", table) + ")", expected);
        }

        /** A cell converges at the theorem's rate: it did not diverge and loss <= loss_bound (1 + slack) at every record. */
        public static boolean success(CellResult c, double slack) {
            if (c.diverged()) return false;
            NavigableMap<Integer, Double> loss = c.series("loss"), bound = c.series("loss_bound");
            if (loss.isEmpty() || bound.isEmpty()) return false;
            for (var e : loss.entrySet()) {
                Double b = bound.get(e.getKey());
                if (b != null && e.getValue() != null && e.getValue() > b * (1 + slack)) return false;
            }
            return true;
        }

        /** Per value of the field: how many cells succeeded, out of how many. */
        public static TreeMap<Double, int[]> successes(List<CellResult> cells, String field, double slack) {
            TreeMap<Double, int[]> out = new TreeMap<>();
            for (CellResult c : cells) {
                int[] k = out.computeIfAbsent(c.number(field), w -> new int[2]);
                if (success(c, slack)) k[0]++;
                k[1]++;
            }
            return out;
        }

        /** The smallest value from which on every tested value has a success fraction >= 1 - delta; NaN when none. */
        public static double threshold(TreeMap<Double, int[]> successes, double delta) {
            double threshold = Double.NaN;
            for (var e : successes.descendingMap().entrySet()) {
                if (e.getValue()[0] >= (1 - delta) * e.getValue()[1] - 1e-12) threshold = e.getKey();
                else break;
            }
            return threshold;
        }
    }

    /**
     * Every cell kept reaches the target at some recorded step: metric <= at_most (or >= at_least), e.g. zero
     * training error (Zhang et al. 2016: networks fit even random labels). With relative: true the target is a
     * fraction of the metric's first recorded value (a distance closed to 10% of its start). A diverged cell does not.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Reaches(String name, String metric, Double atMost, Double atLeast, Boolean relative, Map<String, String> where) implements Check {
        public Verdict evaluate(Results results) {
            boolean down = atLeast == null, scaled = Boolean.TRUE.equals(relative);
            double target = down ? atMost : atLeast;
            String expected = metric + (down ? " <= " : " >= ") + Check.number(target) + (scaled ? " x its first value" : "")
                    + " at some recorded step, " + Check.describe(where);
            List<CellResult> cells = results.where(Where.of(where));
            if (cells.isEmpty()) return new Verdict(name, false, "no cell to check", expected);
            double latest = 0, worstBest = down ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            String missed = null;
            for (CellResult c : cells) {
                var series = c.series(metric);
                double first = series.isEmpty() || series.firstEntry().getValue() == null ? Double.NaN : series.firstEntry().getValue();
                double goal = scaled ? target * first : target;
                double step = c.stepsTo(metric, down, goal);
                if (c.diverged() || Double.isNaN(step)) {
                    double best = down ? series.values().stream().filter(v -> v != null).mapToDouble(v -> v).min().orElse(Double.NaN)
                                       : series.values().stream().filter(v -> v != null).mapToDouble(v -> v).max().orElse(Double.NaN);
                    if (scaled) best /= first;
                    if (missed == null || (down ? best > worstBest : best < worstBest)) { worstBest = best; missed = c.cell(); }
                    continue;
                }
                latest = Math.max(latest, step);
            }
            if (missed != null)
                return new Verdict(name, false, "cell " + missed + " never did (best " + metric + (scaled ? " / first " : " ") + Check.number(worstBest) + ")", expected);
            return new Verdict(name, true, "all " + cells.size() + " cells, the last at step " + Check.number(latest), expected);
        }
    }

    /**
     * Two groups of cells compared: the mean of y (a per-run value or a metric's last value) over the cells whose
     * field `group` is `first` against those where it is `second` (seeds are the repeats): expect "lower" or "higher",
     * by at least `margin` (default 0), and, with `significance` z, by more than z standard errors of the difference
     * (Welch's: sqrt(s_a^2 / n_a + s_b^2 / n_b)), so that a difference the seeds' spread explains does not count as
     * one. The verdict shows mean, standard deviation and count of each, and the difference in standard errors.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Compare(String name, String y, String group, String first, String second, String expect, Double margin,
                          Double significance, Map<String, String> where) implements Check {
        public Verdict evaluate(Results results) {
            boolean lower = !"higher".equals(expect);
            double m = margin == null ? 0 : margin, z = significance == null ? 0 : significance;
            String expected = "mean " + y + " of " + group + "=" + first + (lower ? " < " : " > ") + "that of " + group + "=" + second
                    + (m > 0 ? " by more than " + Check.number(m) : "") + (z > 0 ? " and by more than " + Check.number(z) + " standard errors" : "")
                    + ", " + Check.describe(where);
            double[] a = values(results, first), b = values(results, second);
            if (a.length == 0 || b.length == 0)
                return new Verdict(name, false, "no cells with " + group + "=" + (a.length == 0 ? first : second), expected);
            double ma = mean(a), mb = mean(b);
            double se = Math.sqrt(variance(a) / a.length + variance(b) / b.length);
            double gap = lower ? mb - ma : ma - mb, inErrors = se > 0 ? gap / se : gap > 0 ? Double.POSITIVE_INFINITY : 0;
            boolean holds = gap > m && (z == 0 || inErrors > z);
            return new Verdict(name, holds, first + " " + describe(a) + ", " + second + " " + describe(b) + "; difference "
                    + Check.number(ma - mb) + " = " + Check.number(Math.abs(ma - mb) / se) + " standard errors", expected);
        }

        private static double variance(double[] v) {
            if (v.length < 2) return 0;
            double mu = mean(v), ss = 0;
            for (double x : v) ss += (x - mu) * (x - mu);
            return ss / (v.length - 1);
        }

        private double[] values(Results results, String value) {
            return results.where(Where.of(where)).stream().filter(c -> Where.holds(c, group, value))
                    .mapToDouble(c -> c.diverged() ? Double.NaN : c.valueOf(y)).toArray();
        }

        private static double mean(double[] v) {
            double s = 0;
            for (double x : v) s += x;
            return s / v.length;
        }

        private static String describe(double[] v) {
            return Check.number(mean(v)) + " +- " + Check.number(Math.sqrt(variance(v))) + " (n = " + v.length + ")";
        }
    }
}
