package overparam.core.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.core.reference.Problems.*;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.QRDecomposition;
import org.hipparchus.optim.MaxIter;
import org.hipparchus.optim.linear.LinearConstraint;
import org.hipparchus.optim.linear.LinearConstraintSet;
import org.hipparchus.optim.linear.LinearObjectiveFunction;
import org.hipparchus.optim.linear.NonNegativeConstraint;
import org.hipparchus.optim.linear.Relationship;
import org.hipparchus.optim.linear.SimplexSolver;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.junit.jupiter.api.Test;
import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

class MinimumNormInterpolantTest {
    private static final double EPS = Math.ulp(1.0);

    // ---- l2 ----

    @Test
    void l2InterpolatesAndLiesInTheRowSpace() {
        int n = 20, d = 50;
        try (Matrix x = gaussian(n, d, 1)) {
            double[] y = gaussianVector(n, 2);
            MinimumNormInterpolant.L2 l2 = MinimumNormInterpolant.l2(x, y);
            double[] beta = l2.beta();
            // backward stability of the SVD solve: |X beta - y| ~ eps ||X||_F ||beta|| times a modest factor of the size
            double scale = frobenius(x) * norm(beta);
            double residual = norm(minus(times(x, beta), y));
            assertTrue(residual <= 100 * EPS * scale, "residual " + residual + " vs round-off scale " + EPS * scale);
            assertEquals(residual, l2.residual(), 1e-14 * scale);
            assertEquals(n, l2.rank());
            // beta = X^T z for some z: its component orthogonal to the row space, by Householder QR of X^T
            // (hipparchus, not LAPACK), is round-off (the projection is orthogonal, so O(eps ||beta||))
            double[] z = new QRDecomposition(new Array2DRowRealMatrix(x.toRows()).transpose()).getSolver()
                    .solve(new ArrayRealVector(beta)).toArray();
            double off = norm(minus(transposeTimes(x, z), beta));
            assertTrue(off <= 1e3 * EPS * norm(beta), "beta leaves the row space of X by " + off);
        }
    }

    @Test
    void l2EqualsTheNormalEquationsSolutionOnAWellConditionedCase() {
        int n = 15, d = 60;     // Gaussian: cond(X) ~ (sqrt(d) + sqrt(n)) / (sqrt(d) - sqrt(n)) = 3, cond(X X^T) ~ 9
        try (Matrix x = gaussian(n, d, 3); Matrix gram = Matrix.zeros(n, n)) {
            double[] y = gaussianVector(n, 4);
            Linalg.multOuter(x, gram);
            double[] expected;
            try (Cholesky c = Cholesky.of(gram)) {
                expected = transposeTimes(x, c.solve(y));               // X^T (X X^T)^-1 y
            }
            // forward error of the normal equations ~ cond(X X^T) eps = 9 eps, the SVD route's ~ cond(X) eps; 1e-12 is ample
            double[] beta = MinimumNormInterpolant.l2(x, y).beta();
            assertTrue(distance(beta, expected) <= 1e-12 * norm(expected), "distance " + distance(beta, expected));
        }
    }

    @Test
    void l2IsTheLeastSquaresSolutionWhenSamplesOutnumberFeatures() {
        int n = 40, d = 10;
        try (Matrix x = gaussian(n, d, 5); Matrix gram = Matrix.zeros(d, d)) {
            double[] y = gaussianVector(n, 6);
            Linalg.multTransA(1.0, x, x, 0.0, gram);
            double[] expected;
            try (Cholesky c = Cholesky.of(gram)) {
                expected = c.solve(transposeTimes(x, y));               // (X^T X)^-1 X^T y
            }
            MinimumNormInterpolant.L2 l2 = MinimumNormInterpolant.l2(x, y);
            assertTrue(distance(l2.beta(), expected) <= 1e-12 * norm(expected));
            // a least-squares fit, not an interpolant: the residual is the norm of y's component outside range(X)
            assertEquals(norm(minus(times(x, expected), y)), l2.residual(), 1e-12 * norm(y));
            assertTrue(l2.residual() > 0.1 * norm(y));
        }
    }

    @Test
    void l2KeepsSmallButRealSingularValuesAndDropsZeroOnes() {
        int n = 10, d = 30;
        double[][] rows = gaussian(n, d, 7).toRows();
        for (int j = 0; j < d; j++) rows[0][j] *= 1e-7;         // full rank, cond ~ 1e7 >> but s_min / s_max >> rcond = 7e-15
        double[] y = gaussianVector(n, 8);
        try (Matrix x = Matrix.of(rows)) {
            MinimumNormInterpolant.L2 l2 = MinimumNormInterpolant.l2(x, y);
            assertEquals(n, l2.rank());
            // ||beta|| ~ 1e7 here, so round-off in X beta is ~ eps ||X|| ||beta|| ~ 1e-8; dropping the small singular
            // value would instead leave |y_0| ~ 1 unexplained
            assertTrue(l2.residual() < 1e-6, "residual " + l2.residual());
        }
        // a duplicated sample with a different target: rank n - 1, and the best fit splits the difference, so the
        // residual is exactly |y_a - y_b| / sqrt(2) (the other rows are fitted exactly)
        rows = gaussian(n, d, 9).toRows();
        rows[1] = rows[0].clone();
        y[0] = 1.0;
        y[1] = -0.5;
        try (Matrix x = Matrix.of(rows)) {
            MinimumNormInterpolant.L2 l2 = MinimumNormInterpolant.l2(x, y);
            assertEquals(n - 1, l2.rank());
            assertEquals(1.5 / Math.sqrt(2), l2.residual(), 1e-12);
        }
    }

    @Test
    void l2RankOfALowRankProductIsItsInnerDimension() {
        // X = A B with inner dimension r: the computed trailing singular values are round-off, a few eps * s_max, which
        // rcond = max(n, d) eps must treat as zero
        int n = 12, d = 40, r = 5;
        try (Matrix a = gaussian(n, r, 17); Matrix b = gaussian(r, d, 18); Matrix x = Matrix.zeros(n, d)) {
            Linalg.mult(1.0, a, b, 0.0, x);
            for (long seed = 19; seed < 29; seed++)
                assertEquals(r, MinimumNormInterpolant.l2(x, gaussianVector(n, seed)).rank(), "seed " + seed);
        }
    }

    // ---- l1 ----

    @Test
    void l1HandCase() {
        try (Matrix x = Matrix.of(new double[][] {{1, 2, 4}})) {
            // beta_j = 4 / x_j costs 4, 2, 1: the largest coefficient wins
            MinimumNormInterpolant.L1 l1 = MinimumNormInterpolant.l1(x, new double[] {4});
            assertArrayEquals(new double[] {0, 0, 1}, l1.beta(), 1e-14);
            assertEquals(0, l1.residual(), 1e-14);
        }
    }

    @Test
    void l1IsFeasibleAndOptimalByLpDuality() {
        int n = 20, d = 60;
        try (Matrix x = gaussian(n, d, 11)) {
            double[] y = gaussianVector(n, 12);
            MinimumNormInterpolant.L1 l1 = MinimumNormInterpolant.l1(x, y);
            double[] beta = l1.beta();
            // the support is re-solved by dgelsd, so feasibility holds to round-off, ~ eps ||X||_F ||beta||
            assertTrue(l1.residual() <= 100 * EPS * frobenius(x) * norm(beta), "residual " + l1.residual());
            assertTrue(count(beta) <= n, "a vertex has at most n non-zeros, got " + count(beta));
            // The dual of min ||beta||_1 s.t. X beta = y is max y^T z s.t. ||X^T z||_inf <= 1, solved here as its own LP.
            // Weak duality gives y^T z <= ||beta||_1 for every feasible pair; equality certifies both optimal. Each LP is
            // optimal to its reduced-cost tolerance 1e-9 on order-one data, so the gap may be ~1e-9 * ||beta||_1 at most.
            double[] z = dualLp(x, y);
            double[] xtz = transposeTimes(x, z);
            assertTrue(normInf(xtz) <= 1 + 1e-9, "dual infeasible: ||X^T z||_inf = " + normInf(xtz));
            assertEquals(norm1(beta), dot(y, z), 1e-8 * norm1(beta), "duality gap");
            // complementary slackness: on the support, (X^T z)_j = sign(beta_j)
            for (int j = 0; j < d; j++)
                if (Math.abs(beta[j]) > 1e-9) assertEquals(Math.signum(beta[j]), xtz[j], 1e-8, "slackness at " + j);
        }
    }

    @Test
    void l1RecoversASparseTeacher() {
        // Compressed sensing: a k-sparse beta_star is the unique l1 interpolant of n Gaussian measurements w.h.p. once
        // n > 2 k ln(d / k) (Donoho and Tanner, "Counting faces of randomly projected polytopes", 2009: the phase
        // transition); k = 3, d = 200 asks for n > 25, and n = 60 sits far inside the success region (n/d = 0.3,
        // k/n = 0.05, where the transition is at k/n ~ 0.2), so the fixed seed is not a lucky one.
        int n = 60, d = 200;
        try (Matrix x = gaussian(n, d, 13)) {
            double[] betaStar = sparse(d, 3, 14);
            double[] y = times(x, betaStar);
            double[] beta = MinimumNormInterpolant.l1(x, y).beta();
            // the recovered vertex is betaStar's support solved exactly: round-off times cond(X_S) ~ 1
            assertArrayEquals(betaStar, beta, 1e-12);
            // its certificate exists too: the dual LP value equals ||betaStar||_1
            assertEquals(norm1(betaStar), dot(y, dualLp(x, y)), 1e-8 * norm1(betaStar));
        }
    }

    /** The l1 interpolant at a thousand features (its time is printed, never asserted: a busy machine is slow). */
    @Test
    void l1InterpolatesAtThousandFeaturesAndHundredSamples() {
        int n = 100, d = 1000;
        try (Matrix x = gaussian(n, d, 15)) {
            double[] y = gaussianVector(n, 16);
            MinimumNormInterpolant.l1(x, y);                             // warm up the JIT
            long start = System.nanoTime();
            MinimumNormInterpolant.L1 l1 = MinimumNormInterpolant.l1(x, y);
            double seconds = (System.nanoTime() - start) * 1e-9;
            System.out.printf("l1 interpolant, n = %d, d = %d: %.3f s, %d non-zeros, residual %.2e%n", n, d, seconds,
                    count(l1.beta()), l1.residual());
            assertTrue(l1.residual() <= 1e-10 * norm(y), "residual " + l1.residual());
        }
    }

    /** argmax y^T z s.t. -1 <= X^T z <= 1, z free: the dual LP by SimplexSolver, independent of the primal solve. */
    static double[] dualLp(Matrix x, double[] y) {
        int n = x.rows(), d = x.cols();
        List<LinearConstraint> rows = new ArrayList<>(2 * d);
        for (int j = 0; j < d; j++) {
            double[] column = new double[n];
            for (int i = 0; i < n; i++) column[i] = x.get(i, j);
            rows.add(new LinearConstraint(column, Relationship.LEQ, 1.0));
            rows.add(new LinearConstraint(column, Relationship.GEQ, -1.0));
        }
        return new SimplexSolver(1e-9).optimize(new MaxIter(100_000), new LinearObjectiveFunction(y, 0.0),
                new LinearConstraintSet(rows), GoalType.MAXIMIZE, new NonNegativeConstraint(false)).getPoint();
    }

    static double frobenius(Matrix x) {
        return norm(x.toArray());
    }

    private static int count(double[] v) {
        int c = 0;
        for (double e : v) if (e != 0) c++;
        return c;
    }
}
