package overparam.core.nn;

import java.util.Arrays;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The trained parameters of a network seen as one vector theta in R^P: W^(h) for each trained h in order, then a, each
 * row-major in its internal layout ({@link Network#parameter}). The layout a gradient, a Hessian-vector product, a
 * noise vector or an update direction shares, so instruments that need "the gradient as a vector" (gradient noise,
 * smoothness, Hessian spectra) agree on what a coordinate is. Fixup's trained scalars ({@link Network#scalars}) follow
 * their parameter as 1 x 1 blocks (W^(h), then layer h's scalars; a, then the bias before it), the optimizer's order. A
 * learned PReLU slope is not part of it ({@link #supports} says so).
 */
public final class ParameterVector {
    private final int[] layers;      // the parameter h of each block, in order
    private final int[] scalars;     // -1 for W^(h) or a itself, else the index k of its trained scalar
    private final long[] offsets;    // block b occupies [offsets[b], offsets[b + 1])
    private final int[][] shapes;    // internal {rows, cols} of each block

    private ParameterVector(int[] layers, int[] scalars, long[] offsets, int[][] shapes) {
        this.layers = layers;
        this.scalars = scalars;
        this.offsets = offsets;
        this.shapes = shapes;
    }

    /**
     * Whether the network's trained parameters are all matrices this layout places (no learned PReLU slope, no biases: the
     * fc network's --bias-scale biases have no block here yet, so an instrument that needs the gradient as a vector refuses them).
     */
    public static boolean supports(NetworkSpec spec) { return !(spec.activation() instanceof Activation.PRelu) && !spec.hasBiases(); }

    /** Why {@link #supports} is false, for a refusal: the option that asked for what the layout lacks. */
    public static String unsupportedReason(NetworkSpec spec) {
        return spec.hasBiases() ? "--bias-scale " + spec.biasScale() + ": the biases have no place in the parameter vector"
                : "a learned PReLU slope has no place in the parameter vector";
    }

    /** The layout of the trained parameters of {@code network}. */
    public static ParameterVector of(Network network, TrainedLayers trained) {
        NetworkSpec spec = network.spec();
        if (!supports(spec)) throw new IllegalArgumentException(unsupportedReason(spec));
        java.util.List<int[]> blocks = new java.util.ArrayList<>();         // {h, k}
        for (int h = 1; h <= spec.parameterCount(); h++) {
            if (!trained.contains(h)) continue;
            blocks.add(new int[] {h, -1});
            for (int k = 0; k < network.scalars(h).size(); k++) blocks.add(new int[] {h, k});
        }
        int count = blocks.size();
        int[] layers = new int[count], scalars = new int[count];
        long[] offsets = new long[count + 1];
        int[][] shapes = new int[count][];
        for (int b = 0; b < count; b++) {
            layers[b] = blocks.get(b)[0];
            scalars[b] = blocks.get(b)[1];
            Matrix w = block(network, layers[b], scalars[b]);
            shapes[b] = new int[] {w.rows(), w.cols()};
            offsets[b + 1] = offsets[b] + w.size();
        }
        if (offsets[count] > Integer.MAX_VALUE) throw new IllegalArgumentException(offsets[count] + " parameters: more than one vector holds");
        return new ParameterVector(layers, scalars, offsets, shapes);
    }

    private static Matrix block(Network network, int h, int k) { return k < 0 ? network.parameter(h) : network.scalars(h).get(k); }

    /** Whether block b is a trained scalar (Fixup's) rather than W^(h) or a. */
    public boolean isScalar(int b) { return scalars[b] >= 0; }

    /** P, the number of coordinates. */
    public int size() { return (int) offsets[layers.length]; }

    /** How many parameter blocks (trained W^(h) and a, and their scalars). */
    public int blocks() { return layers.length; }

    /** The parameter h (1..H+1) of block b (for a scalar block, the parameter it belongs to). */
    public int layer(int b) { return layers[b]; }

    /** Where block b starts in the vector. */
    public int offset(int b) { return (int) offsets[b]; }

    /** A P x 1 vector of zeros. */
    public Matrix zeros() { return Matrix.vector(size()); }

    /**
     * Block b of a P-vector seen as a matrix of its parameter's internal shape: a view, no copy (it must not outlive v).
     * Callers that do this every step make the views once.
     */
    public Matrix view(Matrix v, int b) {
        checkLength(v);
        return v.rowRange(offset(b), (int) (offsets[b + 1] - offsets[b])).reshaped(shapes[b][0], shapes[b][1]);
    }

    /** Every block's view of v, in order (made once by a caller that reuses them). */
    public Matrix[] views(Matrix v) {
        Matrix[] out = new Matrix[layers.length];
        for (int b = 0; b < out.length; b++) out[b] = view(v, b);
        return out;
    }

    /** theta into v. */
    public void read(Network network, Matrix v) {
        for (int b = 0; b < layers.length; b++) try (Matrix block = view(v, b)) { block.copyFrom(block(network, layers[b], scalars[b])); }
    }

    /** theta = v (for a network of the caller's own, never the run's). */
    public void write(Matrix v, Network network) {
        for (int b = 0; b < layers.length; b++) try (Matrix block = view(v, b)) { block(network, layers[b], scalars[b]).copyFrom(block); }
    }

    /** theta += alpha v (for a network of the caller's own, never the run's). */
    public void add(double alpha, Matrix v, Network network) {
        for (int b = 0; b < layers.length; b++) try (Matrix block = view(v, b)) { Linalg.addScaled(alpha, block, block(network, layers[b], scalars[b])); }
    }

    private void checkLength(Matrix v) {
        if (v.size() != size()) throw new IllegalArgumentException("a parameter vector has " + size() + " entries, got " + v);
    }
}
