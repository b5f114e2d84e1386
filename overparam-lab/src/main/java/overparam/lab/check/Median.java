package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * The median of y (a per-run value or a metric's last value) over the cells kept, the seeds being the repeats: for values
 * whose mean does not exist or is dominated by rare huge draws, as the minimum-norm test risk at the interpolation threshold
 * p = n (its mean is infinite there, Hastie et al. 2019; RidgelessRisk).
 * <p>
 * The interval is distribution-free: for N values with order statistics X_(1) <= ... <= X_(N), the number B of them below
 * the true median m is Binomial(N, 1/2) for any continuous law, so [X_(l), X_(N+1-l)] covers m with probability
 * P(l <= B <= N - l) = 1 - 2 P(B <= l - 1) (the binomial's exact tail: the order-statistic interval of the median, the
 * sign test's, and the Clopper-Pearson argument for the quantile 1/2). l is the largest with coverage >= 1 - alpha; with too
 * few values (N <= 5 at 95%) there is none and the interval is infinite.
 * <p>
 * Alone it is checked against [min, max] (either end may be left out). With group, first and second it compares two groups of
 * cells (field group = first against group = second): the estimate is median(first) - median(second), expected "higher" or
 * "lower" by more than margin (default 0), and its interval [low_1 - high_2, high_1 - low_2] from each group's own interval
 * at 1 - alpha/2, so both hold together with probability >= 1 - alpha (Bonferroni) and the difference's interval covers the
 * difference of the medians at >= 95%. The standard error a verdict uses to suggest more seeds is the half-width over 1.96
 * (the interval narrows like N^-1/2).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Median(String name, String y, Double min, Double max, String group, String first, String second, String expect, Double margin,
                     Map<String, String> where) implements Check {
    /** One group against [min, max]. */
    public Median(String name, String y, Double min, Double max, Map<String, String> where) {
        this(name, y, min, max, null, null, null, null, null, where);
    }

    /** Two groups compared. */
    public Median(String name, String y, String group, String first, String second, String expect, Double margin, Map<String, String> where) {
        this(name, y, null, null, group, first, second, expect, margin, where);
    }

    /** The median of values and its distribution-free 1 - alpha interval. */
    record Interval(double median, double low, double high, int n, int l, double coverage) {}

    public Verdict evaluate(Results results) {
        if (group == null) return single(results);
        boolean lower = "lower".equals(expect);
        double m = margin == null ? 0 : margin;
        String expected = "median " + y + " of " + group + "=" + first + (lower ? " < " : " > ") + "that of " + group + "=" + second
                + (m > 0 ? " by more than " + Check.number(m) : "") + " (order-statistic intervals of the medians at 97.5% each, "
                + "their difference's at >= 95%), " + Check.describe(where);
        List<CellResult> a = cells(results, first), b = cells(results, second);
        double[] va = values(a), vb = values(b);
        Coverage coverage = Check.coverage(results, c -> Where.of(where).test(c)
                && (Where.holds(c, group, first) || Where.holds(c, group, second)), va.length + vb.length);
        if (va.length == 0 || vb.length == 0)
            return Verdict.noEvidence(name, "no usable cells with " + group + "=" + (va.length == 0 ? first : second), expected, coverage);
        Interval ia = interval(va, Evidence.ALPHA / 2), ib = interval(vb, Evidence.ALPHA / 2);
        double estimate = ia.median() - ib.median(), low = ia.low() - ib.high(), high = ia.high() - ib.low();
        Evidence e = evidence(estimate, low, high, va.length + vb.length, Check.seeds(a.size() >= b.size() ? a : b));
        Prediction p = lower ? Prediction.below(-m) : Prediction.above(m);
        return Verdict.decide(name, e, p, first + " " + describe(ia) + ", " + second + " " + describe(ib) + "; difference "
                + Check.number(estimate) + " [" + Check.number(low) + ", " + Check.number(high) + "] (>= 95%)", expected, coverage);
    }

    private Verdict single(Results results) {
        Prediction p = new Prediction(min == null ? Double.NEGATIVE_INFINITY : min, false, max == null ? Double.POSITIVE_INFINITY : max, false);
        String expected = "median " + y + " in " + p.describe() + " (order-statistic interval, >= 95%), " + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        double[] v = values(cells);
        Coverage coverage = Check.coverage(results, Where.of(where), v.length);
        if (v.length == 0) return Verdict.noEvidence(name, "no cell with " + y, expected, coverage);
        Interval i = interval(v, Evidence.ALPHA);
        return Verdict.decide(name, evidence(i.median(), i.low(), i.high(), v.length, Check.seeds(cells)), p, describe(i), expected, coverage);
    }

    /**
     * The sample median and [X_(l), X_(N+1-l)] for the largest l whose coverage 1 - 2 P(B <= l - 1), B ~ Binomial(N, 1/2), is at
     * least 1 - alpha; (-inf, inf) when even l = 1 (coverage 1 - 2^(1-N)) falls short.
     */
    static Interval interval(double[] values, double alpha) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        int best = 0;
        double bestCoverage = Double.NaN;
        for (int l = 1; 2 * l <= n; l++) {
            double coverage = 1 - 2 * binomialCdf(l - 1, n);
            if (coverage < 1 - alpha) break;
            best = l;
            bestCoverage = coverage;
        }
        if (best == 0) return new Interval(median, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, n, 0, Double.NaN);
        return new Interval(median, v[best - 1], v[n - best], n, best, bestCoverage);
    }

    /** P(B <= k) for B ~ Binomial(n, 1/2), summed exactly in doubles (n up to ~1000: C(n, j) / 2^n by a running product). */
    static double binomialCdf(int k, int n) {
        double term = Math.pow(0.5, n), sum = 0;                                 // C(n, 0) / 2^n
        for (int j = 0; j <= k; j++) {
            sum += term;
            term = term * (n - j) / (j + 1);
        }
        return sum;
    }

    private static Evidence evidence(double estimate, double low, double high, int points, int seeds) {
        double se = Double.isFinite(high - low) ? (high - low) / 2 / 1.959964 : Double.NaN;
        return new Evidence(estimate, low, high, se, Double.POSITIVE_INFINITY, points, seeds, Evidence.ALPHA);
    }

    private List<CellResult> cells(Results results, String value) {
        return results.where(Where.of(where)).stream().filter(c -> Where.holds(c, group, value)).toList();
    }

    /** Each cell's y; a diverged cell, or one without the value, gives none. */
    private double[] values(List<CellResult> cells) {
        return cells.stream().filter(c -> !c.diverged()).mapToDouble(c -> c.valueOf(y)).filter(Double::isFinite).toArray();
    }

    private static String describe(Interval i) {
        return "median " + Check.number(i.median()) + " [" + Check.number(i.low()) + ", " + Check.number(i.high()) + "]"
                + (i.l() > 0 ? " (X_(" + i.l() + ") to X_(" + (i.n() + 1 - i.l()) + "), coverage " + Check.number(i.coverage()) + ")" : " (too few values for an interval)")
                + ", n = " + i.n();
    }
}
