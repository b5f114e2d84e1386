package overparam.lab.check;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.BetaDistribution;

/** The few estimators the checks share: sample moments, Welch's interval, Clopper-Pearson, percentiles. */
public final class Statistics {
    private Statistics() {}

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** The unbiased sample variance (n - 1 in the denominator); NaN for fewer than two values. */
    public static double variance(double[] v) {
        if (v.length < 2) return Double.NaN;
        double mu = mean(v), ss = 0;
        for (double x : v) ss += (x - mu) * (x - mu);
        return ss / (v.length - 1);
    }

    /**
     * mean(a) - mean(b) with Welch's interval: standard error sqrt(s_a^2 / n_a + s_b^2 / n_b), which does not assume
     * equal variances or equal group sizes, and the Welch-Satterthwaite degrees of freedom
     * (s_a^2/n_a + s_b^2/n_b)^2 / ((s_a^2/n_a)^2 / (n_a - 1) + (s_b^2/n_b)^2 / (n_b - 1)). A group of one run has no
     * spread: the standard error is then NaN and the interval infinite.
     */
    public static Evidence welch(double[] a, double[] b, int seeds, double alpha) {
        double diff = mean(a) - mean(b);
        if (a.length < 2 || b.length < 2)
            return new Evidence(diff, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, 0, a.length + b.length, seeds, alpha);
        double va = variance(a) / a.length, vb = variance(b) / b.length;
        double se = Math.sqrt(va + vb);
        double df = se == 0 ? Double.POSITIVE_INFINITY : (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        return Evidence.tInterval(diff, se, df, a.length + b.length, seeds, alpha);
    }

    /** Two degrees of freedom of two independent estimates combined (Welch-Satterthwaite), from their errors and dfs. */
    public static double satterthwaite(double seA, double dfA, double seB, double dfB) {
        double va = seA * seA, vb = seB * seB;
        if (va + vb == 0) return Double.POSITIVE_INFINITY;
        return (va + vb) * (va + vb) / (va * va / dfA + vb * vb / dfB);
    }

    /**
     * The exact (Clopper-Pearson) two-sided 1 - alpha interval of a success probability from k successes in n trials:
     * the alpha/2 quantile of Beta(k, n - k + 1) and the 1 - alpha/2 quantile of Beta(k + 1, n - k).
     */
    public static double[] clopperPearson(int k, int n, double alpha) {
        double low = k == 0 ? 0 : new BetaDistribution(k, n - k + 1).inverseCumulativeProbability(alpha / 2);
        double high = k == n ? 1 : new BetaDistribution(k + 1, n - k).inverseCumulativeProbability(1 - alpha / 2);
        return new double[] {low, high};
    }

    /** The empirical q-quantile (linear interpolation between order statistics) of values, which it sorts. */
    public static double percentile(double[] values, double q) {
        Arrays.sort(values);
        double pos = q * (values.length - 1);
        int i = (int) Math.floor(pos);
        return i + 1 < values.length ? values[i] + (pos - i) * (values[i + 1] - values[i]) : values[i];
    }

    /** A fixed generator, so that a bootstrap interval, and the verdict on it, are the same on every rerun. */
    static SplittableRandom bootstrapRandom() { return new SplittableRandom(20190101L); }
}
