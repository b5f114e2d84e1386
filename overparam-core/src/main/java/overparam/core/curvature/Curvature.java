package overparam.core.curvature;

import java.util.random.RandomGenerator;
import overparam.core.linalg.Hutchinson;
import overparam.core.linalg.Lanczos;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.HessianVectorProduct;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.TrainedLayers;

/**
 * The curvature of the training loss L(theta) at one point, from exact Hessian-vector products
 * ({@link HessianVectorProduct}) alone, never the P x P Hessian: its top-k eigenpairs (Lanczos; the eigenvectors as a
 * P x k matrix in {@link ParameterVector}'s layout, e.g. for noise shaped like the Hessian), its trace (Hutchinson,
 * with a standard error), and Tr(H Sigma), the alignment of the gradient noise with the curvature (Zhu, Wu, Yu, Wu, Ma,
 * ICML 2019, "The anisotropic noise in stochastic gradient descent", their Sections 3-4):
 * <pre>
 *   Sigma = (1/n) sum_i (g_i - gbar)(g_i - gbar)^T,   Tr(H Sigma) = (1/n) sum_i (g_i - gbar)^T H (g_i - gbar)
 *                                                                  = (1/n) sum_i g_i^T H g_i - gbar^T H gbar,
 * </pre>
 * g_i the gradient of sample i's own loss term (the loss on that one row, as {@link Loss} defines it) and gbar their
 * mean. H is the Hessian of L as training defines it: for the mean losses (mse, cross-entropy) L = (1/n) sum_i l_i and
 * this is Zhu et al.'s quantity; for the sums (squared, logistic, exponential, lp) L = sum_i l_i, so H, and Tr(H Sigma),
 * are n times the mean loss's. Computed in the centred form (one pass for gbar, then n products), which loses nothing
 * to cancellation when the noise is small against the mean gradient.
 * <p>
 * Buffers are made once: the products' ({@link HessianVectorProduct#bytes}), the Lanczos basis (iterations x P), two
 * probe vectors, and for Tr(H Sigma) the {@link GradientCovariance}'s and one P-vector.
 */
public final class Curvature implements AutoCloseable {
    private final HessianVectorProduct hvp;
    private final Lanczos lanczos;
    private final Hutchinson hutchinson;
    private final GradientCovariance covariance;     // null without Tr(H Sigma)
    private final Matrix start, hg;
    private Matrix x, y;

    public Curvature(Network network, TrainedLayers trained, Loss loss, int rows, int lanczosIterations, boolean noiseTrace) {
        hvp = new HessianVectorProduct(network, trained, loss, rows);
        int size = hvp.layout().size();
        lanczos = new Lanczos(size, lanczosIterations);
        hutchinson = new Hutchinson(size);
        start = Matrix.vector(size);
        covariance = noiseTrace ? new GradientCovariance(network, trained, loss) : null;
        hg = noiseTrace ? Matrix.vector(size) : null;
    }

    /** Bytes beyond the network for P trained parameters and the given rows and Lanczos iterations. */
    public static double bytes(NetworkSpec spec, long rows, long parameters, int lanczosIterations, boolean noiseTrace) {
        double total = HessianVectorProduct.bytes(spec, rows, parameters) + Lanczos.bytes(parameters, lanczosIterations)
                + Hutchinson.bytes(parameters) + Matrix.bytes(parameters, 1);
        if (noiseTrace) total += GradientCovariance.bytes(spec, parameters) + Matrix.bytes(parameters, 1);
        return total;
    }

    public ParameterVector layout() { return hvp.layout(); }

    /** Fixes the point: the network's current weights on the rows (x, y). Returns L there. */
    public double at(Matrix x, Matrix y) {
        this.x = x;
        this.y = y;
        return hvp.at(x, y);
    }

    /** H v at the point. */
    public void apply(Matrix v, Matrix out) { hvp.apply(v, out); }

    /**
     * The k largest eigenvalues of H (descending), their eigenvectors (P x k, unit columns) and residuals ||H y - theta y||,
     * from a Gaussian start vector drawn from rng; stops at residuals <= tolerance * |theta|_max.
     */
    public Lanczos.Eigenpairs topEigenpairs(int k, double tolerance, RandomGenerator rng) {
        for (int i = 0; i < start.size(); i++) start.set(i, rng.nextGaussian());
        return lanczos.top(hvp::apply, k, tolerance, start);
    }

    /** Hutchinson's estimate of tr(H) from Rademacher probes drawn from rng. */
    public Hutchinson.Estimate trace(int probes, RandomGenerator rng) { return hutchinson.trace(hvp::apply, probes, rng); }

    /**
     * Sigma's trace and Tr(H Sigma) at the point, and Tr(H Sigma_iso) for isotropic noise of the same trace,
     * Sigma_iso = (tr Sigma / P) I, with the given estimate of tr H (Zhu et al.'s comparison: their indicator for noise of
     * equal magnitude). n products of H and 2n one-row gradients; needs noiseTrace at construction.
     */
    public NoiseAlignment noiseAlignment(double traceH) {
        if (covariance == null) throw new IllegalStateException("made without the per-sample gradients Tr(H Sigma) needs");
        double[] sum = {0};
        double traceSigma = covariance.forEachCentred(x, y, centred -> {
            hvp.apply(centred, hg);
            sum[0] += Linalg.dot(centred, hg);
        });
        double traceHSigma = sum[0] / x.rows();
        return new NoiseAlignment(traceSigma, traceHSigma, traceSigma * traceH / layout().size());
    }

    /**
     * tr Sigma, Tr(H Sigma), and Tr(H Sigma_iso) = tr Sigma tr H / P; their ratio Tr(H Sigma) / Tr(H Sigma_iso) above 1 is
     * Zhu et al.'s condition for the noise to escape sharp minima faster than isotropic noise of the same magnitude.
     */
    public record NoiseAlignment(double traceSigma, double traceHSigma, double traceHSigmaIsotropic) {
        public double ratio() { return traceHSigma / traceHSigmaIsotropic; }
    }

    @Override public void close() {
        hvp.close();
        lanczos.close();
        hutchinson.close();
        start.close();
        if (covariance != null) {
            covariance.close();
            hg.close();
        }
    }
}
