package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * metric(k) <= bound(k) * (1 + slack) at every recorded step of every cell kept (or at one step, {@code step: 0} for a claim
 * about initialization), bound a metric or a positive constant (e.g. loss <= loss_bound:
 * Theorems 5.1/6.1's L(k) <= (1 - eta lambda_0 / 2)^k L(0)). Each cell's ratio is its own exact number, so the
 * estimate is the largest ratio with no sampling interval; one cell over the bound, or diverged, fails the claim, and
 * it holds only when every planned cell ran. The first record counts but is not reported as the worst: there the
 * bound equals the loss by construction. The default slack, 1e-9, only forgives rounding in the bound's product.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Bound(String name, String metric, String bound, Map<String, String> where, Double slack, Integer step) implements Check {
    /** At every recorded step (the claim of a bound along training). */
    public Bound(String name, String metric, String bound, Map<String, String> where, Double slack) {
        this(name, metric, bound, where, slack, null);
    }

    /** Relative rounding the comparison forgives when a spec sets no slack. */
    public static final double DEFAULT_SLACK = 1e-9;

    public Verdict evaluate(Results results) {
        String m = metric == null ? "loss" : metric, b = bound == null ? "loss_bound" : bound;
        double s = slack == null ? DEFAULT_SLACK : slack;
        String expected = m + " <= " + b + (s > 0 ? " (1 + " + s + ")" : "") + (step == null ? " at every recorded step, " : " at step " + step + ", ")
                + Check.describe(where);
        Double constant = constant(b);
        List<CellResult> cells = results.where(Where.of(where));
        double worst = Double.NEGATIVE_INFINITY;
        String at = "", fault = null;
        boolean diverged = false;
        int used = 0;
        for (CellResult c : cells) {
            if (c.diverged()) { fault = "cell " + c.cell() + " diverged"; diverged = true; continue; }
            NavigableMap<Integer, Double> mv = c.series(m), bv = constant != null ? mv : c.series(b);
            if (mv.isEmpty() || bv.isEmpty()) { fault = fault != null ? fault : "cell " + c.cell() + " recorded no " + (mv.isEmpty() ? m : b); continue; }
            if (step != null && !mv.containsKey(step)) { fault = fault != null ? fault : "cell " + c.cell() + " recorded no " + m + " at step " + step; continue; }
            used++;
            for (var e : mv.entrySet()) {
                if (step != null && !e.getKey().equals(step)) continue;
                Double bound = constant != null ? constant : bv.get(e.getKey());
                if (bound == null || e.getValue() == null || Double.isNaN(bound)) continue;
                // a bound at or below 0 (a least eigenvalue that is round-off of either sign) holds only a metric at or
                // below it: the ratio is then 0, else infinite, never a silent skip
                double ratio = bound > 0 ? e.getValue() / bound : e.getValue() <= bound ? 0 : Double.POSITIVE_INFINITY;
                boolean first = step == null && e.getKey().equals(mv.firstKey());   // at a chosen step its ratio is the estimate
                if (first ? ratio > 1 + s && ratio > worst : ratio > worst) { worst = ratio; at = c.cell() + ", step " + e.getKey(); }
            }
        }
        Coverage coverage = Check.coverage(results, Where.of(where), used);
        if (used == 0 && fault == null) return Verdict.noEvidence(name, "no cell to check", expected, coverage);
        boolean over = worst > 1 + s;
        Verdict.Outcome o = over || diverged ? Verdict.Outcome.FAILS
                : fault != null ? Verdict.Outcome.INCONCLUSIVE : Verdict.Outcome.HOLDS;
        String measured = (used > 0 ? "largest " + m + " / " + b + " = " + Check.number(worst) + " (" + at + "), " + used + " cells" : "")
                + (fault != null ? (used > 0 ? "; " : "") + fault : "");
        return Verdict.everyCell(name, o, Evidence.exact(worst), measured, expected, coverage, fault != null ? fault : "");
    }

    /** A bound given as a positive number rather than a metric's name: the same constant at every step. */
    private static Double constant(String bound) {
        try {
            double v = Double.parseDouble(bound);
            if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException("bound " + bound + ": a constant bound must be a positive number");
            return v;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
