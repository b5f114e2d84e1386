package overparam.core.nn;

import overparam.core.kernel.GaussianMaps;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/** x -> x + c_res / (H sqrt m) * sigma(W x): the residual block of seed 004, eq. 3 (h = 2..H). */
public record ResidualLayer(Matrix weights, Activation activation, double scale) implements Layer {
    public ResidualLayer {
        if (weights.rows() != weights.cols())
            throw new IllegalArgumentException("a residual layer is square (m x m), got " + weights);
    }

    @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope) {
        Linalg.multTransB(1.0, in, weights, 0.0, pre);
        Elementwise.activate(activation, pre, out, slope, scale);
        Linalg.addScaled(1.0, in, out);                                                  // the skip connection
    }

    @Override public void backward(Matrix gradOut, Matrix slope, Matrix signal, Matrix gradIn) {
        Elementwise.multiply(gradOut, slope, signal);
        if (gradIn != null) {
            gradIn.copyFrom(gradOut);                                                     // through the skip ...
            Linalg.mult(1.0, signal, weights, 1.0, gradIn);                               // ... plus through W
        }
    }

    /**
     * The residual block at infinite width, q = (c_res / H)^2 (the width-free part of scale^2 m). Derived from
     * x' = x + (c_res / (H sqrt m)) sigma(W x) with W independent of x:
     * <ul>
     *   <li>K'_ij = K_ij + (c_res/H) (b_i E[sigma(v_j)] + b_j E[sigma(u_i)]) + q E[sigma(u) sigma(v)]: the cross term
     *       sum_r x_{i,r} sigma(w_r . x_j) / (H sqrt m) concentrates on b_i E[sigma(v_j)], the mean of sample i's
     *       coordinates times sample j's branch. Seed 004's printed Def. 6.1 pairs b_i with E[sigma(u_i)]
     *       instead: the same for inputs of equal norm (Theorem 6.1's assumption), wrong otherwise
     *       (docs/def-6.1.md, with the Monte Carlo evidence);</li>
     *   <li>b'_i = b_i + (c_res/H) E[sigma(u_i)];</li>
     *   <li>this block's Gram: q K-dot o K; earlier Grams are multiplied by 1 + q K-dot (the gradient passes the
     *       skip connection unchanged and the branch as W^T (scale sigma' o g)).</li>
     * </ul>
     * Consumes the input state; returns the output state.
     */
    static KernelState limit(KernelState in, int h, Activation activation, double q) {
        GaussianMaps maps = activation.gaussianMaps();
        int n = in.n();
        Matrix k = in.nngp(), next = k.copy(), products = Matrix.zeros(n, n), factor = Matrix.zeros(n, n), own = Matrix.zeros(n, n);
        maps.products(k, products);
        maps.derivativeProducts(k, factor);
        double[] mu = maps.means(k), b = in.means();
        double branch = Math.sqrt(q);                                            // c_res / H
        Linalg.scale(q, factor);                                                 // q K-dot (the factor is 1 + that)
        Elementwise.multiply(factor, k, own);                                    // this block's Gram: q K-dot o K
        Linalg.addScaled(q, products, next);                                     // K' = K + q E[sigma sigma] + cross
        products.close();
        var e = next.buffer();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) e.put(i * n + j, e.get(i * n + j) + branch * (b[i] * mu[j] + b[j] * mu[i]));
        double[] means = new double[n];
        for (int i = 0; i < n; i++) means[i] = b[i] + branch * mu[i];
        return in.next(h, next, means, factor, true, own);
    }
}
