package overparam.core.reference;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.LocalizedOptimFormats;
import org.hipparchus.optim.MaxIter;
import org.hipparchus.optim.linear.LinearConstraint;
import org.hipparchus.optim.linear.LinearConstraintSet;
import org.hipparchus.optim.linear.LinearObjectiveFunction;
import org.hipparchus.optim.linear.NonNegativeConstraint;
import org.hipparchus.optim.linear.Relationship;
import org.hipparchus.optim.linear.SimplexSolver;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import overparam.core.BadInputException;
import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The hard-margin SVM through the origin, w_hat = argmin ||w||^2 s.t. y_i x_i^T w >= 1: the direction that gradient
 * descent on the logistic (or exponential) loss of a linear model converges to on linearly separable data,
 * w(t) / ||w(t)|| -> w_hat / ||w_hat|| (Soudry, Hoffer, Nacson, Gunasekar and Srebro, "The implicit bias of gradient
 * descent on separable data", JMLR 2018, Thm. 3).
 *
 * <p>Solver: Lawson and Hanson's least-distance programming (LDP) algorithm ("Solving least squares problems", 1974,
 * Ch. 23, Sec. 5), exact and finite. With z_i = y_i x_i and E = [Z^T; 1^T] ((d + 1) x n), f = e_{d+1}, the
 * non-negative least-squares problem min ||E u - f||, u >= 0 (their active-set NNLS, Ch. 23 Sec. 3) has residual
 * r = E u - f = (Z^T u, 1^T u - 1); r = 0 exactly when the data are not separable through the origin, and otherwise
 * w_hat = Z^T u / (1 - 1^T u), with dual variables alpha = u / (1 - 1^T u) (w_hat = sum_i alpha_i y_i x_i). NNLS runs
 * on the Gram form E^T E = Q + 1 1^T, Q = Z Z^T = (y y^T) o (X X^T): add the sample with the most negative gradient
 * to the free set P, solve (E^T E)_PP u_P = 1_P exactly (Cholesky, LAPACK dpotrf/dpotrs), step back to the feasible
 * boundary when a component goes non-positive. NNLS keeps the columns of E in P linearly independent, so each solve is
 * positive definite even when n > d; running the same active set on the SVM dual itself (Q instead of Q + 1 1^T) would
 * not, since a sample in the span of the support can still violate its margin. The final support is re-solved as
 * Q_PP alpha_P = 1_P, so the support margins equal 1 to about cond(Q_PP) eps. Why not hipparchus's ADMM or SQP QP
 * optimizers: they are iterative, reaching 1e-8 relative only slowly and with tuning, where the active set ends at
 * a point whose KKT conditions hold to round-off. Each step is one O(|P|^3) Cholesky, small for n <= 200.
 */
public final class HardMarginSvm {
    private HardMarginSvm() {}

    /** NNLS stops when no gradient component (E^T (E u - f))_i is below minus this: order-one entries, so 1e3 eps. */
    static final double GRADIENT_TOLERANCE = 1e-13;

    /** w_hat (not normalised), the dual variables alpha (w_hat = sum_i alpha_i y_i x_i) and the support {i : alpha_i > 0}. */
    public record Solution(double[] w, double[] alpha, int[] supportVectors) {
        public Solution {
            w = w.clone();
            alpha = alpha.clone();
            supportVectors = supportVectors.clone();
        }
        @Override public double[] w() { return w.clone(); }
        @Override public double[] alpha() { return alpha.clone(); }
        @Override public int[] supportVectors() { return supportVectors.clone(); }
    }

    /**
     * w_hat for samples x (n x d, a sample per row) with labels y_i in {-1, +1}; neither is modified. Throws
     * BadInputException when a label is not +-1 or no w separates the data through the origin.
     */
    public static Solution direction(Matrix x, double[] y) {
        Vectors.requireShapes("hard-margin SVM", x, y);
        int n = x.rows(), d = x.cols();
        for (int i = 0; i < n; i++)
            if (y[i] != 1.0 && y[i] != -1.0)
                throw BadInputException.of("hard-margin SVM: label y[" + i + "]", y[i], "-1 or +1", "map the classes to -1 and +1");
        try (Matrix z = Matrix.zeros(n, d); Matrix gram = Matrix.zeros(n, n)) {
            for (int i = 0; i < n; i++) {
                double[] row = x.row(i);
                for (int j = 0; j < d; j++) row[j] *= y[i];
                z.setRow(i, row);                                    // z_i = y_i x_i
            }
            Linalg.multOuter(z, gram);                               // Q = Z Z^T = (y y^T) o (X X^T)
            double[][] q = gram.toRows();
            // LDP on the samples scaled to longest length 1 (z / c, so w / c and alpha / c^2 come back): the test of
            // 1 - 1^T u below then does not depend on the units of X
            double c2 = 0;
            for (int i = 0; i < n; i++) c2 = Math.max(c2, q[i][i]);
            double[][] g = new double[n][n];                         // E^T E = Q / c^2 + 1 1^T
            for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) g[i][k] = q[i][k] / c2 + 1;
            double[] u = nnls(g, n);
            double sum = 0;
            if (u != null) for (double ui : u) sum += ui;
            // rho = 1 - 1^T u is minus the last component of r. At the optimum rho = 1 / (1 + c^2 ||w_hat||^2): the squared
            // margin relative to the longest sample when that is small, and zero exactly when the data are not separable.
            // rho <= 1e-10 (a relative margin below 1e-5) goes to the LP below to decide.
            if (u != null && 1 - sum > 1e-10) {
                double[] alpha = resolveSupport(q, u, 1 / ((1 - sum) * c2));
                double[] w = Vectors.multTransA(z, alpha);           // w = sum_i alpha_i y_i x_i
                boolean feasible = true;
                for (double m : Vectors.mult(z, w)) feasible &= m >= 1 - 1e-9;
                if (feasible) {
                    int[] support = java.util.stream.IntStream.range(0, n).filter(i -> alpha[i] > 0).toArray();
                    return new Solution(w, alpha, support);
                }
            }
            if (!separable(x, y))
                throw BadInputException.of("hard-margin SVM: the data (" + n + " samples in " + d + " dimensions)",
                        "no w with y_i x_i^T w >= 1 for all i", "data linearly separable through the origin",
                        "the max-margin direction exists only for separable data; check the labels or add features");
            throw new ArithmeticException("hard-margin SVM: the active-set method broke down on separable data (" + n
                    + " samples in " + d + " dimensions): the support vectors are numerically linearly dependent");
        }
    }

    /**
     * alpha = u / (1 - 1^T u) on the support of u, re-solved as Q_PP alpha_P = 1_P (the support margins are then 1 to
     * round-off); the scaled u if that solve is not positive definite or leaves the positive orthant.
     */
    private static double[] resolveSupport(double[][] q, double[] u, double scale) {
        boolean[] support = new boolean[u.length];
        double[] alpha = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            support[i] = u[i] > 0;
            alpha[i] = u[i] * scale;
        }
        double[] solved = solveOnFree(q, support);
        if (solved == null) return alpha;
        for (int i = 0; i < u.length; i++) if (support[i] && !(solved[i] > 0)) return alpha;
        return solved;
    }

    /**
     * Lawson-Hanson NNLS in Gram form, min 1/2 u^T G u - 1^T u over u >= 0 (G = E^T E, E^T f = 1), or null if it breaks
     * down (a singular G_PP, or no termination in 10 n + 10 outer steps).
     */
    private static double[] nnls(double[][] g, int n) {
        double[] u = new double[n];
        boolean[] free = new boolean[n];
        for (int outer = 0; outer < 10 * n + 10; outer++) {
            int entering = -1;
            double worst = -GRADIENT_TOLERANCE;
            for (int i = 0; i < n; i++) {
                if (free[i]) continue;
                double gradient = -1;                                // (G u - 1)_i
                for (int k = 0; k < n; k++) gradient += g[i][k] * u[k];
                if (gradient < worst) { worst = gradient; entering = i; }
            }
            if (entering < 0) return u;                          // KKT: u >= 0, G u - 1 >= 0 off P, = 0 on P
            free[entering] = true;
            for (boolean first = true; ; first = false) {
                double[] s = solveOnFree(g, free);
                if (s == null) return null;
                // In exact arithmetic the entering component of s is positive (Lawson and Hanson, Lemma 23.17); if
                // round-off says otherwise, no descent is left at this precision and u is optimal to round-off.
                if (first && s[entering] <= 0) return u;
                double step = 1;
                int blocking = -1;
                for (int i = 0; i < n; i++)
                    if (free[i] && s[i] <= 0 && u[i] / (u[i] - s[i]) < step) {
                        step = u[i] / (u[i] - s[i]);
                        blocking = i;
                    }
                for (int i = 0; i < n; i++) if (free[i]) u[i] += step * (s[i] - u[i]);
                if (blocking < 0) break;                             // s > 0 on P: u = s, back to pricing
                u[blocking] = 0;                                 // the blocking sample leaves P
                for (int i = 0; i < n; i++)
                    if (free[i] && u[i] <= 0) {
                        free[i] = false;
                        u[i] = 0;
                    }
            }
        }
        return null;
    }

    /** s with A_PP s_P = 1_P and s = 0 off P, by Cholesky; null if A_PP is not numerically positive definite. */
    private static double[] solveOnFree(double[][] a, boolean[] free) {
        int[] p = java.util.stream.IntStream.range(0, free.length).filter(i -> free[i]).toArray();
        double[][] sub = new double[p.length][p.length];
        for (int k = 0; k < p.length; k++) for (int l = 0; l < p.length; l++) sub[k][l] = a[p[k]][p[l]];
        double[] ones = new double[p.length];
        java.util.Arrays.fill(ones, 1.0);
        double[] s = new double[free.length];
        try (Matrix m = Matrix.of(sub); Cholesky c = Cholesky.of(m)) {
            double[] sp = c.solve(ones);
            for (int k = 0; k < p.length; k++) s[p[k]] = sp[k];
            return s;
        } catch (Cholesky.NotPositiveDefinite e) {
            return null;
        }
    }

    /** Whether some w has y_i x_i^T w >= 1 for all i: a feasibility LP (hipparchus SimplexSolver, w free). */
    static boolean separable(Matrix x, double[] y) {
        int n = x.rows(), d = x.cols();
        List<LinearConstraint> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] zi = x.row(i);
            for (int j = 0; j < d; j++) zi[j] *= y[i];
            rows.add(new LinearConstraint(zi, Relationship.GEQ, 1.0));
        }
        try {
            new SimplexSolver().optimize(new MaxIter(100 * (n + d)), new LinearObjectiveFunction(new double[d], 0.0),
                    new LinearConstraintSet(rows), GoalType.MINIMIZE, new NonNegativeConstraint(false));
            return true;
        } catch (MathIllegalStateException e) {
            if (e.getSpecifier() == LocalizedOptimFormats.NO_FEASIBLE_SOLUTION) return false;
            throw e;
        }
    }
}
