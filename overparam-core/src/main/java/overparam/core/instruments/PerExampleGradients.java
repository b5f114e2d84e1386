package overparam.core.instruments;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.Workspace;

/**
 * The squared norms ||grad l_i||^2 of the per-example gradients, from the structure of a one-output dense network and
 * without a per-sample backward pass. Write the loss as L = sum_i l_i (seed 004, eq. 1: the squared loss 1/2 sum (u_i -
 * y_i)^2 is a sum) or L = (1/n) sum_i l_i (the mean losses), and r_i = dl_i/du_i (dL/du_i for a sum, n dL/du_i for a
 * mean). Since du_i/dW^(h) = B_h[i]^T x_{h-1}[i] (B_h[i] the back-propagated signal of sample i, x_{h-1}[i] its layer
 * input: the factorisation behind G^(h) = (B_h B_h^T) o (X X^T), DESIGN.md) and du_i/da = x_H[i],
 * <pre>  ||grad l_i||^2 = sum_h r_i^2 ||B_h[i]||^2 ||x_{h-1}[i]||^2 + r_i^2 ||x_H[i]||^2,</pre>
 * the sum over the trained parameters only: O(n m H) on the pass the Gram instruments already read.
 */
public final class PerExampleGradients {
    private PerExampleGradients() {}

    /**
     * Whether the formula describes this network: one output and fixed activations (per-sample signals), dense
     * pointwise layers (not the convolutional ResNet, whose weight gradient sums over pixels, nor the diagonal network's
     * tied w o w).
     */
    public static boolean applies(NetworkSpec spec) {
        return spec.hasSampleSignals() && spec.pixels() == 1 && spec.arch() != Arch.DIAGONAL;
    }

    /**
     * ||grad l_i||^2 for each sample into norms (length n), from a pass over the whole training set with signals B_h for
     * every trained hidden layer and its residuals dL/du.
     */
    public static void squaredNorms(NetworkSpec spec, ParameterVector layout, Loss loss, Workspace pass, double[] norms) {
        int n = pass.rows(), depth = spec.depth();
        double perSample = loss.isMean() ? n : 1;                 // l_i's own slope: dL/du_i is (1/n) dl_i/du_i for a mean
        java.util.Arrays.fill(norms, 0);
        for (int b = 0; b < layout.blocks(); b++) {
            int h = layout.layer(b);
            if (h <= depth) addProducts(pass.signal(h), pass.layerInput(h), norms);
            else addProducts(null, pass.top(depth), norms);
        }
        DoubleBuffer r = pass.residuals().buffer();
        for (int i = 0; i < n; i++) {
            double ri = perSample * r.get(i);
            norms[i] *= ri * ri;
        }
    }

    /** norms[i] += ||signal[i]||^2 ||input[i]||^2 (the signal factor 1 when signal is null: the output layer a). */
    private static void addProducts(Matrix signal, Matrix input, double[] norms) {
        for (int i = 0; i < norms.length; i++) norms[i] += (signal == null ? 1 : rowSquared(signal, i)) * rowSquared(input, i);
    }

    private static double rowSquared(Matrix m, int i) {
        DoubleBuffer d = m.buffer();
        int cols = m.cols();
        double s = 0;
        for (int j = i * cols; j < (i + 1) * cols; j++) s += d.get(j) * d.get(j);
        return s;
    }
}
