package overparam.core.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.core.reference.Problems.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

class HardMarginSvmTest {
    /**
     * KKT tolerance. The support's dual values solve Q_PP a = 1 by Cholesky, so the support margins equal 1 to about
     * cond(Q_PP) eps; for the Gaussian problems here cond(Q_PP) is below ~1e4, leaving 1e-9 a margin of 1e3 over round-off.
     */
    private static final double TOL = 1e-9;

    @Test
    void handCaseInTwoDimensions() {
        // z_i = y_i x_i: (1, 0), (0, -1), (3, -1). w = (1, -1) meets the first two with margin 1 and the third with 4;
        // it is z_1 + z_2, with both multipliers 1 >= 0, so the KKT conditions hold and it is the optimum.
        try (Matrix x = Matrix.of(new double[][] {{1, 0}, {0, 1}, {3, -1}})) {
            HardMarginSvm.Solution svm = HardMarginSvm.direction(x, new double[] {1, -1, 1});
            assertArrayEquals(new double[] {1, -1}, svm.w(), 1e-14);
            assertArrayEquals(new double[] {1, 1, 0}, svm.alpha(), 1e-14);
            assertArrayEquals(new int[] {0, 1}, svm.supportVectors());
        }
    }

    @Test
    void kktHoldsOnSeparableDataWithInactiveSamples() {
        // n > d with teacher labels: separable, and most samples are not support vectors
        int n = 80, d = 10;
        try (Matrix x = gaussian(n, d, 21)) {
            double[] teacher = gaussianVector(d, 22), y = new double[n];
            double[] scores = times(x, teacher);
            for (int i = 0; i < n; i++) y[i] = scores[i] >= 0 ? 1 : -1;
            HardMarginSvm.Solution svm = HardMarginSvm.direction(x, y);
            assertKkt(x, y, svm);
            assertTrue(svm.supportVectors().length < n, "every sample a support vector");
        }
    }

    @Test
    void kktHoldsWithRandomLabelsInHighDimension() {
        int n = 50, d = 120;           // n < d: any labels are separable
        try (Matrix x = gaussian(n, d, 23)) {
            HardMarginSvm.Solution svm = HardMarginSvm.direction(x, randomLabels(n, 24));
            assertKkt(x, randomLabels(n, 24), svm);
        }
    }

    @Test
    void refusesDataNoDirectionSeparates() {
        // (1, 1) labelled +1 and (-1, -1) labelled +1: w . (1, 1) >= 1 and w . (1, 1) <= -1 at once
        try (Matrix x = Matrix.of(new double[][] {{1, 1}, {-1, -1}, {0, 1}})) {
            BadInputException e = assertThrows(BadInputException.class, () -> HardMarginSvm.direction(x, new double[] {1, 1, -1}));
            assertTrue(e.getMessage().contains("separable") && e.getMessage().contains("3 samples in 2 dimensions"), e.getMessage());
        }
        // 60 random labels on 3 features: almost surely not separable through the origin
        try (Matrix x = gaussian(60, 3, 25)) {
            assertThrows(BadInputException.class, () -> HardMarginSvm.direction(x, randomLabels(60, 26)));
        }
        try (Matrix x = gaussian(3, 2, 27)) {
            assertThrows(BadInputException.class, () -> HardMarginSvm.direction(x, new double[] {1, 0, -1}));
        }
    }

    /** The KKT conditions at the size of a Fashion-MNIST subset (its time is printed, never asserted: a busy machine is slow). */
    @Test
    void solvesTwoHundredSamplesOf784Features() {
        int n = 200, d = 784;
        try (Matrix x = gaussian(n, d, 28)) {
            double[] teacher = gaussianVector(d, 29), y = new double[n];
            double[] scores = times(x, teacher);
            for (int i = 0; i < n; i++) y[i] = scores[i] >= 0 ? 1 : -1;
            HardMarginSvm.direction(x, y);                                   // warm up
            long start = System.nanoTime();
            HardMarginSvm.Solution svm = HardMarginSvm.direction(x, y);
            double seconds = (System.nanoTime() - start) * 1e-9;
            System.out.printf("hard-margin SVM, n = %d, d = %d: %.3f s, %d support vectors%n", n, d, seconds, svm.supportVectors().length);
            assertKkt(x, y, svm);
        }
    }

    /** The KKT conditions of min 1/2 ||w||^2 s.t. y_i x_i^T w >= 1, which for this convex QP are also sufficient. */
    private static void assertKkt(Matrix x, double[] y, HardMarginSvm.Solution svm) {
        int n = x.rows();
        double[] alpha = svm.alpha(), w = svm.w();
        // stationarity: w = sum_i alpha_i y_i x_i, assembled here by a plain loop
        double[] ya = new double[n];
        for (int i = 0; i < n; i++) ya[i] = alpha[i] * y[i];
        assertTrue(distance(transposeTimes(x, ya), w) <= TOL * norm(w), "w is not sum alpha_i y_i x_i");
        double[] margins = times(x, w);
        java.util.Set<Integer> support = new java.util.HashSet<>();
        for (int i : svm.supportVectors()) support.add(i);
        for (int i = 0; i < n; i++) {
            double m = y[i] * margins[i];
            assertTrue(alpha[i] >= 0, "dual feasibility: alpha_" + i + " = " + alpha[i]);
            assertTrue(m >= 1 - TOL, "primal feasibility: margin_" + i + " = " + m);
            assertEquals(0, alpha[i] * (m - 1), TOL * Math.max(1, alpha[i]), "complementary slackness at " + i);
            assertEquals(alpha[i] > 0, support.contains(i), "support set at " + i);
            if (alpha[i] > 0) assertEquals(1, m, TOL, "support margin " + i);
        }
        // zero duality gap: 1/2 ||w||^2 = sum alpha - 1/2 ||w||^2, i.e. ||w||^2 = sum alpha
        double sum = 0;
        for (double a : alpha) sum += a;
        assertEquals(sum, dot(w, w), TOL * sum);
    }

    private static double[] randomLabels(int n, long seed) {
        Random rng = new Random(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = rng.nextBoolean() ? 1 : -1;
        return y;
    }
}
