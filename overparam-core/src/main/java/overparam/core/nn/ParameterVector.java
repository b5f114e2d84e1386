package overparam.core.nn;

import java.util.Arrays;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The trained parameters of a network seen as one vector theta in R^P: W^(h) for each trained h in order, then a, each
 * row-major in its internal layout ({@link Network#parameter}). The layout a gradient, a Hessian-vector product, a
 * noise vector or an update direction shares, so instruments that need "the gradient as a vector" (gradient noise,
 * smoothness, Hessian spectra) agree on what a coordinate is. A learned PReLU slope is not part of it
 * ({@link #supports} says so).
 */
public final class ParameterVector {
    private final int[] layers;      // the parameter h of each block, in order
    private final long[] offsets;    // block b occupies [offsets[b], offsets[b + 1])
    private final int[][] shapes;    // internal {rows, cols} of each block

    private ParameterVector(int[] layers, long[] offsets, int[][] shapes) {
        this.layers = layers;
        this.offsets = offsets;
        this.shapes = shapes;
    }

    /** Whether the network's trained parameters are all matrices (no learned PReLU slope). */
    public static boolean supports(NetworkSpec spec) { return !(spec.activation() instanceof Activation.PRelu); }

    /** The layout of the trained parameters of {@code network}. */
    public static ParameterVector of(Network network, TrainedLayers trained) {
        NetworkSpec spec = network.spec();
        if (!supports(spec)) throw new IllegalArgumentException("a learned PReLU slope has no place in the parameter vector");
        int[] layers = new int[spec.parameterCount()];
        long[] offsets = new long[spec.parameterCount() + 1];
        int[][] shapes = new int[spec.parameterCount()][];
        int count = 0;
        for (int h = 1; h <= spec.parameterCount(); h++) {
            if (!trained.contains(h)) continue;
            Matrix w = network.parameter(h);
            layers[count] = h;
            shapes[count] = new int[] {w.rows(), w.cols()};
            offsets[count + 1] = offsets[count] + w.size();
            count++;
        }
        if (offsets[count] > Integer.MAX_VALUE) throw new IllegalArgumentException(offsets[count] + " parameters: more than one vector holds");
        return new ParameterVector(Arrays.copyOf(layers, count), Arrays.copyOf(offsets, count + 1), Arrays.copyOf(shapes, count));
    }

    /** P, the number of coordinates. */
    public int size() { return (int) offsets[layers.length]; }

    /** How many parameter blocks (trained W^(h) and a). */
    public int blocks() { return layers.length; }

    /** The parameter h (1..H+1) of block b. */
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
        for (int b = 0; b < layers.length; b++) try (Matrix block = view(v, b)) { block.copyFrom(network.parameter(layers[b])); }
    }

    /** theta = v (for a network of the caller's own, never the run's). */
    public void write(Matrix v, Network network) {
        for (int b = 0; b < layers.length; b++) try (Matrix block = view(v, b)) { network.parameter(layers[b]).copyFrom(block); }
    }

    /** theta += alpha v (for a network of the caller's own, never the run's). */
    public void add(double alpha, Matrix v, Network network) {
        for (int b = 0; b < layers.length; b++) try (Matrix block = view(v, b)) { Linalg.addScaled(alpha, block, network.parameter(layers[b])); }
    }

    private void checkLength(Matrix v) {
        if (v.size() != size()) throw new IllegalArgumentException("a parameter vector has " + size() + " entries, got " + v);
    }
}
