package overparam.core.nn;

import overparam.core.linalg.Matrix;

/**
 * A hidden layer h of seed 004's networks: x^(h) = F(x^(h-1), W^(h) x^(h-1)) with weights W^(h)
 * (width x fanIn, N(0, 1) at initialization). Rows are samples: the layer maps an n x fanIn input to an
 * n x width output. Buffers come from a {@link Workspace}; nothing here allocates.
 */
public sealed interface Layer permits DenseLayer, ResidualLayer {
    Matrix weights();

    default int width() { return weights().rows(); }

    default int fanIn() { return weights().cols(); }

    /** The layer's scale on sigma(W x): sqrt(c_sigma / m), c_res / (H sqrt m) or 1 / sqrt m. */
    double scale();

    Activation activation();

    /**
     * pre = in W^T; out = the layer's output; slope = d out / d pre elementwise (scale * sigma'(pre)),
     * kept for the backward pass.
     */
    void forward(Matrix in, Matrix pre, Matrix out, Matrix slope);

    /**
     * Given gradOut = d(.)/d out (n x width): signal = gradOut o slope, the back-propagated signal at the
     * pre-activation (B_h when gradOut comes from the unit output), and gradIn = d(.)/d in, the gradient
     * passed to the layer below (n x fanIn). gradIn may be null at the first layer.
     */
    void backward(Matrix gradOut, Matrix slope, Matrix signal, Matrix gradIn);
}
