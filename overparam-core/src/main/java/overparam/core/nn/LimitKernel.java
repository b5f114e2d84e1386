package overparam.core.nn;

import java.util.ArrayList;
import java.util.List;
import overparam.core.linalg.Matrix;

/**
 * The infinite-width kernels of a network on inputs X: the fold of its layers' limits (as neural-tangents'
 * stax.serial folds kernel_fn), so every network whose layer kinds all have one ({@link NetworkSpec#hasLimit}) has its
 * kernels.
 * <ul>
 *   <li>{@link #limitGram()}: K^(H), the limit of G^(H)(0), whose least eigenvalue lambda_0 sets the rates of
 *       Theorems 5.1, 6.1 and 7.1 (Defs. 5.1, 6.1 and 7.1; for the two-layer net, H-infinity of Du et al. 2018);</li>
 *   <li>{@link #limitNtk()}: Theta, the sum of the Gram limits over the trained parameters;</li>
 *   <li>{@link #nngp()}: the limit of <x_i^(H), x_j^(H)>, the NNGP covariance of the last hidden layer;</li>
 *   <li>{@link #gram(int)}: the limit of G^(h)(0) for every h = 1..H+1 (H+1 is the output layer a), when
 *       asked for with {@link #withLayerGrams}.</li>
 * </ul>
 */
public final class LimitKernel implements AutoCloseable {
    private final NetworkSpec spec;
    private final KernelState state;

    private LimitKernel(NetworkSpec spec, KernelState state) {
        this.spec = spec;
        this.state = state;
    }

    /**
     * The kernels of the network on the rows of x (n x d, any norms; n x d0 p channel-major for the convolutional
     * ResNet), all parameters trained.
     */
    public static LimitKernel of(NetworkSpec spec, Matrix x) {
        return of(spec, x, TrainedLayers.all(spec), false);
    }

    /** The same, keeping the limit of every layer's Gram too (O(H^2) elementwise work more). */
    public static LimitKernel withLayerGrams(NetworkSpec spec, Matrix x, TrainedLayers trained) {
        return of(spec, x, trained, true);
    }

    public static LimitKernel of(NetworkSpec spec, Matrix x, TrainedLayers trained, boolean keepLayerGrams) {
        return of(spec, x, trained, keepLayerGrams, h -> {});
    }

    /** As above, telling {@code layerDone} each hidden layer h = 1..H as its map is folded in (a progress display's steps). */
    public static LimitKernel of(NetworkSpec spec, Matrix x, TrainedLayers trained, boolean keepLayerGrams, java.util.function.IntConsumer layerDone) {
        // callers ask spec.hasLimit() first (the lab words the refusal for its users); this is the guard behind it
        if (!spec.hasLimit()) throw new IllegalArgumentException(spec.arch() + " network: " + spec.noLimitReason().orElseThrow());
        if (x.cols() != spec.inputDim())
            throw new IllegalArgumentException("inputs have " + x.cols() + " columns, the network takes d = " + spec.inputDim());
        KernelState state = KernelState.ofInputs(x, spec.pixels(), trained, keepLayerGrams);
        // stax.serial: each hidden layer's kernel map in turn, the kinds the network's finite layers are built from
        for (int h = 1; h <= spec.depth(); h++) {
            state = spec.layerKind(h).limit().orElseThrow().apply(state, spec, h);
            layerDone.accept(h);
        }
        // the output layer a: du_i/da = x_i^(H), so G^(H+1) = X^(H) X^(H)^T -> the NNGP, with factor 1 below it (and b_out's beta^2)
        return new LimitKernel(spec, state.readout(spec.depth() + 1, spec.biasScale()));
    }

    public NetworkSpec spec() { return spec; }

    /** K^(H): the limit of G^(H)(0). Not to be modified. */
    public Matrix limitGram() { return state.lastGram(); }

    /** Theta: the limit of G(0), the sum over the trained parameters. Not to be modified. */
    public Matrix limitNtk() { return state.ntk(); }

    /**
     * The NNGP covariance of the last hidden layer, K^(H) = lim <x_i^(H), x_j^(H)>, which is the output's, E[u_i u_j]; with
     * biases (fc --bias-scale beta) the output's, K^(H) + beta^2. Not to be modified.
     */
    public Matrix nngp() { return state.nngp(); }

    /** The limit of G^(h)(0), h = 1..H+1 (needs {@link #withLayerGrams}). Not to be modified. */
    public Matrix gram(int h) {
        if (state.layerGrams() == null) throw new IllegalStateException("layer Grams were not kept: use LimitKernel.withLayerGrams");
        return state.layerGrams().get(h - 1);
    }

    /** Every layer's Gram limit, W1..WH then a (needs {@link #withLayerGrams}). */
    public List<Matrix> grams() {
        List<Matrix> all = new ArrayList<>();
        for (int h = 1; h <= spec.parameterCount(); h++) all.add(gram(h));
        return all;
    }

    @Override public void close() {
        state.close();
    }
}
