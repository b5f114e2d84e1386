package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * The empirical over-parameterization threshold, the smallest width from which on at least 1 - delta of the seeds
 * converge at the theorem's rate (loss <= loss_bound at every record), is at most what the theorem demands (the run
 * value width_requirement, hidden constants set to 1).
 *
 * <p>The success probability at each width has an exact Clopper-Pearson 95% interval. The threshold's interval runs from
 * the optimistic one (the smallest width from which on every tested width's upper end reaches 1 - delta) to the
 * pessimistic one (the same with the lower end; infinite when no width is sure). It HOLDS when the pessimistic
 * threshold is at most the demanded width, FAILS when even the optimistic one exceeds it, and is otherwise
 * INCONCLUSIVE, with the seeds per width that would make the observed success fraction's lower end reach 1 - delta.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Threshold(String name, String field, double delta, Double slack) implements Check {
    public Verdict evaluate(Results results) {
        String f = field == null ? "width" : field;
        double s = slack == null ? Bound.DEFAULT_SLACK : slack;
        TreeMap<Double, int[]> successes = successes(results.cells(), f, s);     // width -> {converged, runs}
        double pointwise = threshold(successes, delta);
        double optimistic = threshold(successes, (k, n) -> Statistics.clopperPearson(k, n, Evidence.ALPHA)[1] >= 1 - delta);
        double pessimistic = threshold(successes, (k, n) -> Statistics.clopperPearson(k, n, Evidence.ALPHA)[0] >= 1 - delta);
        double demanded = results.cells().stream().mapToDouble(c -> c.value("width_requirement")).filter(Double::isFinite).max().orElse(Double.NaN);
        List<String> table = new ArrayList<>();
        successes.forEach((w, k) -> table.add(Check.number(w) + ": " + k[0] + "/" + k[1]));
        String expected = "a threshold exists and is <= " + Check.number(demanded) + ", the width the theorem demands (hidden constants set to 1)";
        Coverage coverage = Check.coverage(results, c -> true, results.cells().size());
        if (successes.isEmpty() || Double.isNaN(demanded)) return Verdict.noEvidence(name, "no cell, or no width_requirement recorded", expected, coverage);
        double low = Double.isNaN(optimistic) ? Double.POSITIVE_INFINITY : optimistic;
        double high = Double.isNaN(pessimistic) ? Double.POSITIVE_INFINITY : pessimistic;
        String measured = f + " threshold " + (Double.isNaN(pointwise) ? "none within the widths tested" : Check.number(pointwise))
                + ", 95% interval [" + Check.number(low) + ", " + Check.number(high) + "] (converged at the theorem's rate: " + String.join(", ", table) + ")";
        Prediction p = Prediction.atMost(demanded);
        Verdict.Outcome o = p.contains(high) ? Verdict.Outcome.HOLDS
                : low > demanded && successes.lastKey() >= demanded ? Verdict.Outcome.FAILS : Verdict.Outcome.INCONCLUSIVE;
        Integer seeds = o == Verdict.Outcome.INCONCLUSIVE ? seedsToBeSure(successes, pointwise, delta) : null;
        String note = o != Verdict.Outcome.INCONCLUSIVE || seeds != null ? coverage.note()
                : "no tested width converges in enough seeds for more seeds to make it sure";
        return new Verdict(name, o, measured, expected, Double.isNaN(pointwise) ? Double.POSITIVE_INFINITY : pointwise, low, high,
                coverage.used(), coverage.expected(), seeds, note);
    }

    /** Whether k successes in n runs count as converging at a width. */
    interface Rule { boolean converges(int k, int n); }

    /**
     * The seeds per width at which the widths from the threshold on, at the success fractions observed, would have
     * Clopper-Pearson lower ends >= 1 - delta: the least such count over the smallest observed fraction there.
     */
    static Integer seedsToBeSure(TreeMap<Double, int[]> successes, double threshold, double delta) {
        if (Double.isNaN(threshold)) return null;
        double fraction = 1;
        for (int[] k : successes.tailMap(threshold, true).values()) fraction = Math.min(fraction, (double) k[0] / k[1]);
        if (fraction <= 1 - delta) return null;
        int now = successes.get(threshold)[1];
        for (int n = now + 1; n <= 100_000; n++)
            if (Statistics.clopperPearson((int) Math.floor(fraction * n), n, Evidence.ALPHA)[0] >= 1 - delta) return n;
        return null;
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

    /** The smallest value from which on every tested value converges by the rule; NaN when the largest does not. */
    static double threshold(TreeMap<Double, int[]> successes, Rule rule) {
        double threshold = Double.NaN;
        for (var e : successes.descendingMap().entrySet()) {
            if (rule.converges(e.getValue()[0], e.getValue()[1])) threshold = e.getKey();
            else break;
        }
        return threshold;
    }

    /** The point threshold: the smallest value from which on every tested value has a success fraction >= 1 - delta. */
    public static double threshold(TreeMap<Double, int[]> successes, double delta) {
        return threshold(successes, (k, n) -> enough(k, n, delta));
    }

    /** k of n runs converging is enough at a width: a fraction of at least 1 - delta (the search's rule too). */
    public static boolean enough(long k, long n, double delta) {
        return k >= (1 - delta) * n - 1e-12;
    }
}
