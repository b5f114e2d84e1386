package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * One metric against another along each run: the least-squares line y = intercept + slope x through the records at which
 * both are finite (positive on a log axis), from step `from_step` on, per cell, e.g. Zhang et al. (2020, Fig. 1)'s local
 * smoothness against the gradient norm, L_hat ~ L0 + L1 ||grad f||, for which (L0, L1)-smoothness predicts L1 > 0. The
 * claim is about every cell: each cell's slope with its OLS t-interval (n - 2 degrees of freedom, {@link Fit}) must lie
 * above `slope_above` (default 0) and below `slope_below` if given. One cell wholly outside fails it; a cell whose interval
 * straddles a bound, or with fewer than three points, leaves it INCONCLUSIVE. The estimate shown is the cell nearest to
 * failing. The interval treats the records as independent points around the line; consecutive records of one trajectory
 * are not, so it is narrower than the truth when the residuals are correlated along the run. Diverged runs are used up to
 * their last finite record (the relation is about the landscape the run went through, not about convergence).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Relation(String name, String y, String x, String scale, Double slopeAbove, Double slopeBelow, Integer fromStep,
                       Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        String s = scale == null ? "linear" : scale;
        double above = slopeAbove == null ? (slopeBelow == null ? 0 : Double.NEGATIVE_INFINITY) : slopeAbove;
        double below = slopeBelow == null ? Double.POSITIVE_INFINITY : slopeBelow;
        Prediction p = new Prediction(above, true, below, true);
        String expected = "the " + s + " fit of " + y + " against " + x + " has slope" + (Double.isFinite(above) ? " > " + Check.number(above) : "")
                + (Double.isFinite(above) && Double.isFinite(below) ? " and" : "") + (Double.isFinite(below) ? " < " + Check.number(below) : "")
                + " (OLS 95% interval) in every cell" + (fromStep == null ? "" : " from step " + fromStep) + ", " + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        Verdict.Outcome outcome = Verdict.Outcome.HOLDS;
        Fit nearest = null;
        String nearestCell = "", fault = null;
        double nearestMargin = Double.POSITIVE_INFINITY;
        int used = 0;
        List<String> slopes = new ArrayList<>();
        for (CellResult c : cells) {
            double[][] xy = points(c, Check.logX(s), Check.logY(s));
            if (xy[0].length < 3) { fault = fault != null ? fault : "cell " + c.cell() + " has " + xy[0].length + " points of (" + x + ", " + y + ")"; continue; }
            Fit f;
            try {
                f = Fit.of(xy[0], xy[1]);
            } catch (IllegalArgumentException e) {
                fault = fault != null ? fault : "cell " + c.cell() + ": " + x + " takes one value only";
                continue;
            }
            used++;
            Verdict.Outcome o = p.judge(f.slopeLow(), f.slopeHigh());
            outcome = outcome.worst(o);
            slopes.add(f.describe());
            double margin = Math.min(f.slopeLow() - above, below - f.slopeHigh());        // negative: outside or straddling
            if (nearest == null || margin < nearestMargin) { nearest = f; nearestMargin = margin; nearestCell = c.cell(); }
        }
        Coverage coverage = Check.coverage(results, Where.of(where), used);
        if (used == 0) return Verdict.noEvidence(name, fault != null ? fault : "no cell to check", expected, coverage);
        if (fault != null) outcome = outcome.worst(Verdict.Outcome.INCONCLUSIVE);
        String measured = "slopes " + String.join(", ", slopes) + "; nearest to failing: " + nearestCell + " (" + nearest.points() + " points)"
                + (fault != null ? "; " + fault : "");
        String undecided = outcome == Verdict.Outcome.INCONCLUSIVE ? (fault != null ? fault : "a cell's slope interval straddles a bound") : "";
        Evidence e = nearest.evidence(1);
        return Verdict.everyCell(name, outcome, e, measured, expected, coverage, undecided);
    }

    /** The (x, y) pairs recorded at the same steps, both finite (and positive on a log axis), logged where the scale says. */
    private double[][] points(CellResult c, boolean logX, boolean logY) {
        NavigableMap<Integer, Double> xs = c.series(x), ys = c.series(y);
        List<double[]> out = new ArrayList<>();
        for (var e : xs.entrySet()) {
            if (fromStep != null && e.getKey() < fromStep) continue;
            Double a = e.getValue(), b = ys.get(e.getKey());
            if (a == null || b == null || !Double.isFinite(a) || !Double.isFinite(b)) continue;
            if ((logX && !(a > 0)) || (logY && !(b > 0))) continue;
            out.add(new double[] {logX ? Math.log(a) : a, logY ? Math.log(b) : b});
        }
        double[][] xy = new double[2][out.size()];
        for (int i = 0; i < out.size(); i++) { xy[0][i] = out.get(i)[0]; xy[1][i] = out.get(i)[1]; }
        return xy;
    }
}
