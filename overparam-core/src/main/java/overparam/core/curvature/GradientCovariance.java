package overparam.core.curvature;

import java.util.function.Consumer;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.core.nn.LossGradient;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.TrainedLayers;

/**
 * The covariance of the per-sample gradients, Sigma = (1/n) sum_i (g_i - gbar)(g_i - gbar)^T with g_i the gradient of sample
 * i's own loss term (the loss on that one row, as {@link Loss} defines it) and gbar their mean, reached through the centred
 * gradients g_i - gbar one at a time (never the P x P matrix): its trace, and what a caller does with each (Tr(H Sigma) in
 * {@link Curvature}). Any network whose trained parameters form a {@link ParameterVector}, by the training step's own
 * backward pass on one row; two passes over the rows (gbar first), so nothing is lost to cancellation when the noise is
 * small against the mean gradient. Buffers (a one-row workspace and two P-vectors) are made once.
 * <p>
 * SGD's gradient noise is this covariance scaled: a batch of b distinct samples drawn uniformly, its gradient scaled as
 * training scales it (n / b times the batch's sum for a summed loss, {@link overparam.core.optim.ScaleByBatch}; the batch's
 * mean for a mean loss), is s mean_{i in B} g_i with s = n (sum) or 1 (mean), and its deviation from the full gradient has
 * covariance s^2 (n - b) / (b (n - 1)) Sigma (sampling without replacement): {@link #batchNoiseTrace}.
 */
public final class GradientCovariance implements AutoCloseable {
    private final LossGradient perSample;
    private final Matrix g, gbar;

    public GradientCovariance(Network network, TrainedLayers trained, Loss loss) {
        perSample = new LossGradient(network, trained, loss, 1);
        int size = perSample.layout().size();
        g = Matrix.vector(size);
        gbar = Matrix.vector(size);
    }

    /** Bytes beyond the network for P trained parameters: the one-row workspace and two P-vectors. */
    public static double bytes(NetworkSpec spec, long parameters) {
        return overparam.core.nn.Workspace.bytes(spec, 1) + 2 * Matrix.bytes(parameters, 1);
    }

    public ParameterVector layout() { return perSample.layout(); }

    /**
     * Hands each centred gradient g_i - gbar over the rows (x, y), in row order, to {@code visit} (a live P-vector, valid
     * during the call and free to overwrite); returns tr Sigma = (1/n) sum_i ||g_i - gbar||^2.
     */
    public double forEachCentred(Matrix x, Matrix y, Consumer<Matrix> visit) {
        int n = x.rows();
        gbar.fill(0);
        for (int i = 0; i < n; i++) {
            sampleGradient(x, y, i);
            Linalg.addScaled(1.0 / n, g, gbar);
        }
        double trace = 0;
        for (int i = 0; i < n; i++) {
            sampleGradient(x, y, i);
            Linalg.addScaled(-1.0, gbar, g);                        // g_i - gbar
            trace += Linalg.dot(g, g);
            visit.accept(g);
        }
        return trace / n;
    }

    /** tr Sigma over the rows (x, y) at the network's current weights. */
    public double trace(Matrix x, Matrix y) { return forEachCentred(x, y, v -> {}); }

    /**
     * E ||xi||^2 for SGD's noise xi at batch size b of n samples under {@code loss}: s^2 (n - b) / (b (n - 1)) tr Sigma
     * (0 for a batch of all n, which has none).
     */
    public static double batchNoiseTrace(double traceSigma, int n, int b, Loss loss) {
        if (b < 1 || b > n) throw new IllegalArgumentException("a batch of 1 to n = " + n + " samples, got " + b);
        if (b == n) return 0;
        double s = loss.isMean() ? 1 : (double) n;
        return s * s * (n - b) / ((double) b * (n - 1)) * traceSigma;
    }

    private void sampleGradient(Matrix x, Matrix y, int i) {
        try (Matrix xi = x.rowRange(i, 1); Matrix yi = y.rowRange(i, 1)) { perSample.evaluate(xi, yi, g); }
    }

    @Override public void close() {
        perSample.close();
        g.close();
        gbar.close();
    }
}
