package overparam.lab.check;

import org.hipparchus.distribution.continuous.TDistribution;

/**
 * An estimate with its confidence interval, and what the interval rests on, so that a verdict can say how many seeds
 * would narrow it enough to decide.
 *
 * @param standardError the estimate's standard error (0 for an exact, per-cell fact; NaN when the spread is unknown)
 * @param degreesOfFreedom of the t quantile the interval used (infinite for a normal quantile)
 * @param points the independent repeats behind it (runs, or seeds where runs share one)
 * @param seeds the seeds per sweep cell that produced them
 * @param alpha the interval's two-sided error level: 0.05, or 0.05 / k for one of k simultaneous intervals (Bonferroni)
 */
public record Evidence(double estimate, double low, double high, double standardError, double degreesOfFreedom, int points,
                       int seeds, double alpha) {
    public static final double ALPHA = 0.05;

    /** A fact measured without sampling error (one cell's own numbers): the interval is the point. */
    public static Evidence exact(double value) {
        return new Evidence(value, value, value, 0, Double.POSITIVE_INFINITY, 1, 0, ALPHA);
    }

    /** estimate +- t(1 - alpha / 2; df) standard errors. */
    public static Evidence tInterval(double estimate, double standardError, double degreesOfFreedom, int points, int seeds, double alpha) {
        double h = Double.isFinite(standardError) ? quantile(degreesOfFreedom, alpha) * standardError : Double.POSITIVE_INFINITY;
        if (standardError == 0) h = 0;
        return new Evidence(estimate, estimate - h, estimate + h, standardError, degreesOfFreedom, points, seeds, alpha);
    }

    /** This interval widened to contain another one of the same estimate (a seed bootstrap beside the t-interval). */
    public Evidence widenedTo(double otherLow, double otherHigh) {
        return new Evidence(estimate, Math.min(low, otherLow), Math.max(high, otherHigh), standardError, degreesOfFreedom, points, seeds, alpha);
    }

    /** The t quantile of the interval: 1 - alpha / 2, with df degrees of freedom (normal when df is infinite). */
    static double quantile(double degreesOfFreedom, double alpha) {
        if (!(degreesOfFreedom > 0)) return Double.POSITIVE_INFINITY;
        double df = Math.min(degreesOfFreedom, 1e7);
        return new TDistribution(df).inverseCumulativeProbability(1 - alpha / 2);
    }

    /**
     * The fewest seeds per cell whose interval, at the spread observed, would lie wholly on one side of the nearest
     * end of the prediction: the standard error falls like sqrt(seeds / seeds') and the degrees of freedom grow with
     * the points. Null when the spread is unknown or the estimate sits on an end (no number of seeds decides it then),
     * or when it would take more than a million.
     */
    public Integer seedsToDecide(Prediction prediction) {
        double margin = prediction.margin(estimate);
        if (seeds < 1 || !(standardError > 0) || !Double.isFinite(standardError) || !(margin > 0)) return null;
        double perSeed = (double) points / seeds;
        for (int s = seeds + 1; s <= 1_000_000; s = s < 64 ? s + 1 : (int) Math.ceil(s * 1.05)) {
            double df = degreesOfFreedom + perSeed * (s - seeds);
            if (quantile(df, alpha) * standardError * Math.sqrt((double) seeds / s) < margin) return s;
        }
        return null;
    }
}
