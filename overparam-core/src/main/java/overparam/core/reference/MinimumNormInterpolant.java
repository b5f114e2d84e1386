package overparam.core.reference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hipparchus.optim.MaxIter;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.linear.LinearConstraint;
import org.hipparchus.optim.linear.LinearConstraintSet;
import org.hipparchus.optim.linear.LinearObjectiveFunction;
import org.hipparchus.optim.linear.NonNegativeConstraint;
import org.hipparchus.optim.linear.Relationship;
import org.hipparchus.optim.linear.SimplexSolver;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import overparam.core.linalg.LeastSquares;
import overparam.core.linalg.Matrix;

/**
 * The minimum-norm interpolants of data X (n x d, a sample per row) and targets y: the points that implicit-bias
 * results name as the limit of training a linear predictor. {@link #l2} is where gradient descent from zero on
 * the squared loss ends (e.g. Gunasekar et al., "Characterizing implicit bias in terms of optimization geometry",
 * ICML 2018, Sec. 2; Zhang et al., "Understanding deep learning requires rethinking generalization", ICLR 2017,
 * Sec. 5); {@link #l1} is the alpha -> 0 limit of a diagonal linear network (Woodworth et al., "Kernel and rich
 * regimes in overparametrized models", COLT 2020, Thm. 1) and the basis-pursuit decoder of compressed sensing
 * (Chen, Donoho and Saunders, "Atomic decomposition by basis pursuit", SIAM J. Sci. Comput. 1998).
 */
public final class MinimumNormInterpolant {
    private MinimumNormInterpolant() {}

    /**
     * The singular-value cut-off of {@link #l2}, relative to the largest: max(n, d) * machine epsilon, numpy's
     * {@code lstsq} default. The computed singular values carry an absolute error of about eps * s_max times a
     * modest function of the size, so smaller ones are indistinguishable from zero.
     */
    public static double rcond(int n, int d) {
        return Math.max(n, d) * Math.ulp(1.0);
    }

    /**
     * The reduced-cost and feasibility tolerance handed to hipparchus's SimplexSolver in {@link #l1} (its default is
     * 1e-6). Entries of X and y of order one put the tableau's entries at order one, where 1e-9 is far above
     * round-off yet leaves the objective within about 1e-9 of optimal; the support is then re-solved exactly.
     */
    public static final double SIMPLEX_EPSILON = 1e-9;

    /** The l2 solution: beta, ||X beta - y||_2 (zero up to round-off iff y lies in the range of X), the rank used. */
    public record L2(double[] beta, double residual, int rank) {
        public L2 { beta = beta.clone(); }
        @Override public double[] beta() { return beta.clone(); }
    }

    /** The l1 solution: beta and ||X beta - y||_2. */
    public record L1(double[] beta, double residual) {
        public L1 { beta = beta.clone(); }
        @Override public double[] beta() { return beta.clone(); }
    }

    /**
     * argmin ||beta||_2 s.t. X beta = y; when no beta interpolates (n > d, or y outside the range of a rank-deficient
     * X) the minimum-norm least-squares solution X^+ y, which the residual then tells apart. LAPACK dgelsd with
     * rcond = {@link #rcond}: beta = V diag(1/s_i) U^T y over the s_i > rcond * s_max. X and y are not modified.
     */
    public static L2 l2(Matrix x, double[] y) {
        Vectors.requireShapes("l2 interpolant", x, y);
        LeastSquares.Solution s = LeastSquares.minimumNorm(x, y, rcond(x.rows(), x.cols()));
        return new L2(s.x(), Vectors.residual(x, s.x(), y), s.rank());
    }

    /**
     * argmin ||beta||_1 s.t. X beta = y (basis pursuit), as the linear program min sum_j (p_j + q_j) s.t.
     * X (p - q) = y, p, q >= 0, solved by hipparchus's SimplexSolver (tolerance {@link #SIMPLEX_EPSILON}); beta = p - q.
     * An optimal vertex has at most n non-zeros; beta on that support is then re-solved by dgelsd (X_S beta_S = y), so
     * the constraints hold to round-off rather than to the simplex tolerance. Throws BadInputException when no beta
     * interpolates (y outside the range of X). X and y are not modified.
     */
    public static L1 l1(Matrix x, double[] y) {
        Vectors.requireShapes("l1 interpolant", x, y);
        int n = x.rows(), d = x.cols();
        double[] ones = new double[2 * d];
        Arrays.fill(ones, 1.0);
        List<LinearConstraint> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] xi = x.row(i), coefficients = new double[2 * d];
            for (int j = 0; j < d; j++) {
                coefficients[j] = xi[j];
                coefficients[d + j] = -xi[j];
            }
            rows.add(new LinearConstraint(coefficients, Relationship.EQ, y[i]));
        }
        PointValuePair optimum;
        try {
            optimum = new SimplexSolver(SIMPLEX_EPSILON).optimize(new MaxIter(100 * (n + 2 * d)),
                    new LinearObjectiveFunction(ones, 0.0), new LinearConstraintSet(rows), GoalType.MINIMIZE,
                    new NonNegativeConstraint(true));
        } catch (org.hipparchus.exception.MathIllegalStateException e) {
            throw overparam.core.BadInputException.of("l1 interpolant: y", "no beta with X beta = y (" + e.getMessage() + ")",
                    "y in the range of X", "use fewer samples than features, or X of full row rank");
        }
        double[] pq = optimum.getPointRef(), beta = new double[d];
        for (int j = 0; j < d; j++) beta[j] = pq[j] - pq[d + j];
        beta = polish(x, y, beta);
        return new L1(beta, Vectors.residual(x, beta, y));
    }

    /**
     * The simplex vertex re-solved on its support S: the basic solution is X_S beta_S = y, which dgelsd gives to
     * round-off. Kept only if it keeps every sign (so it is the same vertex) and does not raise the residual.
     */
    private static double[] polish(Matrix x, double[] y, double[] beta) {
        int d = beta.length;
        int[] support = java.util.stream.IntStream.range(0, d).filter(j -> beta[j] != 0.0).toArray();
        if (support.length == 0 || support.length > x.rows()) return beta;
        double[][] rows = new double[x.rows()][support.length];
        for (int i = 0; i < x.rows(); i++) {
            double[] xi = x.row(i);
            for (int k = 0; k < support.length; k++) rows[i][k] = xi[support[k]];
        }
        double[] polished = new double[d];
        try (Matrix xs = Matrix.of(rows)) {
            LeastSquares.Solution s = LeastSquares.minimumNorm(xs, y, rcond(x.rows(), support.length));
            if (s.rank() < support.length) return beta;
            for (int k = 0; k < support.length; k++) {
                if (Math.signum(s.x()[k]) != Math.signum(beta[support[k]])) return beta;
                polished[support[k]] = s.x()[k];
            }
        }
        return Vectors.residual(x, polished, y) <= Vectors.residual(x, beta, y) ? polished : beta;
    }
}
