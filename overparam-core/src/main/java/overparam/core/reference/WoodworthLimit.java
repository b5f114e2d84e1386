package overparam.core.reference;

import overparam.core.BadInputException;
import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * Where gradient flow on the squared loss takes a diagonal linear network beta = w+^2 - w-^2 started at
 * w+ = w- = alpha 1 (Woodworth, Gunasekar, Lee, Moroshko, Savarese, Golan, Soudry and Srebro, "Kernel and rich regimes
 * in overparametrized models", COLT 2020, Thm. 1): beta_inf = 2 alpha^2 sinh(X^T nu), with nu in R^n fixed by
 * X beta_inf = y. As alpha -> 0 this tends to the minimum-l1 interpolant (rich regime), as alpha -> infinity to the
 * minimum-l2 one (kernel regime).
 *
 * <p>Derivation. With r = X beta - y and L = 1/2 ||r||^2, dL/dw+ = 2 w+ o X^T r and dL/dw- = -2 w- o X^T r, so along
 * the flow w+(t) = alpha exp(-2 X^T R(t)) and w-(t) = alpha exp(+2 X^T R(t)) with R(t) = int_0^t r. Hence
 * beta(t) = alpha^2 (exp(-4 X^T R) - exp(4 X^T R)) = 2 alpha^2 sinh(X^T nu) with nu = -4 R(t): beta stays on this
 * n-dimensional manifold for all t, and the limit, if it interpolates, is its point with X beta = y.
 *
 * <p>Solver. nu minimises the strictly convex dual F(nu) = sum_j 2 alpha^2 cosh((X^T nu)_j) - nu^T y, whose gradient
 * is X beta(nu) - y and Hessian X diag(2 alpha^2 cosh(X^T nu)) X^T (positive definite when X has full row rank). Damped
 * Newton: the step solves the Hessian system by Cholesky (LAPACK dpotrf); the backtracking (halving) line search asks
 * for a sufficient decrease of ||grad F|| = ||X beta - y||, which Newton's direction always gives for small steps
 * (d/ds ||grad F(nu + s dnu)||^2 / 2 = -||grad F||^2 at s = 0). The residual rather than F is the merit because
 * F is near 2 alpha^2 d at alpha = 1e3, so its decrease drops below F's round-off long before ||X beta - y|| / ||y||
 * reaches the 1e-12 asked for. Overflow: 2 alpha^2 sinh(u) is evaluated as sign(u) exp(|u| + 2 ln alpha) for |u| > 20,
 * which is finite for every u the solution needs (|u| up to about ln(|beta_j| / alpha^2), 2 ln(1/alpha^2) at most for
 * alpha = 1e-4); a trial step that overflows has an infinite residual and is halved.
 */
public final class WoodworthLimit {
    /** Relative residual ||X beta - y|| / ||y|| at which the solve stops. */
    public static final double TOLERANCE = 1e-12;
    private static final int MAX_NEWTON = 500, MAX_HALVINGS = 80;

    private WoodworthLimit() {}

    /** beta_inf, the dual point nu (beta_inf = 2 alpha^2 sinh(X^T nu)), the Newton steps taken and ||X beta_inf - y||. */
    public record Solution(double[] beta, double[] nu, int newtonSteps, double residual) {
        public Solution {
            beta = beta.clone();
            nu = nu.clone();
        }
        @Override public double[] beta() { return beta.clone(); }
        @Override public double[] nu() { return nu.clone(); }
    }

    /**
     * beta_inf for data X (n x d, full row rank, so n <= d), targets y and initial scale alpha > 0; X and y are not
     * modified. Throws ArithmeticException if Newton stalls above the tolerance.
     */
    public static Solution of(Matrix x, double[] y, double alpha) {
        Vectors.requireShapes("Woodworth limit", x, y);
        if (!(alpha > 0) || Double.isInfinite(alpha))
            throw BadInputException.of("Woodworth limit: alpha", alpha, "a finite initial scale > 0", "e.g. alpha = 0.01");
        int n = x.rows(), d = x.cols();
        double logAlpha2 = 2 * Math.log(alpha);
        double yNorm = Vectors.norm(y);
        double[] nu = new double[n];
        double[] beta = beta(x, nu, alpha, logAlpha2);
        double[] r = minus(Vectors.mult(x, beta), y);
        double res = Vectors.norm(r);
        for (int step = 0; ; step++) {
            if (res <= TOLERANCE * yNorm) return new Solution(beta, nu, step, res);
            if (step == MAX_NEWTON)
                throw new ArithmeticException("Woodworth limit: Newton did not reach ||X beta - y|| / ||y|| <= " + TOLERANCE
                        + " in " + MAX_NEWTON + " steps (at " + res / yNorm + ", alpha = " + alpha + ")");
            double[] direction = newtonDirection(x, nu, r, alpha, logAlpha2);
            boolean accepted = false;
            for (int h = 0; h < MAX_HALVINGS && !accepted; h++) {
                double size = Math.scalb(1.0, -h);
                double[] trial = nu.clone();
                for (int i = 0; i < n; i++) trial[i] += size * direction[i];
                double[] trialBeta = beta(x, trial, alpha, logAlpha2);
                double[] trialR = minus(Vectors.mult(x, trialBeta), y);
                double trialRes = Vectors.norm(trialR);
                if (trialRes <= (1 - 1e-4 * size) * res) {                 // Armijo on ||grad F||; NaN and inf fail
                    nu = trial;
                    beta = trialBeta;
                    r = trialR;
                    res = trialRes;
                    accepted = true;
                }
            }
            if (!accepted)
                throw new ArithmeticException("Woodworth limit: the line search stalled at ||X beta - y|| / ||y|| = " + res / yNorm
                        + " (alpha = " + alpha + ", " + n + " x " + d + "); X may be ill-conditioned or not of full row rank");
        }
    }

    /** -H^-1 r with H = X diag(2 alpha^2 cosh(X^T nu)) X^T = (X D^1/2)(X D^1/2)^T. */
    private static double[] newtonDirection(Matrix x, double[] nu, double[] r, double alpha, double logAlpha2) {
        int n = x.rows(), d = x.cols();
        double[] u = Vectors.multTransA(x, nu);
        double[] root = new double[d];
        for (int j = 0; j < d; j++) root[j] = Math.sqrt(twoAlpha2Cosh(u[j], alpha, logAlpha2));
        try (Matrix scaled = Matrix.zeros(n, d); Matrix hessian = Matrix.zeros(n, n)) {
            for (int i = 0; i < n; i++) {
                double[] row = x.row(i);
                for (int j = 0; j < d; j++) row[j] *= root[j];
                scaled.setRow(i, row);
            }
            Linalg.multOuter(scaled, hessian);
            try (Cholesky c = Cholesky.of(hessian)) {
                double[] step = c.solve(r);
                for (int i = 0; i < n; i++) step[i] = -step[i];
                return step;
            } catch (Cholesky.NotPositiveDefinite e) {
                throw BadInputException.of("Woodworth limit: X", x + " (the Newton Hessian is singular at row " + e.row + ")",
                        "full row rank (n <= d, no sample a combination of others)", "remove dependent samples");
            }
        }
    }

    /** beta(nu) = 2 alpha^2 sinh(X^T nu). */
    static double[] beta(Matrix x, double[] nu, double alpha, double logAlpha2) {
        double[] u = Vectors.multTransA(x, nu);
        for (int j = 0; j < u.length; j++) u[j] = twoAlpha2Sinh(u[j], alpha, logAlpha2);
        return u;
    }

    /** 2 alpha^2 sinh(u); for |u| > 20, where e^-|u| < 1e-17 e^|u|, as sign(u) exp(|u| + ln alpha^2) (no overflow of sinh). */
    private static double twoAlpha2Sinh(double u, double alpha, double logAlpha2) {
        return Math.abs(u) <= 20 ? 2 * alpha * alpha * Math.sinh(u) : Math.signum(u) * Math.exp(Math.abs(u) + logAlpha2);
    }

    private static double twoAlpha2Cosh(double u, double alpha, double logAlpha2) {
        return Math.abs(u) <= 20 ? 2 * alpha * alpha * Math.cosh(u) : Math.exp(Math.abs(u) + logAlpha2);
    }

    private static double[] minus(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) out[i] -= b[i];
        return out;
    }
}
