package overparam.core.nn;

import java.util.ArrayList;
import java.util.List;
import overparam.core.linalg.Matrix;

/**
 * The infinite-width state of a network after layer h, for n inputs:
 * <ul>
 *   <li>{@code nngp}: K^(h), the limit of the Gram of the layer outputs, <x_i^(h), x_j^(h)>;</li>
 *   <li>{@code means}: b^(h), the limit of sum_r x_{i,r}^(h) / sqrt(m), which the residual blocks carry
 *       (seed 004, Def. 6.1); null for the raw inputs;</li>
 *   <li>{@code grams}: the limits of the Gram matrices G^(1..h) of the parameters so far, each already multiplied
 *       by the back-propagation factor of every layer after it, so that after the last layer they are the
 *       limits of G^(1..H) (the factor of a later dense layer is q K-dot, of a residual block 1 + q K-dot).</li>
 * </ul>
 */
public record KernelState(Matrix nngp, double[] means, List<Matrix> grams) implements AutoCloseable {
    /** The state of the raw inputs: K^(0) = X X^T (seed 004, Defs. 5.1 and 6.1). */
    public static KernelState ofInputs(Matrix x) {
        Matrix k0 = Matrix.zeros(x.rows(), x.rows());
        overparam.core.linalg.Linalg.multOuter(x, k0);
        return new KernelState(k0, null, new ArrayList<>());
    }

    public int n() { return nngp.rows(); }

    @Override public void close() {
        nngp.close();
        for (Matrix g : grams) g.close();
    }
}
