package overparam.core.nn;

import java.util.List;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The infinite-width kernels of a network on inputs X: the fold of its layers' limits (as neural-tangents'
 * stax.serial folds kernel_fn), so every network overparam can build has its kernels.
 * <ul>
 *   <li>{@link #gram(int)}: the limit of G^(h)(0) for h = 1..H+1 (H+1 is the output layer a);</li>
 *   <li>{@link #limitGram()}: K^(H), the limit of G^(H)(0), whose least eigenvalue lambda_0 sets the rates of
 *       Theorems 5.1 and 6.1 (Defs. 5.1 and 6.1; for the two-layer net, H-infinity of Du et al. 2018);</li>
 *   <li>{@link #limitNtk(TrainedLayers)}: Theta, the sum of the limits over the trained parameters;</li>
 *   <li>{@link #nngp()}: the limit of <x_i^(H), x_j^(H)>, the NNGP covariance of the last hidden layer.</li>
 * </ul>
 */
public final class LimitKernel implements AutoCloseable {
    private final NetworkSpec spec;
    private final KernelState state;

    private LimitKernel(NetworkSpec spec, KernelState state) {
        this.spec = spec;
        this.state = state;
    }

    /** The kernels of the network described by spec on the rows of x (n x d, any norms). */
    public static LimitKernel of(NetworkSpec spec, Matrix x) {
        if (x.cols() != spec.inputDim())
            throw new IllegalArgumentException("inputs have " + x.cols() + " columns, the network takes d = " + spec.inputDim());
        KernelState state = KernelState.ofInputs(x);
        for (int h = 1; h <= spec.depth(); h++) {
            double q = spec.widthFreeScale(h);
            state = spec.isResidual(h) ? ResidualLayer.limit(state, spec.activation(), q) : DenseLayer.limit(state, spec.activation(), q);
        }
        state.grams().add(state.nngp().copy());                                 // G^(H+1) = X^(H) X^(H)^T -> K^(H)
        return new LimitKernel(spec, state);
    }

    public NetworkSpec spec() { return spec; }

    /** The limit of G^(h)(0), h = 1..H+1. Not to be modified. */
    public Matrix gram(int h) { return state.grams().get(h - 1); }

    /** K^(H): the limit of G^(H)(0). Not to be modified. */
    public Matrix limitGram() { return gram(spec.depth()); }

    /** The NNGP covariance of the last hidden layer. Not to be modified. */
    public Matrix nngp() { return state.nngp(); }

    /** The limit of the per-parameter Grams, in order W1..WH, a. */
    public List<Matrix> grams() { return List.copyOf(state.grams()); }

    /** Theta: the sum of the limits of G^(h) over the trained parameters (a new matrix). */
    public Matrix limitNtk(TrainedLayers trained) {
        int n = state.n();
        Matrix theta = Matrix.zeros(n, n);
        for (int h = 1; h <= spec.parameterCount(); h++) if (trained.contains(h)) Linalg.addScaled(1.0, gram(h), theta);
        return theta;
    }

    @Override public void close() {
        state.close();
    }
}
