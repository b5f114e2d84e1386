package overparam.core.nn;

import java.util.ArrayList;
import java.util.List;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The infinite-width state of a network after layer h, for n inputs of p pixels (p = 1 for the dense
 * networks). Every kernel is kept as p same-pixel slices, n x n blocks stacked as a (p n) x n matrix: slice l
 * holds the limit of sum over channels of x_{i,l} x_{j,l} (seed 004, Def. 7.1 needs only these, see
 * {@link Patches#patchSum}).
 * <ul>
 *   <li>{@code nngp}: K^(h), the limit of <x_{i,l}^(h), x_{j,l}^(h)>;</li>
 *   <li>{@code means}: b^(h), the limit of sum_r x_{i,r,l}^(h) / sqrt(m) (index l n + i), which residual blocks
 *       carry (seed 004, Defs. 6.1, 7.1); null for the raw inputs;</li>
 *   <li>{@code ntk}: the sum of the Gram limits of the trained parameters so far, each carried through every
 *       layer after it (a dense layer maps g to q K-dot o phi-sum(g), a residual block to g + that), so that after
 *       the last layer, the output layer a and the sum over pixels it is Theta;</li>
 *   <li>{@code lastGram}: the most recent layer's own Gram limit q K-dot o K-phi, not yet carried further: after
 *       layer H and the sum over pixels it is K^(H), the limit of G^(H)(0);</li>
 *   <li>{@code layerGrams}: every layer's Gram limit carried through like ntk, when asked for (null
 *       otherwise: keeping them costs O(H^2) elementwise work).</li>
 * </ul>
 */
public record KernelState(Matrix nngp, double[] means, Matrix ntk, Matrix lastGram, List<Matrix> layerGrams, TrainedLayers trained)
        implements AutoCloseable {
    /**
     * The state of the raw inputs: K^(0) = X X^T (Defs. 5.1, 6.1), or for a convolutional net the same-pixel
     * slices sum_c x_{i,c,l} x_{j,c,l} of inputs stored channel-major (n x d0 p, as numpy's n x d0 x p).
     */
    public static KernelState ofInputs(Matrix x, int pixels, TrainedLayers trained, boolean keepLayerGrams) {
        int n = x.rows(), channels = x.cols() / pixels;
        Matrix k0 = Matrix.zeros(pixels * n, n);
        if (pixels == 1) Linalg.multOuter(x, k0);
        else try (Matrix pixel = Matrix.zeros(n, channels)) {
            for (int l = 0; l < pixels; l++) {
                for (int i = 0; i < n; i++) for (int c = 0; c < channels; c++) pixel.set(i, c, x.get(i, c * pixels + l));
                try (Matrix slice = k0.rowRange(l * n, n)) {
                    Linalg.multOuter(pixel, slice);
                }
            }
        }
        return new KernelState(k0, null, Matrix.zeros(pixels * n, n), null, keepLayerGrams ? new ArrayList<>() : null, trained);
    }

    public int n() { return nngp.cols(); }

    /** p, the number of same-pixel slices. */
    public int pixels() { return nngp.rows() / nngp.cols(); }

    /**
     * The state after hidden layer h whose back-propagation factor is {@code factor} (q K-dot; consumed) and whose
     * own Gram limit is {@code ownGram}: every earlier contribution g becomes factor o phi-sum(g), plus g itself
     * after a residual block, then ownGram is added where layer h is trained.
     */
    KernelState next(int h, Matrix nngpOut, double[] meansOut, Matrix factor, boolean residual, Matrix ownGram, Patches patches) {
        carry(ntk, factor, residual, patches);
        if (trained.contains(h)) Linalg.addScaled(1.0, ownGram, ntk);
        if (layerGrams != null) {
            for (Matrix g : layerGrams) carry(g, factor, residual, patches);
            layerGrams.add(ownGram.copy());
        }
        factor.close();
        if (lastGram != null) lastGram.close();
        nngp.close();
        return new KernelState(nngpOut, meansOut, ntk, ownGram, layerGrams, trained);
    }

    /** g = factor o phi-sum(g) (+ g for a residual block), in place. */
    private void carry(Matrix g, Matrix factor, boolean residual, Patches patches) {
        int n = n();
        Matrix spread = patches.pointwise() ? g.copy() : patches.patchSum(g, n);
        Elementwise.multiply(spread, factor, spread);
        if (residual) Linalg.addScaled(1.0, spread, g);
        else g.copyFrom(spread);
        spread.close();
    }

    /**
     * The readout through the output layer a (a in R^{m x p} weights each pixel independently, so only the sum of
     * the same-pixel slices survives): the n x n kernels; the output layer's own Gram (X^(H) X^(H)^T, whose limit
     * is the NNGP) is added to Theta where a is trained. With an output bias beta b_out (fc --bias-scale) the output's
     * covariance is K^(H) + beta^2 and b_out's Gram beta^2 joins a's: both are the shifted nngp. Consumes this state.
     */
    KernelState readout(int outputLayer, double beta) {
        if (beta > 0) Elementwise.shift(nngp, beta * beta, nngp);
        if (trained.contains(outputLayer)) Linalg.addScaled(1.0, nngp, ntk);
        if (layerGrams != null) layerGrams.add(nngp.copy());
        if (pixels() == 1) return this;
        int n = n();
        List<Matrix> grams = null;
        if (layerGrams != null) {
            grams = new ArrayList<>();
            for (Matrix g : layerGrams) { grams.add(Patches.sumSlices(g, n)); g.close(); }
        }
        KernelState out = new KernelState(Patches.sumSlices(nngp, n), null, Patches.sumSlices(ntk, n),
                lastGram == null ? null : Patches.sumSlices(lastGram, n), grams, trained);
        nngp.close();
        ntk.close();
        if (lastGram != null) lastGram.close();
        return out;
    }

    @Override public void close() {
        nngp.close();
        ntk.close();
        if (lastGram != null) lastGram.close();
        if (layerGrams != null) for (Matrix g : layerGrams) g.close();
    }
}
