package overparam.core.instruments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import overparam.core.Seeds;

/**
 * The estimator on samples whose tail index is known exactly. For a strictly stable law the block sums have the law of
 * m^(1/alpha) X for every m, so 1/alpha_hat is unbiased: the mean of R repeats must lie within 4 standard errors (the
 * spread of the R repeats over sqrt R) of 1/alpha.
 */
class TailIndexTest {
    private static final int N = 10_000, R = 100;

    @Test void blockSizeIsTheirLargestDivisorBelowTheRoot() {
        assertEquals(100, TailIndex.blockSize(10_000));
        assertEquals(7, TailIndex.blockSize(84));            // sqrt 84 = 9.2; divisors 1, 2, 3, 4, 6, 7
        assertEquals(10, TailIndex.blockSize(101));          // a prime: floor(sqrt N), the last value left out
        assertEquals(2, TailIndex.blockSize(4));
    }

    @Test void gaussianSamplesHaveIndexTwo() {
        RandomGenerator rng = Seeds.stream(1, "gauss");
        assertMeanReciprocal(0.5, rng::nextGaussian);
    }

    @Test void cauchySamplesHaveIndexOne() {
        RandomGenerator rng = Seeds.stream(2, "cauchy");
        assertMeanReciprocal(1.0, () -> Math.tan(Math.PI * (rng.nextDouble() - 0.5)));
    }

    @Test void stableSamplesOfIndexThreeHalvesHaveIt() {
        RandomGenerator rng = Seeds.stream(3, "stable");
        assertMeanReciprocal(1 / 1.5, () -> symmetricStable(1.5, rng));
    }

    /** A single estimate on 10^4 Gaussian values is already within a few tenths of 2 (its SD is about 0.1). */
    @Test void oneEstimateOfGaussianNoiseIsNearTwo() {
        RandomGenerator rng = Seeds.stream(4, "one");
        double[] x = new double[N];
        for (int j = 0; j < N; j++) x[j] = rng.nextGaussian();
        double alpha = TailIndex.estimate(x);
        assertTrue(Math.abs(alpha - 2) < 0.4, "alpha " + alpha);
    }

    /**
     * Gaussian noise whose coordinates have scales from 10^-3 to 10^3 (as a network's layers do): pooled, a block sum of one
     * noise vector is ruled by its largest coordinates while the mean of ln|X| is that of the typical scale, so the pooled
     * estimate reads heavy tails (here 1/alpha_hat about ln(1000)/ln(100) = 1.5, alpha_hat about 0.7); divided by each
     * coordinate's standard deviation over the K vectors, the same noise reads about 2.
     */
    @Test void poolingCoordinatesOfDifferentScalesReadsGaussianNoiseAsHeavyTailed() {
        int k = 100, p = 100;
        double[] scale = new double[p];
        for (int c = 0; c < p; c++) scale[c] = Math.pow(10, -3 + 6.0 * c / (p - 1));
        RandomGenerator rng = Seeds.stream(5, "scales");
        double[] noise = new double[k * p];                  // K x P, row-major: one noise vector per row
        for (int r = 0; r < k; r++) for (int c = 0; c < p; c++) noise[r * p + c] = scale[c] * rng.nextGaussian();
        double pooled = TailIndex.estimate(noise);
        for (int r = 0; r < k; r++) noise[r * p + 7] = 0;   // a coordinate without noise (a dead unit's weight) is left out
        double standardized = TailIndex.standardized(k, p, j -> noise[j], new double[p], new int[p]);
        assertTrue(pooled < 1.0, "pooled " + pooled);
        assertTrue(Math.abs(standardized - 2) < 0.4, "standardized " + standardized);
    }

    private static void assertMeanReciprocal(double expected, DoubleSupplier draw) {
        double sum = 0, sumSq = 0;
        double[] x = new double[N];
        for (int r = 0; r < R; r++) {
            for (int j = 0; j < N; j++) x[j] = draw.getAsDouble();
            double inv = TailIndex.reciprocal(N, j -> x[j]);
            sum += inv;
            sumSq += inv * inv;
        }
        double mean = sum / R, sd = Math.sqrt((sumSq - R * mean * mean) / (R - 1));
        assertTrue(sd > 0 && sd < 0.1, "sd " + sd);
        assertEquals(expected, mean, 4 * sd / Math.sqrt(R), "mean of 1/alpha_hat over " + R + " repeats (sd " + sd + ")");
    }

    /** Chambers, Mallows, Stuck (1976): a symmetric (beta = 0) alpha-stable draw from V ~ U(-pi/2, pi/2) and W ~ Exp(1). */
    static double symmetricStable(double alpha, RandomGenerator rng) {
        double v = Math.PI * (rng.nextDouble() - 0.5), w = -Math.log(1 - rng.nextDouble());
        return Math.sin(alpha * v) / Math.pow(Math.cos(v), 1 / alpha) * Math.pow(Math.cos((1 - alpha) * v) / w, (1 - alpha) / alpha);
    }
}
