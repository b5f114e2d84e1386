package overparam.core.nn;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The two layers of the standard residual block without normalization (He, Zhang, Ren, Sun 2016's basic block, as Zhang,
 * Dauphin, Ma 2019, Section 2, write it: x_{l+1} = x_l + F(x_l), F a branch of two weight matrices), in the lab's
 * convention (weights N(0, 1), the scale in the forward pass) with He's variance on both matrices, s = sqrt(c_sigma / m):
 * <pre>
 *   z_l     = s sigma(W_in x_l)          the branch-in layer  (hidden layer h = 2l, {@link #IN_KIND})
 *   x_{l+1} = x_l + s W_out z_l          the branch-out layer (hidden layer h = 2l + 1, {@link #OUT_KIND})
 * </pre>
 * At initialization E||z||^2 = ||x||^2 and E||s W_out z||^2 = c_sigma ||z||^2 = 2 ||x||^2 for relu, so
 * E||x_{l+1}||^2 = 3 ||x_l||^2 (the branch is independent of x_l given it and has mean zero): the signal grows like 3^L
 * over L blocks, which is what Fixup removes (Zhang et al. 2019, Section 3).
 * <p>
 * The block keeps the lab's one-matrix-a-layer machinery (Network alternates two gradient buffers, LayerGram reads one
 * dense W per layer): the branch-out layer adds the skip from the block's input, x^(h-2), which the workspace still holds;
 * and the skip's gradient reaches x^(h-2) because of the alternation invariant documented at {@link In#backward}.
 */
public final class BranchLayer {
    private BranchLayer() {}

    private static final String NO_LIMIT = "the two-matrix block's kernel map (x + s W_out s sigma(W_in x)) is not derived here";

    /** The branch-in layer z = s sigma(W_in x) of the unit-branch residual MLP, hidden layers h = 2, 4, ..., H - 1. */
    public static final LayerKind IN_KIND = LayerKind.withoutLimit("branch-in",
            (w, activation, spec, h) -> new In(w, activation, spec.layerScale(h)), NO_LIMIT);

    /** The branch-out layer x + s W_out z of the unit-branch residual MLP, hidden layers h = 3, 5, ..., H. */
    public static final LayerKind OUT_KIND = LayerKind.withoutLimit("branch-out",
            (w, activation, spec, h) -> new Out(w, spec.layerScale(h), h), NO_LIMIT);

    /** z = scale sigma(W x): a dense layer whose backward pass adds to the gradient at its input instead of overwriting it. */
    public record In(Matrix weights, Activation activation, double scale) implements Layer {
        @Override public Patches patches() { return Patches.NONE; }

        @Override public int level() { return 1; }

        @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws) {
            linear(in, pre, ws);
            Elementwise.activate(activation, pre, out, slope, scale);
        }

        /**
         * Invariant relied on: Network's backward pass alternates two buffers, so this layer's gradIn (d/d x_l, the block's
         * input) is the buffer that held the branch-out layer's gradOut (d/d x_{l+1}); the branch-out layer wrote only its
         * own gradIn (d/d z, this layer's gradOut). On entry gradIn therefore holds d/d x_{l+1}, the skip connection's
         * share of d/d x_l (its Jacobian is the identity), and adding the branch's share S W_in completes it. The branch-out
         * layer is never the lowest layer of a pass that goes on below it without this one (Network.backward runs every
         * layer from H down to the lowest), and a pass ending at this layer passes gradIn = null.
         */
        @Override public void backward(Matrix gradOut, Matrix pre, Matrix slope, Matrix signal, Matrix gradIn, Workspace ws) {
            Elementwise.multiply(gradOut, slope, signal);
            if (gradIn != null) linearAdjoint(signal, gradIn, true, ws);                // d/dx_l = d/dx_{l+1} + S W_in
        }
    }

    /**
     * x_{l+1} = x_l + scale W z with x_l = x^(h-2), the input of the branch-in layer below (the workspace keeps it; the
     * first block's x_l is x^(1), the first dense layer's output). No activation: the block's output is linear in W_out.
     */
    public record Out(Matrix weights, double scale, int h) implements Layer {
        private static final Activation IDENTITY = new Activation.Identity();

        public Out {
            if (h < 3) throw new IllegalArgumentException("a branch-out layer sits at h >= 3 (above W1 and a branch-in layer), got " + h);
        }

        @Override public Activation activation() { return IDENTITY; }

        @Override public Patches patches() { return Patches.NONE; }

        @Override public int level() { return 1; }

        @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws) {
            linear(in, pre, ws);                                                       // pre = Z W_out^T
            Elementwise.activate(IDENTITY, pre, out, slope, scale);                    // out = scale pre, slope = scale
            Linalg.addScaled(1.0, ws.layerInput(h - 1), out);                          // + x_l: the skip over both layers
        }

        /** d/dz = (gradOut scale) W_out; the skip's share d/dx_{l+1} stays in gradOut for the branch-in layer ({@link In#backward}). */
        @Override public void backward(Matrix gradOut, Matrix pre, Matrix slope, Matrix signal, Matrix gradIn, Workspace ws) {
            Elementwise.multiply(gradOut, slope, signal);
            if (gradIn != null) linearAdjoint(signal, gradIn, false, ws);
        }
    }
}
