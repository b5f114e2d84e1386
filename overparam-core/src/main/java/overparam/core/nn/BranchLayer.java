package overparam.core.nn;

import java.util.List;
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
 * <p>
 * With Fixup's scalars ({@link NetworkSpec#fixupScalars}; Zhang et al. 2019, Section 3, rule 3: "a scalar multiplier
 * (initialized at 1) in every branch and a scalar bias (initialized at 0) before each convolution, linear, and
 * element-wise activation layer"), block l = 1..L is
 * <pre>
 *   z_l     = s sigma(W_in (x_l + b_l1) + b_l2)                 branch-in:  trained b_l1, b_l2 (and b_l3, see below)
 *   x_{l+1} = x_l + m_l s W_out (z_l + b_l3) + b_l4             branch-out: trained m_l, b_l4
 * </pre>
 * each b a scalar added to every unit. The branch-in layer outputs z_l + b_l3 (what W_out reads; the skip reads x_l), so
 * b_l3 is stored and trained with the branch-in layer. Where this differs from the paper's convolutional block
 * (Figure 2: bias, conv, bias, relu, bias, conv, multiplier, bias, then the sum and a relu): our block has no relu after
 * the sum (the lab's residual MLP adds the branch to the stream as seed 004's eq. 3 does), so the paper's fourth bias
 * (before that relu) becomes b_l4 after the multiplier; the network's scalar bias before the output layer
 * ({@link Network}) is the paper's bias before the final fully-connected layer. At initialization (b = 0, m = 1) the
 * block computes exactly what the block without scalars does.
 */
public final class BranchLayer {
    private BranchLayer() {}

    private static final String NO_LIMIT = "the two-matrix block's kernel map (x + s W_out s sigma(W_in x)) is not derived here";

    /** The branch-in layer z = s sigma(W_in x) of the unit-branch residual MLP, hidden layers h = 2, 4, ..., H - 1. */
    public static final LayerKind IN_KIND = LayerKind.withoutLimit("branch-in",
            (w, activation, spec, h) -> new In(w, activation, spec.layerScale(h), h, spec.fixupScalars() ? Scalars.branchIn(h, w.rows()) : null), NO_LIMIT);

    /** The branch-out layer x + s W_out z of the unit-branch residual MLP, hidden layers h = 3, 5, ..., H. */
    public static final LayerKind OUT_KIND = LayerKind.withoutLimit("branch-out",
            (w, activation, spec, h) -> new Out(w, spec.layerScale(h), h, spec.fixupScalars() ? Scalars.branchOut(h) : null), NO_LIMIT);

    /**
     * Fixup's trained scalars of one branch layer: 1 x 1 matrices, so the optimizer steps each like any parameter (a
     * scalar {@link overparam.core.optim.Update}), their names in the weights file, and the gradients the last backward
     * pass left. Made once with the layer (the branch-in layer's also holds W_in 1, formed each backward pass).
     */
    public static final class Scalars implements AutoCloseable {
        private final List<Matrix> values;
        private final List<String> names;
        private final double[] gradients;
        private final Matrix ones, rowSums;                  // 1 and W_in 1 (branch-in only)

        private Scalars(List<String> names, double[] initial, int width) {
            this.names = List.copyOf(names);
            this.values = initial.length == 0 ? List.of() : java.util.stream.IntStream.range(0, initial.length)
                    .mapToObj(k -> Matrix.vectorOf(initial[k])).toList();
            this.gradients = new double[initial.length];
            this.ones = width > 0 ? Matrix.vector(width) : null;
            this.rowSums = width > 0 ? Matrix.vector(width) : null;
            if (ones != null) ones.fill(1.0);
        }

        /** Block l = h / 2's b_l1, b_l2, b_l3, all 0 (Fixup's biases start at 0). */
        static Scalars branchIn(int h, int width) {
            int l = h / 2;
            return new Scalars(List.of(name(l, "b1"), name(l, "b2"), name(l, "b3")), new double[] {0, 0, 0}, width);
        }

        /** Block l = (h - 1) / 2's multiplier m_l (Fixup's starts at 1) and b_l4 (0). */
        static Scalars branchOut(int h) {
            int l = (h - 1) / 2;
            return new Scalars(List.of(name(l, "m"), name(l, "b4")), new double[] {1, 0}, 0);
        }

        /** The weights-file key of block l's scalar: branch3_b1, branch3_m, ... */
        public static String name(int l, String scalar) { return "branch" + l + "_" + scalar; }

        double value(int k) { return values.get(k).get(0); }

        @Override public void close() {
            for (Matrix v : values) v.close();
            if (ones != null) { ones.close(); rowSums.close(); }
        }
    }

    /**
     * z = scale sigma(W x): a dense layer whose backward pass adds to the gradient at its input instead of overwriting it;
     * with Fixup's scalars z + b3 = scale sigma(W (x + b1) + b2) + b3 ({@code fixup} null without them).
     */
    public record In(Matrix weights, Activation activation, double scale, int h, Scalars fixup) implements Layer {
        @Override public Patches patches() { return Patches.NONE; }

        @Override public List<Matrix> scalars() { return fixup == null ? List.of() : fixup.values; }

        @Override public List<String> scalarNames() { return fixup == null ? List.of() : fixup.names; }

        @Override public double scalarGradient(int k) { return fixup.gradients[k]; }

        @Override public int level() { return 1; }

        @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws) {
            if (fixup == null) {
                linear(in, pre, ws);
                Elementwise.activate(activation, pre, out, slope, scale);
                return;
            }
            Matrix shifted = ws.layerInput(h);                                         // x_l + b1, what W_in reads
            Elementwise.shift(in, fixup.value(0), shifted);
            linear(shifted, pre, ws);
            Elementwise.shift(pre, fixup.value(1), pre);                            // + b2 before the activation
            Elementwise.activate(activation, pre, out, slope, scale);
            Elementwise.shift(out, fixup.value(2), out);                            // + b3 before W_out
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
            if (fixup != null) {                           // each bias is added to every unit: its gradient sums the units' own
                fixup.gradients[2] = Elementwise.sum(gradOut);                       // b3: d out / d b3 = 1
                fixup.gradients[1] = Elementwise.sum(signal);                        // b2: d pre / d b2 = 1
                Linalg.multVec(1.0, weights, fixup.ones, 0.0, fixup.rowSums);      // b1: d pre / d b1 = W_in 1
                fixup.gradients[0] = Elementwise.weightedSum(signal, fixup.rowSums);
            }
            if (gradIn != null) linearAdjoint(signal, gradIn, true, ws);                // d/dx_l = d/dx_{l+1} + S W_in
        }
    }

    /**
     * x_{l+1} = x_l + scale W z with x_l = x^(h-2), the input of the branch-in layer below (the workspace keeps it; the
     * first block's x_l is x^(1), the first dense layer's output). No activation: the block's output is linear in W_out.
     * With Fixup's scalars x_{l+1} = x_l + m scale W z + b4 ({@code fixup} null without them).
     */
    public record Out(Matrix weights, double scale, int h, Scalars fixup) implements Layer {
        private static final Activation IDENTITY = new Activation.Identity();

        @Override public List<Matrix> scalars() { return fixup == null ? List.of() : fixup.values; }

        @Override public List<String> scalarNames() { return fixup == null ? List.of() : fixup.names; }

        @Override public double scalarGradient(int k) { return fixup.gradients[k]; }

        public Out {
            if (h < 3) throw new IllegalArgumentException("a branch-out layer sits at h >= 3 (above W1 and a branch-in layer), got " + h);
        }

        @Override public Activation activation() { return IDENTITY; }

        @Override public Patches patches() { return Patches.NONE; }

        @Override public int level() { return 1; }

        @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws) {
            linear(in, pre, ws);                                                       // pre = Z W_out^T
            double factor = fixup == null ? scale : fixup.value(0) * scale;       // m scale with Fixup's multiplier
            Elementwise.activate(IDENTITY, pre, out, slope, factor);                   // out = factor pre, slope = factor
            Linalg.addScaled(1.0, ws.blockInput(h), out);                              // + x_l: the skip over both layers
            if (fixup != null) Elementwise.shift(out, fixup.value(1), out);       // + b4
        }

        /** d/dz = (gradOut scale) W_out; the skip's share d/dx_{l+1} stays in gradOut for the branch-in layer ({@link In#backward}). */
        @Override public void backward(Matrix gradOut, Matrix pre, Matrix slope, Matrix signal, Matrix gradIn, Workspace ws) {
            if (fixup != null) {
                fixup.gradients[0] = scale * Linalg.dot(gradOut, pre);               // m: d out / d m = scale Z W_out^T
                fixup.gradients[1] = Elementwise.sum(gradOut);                       // b4: d out / d b4 = 1
            }
            Elementwise.multiply(gradOut, slope, signal);
            if (gradIn != null) linearAdjoint(signal, gradIn, false, ws);
        }
    }
}
