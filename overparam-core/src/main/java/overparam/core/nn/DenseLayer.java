package overparam.core.nn;

import overparam.core.kernel.GaussianMaps;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * x -> scale * sigma(W phi(x)): the layers of the fully-connected network (seed 004, eq. 2, scale
 * sqrt(c_sigma / m)), the first layer of the ResNet (eq. 3) and of the convolutional ResNet (Section 3.3, with
 * its patch operator phi), and the hidden layer of the two-layer network (scale 1 / sqrt m, Du et al. 2018); with
 * scale 1, the layer of seed 002's no-identity control ({@link #FIXED_WIDTH_KIND}).
 * <p>
 * With a bias (the fc network with --bias-scale beta > 0, {@link NetworkSpec#withBiasScale}) the layer is
 * x -> scale * sigma(W x + beta b), b an m-vector (m x 1, N(0, 1) at initialization): neural-tangents' Dense with
 * b_std = beta in the NTK parameterization, whose W_std / sqrt(fan-in) is seed 004's sqrt(c_sigma / m) carried by the
 * layer below's output. bias is null (and biasScale 0) without one.
 */
public record DenseLayer(Matrix weights, Activation activation, double scale, Patches patches, int level, Matrix bias, double biasScale)
        implements Layer {
    /** A layer without a bias. */
    public DenseLayer(Matrix weights, Activation activation, double scale, Patches patches, int level) {
        this(weights, activation, scale, patches, level, null, 0);
    }

    /**
     * Scale {@link NetworkSpec#layerScale}; level 0 at h = 1 (it reads the input), 1 above; a bias of its own (zeros, which the
     * network's initialization or weights file fills) when the network has biases.
     */
    private static final LayerKind.Builder BUILD =
            (w, activation, spec, h) -> new DenseLayer(w, activation, spec.layerScale(h), spec.patches(), h == 1 ? 0 : 1,
                    spec.hasBiases() ? Matrix.vector(spec.width(h)) : null, spec.biasScale());

    /** The dense layer of seed 004's networks, with its infinite-width map {@link #limit}, q = scale^2 m. */
    public static final LayerKind KIND = LayerKind.withLimit("dense", BUILD,
            (in, spec, h) -> limit(in, h, spec.activation(), spec.widthFreeScale(h), spec.patches(), spec.biasScale()));

    /**
     * The same finite layer in seed 002's no-identity control, x -> sigma(W x) with scale 1 and W d x d drawn N(0, 1/d):
     * its width is the input dimension, so there is no width to grow (and {@link #limit} assumes N(0, 1) weights with
     * the 1 / sqrt m in the scale, which these are not).
     */
    public static final LayerKind FIXED_WIDTH_KIND = LayerKind.withoutLimit("fixed-width dense", BUILD,
            "width fixed at d (seed 002): no infinite-width limit");

    /**
     * The hidden layer of the deep linear network, x -> W x (identity activation, scale 1), in the standard
     * parameterization of Arora et al. (2018, 2019): its weights are drawn N(0, 1/fan-in), not N(0, 1) with the 1 / sqrt m
     * in the forward pass, so {@link #limit} does not describe it.
     */
    public static final LayerKind LINEAR_KIND = LayerKind.withoutLimit("linear", BUILD,
            "the deep linear network is in the standard parameterization (W x, no 1 / sqrt m): its NTK grows with the width");

    /**
     * The hidden layer of the quadratic network of Li, Ma, Zhang (2018), x -> (W x)^2 elementwise (scale 1): its weights
     * are drawn N(0, alpha^2 / d) and the m units are summed by a = 1 with no 1 / sqrt m, so {@link #limit} (N(0, 1) weights,
     * the 1 / sqrt m in the scale) does not describe it.
     */
    public static final LayerKind QUADRATIC_KIND = LayerKind.withoutLimit("quadratic", BUILD,
            "the quadratic network sums its m units with a = 1 and no 1 / sqrt m (Li, Ma, Zhang 2018): f = x^T W^T W x grows with the width");

    @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws) {
        linear(in, pre, ws);                                                              // pre = phi(X) W^T
        // beta b joins the pre-activation, inside sigma and outside the sqrt(c_sigma / m) factor of eq. 2: W x^(h-1) is O(1)
        // per unit (x^(h-1) carries the layer below's factor), so is beta b, and each unit's pre-activation is N(0, K + beta^2)
        // at any width; the limit is well defined (a bias after the factor would vanish as m grows, one outside sigma without
        // it would make ||x^(h)|| grow like sqrt m)
        if (bias != null) Linalg.multTransB(biasScale, ws.ones, bias, 1.0, pre);         // pre += beta 1 b^T
        Elementwise.activate(activation, pre, out, slope, scale);
    }

    @Override public void backward(Matrix gradOut, Matrix pre, Matrix slope, Matrix signal, Matrix gradIn, Workspace ws) {
        slopeGradient(gradOut, pre);
        Elementwise.multiply(gradOut, slope, signal);
        if (gradIn != null) linearAdjoint(signal, gradIn, false, ws);                     // d/dX = phi^T(S W)
    }

    /** target = beta target + alpha * (d/db of the loss) = alpha beta_b signal^T 1: the bias gradient from the same signal as W's. */
    @Override public void accumulateBiasGradient(double alpha, Matrix signal, double beta, Matrix target, Workspace ws) {
        Linalg.multTransAVec(alpha * biasScale, signal, ws.ones, beta, target);
    }

    /**
     * The same layer at infinite width, q = scale^2 m (c_sigma, or 1 for the two-layer net), on same-pixel
     * slices (one slice for the dense networks). With K-phi = phi's patch sum of the input slices and
     * (u, v) ~ N(0, K-phi) pairwise, each output channel is sqrt(q/m) sigma(w_r . phi(x)) with w_r independent, so
     * <ul>
     *   <li>with a bias beta b (fc --bias-scale; beta = 0 without), (u, v) ~ N(0, Sigma), Sigma = K-phi + beta^2: the
     *       pre-activation W x + beta b of a unit, b ~ N(0, 1) independent of W (neural-tangents' Dense with b_std = beta);</li>
     *   <li>K' = q E[sigma(u) sigma(v)]  (seed 004, Defs. 5.1 and 7.1),   b' = sqrt(q) E[sigma(u)];</li>
     *   <li>this layer's Gram: du_i/dW = sum_l b_il phi(x_i)_l^T gives q K-dot o K-phi, K-dot = E[sigma'(u) sigma'(v)]
     *       (times the back-propagation factors of the layers above, applied as they come); its bias's du_i/db = beta b_i
     *       adds q K-dot beta^2, so W and b together give q K-dot o Sigma;</li>
     *   <li>the gradient reaching the layer below passes W^T and phi^T: every earlier Gram g becomes q K-dot o phi-sum(g).</li>
     * </ul>
     * Consumes the input state; returns the output state.
     */
    private static KernelState limit(KernelState in, int h, Activation activation, double q, Patches patches, double beta) {
        GaussianMaps maps = activation.gaussianMaps();
        int n = in.n(), p = in.pixels();
        Matrix spread = patches.patchSum(in.nngp(), n);
        if (beta > 0) Elementwise.shift(spread, beta * beta, spread);            // Sigma = K^(h-1) + beta^2 (the state is consumed)
        Matrix products = Matrix.zeros(p * n, n), factor = Matrix.zeros(p * n, n), own = Matrix.zeros(p * n, n);
        double[] means = new double[p * n];
        for (int l = 0; l < p; l++) {
            try (Matrix k = spread.rowRange(l * n, n); Matrix e = products.rowRange(l * n, n); Matrix f = factor.rowRange(l * n, n)) {
                maps.products(k, e);
                maps.derivativeProducts(k, f);
                double[] mu = maps.means(k);
                for (int i = 0; i < n; i++) means[l * n + i] = Math.sqrt(q) * mu[i];
            }
        }
        Linalg.scale(q, factor);                                                 // q K-dot: the back-propagation factor
        Elementwise.multiply(factor, spread, own);                               // this layer's Gram: q K-dot o K-phi
        Linalg.scale(q, products);                                               // K' = q E[sigma sigma]
        if (spread != in.nngp()) spread.close();
        return in.next(h, products, means, factor, false, own, patches);
    }
}
