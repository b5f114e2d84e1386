package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * The mean of y over the cells kept (the seeds are the repeats) lies in [min, max] (either end may be left out): y is a
 * metric at a recorded step (step: S), else a per-run value or the metric's last value. E.g. a Monte Carlo mean against a
 * closed form: risk_measured / risk_gd - 1 over noise draws, within 10% of 0. The estimate is the sample mean with the
 * t-interval, mean +- t(0.975; N - 1) s / sqrt(N) over the N cells that have the value; it HOLDS when the interval lies in
 * [min, max], FAILS when it lies wholly outside, and is otherwise INCONCLUSIVE with the seeds that would decide it. A
 * diverged cell, or one that did not record y at the step, has no value and is counted as such.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Mean(String name, String y, Integer step, Double min, Double max, Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        double low = min == null ? Double.NEGATIVE_INFINITY : min, high = max == null ? Double.POSITIVE_INFINITY : max;
        Prediction p = new Prediction(low, false, high, false);
        String at = step == null ? "" : " at step " + step;
        String expected = "mean " + y + at + " in " + p.describe() + " (t-interval over the cells, 95%), " + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        double[] v = cells.stream().filter(c -> !c.diverged()).mapToDouble(this::value).filter(Double::isFinite).toArray();
        Coverage coverage = Check.coverage(results, Where.of(where), v.length);
        if (v.length == 0) return Verdict.noEvidence(name, "no cell with " + y + at, expected, coverage);
        double mean = Statistics.mean(v), se = Math.sqrt(Statistics.variance(v) / v.length);    // NaN for one cell: no spread
        Evidence e = Evidence.tInterval(mean, se, v.length - 1, v.length, Check.seeds(cells), Evidence.ALPHA);
        String measured = "mean " + Check.number(mean) + " [" + Check.number(e.low()) + ", " + Check.number(e.high()) + "] (95%), standard error "
                + Check.number(se) + ", n = " + v.length;
        return Verdict.decide(name, e, p, measured, expected, coverage);
    }

    private double value(CellResult c) {
        if (step == null) return c.valueOf(y);
        Double v = c.series(y).get(step);
        return v == null ? Double.NaN : v;
    }
}
