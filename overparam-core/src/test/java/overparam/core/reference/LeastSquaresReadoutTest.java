package overparam.core.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.core.reference.Problems.*;

import org.junit.jupiter.api.Test;
import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/** The readout fit against two independent routes: dgelsd column by column (lambda = 0), and the regularised normal equations. */
class LeastSquaresReadoutTest {
    static double[] column(Matrix m, int c) {
        double[] v = new double[m.rows()];
        for (int i = 0; i < v.length; i++) v[i] = m.get(i * m.cols() + c);
        return v;
    }

    /**
     * Both sides of the interpolation threshold (n = 30 against p = 12 and p = 70), three target columns: Phi^+ Y equals dgelsd's
     * minimum-norm solution of each column. Gaussian Phi has cond ~ (sqrt(max) + sqrt(min)) / (sqrt(max) - sqrt(min)) < 5,
     * so the two SVD routes agree to ~1e-14 relative; 1e-10 leaves room and still sees any wrong filter or dropped direction.
     */
    @Test
    void withoutRidgeItIsTheMinimumNormSolutionOfEveryColumn() {
        for (int p : new int[] {12, 70}) {
            try (Matrix phi = gaussian(30, p, 40 + p); Matrix y = gaussian(30, 3, 50 + p);
                 LeastSquaresReadout.Fit fit = LeastSquaresReadout.of(phi, y, 0)) {
                assertEquals(Math.min(30, p), fit.rank());
                for (int c = 0; c < 3; c++) {
                    double[] expected = MinimumNormInterpolant.l2(phi, column(y, c)).beta(), got = column(fit.a(), c);
                    assertTrue(distance(got, expected) <= 1e-10 * norm(expected), "p " + p + " column " + c + ": " + distance(got, expected));
                }
            }
        }
    }

    /** lambda > 0: (Phi^T Phi + lambda I)^-1 Phi^T y by Cholesky; cond <= (s_max^2 + lambda) / lambda ~ 1.5e3 at lambda = 0.1, error ~ 1e-13. */
    @Test
    void withRidgeItSolvesTheRegularisedNormalEquations() {
        int n = 30, p = 70;
        try (Matrix phi = gaussian(n, p, 61); Matrix y = gaussian(n, 2, 62); Matrix gram = Matrix.zeros(p, p)) {
            for (double lambda : new double[] {0.1, 3}) {
                Linalg.multTransA(1.0, phi, phi, 0.0, gram);
                for (int j = 0; j < p; j++) gram.set(j, j, gram.get(j, j) + lambda);
                try (LeastSquaresReadout.Fit fit = LeastSquaresReadout.of(phi, y, lambda); Cholesky ch = Cholesky.of(gram)) {
                    for (int c = 0; c < 2; c++) {
                        double[] expected = ch.solve(transposeTimes(phi, column(y, c))), got = column(fit.a(), c);
                        assertTrue(distance(got, expected) <= 1e-10 * norm(expected), "lambda " + lambda + ": " + distance(got, expected));
                    }
                }
            }
        }
    }
}
