package overparam.lab.check;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * Two groups of cells compared: the mean of y (a per-run value or a metric's last value) over the cells whose field
 * `group` is `first` against those where it is `second` (seeds are the repeats); expect "lower" or "higher", by more
 * than `margin` (default 0). The estimate is the difference of the means with Welch's 95% interval (unequal variances
 * and group sizes), so that a gap the seeds' spread explains is not one. A diverged cell has no value and is counted
 * as such. (Specs written before verdicts had intervals may carry `significance: z`; the interval replaces it.)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties({"significance"})
public record Compare(String name, String y, String group, String first, String second, String expect, Double margin,
                      Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        boolean lower = !"higher".equals(expect);
        double m = margin == null ? 0 : margin;
        String expected = "mean " + y + " of " + group + "=" + first + (lower ? " < " : " > ") + "that of " + group + "=" + second
                + (m > 0 ? " by more than " + Check.number(m) : "") + " (Welch's 95% interval of the difference), " + Check.describe(where);
        List<CellResult> a = cells(results, first), b = cells(results, second);
        double[] va = values(a), vb = values(b);
        Coverage coverage = Check.coverage(results, c -> Where.of(where).test(c)
                && (Where.holds(c, group, first) || Where.holds(c, group, second)), va.length + vb.length);
        if (va.length == 0 || vb.length == 0)
            return Verdict.noEvidence(name, "no usable cells with " + group + "=" + (va.length == 0 ? first : second), expected, coverage);
        Evidence e = Statistics.welch(va, vb, Check.seeds(a.size() >= b.size() ? a : b), Evidence.ALPHA);
        Prediction p = lower ? Prediction.below(-m) : Prediction.above(m);
        return Verdict.decide(name, e, p, first + " " + describe(va) + ", " + second + " " + describe(vb) + "; difference "
                + Slope.interval(e) + " (95%)", expected, coverage);
    }

    private List<CellResult> cells(Results results, String value) {
        return results.where(Where.of(where)).stream().filter(c -> Where.holds(c, group, value)).toList();
    }

    /** Each cell's y; a diverged cell, or one without the value, gives none. */
    private double[] values(List<CellResult> cells) {
        return cells.stream().filter(c -> !c.diverged()).mapToDouble(c -> c.valueOf(y)).filter(Double::isFinite).toArray();
    }

    private static String describe(double[] v) {
        return Check.number(Statistics.mean(v)) + (v.length > 1 ? " +- " + Check.number(Math.sqrt(Statistics.variance(v))) : "") + " (n = " + v.length + ")";
    }
}
