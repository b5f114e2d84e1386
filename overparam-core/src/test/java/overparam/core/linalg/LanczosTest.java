package overparam.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lanczos with full reorthogonalization against LAPACK dsyevd on explicit symmetric matrices: the top k eigenvalues
 * within their own reported residual (for symmetric A, |theta - lambda| <= ||A y - theta y|| for unit y), the residuals
 * recomputed by hand, the Ritz vectors aligned with dsyevd's, and an invariant subspace stopping the iteration early.
 */
class LanczosTest {
    /** Q diag(lambda) Q^T with Q orthogonal (dsyevd's vectors of a random symmetric matrix) and the given spectrum. */
    static Matrix withSpectrum(double[] lambda, long seed) {
        int n = lambda.length;
        Matrix g = random(n, seed), a = Matrix.zeros(n, n);
        try (Spectrum.Decomposition e = Spectrum.decompose(g); Matrix scaled = e.vectors().copy()) {
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) scaled.set(i, j, scaled.get(i, j) * lambda[j]);
            Linalg.multTransB(1.0, scaled, e.vectors(), 0.0, a);
        }
        g.close();
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) { double s = (a.get(i, j) + a.get(j, i)) / 2; a.set(i, j, s); a.set(j, i, s); }
        return a;
    }

    static Matrix random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Matrix a = Matrix.zeros(n, n);
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) { double v = rng.nextGaussian(); a.set(i, j, v); a.set(j, i, v); }
        return a;
    }

    static Matrix start(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Matrix v = Matrix.vector(n);
        for (int i = 0; i < n; i++) v.set(i, rng.nextGaussian());
        return v;
    }

    @Test
    void topEigenpairsAgreeWithDsyev() {
        int n = 80, k = 4;
        try (Matrix a = random(n, 3); Spectrum.Decomposition exact = Spectrum.decompose(a); Lanczos lanczos = new Lanczos(n, n);
             Matrix v = start(n, 4); Matrix ay = Matrix.vector(n); Matrix y = Matrix.vector(n)) {
            double tolerance = 1e-10;
            try (Lanczos.Eigenpairs top = lanczos.top((x, out) -> Linalg.multVec(1.0, a, x, 0.0, out), k, tolerance, v)) {
                assertTrue(top.iterations() < n, "converged before exhausting R^n: " + top.iterations());
                for (int c = 0; c < k; c++) {
                    double lambda = exact.values()[n - 1 - c];
                    assertTrue(top.residuals()[c] <= 1e-8 * Math.abs(top.values()[0]), "residual " + top.residuals()[c]);
                    assertEquals(lambda, top.values()[c], top.residuals()[c] + 1e-12 * Math.abs(lambda), "eigenvalue " + c);
                    double dot = 0, ynorm = 0;
                    for (int i = 0; i < n; i++) {
                        y.set(i, top.vectors().get(i, c));
                        dot += y.get(i) * exact.vectors().get(i, n - 1 - c);
                        ynorm += y.get(i) * y.get(i);
                    }
                    assertEquals(1.0, ynorm, 1e-12, "unit Ritz vector");
                    assertEquals(1.0, Math.abs(dot), 1e-8, "Ritz vector " + c + " along dsyevd's");
                    Linalg.multVec(1.0, a, y, 0.0, ay);                                   // the residual by hand
                    Linalg.addScaled(-top.values()[c], y, ay);
                    assertEquals(Linalg.normF(ay), top.residuals()[c], 1e-14 * Math.abs(lambda));
                }
            }
        }
    }

    /** A clustered top (1, 0.999, 0.998) over a bulk in [-0.5, 0.5]: still resolved, in order. */
    @Test
    void aClusteredTopIsResolved() {
        int n = 60;
        double[] lambda = new double[n];
        for (int i = 0; i < n - 3; i++) lambda[i] = -0.5 + i / (double) (n - 4);
        lambda[n - 3] = 0.998; lambda[n - 2] = 0.999; lambda[n - 1] = 1.0;
        try (Matrix a = withSpectrum(lambda, 9); Lanczos lanczos = new Lanczos(n, n); Matrix v = start(n, 10);
             Lanczos.Eigenpairs top = lanczos.top((x, out) -> Linalg.multVec(1.0, a, x, 0.0, out), 3, 1e-10, v)) {
            for (int c = 0; c < 3; c++) assertEquals(lambda[n - 1 - c], top.values()[c], top.residuals()[c] + 1e-13);
        }
    }

    /** A of rank 3: the Krylov space closes after at most 4 vectors (beta = 0) and T's pairs are exact. */
    @Test
    void anInvariantSubspaceStopsTheIteration() {
        int n = 40;
        double[] lambda = new double[n];
        lambda[0] = -2; lambda[1] = 3; lambda[2] = 5;
        try (Matrix a = withSpectrum(lambda, 2); Lanczos lanczos = new Lanczos(n, n); Matrix v = start(n, 3);
             Lanczos.Eigenpairs top = lanczos.top((x, out) -> Linalg.multVec(1.0, a, x, 0.0, out), 2, 1e-14, v)) {
            assertTrue(top.iterations() <= 4, "iterations " + top.iterations());
            assertEquals(5.0, top.values()[0], 1e-12);
            assertEquals(3.0, top.values()[1], 1e-12);
        }
    }

    /** One vector of R^1 and k = P: the whole space, no breakdown. */
    @Test
    void theWholeSpaceIsItsOwnKrylovSpace() {
        try (Matrix a = Matrix.of(new double[][] {{2, 1}, {1, 2}}); Lanczos lanczos = new Lanczos(2, 10); Matrix v = Matrix.vectorOf(1, 0);
             Lanczos.Eigenpairs top = lanczos.top((x, out) -> Linalg.multVec(1.0, a, x, 0.0, out), 2, 1e-12, v)) {
            assertEquals(3.0, top.values()[0], 1e-14);
            assertEquals(1.0, top.values()[1], 1e-14);
        }
    }
}
