package overparam.core.nn;

import java.util.ArrayList;
import java.util.List;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The infinite-width state of a network after layer h, for n inputs:
 * <ul>
 *   <li>{@code nngp}: K^(h), the limit of <x_i^(h), x_j^(h)>;</li>
 *   <li>{@code means}: b^(h), the limit of sum_r x_{i,r}^(h) / sqrt(m), which residual blocks carry (seed 004,
 *       Def. 6.1); null for the raw inputs;</li>
 *   <li>{@code ntk}: the sum of the Gram limits of the trained parameters so far, each already multiplied by
 *       the back-propagation factor of every layer after it (a dense layer's is q K-dot, a residual block's
 *       1 + q K-dot), so that after the last layer (and the output layer a) it is Theta;</li>
 *   <li>{@code lastGram}: the most recent layer's own Gram limit q K-dot o K^(h-1), not yet multiplied by
 *       anything: after layer H it is K^(H), the limit of G^(H)(0);</li>
 *   <li>{@code layerGrams}: every layer's Gram limit multiplied through like ntk, when asked for (null
 *       otherwise: keeping them costs O(H^2) elementwise work).</li>
 * </ul>
 */
public record KernelState(Matrix nngp, double[] means, Matrix ntk, Matrix lastGram, List<Matrix> layerGrams, TrainedLayers trained)
        implements AutoCloseable {
    /** The state of the raw inputs: K^(0) = X X^T (seed 004, Defs. 5.1 and 6.1). */
    public static KernelState ofInputs(Matrix x, TrainedLayers trained, boolean keepLayerGrams) {
        int n = x.rows();
        Matrix k0 = Matrix.zeros(n, n);
        Linalg.multOuter(x, k0);
        return new KernelState(k0, null, Matrix.zeros(n, n), null, keepLayerGrams ? new ArrayList<>() : null, trained);
    }

    public int n() { return nngp.rows(); }

    /**
     * The state after hidden layer h whose back-propagation factor is {@code factor} (consumed) and whose own
     * Gram limit is {@code ownGram}: every earlier contribution is multiplied by the factor, then ownGram is
     * added where layer h is trained. {@code plusOne}: the factor is 1 + factor (a residual block).
     */
    KernelState next(int h, Matrix nngpOut, double[] meansOut, Matrix factor, boolean plusOne, Matrix ownGram) {
        if (plusOne) for (int i = 0; i < factor.size(); i++) factor.set(i, 1 + factor.get(i));
        Elementwise.multiply(ntk, factor, ntk);
        if (trained.contains(h)) Linalg.addScaled(1.0, ownGram, ntk);
        if (layerGrams != null) {
            for (Matrix g : layerGrams) Elementwise.multiply(g, factor, g);
            layerGrams.add(ownGram.copy());
        }
        factor.close();
        if (lastGram != null) lastGram.close();
        nngp.close();
        return new KernelState(nngpOut, meansOut, ntk, ownGram, layerGrams, trained);
    }

    @Override public void close() {
        nngp.close();
        ntk.close();
        if (lastGram != null) lastGram.close();
        if (layerGrams != null) for (Matrix g : layerGrams) g.close();
    }
}
