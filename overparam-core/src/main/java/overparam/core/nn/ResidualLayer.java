package overparam.core.nn;

import overparam.core.kernel.GaussianMaps;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * x -> x + c_res / (H sqrt m) * sigma(W phi(x)): the residual block of seed 004, eq. 3 (h = 2..H), and of its
 * convolutional ResNet (Section 3.3), where phi is the patch operator.
 */
public record ResidualLayer(Matrix weights, Activation activation, double scale, Patches patches) implements Layer {
    /** The residual block, scale c_res / (H sqrt m) ({@link NetworkSpec#layerScale}), with its infinite-width map {@link #limit}. */
    public static final LayerKind KIND = LayerKind.withLimit("residual",
            (w, activation, spec, h) -> new ResidualLayer(w, activation, spec.layerScale(h), spec.patches()),
            (in, spec, h) -> limit(in, h, spec.activation(), spec.widthFreeScale(h), spec.patches()));

    public ResidualLayer {
        if (weights.cols() != weights.rows() * patches.size())
            throw new IllegalArgumentException("a residual block is m x q m, got " + weights + " for q = " + patches.size());
    }

    @Override public int level() { return 1; }

    @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws) {
        linear(in, pre, ws);
        Elementwise.activate(activation, pre, out, slope, scale);
        Linalg.addScaled(1.0, in, out);                                                  // the skip connection
    }

    @Override public void backward(Matrix gradOut, Matrix pre, Matrix slope, Matrix signal, Matrix gradIn, Workspace ws) {
        slopeGradient(gradOut, pre);
        Elementwise.multiply(gradOut, slope, signal);
        if (gradIn != null) {
            gradIn.copyFrom(gradOut);                                                     // through the skip ...
            linearAdjoint(signal, gradIn, true, ws);                                      // ... plus through W and phi
        }
    }

    /**
     * The residual block at infinite width, q = (c_res / H)^2 (the width-free part of scale^2 m), on same-pixel
     * slices. Derived from x' = x + (c_res / (H sqrt m)) sigma(W phi(x)) with W independent of x; K-phi is phi's
     * patch sum of the slices K, and (u, v) ~ N(0, K-phi):
     * <ul>
     *   <li>K'_ij = K_ij + (c_res/H) (b_i E[sigma(v_j)] + b_j E[sigma(u_i)]) + q E[sigma(u) sigma(v)]: the cross term
     *       sum_r x_{i,r} sigma(w_r . phi(x_j)) / (H sqrt m) concentrates on b_i E[sigma(v_j)], the mean of sample i's
     *       channels times sample j's branch. Seed 004's printed Def. 6.1 pairs b_i with E[sigma(u_i)]
     *       instead: the same for inputs of equal norm (Theorem 6.1's assumption), wrong otherwise
     *       (docs/def-6.1.md, with the Monte Carlo evidence). The skip adds K, not K-phi (docs/def-7.1.md);</li>
     *   <li>b'_i = b_i + (c_res/H) E[sigma(u_i)];</li>
     *   <li>this block's Gram: q K-dot o K-phi; an earlier Gram g becomes g + q K-dot o phi-sum(g) (the gradient
     *       passes the skip connection unchanged and the branch as phi^T W^T (scale sigma' o g)).</li>
     * </ul>
     * Consumes the input state; returns the output state.
     */
    private static KernelState limit(KernelState in, int h, Activation activation, double q, Patches patches) {
        GaussianMaps maps = activation.gaussianMaps();
        int n = in.n(), p = in.pixels();
        Matrix k = in.nngp(), spread = patches.patchSum(k, n), next = k.copy();
        Matrix products = Matrix.zeros(p * n, n), factor = Matrix.zeros(p * n, n), own = Matrix.zeros(p * n, n);
        double[] b = in.means(), means = new double[p * n];
        double branch = Math.sqrt(q);                                            // c_res / H
        var e = next.buffer();
        for (int l = 0; l < p; l++) {
            int o = l * n;
            double[] mu;
            try (Matrix kl = spread.rowRange(o, n); Matrix el = products.rowRange(o, n); Matrix fl = factor.rowRange(o, n)) {
                maps.products(kl, el);
                maps.derivativeProducts(kl, fl);
                mu = maps.means(kl);
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) e.put((o + i) * n + j, e.get((o + i) * n + j) + branch * (b[o + i] * mu[j] + b[o + j] * mu[i]));
            for (int i = 0; i < n; i++) means[o + i] = b[o + i] + branch * mu[i];
        }
        Linalg.scale(q, factor);                                                 // q K-dot
        Elementwise.multiply(factor, spread, own);                               // this block's Gram: q K-dot o K-phi
        Linalg.addScaled(q, products, next);                                     // K' = K + q E[sigma sigma] + cross
        products.close();
        if (spread != k) spread.close();
        return in.next(h, next, means, factor, true, own, patches);
    }
}
