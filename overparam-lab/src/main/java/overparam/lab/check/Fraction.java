package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * The fraction of cells in which y (a per-run value or a metric's last value, as {@link CellResult#valueOf} reads it)
 * meets a target, y <= at_most (or >= at_least), lies in [min, max]: e.g. the share of seeds whose run converged (Arora et
 * al. 2019: layer-wise Gaussian initialization fails more often as depth grows). A diverged cell, or one without the value,
 * does not meet it. The estimate is k / n with the Clopper-Pearson (exact binomial) 95% interval.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Fraction(String name, String y, Double atMost, Double atLeast, Map<String, String> where, double min, double max) implements Check {
    public Verdict evaluate(Results results) {
        if ((atMost == null) == (atLeast == null)) throw new IllegalArgumentException("fraction '" + name + "': give exactly one of at_most and at_least");
        boolean down = atMost != null;
        double target = down ? atMost : atLeast;
        String expected = "fraction of cells with " + y + (down ? " <= " : " >= ") + Check.number(target) + " in [" + min + ", " + max + "], "
                + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        Coverage coverage = Check.coverage(results, Where.of(where), cells.size());
        if (cells.isEmpty()) return Verdict.noEvidence(name, "no cell to check", expected, coverage);
        int met = 0;
        for (CellResult c : cells) {
            double v = c.diverged() ? Double.NaN : c.valueOf(y);
            if (down ? v <= target : v >= target) met++;
        }
        int n = cells.size();
        double p = (double) met / n;
        double[] interval = Statistics.clopperPearson(met, n, Evidence.ALPHA);
        Evidence e = new Evidence(p, interval[0], interval[1], Math.sqrt(Math.max(p * (1 - p), 0.25 / n) / n), Double.POSITIVE_INFINITY, n,
                Check.seeds(cells), Evidence.ALPHA);
        String measured = met + " of " + n + " cells (" + Check.number(p) + ") [" + Check.number(interval[0]) + ", " + Check.number(interval[1])
                + "] (Clopper-Pearson 95%)";
        return Verdict.decide(name, e, Prediction.between(min, max), measured, expected, coverage);
    }
}
