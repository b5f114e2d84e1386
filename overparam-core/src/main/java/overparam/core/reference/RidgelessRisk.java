package overparam.core.reference;

import java.util.random.RandomGenerator;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * Minimum-norm least squares on the linear Gaussian-feature model of Hastie, Montanari, Rosset and Tibshirani,
 * "Surprises in high-dimensional ridgeless least squares interpolation" (2019, Section 2, isotropic features): n samples
 * x_i ~ N(0, I_p), y_i = x_i^T beta + eps_i with eps_i ~ N(0, sigma^2) and ||beta|| = r; beta_hat = X^+ y, the
 * minimum-norm least-squares solution (LAPACK dgelsd through {@link MinimumNormInterpolant#l2}, rcond
 * {@link MinimumNormInterpolant#rcond}).
 *
 * <p>The risk is the excess test risk R = E_x[(x^T (beta_hat - beta))^2] = ||beta_hat - beta||^2 for a fresh x ~ N(0, I_p)
 * (E x x^T = I), conditional on the training set; the closed forms are its mean over X and eps. Derivation:
 * <ul>
 *   <li>p < n (X of full column rank): beta_hat = beta + (X^T X)^-1 X^T eps, so R = ||(X^T X)^-1 X^T eps||^2 and
 *       E[R | X] = sigma^2 tr (X^T X)^-1. X^T X is Wishart_p(n, I), whose inverse has mean I / (n - p - 1) for n > p + 1,
 *       so E R = sigma^2 p / (n - p - 1) exactly ({@link #meanRisk}); with gamma = p/n fixed and n -> infinity this is
 *       sigma^2 gamma / (1 - gamma) ({@link #asymptoticRisk}).</li>
 *   <li>p > n (X of full row rank): beta_hat = X^T (X X^T)^-1 (X beta + eps) = P beta + X^+ eps with P the projection
 *       onto the row space of X. The two parts are orthogonal (X^+ eps lies in the row space), so
 *       R = ||(I - P) beta||^2 + ||X^+ eps||^2. X's law is invariant under rotations of R^p, so its row space is a
 *       uniformly random n-dimensional subspace and E ||(I - P) beta||^2 = r^2 (1 - n/p) for every beta of norm r
 *       (isotropy of beta is not needed here); E ||X^+ eps||^2 = sigma^2 tr (X X^T)^-1 with X X^T Wishart_n(p, I),
 *       so sigma^2 n / (p - n - 1) for p > n + 1. Exactly: E R = r^2 (1 - n/p) + sigma^2 n / (p - n - 1); as
 *       n -> infinity at gamma = p/n: r^2 (1 - 1/gamma) + sigma^2 / (gamma - 1) (HMRT, Theorem 1 and eq. (10)).</li>
 * </ul>
 * Between p = n - 1 and p = n + 1 the mean is infinite (at p = n +- 1 tr W^-1 has no finite mean), which is why the
 * double-descent checks use medians.
 */
public final class RidgelessRisk {
    private RidgelessRisk() {}

    /** One draw: R and its two parts, bias ||(I - P) beta||^2 (zero below the threshold) and variance ||X^+ eps||^2. */
    public record Draw(double risk, double bias2, double variance) {}

    /**
     * E R over X and eps, exact at finite n (Gaussian design): sigma^2 p / (n - p - 1) for p < n - 1, and
     * r^2 (1 - n/p) + sigma^2 n / (p - n - 1) for p > n + 1; infinite for sigma > 0 in between.
     */
    public static double meanRisk(int n, int p, double r, double sigma) {
        requireSizes(n, p, r, sigma);
        if (p < n - 1) return sigma * sigma * p / (n - p - 1.0);
        if (p > n + 1) return r * r * (1 - (double) n / p) + sigma * sigma * n / (p - n - 1.0);
        return sigma == 0 ? r * r * Math.max(0, 1 - (double) n / p) : Double.POSITIVE_INFINITY;
    }

    /** The limit of {@link #meanRisk} as n, p -> infinity with p/n = gamma: sigma^2 gamma / (1 - gamma), or r^2 (1 - 1/gamma) + sigma^2 / (gamma - 1). */
    public static double asymptoticRisk(double gamma, double r, double sigma) {
        if (!(gamma > 0) || !Double.isFinite(gamma)) throw BadInputException.of("gamma", gamma, "a finite p/n > 0", "e.g. 0.5 or 2");
        requireScales(r, sigma);
        if (gamma < 1) return sigma * sigma * gamma / (1 - gamma);
        if (gamma > 1) return r * r * (1 - 1 / gamma) + sigma * sigma / (gamma - 1);
        return sigma == 0 ? 0 : Double.POSITIVE_INFINITY;
    }

    /**
     * One draw of the model (X with N(0, 1) entries, eps with N(0, sigma^2) entries, from rng) for the given beta, fitted
     * by {@link MinimumNormInterpolant#l2}: its risk ||beta_hat - beta||^2 split as in the class comment.
     */
    public static Draw draw(int n, double[] beta, double sigma, RandomGenerator rng) {
        int p = beta.length;
        requireSizes(n, p, 0, sigma);
        double[][] rows = new double[n][p];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int j = 0; j < p; j++) {
                rows[i][j] = rng.nextGaussian();
                dot += rows[i][j] * beta[j];
            }
            y[i] = dot + sigma * rng.nextGaussian();
        }
        double[] noiseless = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) noiseless[i] += rows[i][j] * beta[j];
        try (Matrix x = Matrix.of(rows)) {
            double[] fit = MinimumNormInterpolant.l2(x, y).beta();
            double[] projected = MinimumNormInterpolant.l2(x, noiseless).beta();      // P beta (beta itself below the threshold)
            double risk = 0, bias2 = 0, variance = 0;
            for (int j = 0; j < p; j++) {
                risk += (fit[j] - beta[j]) * (fit[j] - beta[j]);
                bias2 += (projected[j] - beta[j]) * (projected[j] - beta[j]);
                variance += (fit[j] - projected[j]) * (fit[j] - projected[j]);    // X^+ eps, by linearity of X^+
            }
            return new Draw(risk, bias2, variance);
        }
    }

    private static void requireSizes(int n, int p, double r, double sigma) {
        if (n < 1) throw BadInputException.of("n", n, "at least 1 sample", "e.g. n = 100");
        if (p < 1) throw BadInputException.of("p", p, "at least 1 feature", "e.g. p = 50");
        requireScales(r, sigma);
    }

    private static void requireScales(double r, double sigma) {
        if (!(r >= 0) || !Double.isFinite(r)) throw BadInputException.of("r", r, "a finite ||beta|| >= 0", "e.g. r = 1");
        if (!(sigma >= 0) || !Double.isFinite(sigma)) throw BadInputException.of("sigma", sigma, "a finite noise sd >= 0", "e.g. sigma = 0.5");
    }
}
