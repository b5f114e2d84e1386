package overparam.core.reference;

import java.util.function.DoubleUnaryOperator;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Svd;

/**
 * Ridge regression along its whole regularisation path, and gradient flow and gradient descent from zero along
 * time, from one SVD X = U diag(s) V^T (LAPACK dgesdd). Each estimator is a spectral filter of the least-squares
 * solution, beta = V diag(f_i / s_i) U^T y, with
 * <ul>
 *   <li>ridge, argmin 1/2 ||X beta - y||^2 + lambda/2 ||beta||^2: f_i = s_i^2 / (s_i^2 + lambda);</li>
 *   <li>gradient flow on 1/2 ||X beta - y||^2 from beta = 0 at time t: f_i = 1 - exp(-t s_i^2);</li>
 *   <li>gradient descent with step eta after k steps: f_i = 1 - (1 - eta s_i^2)^k,</li>
 * </ul>
 * so each costs O(d min(n, d)) per lambda or t. For y = X beta_star + sigma eps (eps standard normal) the estimation
 * risk E ||beta - beta_star||^2 is exact in closed form: bias^2 = ||(I - V diag(f) V^T) beta_star||^2 (which includes
 * the part of beta_star in the null space of X) and variance = sigma^2 sum_i f_i^2 / s_i^2 (Ali, Kolter and Tibshirani,
 * "A continuous-time view of early stopping for least squares regression", AISTATS 2019, Lemma 5; their Theorem 1:
 * risk_gf(t) <= 1.6862 risk_ridge(1/t), with sharp constant sup_{x>0} (1 - e^-x)^2 (1 + x)^2 / x^2 = 1.68591).
 */
public final class RidgePath implements AutoCloseable {
    private final double[] s;        // singular values, descending; those <= cutoff count as zero
    private final double[] uty;      // U^T y
    private final Matrix vt;         // V^T, min(n, d) x d
    private final double cutoff;

    private RidgePath(double[] s, double[] uty, Matrix vt, double cutoff) {
        this.s = s;
        this.uty = uty;
        this.vt = vt;
        this.cutoff = cutoff;
    }

    /** Bias^2 and variance of an estimator; total() is the risk E ||beta - beta_star||^2. */
    public record Risk(double bias2, double variance) {
        public double total() { return bias2 + variance; }
    }

    /** The path for data X (n x d, a sample per row) and targets y; neither is modified. */
    public static RidgePath of(Matrix x, double[] y) {
        Vectors.requireShapes("ridge path", x, y);
        try (Svd svd = Svd.of(x)) {
            double[] uty = new double[svd.values().length];
            try (Matrix yv = Matrix.vectorOf(y); Matrix out = Matrix.vector(uty.length)) {
                Linalg.multTransAVec(1.0, svd.u(), yv, 0.0, out);
                uty = out.toArray();
            }
            double cutoff = MinimumNormInterpolant.rcond(x.rows(), x.cols()) * svd.values()[0];
            return new RidgePath(svd.values().clone(), uty, svd.vt().copy(), cutoff);
        }
    }

    /** The singular values of X, descending (a copy). */
    public double[] singularValues() { return s.clone(); }

    /** argmin 1/2 ||X beta - y||^2 + lambda/2 ||beta||^2; lambda = 0 gives X^+ y, the minimum-norm least-squares solution. */
    public double[] ridge(double lambda) {
        requireNonNegative("lambda", lambda);
        return estimate(si -> ridgeFilter(si, lambda));
    }

    /** Gradient flow d beta/dt = -X^T (X beta - y) from beta(0) = 0, at time t. */
    public double[] gradientFlow(double t) {
        requireNonNegative("t", t);
        return estimate(si -> flowFilter(si, t));
    }

    /** Gradient descent beta_{k+1} = beta_k - eta X^T (X beta_k - y) from beta_0 = 0, after k steps. */
    public double[] gradientDescent(double eta, int k) {
        requireNonNegative("eta", eta);
        requireNonNegative("k", k);
        return estimate(si -> descentFilter(si, eta, k));
    }

    /** E ||ridge(lambda) - beta_star||^2 for y = X beta_star + sigma eps. */
    public Risk ridgeRisk(double[] betaStar, double sigma, double lambda) {
        requireNonNegative("lambda", lambda);
        return risk(betaStar, sigma, si -> ridgeFilter(si, lambda));
    }

    /** E ||gradientFlow(t) - beta_star||^2 for y = X beta_star + sigma eps. */
    public Risk gradientFlowRisk(double[] betaStar, double sigma, double t) {
        requireNonNegative("t", t);
        return risk(betaStar, sigma, si -> flowFilter(si, t));
    }

    /** E ||gradientDescent(eta, k) - beta_star||^2 for y = X beta_star + sigma eps. */
    public Risk gradientDescentRisk(double[] betaStar, double sigma, double eta, int k) {
        requireNonNegative("eta", eta);
        requireNonNegative("k", k);
        return risk(betaStar, sigma, si -> descentFilter(si, eta, k));
    }

    private static double ridgeFilter(double si, double lambda) {
        return lambda == 0 ? 1 : si * si / (si * si + lambda);
    }

    private static double flowFilter(double si, double t) {
        return -Math.expm1(-t * si * si);
    }

    private static double descentFilter(double si, double eta, int k) {
        double h = eta * si * si;
        // (1 - h)^k as exp(k log1p(-h)) keeps 1 - (1 - h)^k accurate when h is tiny; beyond h = 1 the plain power
        return h < 1 ? -Math.expm1(k * Math.log1p(-h)) : 1 - Math.pow(1 - h, k);
    }

    /** V diag(f_i / s_i) U^T y, with f = 0 on the singular values counted as zero. */
    private double[] estimate(DoubleUnaryOperator filter) {
        double[] c = new double[s.length];
        for (int i = 0; i < s.length; i++) if (s[i] > cutoff) c[i] = filter.applyAsDouble(s[i]) / s[i] * uty[i];
        return Vectors.multTransA(vt, c);
    }

    private Risk risk(double[] betaStar, double sigma, DoubleUnaryOperator filter) {
        if (betaStar.length != vt.cols())
            throw overparam.core.BadInputException.of("risk: betaStar", betaStar.length + " entries", vt.cols() + " (one per feature)",
                    "pass the teacher of the data the path was built from");
        double[] vb = Vectors.mult(vt, betaStar);                    // V^T beta_star
        double variance = 0;
        for (int i = 0; i < s.length; i++) {
            double f = s[i] > cutoff ? filter.applyAsDouble(s[i]) : 0;
            if (f != 0) variance += f * f / (s[i] * s[i]);
            vb[i] *= f;
        }
        double[] mean = Vectors.multTransA(vt, vb);                  // E beta = V diag(f) V^T beta_star
        double bias2 = 0;
        for (int j = 0; j < mean.length; j++) bias2 += (betaStar[j] - mean[j]) * (betaStar[j] - mean[j]);
        return new Risk(bias2, sigma * sigma * variance);
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0)) throw overparam.core.BadInputException.of(name, value, "a number >= 0", "pass " + name + " >= 0");
    }

    @Override public void close() { vt.close(); }
}
