package overparam.core.nn;

import overparam.core.kernel.GaussianMaps;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * x -> scale * sigma(W x): the layers of the fully-connected network (seed 004, eq. 2, scale
 * sqrt(c_sigma / m)), the first layer of the ResNet (eq. 3), and the hidden layer of the two-layer
 * network (scale 1 / sqrt m, Du et al. 2018).
 */
public record DenseLayer(Matrix weights, Activation activation, double scale) implements Layer {
    @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope) {
        Linalg.multTransB(1.0, in, weights, 0.0, pre);                                  // pre = X W^T
        Elementwise.activate(activation, pre, out, slope, scale);
    }

    @Override public void backward(Matrix gradOut, Matrix slope, Matrix signal, Matrix gradIn) {
        Elementwise.multiply(gradOut, slope, signal);
        if (gradIn != null) Linalg.mult(1.0, signal, weights, 0.0, gradIn);            // d/dX = S W
    }

    /**
     * The same layer at infinite width, q = scale^2 m (c_sigma, or 1 for the two-layer net). With
     * (u, v) ~ N(0, K) pairwise, each output coordinate is sqrt(q/m) sigma(w_r . x) with w_r independent, so
     * <ul>
     *   <li>K' = q E[sigma(u) sigma(v)]  (seed 004, Def. 5.1),   b' = sqrt(q) E[sigma(u)];</li>
     *   <li>this layer's Gram: du_i/dW = b_i x_i^T gives G = (B B^T) o (X X^T) -> q K-dot o K, K-dot = E[sigma'(u) sigma'(v)]
     *       (times the back-propagation factors of the layers above, applied as they come);</li>
     *   <li>the gradient reaching the layer below passes W^T (scale sigma' o g): every earlier Gram is multiplied by q K-dot.</li>
     * </ul>
     * Consumes the input state; returns the output state.
     */
    static KernelState limit(KernelState in, int h, Activation activation, double q) {
        GaussianMaps maps = activation.gaussianMaps();
        int n = in.n();
        Matrix k = in.nngp(), products = Matrix.zeros(n, n), factor = Matrix.zeros(n, n), own = Matrix.zeros(n, n);
        maps.products(k, products);
        maps.derivativeProducts(k, factor);
        double[] mu = maps.means(k);
        Linalg.scale(q, factor);                                                 // q K-dot: the back-propagation factor
        Elementwise.multiply(factor, k, own);                                    // this layer's Gram: q K-dot o K
        Linalg.scale(q, products);                                               // K' = q E[sigma sigma]
        double[] means = new double[n];
        for (int i = 0; i < n; i++) means[i] = Math.sqrt(q) * mu[i];
        return in.next(h, products, means, factor, false, own);
    }
}
