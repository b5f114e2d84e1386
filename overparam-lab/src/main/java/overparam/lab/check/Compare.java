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
 * <p>
 * With `pair_by: FIELD` (e.g. seed) the cells are matched across the two groups by that field, each value once a group,
 * and the estimate is the mean of the paired differences with its t-interval (n - 1 degrees of freedom): when the two
 * groups share what each seed draws (the same initialization, data and starting point, as every dynamics of a seed
 * does when it starts from one GD minimum), the seed-to-seed spread that Welch's interval would count twice cancels.
 * A value present in one group only is left out and counted as such.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties({"significance"})
public record Compare(String name, String y, String group, String first, String second, String expect, Double margin,
                      Map<String, String> where, String pairBy) implements Check {
    /** Unpaired: Welch's interval. */
    public Compare(String name, String y, String group, String first, String second, String expect, Double margin, Map<String, String> where) {
        this(name, y, group, first, second, expect, margin, where, null);
    }

    public Verdict evaluate(Results results) {
        boolean lower = !"higher".equals(expect);
        double m = margin == null ? 0 : margin;
        String expected = "mean " + y + " of " + group + "=" + first + (lower ? " < " : " > ") + "that of " + group + "=" + second
                + (m > 0 ? " by more than " + Check.number(m) : "") + " (Welch's 95% interval of the difference), " + Check.describe(where);
        List<CellResult> a = cells(results, first), b = cells(results, second);
        if (pairBy != null) return paired(results, a, b, lower, m, expected.replace("(Welch's 95% interval of the difference)",
                "(paired by " + pairBy + ": the mean difference's t-interval, 95%)"));
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

    private Verdict paired(Results results, List<CellResult> a, List<CellResult> b, boolean lower, double m, String expected) {
        Map<String, CellResult> byKey = new java.util.LinkedHashMap<>();
        for (CellResult c : b) {
            if (byKey.put(c.field(pairBy), c) != null)
                return Verdict.noEvidence(name, "two cells of " + group + "=" + second + " share " + pairBy + "=" + c.field(pairBy)
                        + ": pair_by needs a field each group has once per value", expected, Check.coverage(results, x -> false, 0));
        }
        List<Double> differences = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (CellResult c : a) {
            if (!seen.add(c.field(pairBy)))
                return Verdict.noEvidence(name, "two cells of " + group + "=" + first + " share " + pairBy + "=" + c.field(pairBy)
                        + ": pair_by needs a field each group has once per value", expected, Check.coverage(results, x -> false, 0));
            CellResult other = byKey.get(c.field(pairBy));
            if (other == null || c.diverged() || other.diverged()) continue;
            double d = c.valueOf(y) - other.valueOf(y);
            if (Double.isFinite(d)) differences.add(d);
        }
        double[] d = differences.stream().mapToDouble(Double::doubleValue).toArray();
        Coverage coverage = Check.coverage(results, c -> Where.of(where).test(c)
                && (Where.holds(c, group, first) || Where.holds(c, group, second)), 2 * d.length);
        if (d.length == 0) return Verdict.noEvidence(name, "no pair of usable cells matched by " + pairBy, expected, coverage);
        double mean = Statistics.mean(d);
        Evidence e = d.length < 2
                ? new Evidence(mean, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, 0, d.length, d.length, Evidence.ALPHA)
                : Evidence.tInterval(mean, Math.sqrt(Statistics.variance(d) / d.length), d.length - 1, d.length, d.length, Evidence.ALPHA);
        Prediction p = lower ? Prediction.below(-m) : Prediction.above(m);
        return Verdict.decide(name, e, p, first + " - " + second + " over " + d.length + " pairs: " + describe(d) + ", mean "
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
