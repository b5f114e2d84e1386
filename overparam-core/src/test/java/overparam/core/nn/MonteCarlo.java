package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Monte Carlo against a limit, for the kernel tests: the sample mean within 4 standard errors (two-sided, ~6e-5 false alarms). */
final class MonteCarlo {
    private MonteCarlo() {}

    /** Column e of samples (one row per draw) has a mean within 4 of its standard errors of limit. */
    static void assertWithinStandardErrors(double[][] samples, int e, double limit, String what) {
        int s = samples.length;
        double mean = 0, sq = 0;
        for (double[] row : samples) mean += row[e] / s;
        for (double[] row : samples) sq += (row[e] - mean) * (row[e] - mean);
        double se = Math.sqrt(sq / (s - 1) / s);
        assertTrue(se > 0 && Math.abs(mean - limit) <= 4 * se, what + ": Monte Carlo mean " + mean + " +- " + se + ", limit " + limit);
    }
}
