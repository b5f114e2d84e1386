package overparam.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hutchinson's estimate against the exact trace within k standard errors, and its standard error against the
 * mathematics: with Rademacher probes Var(z^T A z) = 2 sum_{i != j} A_ij^2, so N probes have standard error
 * sqrt(2 sum_{i != j} A_ij^2 / N), which the spread of the estimate over independent repeats must show.
 */
class HutchinsonTest {
    @Test
    void theEstimateIsWithinFourStandardErrorsOfTheTrace() {
        int n = 30;
        try (Matrix a = LanczosTest.random(n, 5); Hutchinson h = new Hutchinson(n)) {
            double trace = 0;
            for (int i = 0; i < n; i++) trace += a.get(i, i);
            Hutchinson.Estimate e = h.trace((x, out) -> Linalg.multVec(1.0, a, x, 0.0, out), 400, new SplittableRandom(1));
            assertEquals(400, e.probes());
            assertEquals(trace, e.trace(), 4 * e.standardError());
            double exactSe = Math.sqrt(2 * offDiagonalSquares(a) / 400);
            // the sample sd of 400 draws: relative error ~ sqrt((kurtosis - 1) / 4N) < 0.1 here
            assertEquals(exactSe, e.standardError(), 0.25 * exactSe);
        }
    }

    /** 500 repeats of 8 probes: their spread is the standard error the mathematics gives, and the reported one on average. */
    @Test
    void theStandardErrorIsTheSpreadOverRepeats() {
        int n = 20, probes = 8, repeats = 500;
        try (Matrix a = LanczosTest.random(n, 6); Hutchinson h = new Hutchinson(n)) {
            SplittableRandom rng = new SplittableRandom(2);
            double exactSe = Math.sqrt(2 * offDiagonalSquares(a) / probes);
            double sum = 0, sumSq = 0, reported = 0;
            for (int r = 0; r < repeats; r++) {
                Hutchinson.Estimate e = h.trace((x, out) -> Linalg.multVec(1.0, a, x, 0.0, out), probes, rng);
                sum += e.trace();
                sumSq += e.trace() * e.trace();
                reported += e.standardError() / repeats;
            }
            double mean = sum / repeats, spread = Math.sqrt((sumSq - repeats * mean * mean) / (repeats - 1));
            // the sd of 500 estimates (each a mean of 8 nearly Gaussian terms): relative error ~ 1/sqrt(2 * 500) ~ 3%
            assertEquals(exactSe, spread, 0.12 * exactSe);
            // E[s] for 8 draws is c4(8) sigma = 0.965 sigma; the mean of 500 has relative spread ~ 0.26 / sqrt(500) ~ 1.2%
            assertEquals(0.965 * exactSe, reported, 0.08 * exactSe);
            double trace = 0;
            for (int i = 0; i < n; i++) trace += a.get(i, i);
            assertEquals(trace, mean, 4 * exactSe / Math.sqrt(repeats));
        }
    }

    @Test
    void aDiagonalMatrixHasNoVariance() {
        try (Matrix a = Matrix.of(new double[][] {{1, 0, 0}, {0, -2, 0}, {0, 0, 7}}); Hutchinson h = new Hutchinson(3)) {
            Hutchinson.Estimate e = h.trace((x, out) -> Linalg.multVec(1.0, a, x, 0.0, out), 5, new SplittableRandom(3));
            assertEquals(6.0, e.trace(), 1e-14);
            assertEquals(0.0, e.standardError(), 1e-14);
            assertTrue(Double.isNaN(h.trace((x, out) -> Linalg.multVec(1.0, a, x, 0.0, out), 1, new SplittableRandom(3)).standardError()));
        }
    }

    static double offDiagonalSquares(Matrix a) {
        double s = 0;
        for (int i = 0; i < a.rows(); i++) for (int j = 0; j < a.cols(); j++) if (i != j) s += a.get(i, j) * a.get(i, j);
        return s;
    }
}
