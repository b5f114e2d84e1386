package overparam.core.kernel;

import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;

/**
 * What the infinitely wide network predicts on test inputs X*, given the training kernel (n x n), the cross kernel
 * k(X*, X) (n* x n) and targets Y (n x k, one column per output).
 * <ul>
 *   <li>{@link #converged}: gradient descent on the squared loss run to convergence, f(X*) = Theta(X*, X) (Theta +
 *       lambda I)^-1 Y (Jacot et al. 2018, Section 5; Lee et al. 2019, eq. 16 at t -> infinity), through a Cholesky
 *       factor; lambda = 0 is the interpolating network, lambda > 0 a ridge.</li>
 *   <li>{@link #atStep}: the same network after k discrete steps of size eta, the closed form of the linearized
 *       dynamics u(k+1) = u(k) - eta Theta (u(k) - Y) that {@link InfiniteTrajectory} follows on the training set:
 *       f_k(X*) = u0(X*) + Theta(X*, X) Theta^-1 (I - (I - eta Theta)^k) (Y - u0(X)) (discrete steps, not Lee et al.'s
 *       gradient flow e^{-eta Theta t}). One eigendecomposition Theta = V diag(lambda) V^T; the factor
 *       (1 - (1 - eta lambda)^k) / lambda stays finite (eta k) as lambda -> 0, so no inverse of Theta is needed.</li>
 *   <li>{@link #nngpPosterior}: the Bayesian posterior of the NNGP (Lee et al. 2018, eqs. 2-4), mean K(X*, X) (K +
 *       lambda I)^-1 Y and variance diag(K(X*, X*) - K(X*, X) (K + lambda I)^-1 K(X, X*)) of the latent f(x*), the same
 *       for every output column.</li>
 * </ul>
 * The infinite network's outputs at initialization are a zero-mean Gaussian process independent of the kernels, so the
 * mean prediction over initializations drops the u0 terms (pass null); a finite network's own u0 makes
 * {@link #atStep} its linearized twin.
 */
public final class KernelPrediction {
    private KernelPrediction() {}

    /**
     * Predictions (n* x k) and the solve's relative residual ||A alpha - B||_F / ||B||_F on the training set: for
     * {@link #converged} A = Theta + lambda I and B = Y; for {@link #atStep} A = Theta (the matrix itself, by BLAS) and B the
     * fitted part (I - (I - eta Theta)^k)(Y - u0(X)) formed in the eigenbasis, so it measures the eigendecomposition's accuracy.
     */
    public record Prediction(Matrix values, double relativeResidual) implements AutoCloseable {
        @Override public void close() { values.close(); }
    }

    /** The NNGP posterior: its mean (n* x k), the variance of each test point, and the solve's relative residual. */
    public record Posterior(Matrix mean, double[] variance, double relativeResidual) implements AutoCloseable {
        @Override public void close() { mean.close(); }
    }

    /** The kernel plus ridge is not numerically positive definite: a ridge lambda > 0 (or fewer, distinct inputs) is needed. */
    public static final class NotPositiveDefinite extends ArithmeticException {
        private static final long serialVersionUID = 1L;

        NotPositiveDefinite(String kernel, double ridge, int row) {
            super(kernel + " on the training inputs" + (ridge > 0 ? " plus the ridge " + ridge + " I" : "")
                    + " is not numerically positive definite (its Cholesky factorization stopped at row " + row
                    + "; duplicated or parallel inputs make it singular)");
        }
    }

    /** f(X*) = cross (kernel + ridge I)^-1 Y: gradient descent on the squared loss to convergence (ridge 0), or kernel ridge. */
    public static Prediction converged(Matrix kernel, Matrix cross, Matrix y, double ridge) {
        requireShapes(kernel, cross, y);
        try (Matrix regularized = withRidge(kernel, ridge); Cholesky c = factor(regularized, "Theta", ridge); Matrix alpha = c.solve(y)) {
            Matrix f = Matrix.zeros(cross.rows(), y.cols());
            Linalg.mult(1.0, cross, alpha, 0.0, f);
            return new Prediction(f, residual(regularized, alpha, y));
        }
    }

    /**
     * f_k(X*) after {@code steps} steps of size eta from the outputs u0 (null: the zero mean of the infinite network's
     * outputs at initialization; else u0Train n x k and u0Test n* x k, a finite network's own).
     */
    public static Prediction atStep(Matrix theta, Matrix cross, Matrix y, double eta, long steps, Matrix u0Train, Matrix u0Test) {
        try (Spectrum.Decomposition d = Spectrum.decompose(theta)) {
            return atStep(d, theta, cross, y, eta, steps, u0Train, u0Test);
        }
    }

    /** The same from Theta's eigendecomposition d, made once by a caller that needs it too (e.g. for lambda_max). */
    public static Prediction atStep(Spectrum.Decomposition d, Matrix theta, Matrix cross, Matrix y, double eta, long steps, Matrix u0Train, Matrix u0Test) {
        requireShapes(theta, cross, y);
        if (!(eta > 0) || steps < 0) throw new IllegalArgumentException("eta must be > 0 and steps >= 0, found " + eta + ", " + steps);
        if ((u0Train == null) != (u0Test == null)) throw new IllegalArgumentException("u0 needs both its training and its test outputs");
        int n = theta.rows(), k = y.cols();
        try (Matrix r = y.copy(); Matrix c = Matrix.zeros(n, k);
             Matrix alpha = Matrix.zeros(n, k); Matrix fitted = Matrix.zeros(n, k)) {
            if (u0Train != null) Linalg.addScaled(-1.0, u0Train, r);                    // Y - u0(X)
            Linalg.multTransA(1.0, d.vectors(), r, 0.0, c);                             // V^T (Y - u0(X))
            double[] lambda = d.values();
            try (Matrix gc = Matrix.zeros(n, k)) {
                for (int i = 0; i < n; i++) {
                    double g = gain(eta, lambda[i], steps);
                    for (int j = 0; j < k; j++) {
                        gc.set(i, j, g * c.get(i, j));
                        c.set(i, j, lambda[i] * g * c.get(i, j));                       // what Theta alpha should be
                    }
                }
                Linalg.mult(1.0, d.vectors(), gc, 0.0, alpha);                          // V diag(g) V^T (Y - u0(X))
                Linalg.mult(1.0, d.vectors(), c, 0.0, fitted);                          // (I - (I - eta Theta)^k)(Y - u0(X))
            }
            Matrix f = u0Test == null ? Matrix.zeros(cross.rows(), k) : u0Test.copy();
            Linalg.mult(1.0, cross, alpha, 1.0, f);
            return new Prediction(f, residual(theta, alpha, fitted));
        }
    }

    /**
     * (1 - (1 - eta lambda)^k) / lambda, the weight of an eigendirection after k steps: eta k at lambda = 0 and 1 / lambda
     * as k -> infinity when 0 < eta lambda < 2. For |eta lambda| < 1 it is computed as -expm1(k log1p(-eta lambda)) / lambda,
     * which keeps its digits when eta lambda is tiny (1 - (1 - t)^k would cancel them).
     */
    static double gain(double eta, double lambda, long steps) {
        double t = eta * lambda;
        if (t == 0) return eta * steps;
        if (Math.abs(t) < 1) return -Math.expm1(steps * Math.log1p(-t)) / lambda;
        return (1 - Math.pow(1 - t, steps)) / lambda;
    }

    /** The NNGP posterior mean and variance of f(X*) given Y, with observation noise variance ridge (0: noise-free). */
    public static Posterior nngpPosterior(Matrix k, Matrix cross, double[] testVariance, Matrix y, double ridge) {
        requireShapes(k, cross, y);
        if (testVariance.length != cross.rows()) throw new IllegalArgumentException("one prior variance per test point is needed");
        int n = k.rows(), nTest = cross.rows();
        try (Matrix regularized = withRidge(k, ridge); Cholesky c = factor(regularized, "the NNGP kernel", ridge); Matrix alpha = c.solve(y);
             Matrix crossT = Matrix.zeros(n, nTest)) {
            Matrix mean = Matrix.zeros(nTest, y.cols());
            Linalg.mult(1.0, cross, alpha, 0.0, mean);
            for (int i = 0; i < nTest; i++) for (int j = 0; j < n; j++) crossT.set(j, i, cross.get(i, j));
            double[] variance = new double[nTest];
            try (Matrix z = c.solve(crossT)) {                                          // (K + lambda I)^-1 K(X, X*)
                for (int i = 0; i < nTest; i++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) s += cross.get(i, j) * z.get(j, i);
                    variance[i] = testVariance[i] - s;
                }
            }
            return new Posterior(mean, variance, residual(regularized, alpha, y));
        }
    }

    private static void requireShapes(Matrix kernel, Matrix cross, Matrix y) {
        int n = kernel.rows();
        if (kernel.cols() != n || cross.cols() != n || y.rows() != n)
            throw new IllegalArgumentException("shapes: kernel " + kernel.rows() + " x " + kernel.cols() + ", cross " + cross.rows() + " x "
                    + cross.cols() + ", targets " + y.rows() + " x " + y.cols() + " (need n x n, n* x n, n x k)");
    }

    private static Matrix withRidge(Matrix kernel, double ridge) {
        if (!(ridge >= 0) || !Double.isFinite(ridge)) throw new IllegalArgumentException("ridge must be finite and >= 0, found " + ridge);
        Matrix m = kernel.copy();
        for (int i = 0; i < m.rows(); i++) m.set(i, i, m.get(i, i) + ridge);
        return m;
    }

    private static Cholesky factor(Matrix a, String kernel, double ridge) {
        try {
            return Cholesky.of(a);
        } catch (Cholesky.NotPositiveDefinite e) {
            throw new NotPositiveDefinite(kernel, ridge, e.row);
        }
    }

    /** ||a alpha - b||_F / ||b||_F (0 when b = 0 and a alpha = 0). */
    private static double residual(Matrix a, Matrix alpha, Matrix b) {
        try (Matrix r = b.copy()) {
            Linalg.mult(1.0, a, alpha, -1.0, r);
            double norm = Linalg.normF(b), res = Linalg.normF(r);
            return norm == 0 ? res : res / norm;
        }
    }
}
