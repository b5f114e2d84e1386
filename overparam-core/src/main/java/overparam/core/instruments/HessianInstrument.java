package overparam.core.instruments;

import overparam.core.Seeds;
import overparam.core.curvature.Curvature;
import overparam.core.linalg.Hutchinson;
import overparam.core.linalg.Lanczos;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainedLayers;

/**
 * The curvature of the training loss at each recorded step, from exact Hessian-vector products over the whole training
 * set ({@link Curvature}; H is the Hessian of L as training defines it, a sum or a mean), never the P x P matrix. Records
 * <ul>
 *   <li>hessian_top_eigenvalue, lambda_max(H), and hessian_top_eigenvalues, the k largest (Lanczos); against 2 / eta it
 *       is the edge of stability of gradient descent (Cohen et al., ICLR 2021);</li>
 *   <li>hessian_lanczos_residual: the largest ||H y - theta y|| of the k Ritz pairs, recomputed (|theta - lambda| is at most
 *       this), and hessian_lanczos_iterations, the products Lanczos took;</li>
 *   <li>hessian_trace and hessian_trace_se: Hutchinson's estimate of tr(H) and its standard error (Rademacher probes);</li>
 *   <li>hessian_trace_sigma: Tr(H Sigma), Sigma the covariance of the per-sample gradients (Zhu et al., ICML 2019), when
 *       n <= {@link #NOISE_TRACE_MAX_SAMPLES}: it costs n more products, one per sample; with it hessian_noise_trace, tr Sigma,
 *       hessian_trace_sigma_isotropic, Tr(H Sigma_iso) = tr Sigma tr H / P for isotropic noise of the same trace (tr H from
 *       Hutchinson's estimate, so it carries hessian_trace_se's relative error), and hessian_noise_alignment, the ratio of
 *       the two: above 1, the noise lies along the curvature more than isotropic noise of its magnitude (Zhu et al.'s
 *       condition for escaping sharp minima faster).</li>
 * </ul>
 * The start vector and the probes come from a stream of the run's seed and the step, never from the run's own
 * generators, and every buffer is the instrument's: the run's weights are read, never written.
 */
public final class HessianInstrument implements Observer {
    /** Tr(H Sigma) is recorded for at most this many training samples (n products of H per record). */
    public static final int NOISE_TRACE_MAX_SAMPLES = 512;
    /** Lanczos stops when every top-k Ritz residual is below this times |theta|_max: eigenvalues to about its square. */
    public static final double TOLERANCE = 1e-7;

    /** k eigenvalues (at most P are recorded), Hutchinson probes, at most this many Lanczos vectors. */
    public record Settings(int top, int probes, int iterations) {
        public Settings {
            if (top < 1 || probes < 2 || iterations < top)
                throw new IllegalArgumentException("hessian settings: top " + top + " >= 1, probes " + probes + " >= 2, iterations " + iterations + " >= top");
        }
    }

    private final Curvature curvature;
    private final Settings settings;
    private final boolean noiseTrace;
    private final long seed;

    public HessianInstrument(Network network, TrainedLayers trained, Loss loss, int n, Settings settings, long seed) {
        this.noiseTrace = n <= NOISE_TRACE_MAX_SAMPLES;
        this.seed = seed;
        this.curvature = new Curvature(network, trained, loss, n, settings.iterations(), noiseTrace);
        int p = curvature.layout().size();              // a network of fewer than k parameters has P eigenvalues
        this.settings = settings.top() <= p ? settings : new Settings(p, settings.probes(), settings.iterations());
    }

    /** Bytes of the instrument's buffers for P trained parameters and n samples (the Lanczos basis: iterations x P). */
    public static double bytes(NetworkSpec spec, long n, long parameters, Settings settings) {
        return Curvature.bytes(spec, n, parameters, settings.iterations(), n <= NOISE_TRACE_MAX_SAMPLES);
    }

    /** P, the trained parameters (the length of a Hessian-vector product). */
    public ParameterVector layout() { return curvature.layout(); }

    @Override public void onRecord(RunView view, StepRecord record) {
        curvature.at(view.data().x(), view.data().y());
        try (Lanczos.Eigenpairs top = curvature.topEigenpairs(settings.top(), TOLERANCE, Seeds.stream(seed, "hessian/lanczos/" + view.step()))) {
            double residual = 0;
            for (double r : top.residuals()) residual = Math.max(residual, r);
            record.put("hessian_top_eigenvalue", top.values()[0]);
            record.put("hessian_top_eigenvalues", top.values());
            record.put("hessian_lanczos_residual", residual);
            record.put("hessian_lanczos_iterations", top.iterations());
        }
        Hutchinson.Estimate trace = curvature.trace(settings.probes(), Seeds.stream(seed, "hessian/probes/" + view.step()));
        record.put("hessian_trace", trace.trace());
        record.put("hessian_trace_se", trace.standardError());
        if (noiseTrace) {
            Curvature.NoiseAlignment alignment = curvature.noiseAlignment(trace.trace());
            record.put("hessian_trace_sigma", alignment.traceHSigma());
            record.put("hessian_noise_trace", alignment.traceSigma());
            record.put("hessian_trace_sigma_isotropic", alignment.traceHSigmaIsotropic());
            record.put("hessian_noise_alignment", alignment.ratio());
        }
    }

    @Override public void close() { curvature.close(); }
}
