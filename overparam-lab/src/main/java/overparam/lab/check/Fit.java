package overparam.lab.check;

import org.hipparchus.distribution.continuous.TDistribution;

/**
 * Ordinary least squares y = intercept + slope x, with the slope's 95% confidence interval from the t
 * distribution with n - 2 degrees of freedom. On log-log axes the slope is the exponent of a power law
 * (weight movement ~ m^slope); every point is one run, so seeds widen the interval honestly.
 */
public record Fit(double slope, double intercept, double slopeLow, double slopeHigh, double slopeError, int points) {
    public static Fit of(double[] x, double[] y) {
        int n = x.length;
        if (n < 2 || y.length != n) throw new IllegalArgumentException("a fit needs at least two points, got " + n);
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i] / n; my += y[i] / n; }
        double sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++) { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my); }
        if (sxx == 0) throw new IllegalArgumentException("a fit needs at least two distinct x values");
        double slope = sxy / sxx, intercept = my - slope * mx;
        if (n == 2) return new Fit(slope, intercept, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, n);
        double rss = 0;
        for (int i = 0; i < n; i++) { double r = y[i] - intercept - slope * x[i]; rss += r * r; }
        double se = Math.sqrt(rss / (n - 2) / sxx);
        double t = new TDistribution(n - 2).inverseCumulativeProbability(0.975);
        return new Fit(slope, intercept, slope - t * se, slope + t * se, se, n);
    }

    /** The fit of log y against log x (power law). */
    public static Fit logLog(double[] x, double[] y) {
        double[] lx = new double[x.length], ly = new double[y.length];
        for (int i = 0; i < x.length; i++) { lx[i] = Math.log(x[i]); ly[i] = Math.log(y[i]); }
        return of(lx, ly);
    }

    /** The fit of log y against x (exponential). */
    public static Fit semiLog(double[] x, double[] y) {
        double[] ly = new double[y.length];
        for (int i = 0; i < y.length; i++) ly[i] = Math.log(y[i]);
        return of(x, ly);
    }

    /** The slope as evidence: its t-interval, n - 2 degrees of freedom, over runs of the given number of seeds. */
    public Evidence evidence(int seeds) {
        return Evidence.tInterval(slope, slopeError, points - 2, points, seeds, Evidence.ALPHA);
    }

    /** "-0.49 [-0.55, -0.43]". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%.3g [%.3g, %.3g]", slope, slopeLow, slopeHigh);
    }
}
