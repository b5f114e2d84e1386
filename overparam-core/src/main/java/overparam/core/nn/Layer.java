package overparam.core.nn;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * A hidden layer h of seed 004's networks: x^(h) = F(x^(h-1), W^(h) phi(x^(h-1))) with weights W^(h)
 * (width x fanIn, N(0, 1) at initialization) and the patch operator phi of its {@link Patches} (the identity for
 * the dense networks). Matrices are pixel rows: (n p) x channels, one row per sample and pixel (p = 1 for the
 * dense networks, where a pixel row is a sample). Buffers come from a {@link Workspace}; nothing here allocates.
 * <p>
 * Each implementation is one {@link LayerKind}'s finite side and declares that kind (its infinite-width map, or the
 * reason it has none) as a constant in the same file. Not sealed: a new kind is its own file plus its line in
 * {@link Arch#layerKind}. Its Gram contribution needs nothing here: it is the same formula,
 * G^(h) = (B_h B_h^T) o (phi(X_{h-1}) phi(X_{h-1})^T), for every layer whose parameter is one dense weight matrix, so
 * {@link LayerGram} computes it for all of them from the signals of {@link #backward} and the layer inputs.
 */
public interface Layer {
    Matrix weights();

    /** The layer's scale on sigma(W x): sqrt(c_sigma / m), c_res / (H sqrt m) or 1 / sqrt m. */
    double scale();

    Activation activation();

    Patches patches();

    /** 0 for the first layer (it reads the input), 1 for the others: which of the workspace's patch buffers it uses. */
    int level();

    default int width() { return weights().rows(); }

    /**
     * The trained scalars this layer holds beyond W (Fixup's biases and multiplier, {@link BranchLayer}), 1 x 1 each, in
     * the order the parameter vector and the optimizer take them after W; live. None for every other layer.
     */
    default java.util.List<Matrix> scalars() { return java.util.List.of(); }

    /**
     * The layer's trained bias b^(h) (m x 1; the fc network with --bias-scale, {@link DenseLayer}), live; null without one.
     * It is a parameter of its own, never a weight: masks and pruning do not see it.
     */
    default Matrix bias() { return null; }

    /** target = beta target + alpha dL/db from the layer's signal (as {@link #accumulateGradient}); only for a layer with a bias. */
    default void accumulateBiasGradient(double alpha, Matrix signal, double beta, Matrix target, Workspace ws) {
        throw new IllegalStateException("this layer has no bias");
    }

    /** Their weights-file keys, in the same order. */
    default java.util.List<String> scalarNames() { return java.util.List.of(); }

    /** dL/d scalar k from the last backward pass of the loss (not of a unit output). */
    default double scalarGradient(int k) { throw new IndexOutOfBoundsException("this layer has no trained scalars"); }

    /**
     * pre = phi(in) W^T; out = the layer's output; slope = d out / d pre elementwise (scale * sigma'(pre)),
     * kept for the backward pass.
     */
    void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws);

    /**
     * Given gradOut = d(.)/d out: signal = gradOut o slope, the back-propagated signal at the pre-activation
     * (B_h when gradOut comes from the unit output), and gradIn = d(.)/d in, the gradient passed to the layer
     * below. gradIn may be null at the first layer. A learned PReLU slope also takes its gradient here, from pre.
     */
    void backward(Matrix gradOut, Matrix pre, Matrix slope, Matrix signal, Matrix gradIn, Workspace ws);

    /** The learned PReLU slope's gradient: sum gradOut o min(pre, 0), when this layer's activation has one. */
    default void slopeGradient(Matrix gradOut, Matrix pre) {
        if (activation() instanceof Activation.PRelu p) p.accumulateGradient(gradOut, pre);
    }

    /** pre = phi(in) W^T: one product for a pointwise phi, else one per block of samples on their patch matrix. */
    default void linear(Matrix in, Matrix pre, Workspace ws) {
        Patches patches = patches();
        if (patches.pointwise()) {
            Linalg.multTransB(1.0, in, weights(), 0.0, pre);
            return;
        }
        int p = patches.pixels(), n = in.rows() / p, block = ws.blockSamples[level()];
        Matrix columns = ws.columns[level()];
        for (int first = 0; first < n; first += block) {
            int count = Math.min(block, n - first);
            patches.gather(in, first, count, columns, ws.neighbours);
            Linalg.multTransB(1.0, columns, 0, count * p, weights(), 0, width(), 0.0, pre, first * p);
        }
    }

    /** gradIn (+)= phi^T(signal W): the adjoint of {@link #linear}; adds when {@code add}, else overwrites. */
    default void linearAdjoint(Matrix signal, Matrix gradIn, boolean add, Workspace ws) {
        Patches patches = patches();
        if (patches.pointwise()) {
            Linalg.mult(1.0, signal, weights(), add ? 1.0 : 0.0, gradIn);
            return;
        }
        if (!add) gradIn.fill(0);
        int p = patches.pixels(), n = signal.rows() / p, block = ws.blockSamples[level()];
        Matrix columns = ws.columns[level()];
        for (int first = 0; first < n; first += block) {
            int count = Math.min(block, n - first);
            Linalg.mult(1.0, signal, first * p, count * p, weights(), 0.0, columns, 0);
            patches.scatterAdd(columns, first, count, gradIn, ws.neighbours);
        }
    }

    /**
     * target = beta * target + alpha * signal^T phi(in): the weight gradient (signal = diag(dL/du) B_h, or dL/d pre)
     * accumulated into the weights themselves (plain gradient descent: target = W, alpha = -step, beta = 1) or into
     * a momentum buffer. One product per block of patch matrices; no gradient buffer.
     */
    default void accumulateGradient(double alpha, Matrix signal, Matrix in, double beta, Matrix target, Workspace ws) {
        Patches patches = patches();
        if (patches.pointwise()) {
            Linalg.multTransA(alpha, signal, in, beta, target);
            return;
        }
        int p = patches.pixels(), n = in.rows() / p, block = ws.blockSamples[level()];
        Matrix columns = ws.columns[level()];
        for (int first = 0; first < n; first += block) {
            int count = Math.min(block, n - first);
            patches.gather(in, first, count, columns, ws.neighbours);
            Linalg.multTransA(alpha, signal, first * p, count * p, columns, 0, first == 0 ? beta : 1.0, target);
        }
    }
}
