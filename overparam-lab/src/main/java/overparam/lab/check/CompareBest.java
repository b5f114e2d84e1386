package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * Two methods each at its best setting of a tuned field: for the cells whose `group` is `first` and for those where it is
 * `second`, the value of the field `over` (e.g. eta, a grid) whose mean y over the seeds is best (lowest for expect:
 * lower), then the two best settings' cells compared as {@link Compare} does (the difference of the means, Welch's 95%
 * interval). Both methods are tuned over the same grid, so the choice favours neither. A cell that diverged, or whose y
 * is not a number (steps_to: a target never reached), counts as the worst possible value (censored: never), so a grid
 * point at which some seed never got there cannot be the best while another got there every time. When the second's
 * best setting never got there in any seed and the first's always did, the claim holds without an interval (exact);
 * when the first's best setting missed in some seed, it stays INCONCLUSIVE (or FAILS if it missed in every seed).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CompareBest(String name, String y, String group, String first, String second, String over, String expect,
                          Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        boolean lower = !"higher".equals(expect);
        String expected = "mean " + y + " of " + label(first) + (lower ? " < " : " > ") + "that of " + label(second)
                + ", each at its best " + over + " (Welch's 95% interval of the difference; never = worst), " + Check.describe(where);
        Best a = best(results, first, lower), b = best(results, second, lower);
        Coverage coverage = Check.coverage(results, c -> Where.of(where).test(c)
                && (Where.holds(c, group, first) || Where.holds(c, group, second)), a.cells + b.cells);
        if (a.values == null || b.values == null)
            return Verdict.noEvidence(name, "no cells with " + group + "=" + (a.values == null ? first : second), expected, coverage);
        String measured = label(first) + " best at " + over + "=" + a.setting + ": " + describe(a.values) + "; " + label(second) + " best at "
                + over + "=" + b.setting + ": " + describe(b.values);
        int missedA = never(a.values), missedB = never(b.values);
        if (missedA == a.values.length)
            return Verdict.everyCell(name, Verdict.Outcome.FAILS, Evidence.exact(Double.NaN), measured + "; " + label(first) + " never got there",
                    expected, coverage, "");
        if (missedA > 0)
            return Verdict.everyCell(name, Verdict.Outcome.INCONCLUSIVE, Evidence.exact(Double.NaN), measured, expected, coverage,
                    label(first) + " at its best " + over + " missed in " + missedA + " of " + a.values.length + " seeds");
        if (missedB == b.values.length)
            return Verdict.everyCell(name, Verdict.Outcome.HOLDS, Evidence.exact(Statistics.mean(a.values)), measured + "; " + label(second)
                    + " never got there at any " + over, expected, coverage, "");
        if (missedB > 0)
            return Verdict.everyCell(name, Verdict.Outcome.INCONCLUSIVE, Evidence.exact(Double.NaN), measured, expected, coverage,
                    label(second) + " at its best " + over + " missed in " + missedB + " of " + b.values.length + " seeds");
        Evidence e = Statistics.welch(a.values, b.values, Math.max(a.values.length, b.values.length), Evidence.ALPHA);
        Prediction p = lower ? Prediction.below(0) : Prediction.above(0);
        return Verdict.decide(name, e, p, measured + "; difference " + Slope.interval(e) + " (95%)", expected, coverage);
    }

    /** The setting of `over` with the best mean (censored values count as the worst), and its cells' values. */
    private Best best(Results results, String value, boolean lower) {
        Map<String, List<Double>> bySetting = new LinkedHashMap<>();
        int count = 0;
        for (CellResult c : results.where(Where.of(where))) {
            if (!Where.holds(c, group, value)) continue;
            double v = c.diverged() ? Double.NaN : c.valueOf(y);
            bySetting.computeIfAbsent(c.field(over), k -> new ArrayList<>()).add(Double.isFinite(v) ? v : lower ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
            count++;
        }
        String setting = null;
        double[] values = null;
        double bestMean = 0;
        for (var e : bySetting.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            double m = Statistics.mean(v), never = never(v);
            double score = lower ? m : -m;
            if (values == null || score < bestMean || (score == bestMean && never < never(values))) { setting = e.getKey(); values = v; bestMean = score; }
        }
        return new Best(setting, values, count);
    }

    /** "clip_norm=0.1", or "clip_norm unset" for the empty value (the cells without the field). */
    private String label(String value) { return value.isEmpty() ? group + " unset" : group + "=" + value; }

    private record Best(String setting, double[] values, int cells) {}

    private static int never(double[] v) {
        int n = 0;
        for (double x : v) if (Double.isInfinite(x)) n++;
        return n;
    }

    private static String describe(double[] v) {
        int missed = never(v);
        double[] finite = java.util.Arrays.stream(v).filter(Double::isFinite).toArray();
        String s = finite.length == 0 ? "never" : Check.number(Statistics.mean(finite)) + (finite.length > 1 ? " +- " + Check.number(Math.sqrt(Statistics.variance(finite))) : "");
        return s + " (n = " + v.length + (missed > 0 ? ", " + missed + " never" : "") + ")";
    }
}
