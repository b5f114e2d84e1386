package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

class TheoremsTest {
    /** A random symmetric positive definite n x n matrix. */
    static Matrix spd(int n, long seed) {
        Random r = new Random(seed);
        Matrix a = Matrix.zeros(n, n + 3), k = Matrix.zeros(n, n);
        for (int i = 0; i < a.size(); i++) a.set(i, r.nextGaussian());
        Linalg.multOuter(a, k);
        a.close();
        return k;
    }

    /** The eigenbasis route against iterating u(k+1) = u(k) + eta Theta (y - u(k)) directly. */
    @Test
    void infiniteTrajectoryIsTheLinearRecursion() {
        int n = 7;
        Random r = new Random(3);
        double[] y = new double[n], u0 = new double[n];
        for (int i = 0; i < n; i++) { y[i] = r.nextGaussian(); u0[i] = r.nextGaussian(); }
        try (Matrix theta = spd(n, 1)) {
            double eta = 0.9 / overparam.core.linalg.Spectrum.of(theta).max();
            try (InfiniteTrajectory t = new InfiniteTrajectory(theta, eta, y, u0)) {
                double[] u = u0.clone();
                for (int k = 0; k <= 60; k++) {
                    double loss = 0;
                    for (int i = 0; i < n; i++) loss += 0.5 * (y[i] - u[i]) * (y[i] - u[i]);
                    assertEquals(loss, t.loss(k), 1e-12 * Math.max(loss, 1e-300) + 1e-28, "step " + k);
                    double[] predicted = t.predictions(y, k);
                    for (int i = 0; i < n; i++) assertEquals(u[i], predicted[i], 1e-12);
                    double[] next = u.clone();
                    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) next[i] += eta * theta.get(i, j) * (y[j] - u[j]);
                    u = next;
                }
            }
        }
    }

    /** y^T K^-1 y by Cholesky against solving K x = y by Gaussian elimination here (a test-only route). */
    @Test
    void labelComplexityIsTheQuadraticForm() {
        int n = 6;
        try (Matrix k = spd(n, 2)) {
            double[] y = {1, -2, 0.5, 3, -1, 0.25};
            double[][] a = k.toRows();
            double[] b = y.clone();
            for (int c = 0; c < n; c++)
                for (int r = c + 1; r < n; r++) {
                    double f = a[r][c] / a[c][c];
                    for (int j = c; j < n; j++) a[r][j] -= f * a[c][j];
                    b[r] -= f * b[c];
                }
            double[] x = new double[n];
            for (int r = n - 1; r >= 0; r--) {
                double s = b[r];
                for (int j = r + 1; j < n; j++) s -= a[r][j] * x[j];
                x[r] = s / a[r][r];
            }
            double expected = 0;
            for (int i = 0; i < n; i++) expected += y[i] * x[i];
            assertEquals(expected, Theorems.labelComplexity(k, y), 1e-10 * expected);
            assertEquals(Math.sqrt(2 * expected / n), Theorems.aroraBound(k, y), 1e-10);
        }
        try (Matrix singular = Matrix.of(new double[][] {{1, 1}, {1, 1}})) {
            assertTrue(Double.isNaN(Theorems.labelComplexity(singular, new double[] {1, 2})));
        }
    }

    @Test
    void requirementsEvaluateTheirFormulas() {
        var fc = Theorems.fullyConnected(10, 3, 0.5, 0.1);
        assertEquals(8 * Math.max(Math.pow(20, 4), Math.max(100, 100 * Math.log(300) / 0.25)), fc.get(0).value(), 1e-6);
        assertEquals(0.5 / (100 * 8), fc.get(1).value(), 1e-15);
        var res = Theorems.resNet(10, 3, 0.5, 0.1);
        assertEquals(Math.max(Math.pow(20, 4) / 729, Math.max(400.0 / 9, Math.max(100, 100 * Math.log(300) / 0.25))), res.get(0).value(), 1e-6);
        assertEquals(0.5 * 9 / 100, res.get(1).value(), 1e-15);
        assertEquals(Math.pow(10, 6) / (Math.pow(0.5, 4) * 1e-3), Theorems.twoLayer(10, 0.5, 0.1).get(0).value(), 1e-3);
        assertTrue(fc.get(0).label().contains("hidden constants set to 1"));
        assertEquals(Math.pow(0.9, 10) * 5, Theorems.lossBound(5, 0.4, 0.5, 10), 1e-15);
        try (Matrix x = Matrix.of(new double[][] {{0, 0}, {3, 4}, {0, 1}})) {
            assertEquals(1.0, Theorems.separation(x), 0.0);
        }
    }
}
