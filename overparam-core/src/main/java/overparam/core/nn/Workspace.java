package overparam.core.nn;

import overparam.core.linalg.Matrix;

/**
 * The buffers of one forward and backward pass over a fixed number of rows (the batch), allocated once and
 * reused every step, so that a training step allocates nothing. For hidden layer h (1-based):
 * pre-activations W^(h) phi(x^(h-1)), outputs x^(h), slopes (scale * sigma'(pre)), and back-propagated
 * signals B_h = du_i / d pre_i for each sample i, the matrices of DESIGN.md's structured Gram formula.
 *
 * <p>Every buffer has a sample row each, rows x (p m) with p pixels (p = 1 for the dense networks), and a view
 * of the same memory as (rows p) x m pixel rows, the shape the convolution's products take ({@link Patches}).
 * A convolutional network also keeps its input transposed to pixel rows, and a block of patch matrices.
 */
public final class Workspace implements AutoCloseable {
    final int rows;
    final Matrix[] pre, out, slope, signal;
    final Matrix[] prePixels, outPixels, slopePixels, signalPixels;
    final Matrix gradA, gradB, gradAPixels, gradBPixels;   // d u / d x^(h) while back-propagating, two alternating buffers
    final Matrix scaledSignal, scaledSignalPixels;        // diag(dL/du) B_h, the signal side of a weight gradient
    /**
     * Per hidden layer h (index h - 1), the same three buffers seen at that layer's width: gradA and gradB as pixel rows
     * ((rows p) x width(h)), scaledSignal as sample rows and as pixel rows. With one width (every network but a deep linear
     * one with --widths) they are the buffers themselves; otherwise prefix views of them, made once here.
     */
    final Matrix[] gradAOf, gradBOf, scaledSignalOf, scaledSignalPixelsOf;
    /** gradA as sample rows at the top hidden layer's width (gradA itself unless a narrower top layer takes a prefix). */
    private final Matrix topGradient;
    final Matrix predictions;           // u, rows x k
    final Matrix residuals;             // dL/du (u - y for the squared loss), rows x k
    /** A column of ones (rows x 1), for the biases: beta 1 b^T in the forward pass, signal^T 1 in the gradient; null without biases. */
    final Matrix ones;
    /** The convolutional net's input as pixel rows ((rows p) x d0); null for the dense networks, which use x as is. */
    final Matrix inputPixels;
    /** Patch matrices of a block of samples: [0] for the first layer (q d0 columns), [1] for the others (q m). */
    final Matrix[] columns;
    final int[] blockSamples;
    final int[] neighbours;
    /**
     * Per hidden layer (index h - 1), x^(h-1) + b1 for a branch-in layer with Fixup's scalars (what W_in reads, so the
     * weight gradient and the layer's input are one buffer); null for every other layer.
     */
    final Matrix[] shifted;
    /** The pixel rows of the input of the last forward pass. */
    Matrix input;
    /** Signals B_h are valid for h >= this (depth + 1 when none has been computed since the forward pass). */
    int lowestSignal;

    public Workspace(NetworkSpec spec, int rows) {
        this.rows = rows;
        int depth = spec.depth(), width = spec.width(), p = spec.pixels();
        pre = new Matrix[depth];
        out = new Matrix[depth];
        slope = new Matrix[depth];
        signal = new Matrix[depth];
        prePixels = new Matrix[depth];
        outPixels = new Matrix[depth];
        slopePixels = new Matrix[depth];
        signalPixels = new Matrix[depth];
        for (int h = 0; h < depth; h++) {
            int w = spec.width(h + 1);
            pre[h] = Matrix.zeros(rows, p * w);
            out[h] = Matrix.zeros(rows, p * w);
            slope[h] = Matrix.zeros(rows, p * w);
            signal[h] = Matrix.zeros(rows, p * w);
            prePixels[h] = pixels(pre[h], p);
            outPixels[h] = pixels(out[h], p);
            slopePixels[h] = pixels(slope[h], p);
            signalPixels[h] = pixels(signal[h], p);
        }
        shifted = new Matrix[depth];
        if (spec.fixupScalars()) for (int h = 2; h <= depth; h += 2) shifted[h - 1] = Matrix.zeros(rows, width);
        gradA = Matrix.zeros(rows, p * width);
        gradB = Matrix.zeros(rows, p * width);
        scaledSignal = Matrix.zeros(rows, p * width);
        gradAPixels = pixels(gradA, p);
        gradBPixels = pixels(gradB, p);
        scaledSignalPixels = pixels(scaledSignal, p);
        gradAOf = new Matrix[depth];
        gradBOf = new Matrix[depth];
        scaledSignalOf = new Matrix[depth];
        scaledSignalPixelsOf = new Matrix[depth];
        for (int h = 0; h < depth; h++) {
            int w = spec.width(h + 1);
            boolean full = w == width;
            gradAOf[h] = full ? gradAPixels : prefix(gradA, rows, w);
            gradBOf[h] = full ? gradBPixels : prefix(gradB, rows, w);
            scaledSignalOf[h] = full ? scaledSignal : prefix(scaledSignal, rows, w);
            scaledSignalPixelsOf[h] = full ? scaledSignalPixels : scaledSignalOf[h];
        }
        topGradient = depth == 0 || spec.width(depth) == width ? gradA : gradAOf[depth - 1];
        predictions = Matrix.zeros(rows, spec.outputs());
        residuals = Matrix.zeros(rows, spec.outputs());
        ones = spec.hasBiases() ? Matrix.zeros(rows, 1) : null;
        if (ones != null) ones.fill(1.0);
        Patches patches = spec.patches();
        inputPixels = spec.isConvolutional() ? Matrix.zeros(rows * p, spec.channels()) : null;
        if (patches.pointwise()) {
            columns = null;
            blockSamples = null;
            neighbours = null;
        } else {
            int q = patches.size();
            blockSamples = new int[] {Patches.samplesPerBlock(rows, p, q * spec.channels()), Patches.samplesPerBlock(rows, p, q * width)};
            columns = new Matrix[] {Matrix.zeros(blockSamples[0] * p, q * spec.channels()),
                                    depth > 1 ? Matrix.zeros(blockSamples[1] * p, q * width) : null};
            neighbours = patches.neighbourTable();
        }
        lowestSignal = depth + 1;
    }

    /** The first rows x cols elements of a buffer (dense networks, p = 1) as a rows x cols matrix: a view, no copy. */
    private static Matrix prefix(Matrix buffer, int rows, int cols) {
        return buffer.reshaped((int) buffer.size(), 1).rowRange(0, rows * cols).reshaped(rows, cols);
    }

    /** d(.)/d x^(H) as sample rows at the top hidden layer's width: where a back-propagation starts. */
    Matrix topGradient() { return topGradient; }

    /** The (rows p) x cols / p view of a sample-row buffer; the buffer itself when p = 1. */
    private static Matrix pixels(Matrix m, int p) {
        return p == 1 ? m : m.reshaped(m.rows() * p, m.cols() / p);
    }

    /** Bytes a workspace for this network and row count takes (for the up-front memory check). */
    public static double bytes(NetworkSpec spec, long rows) {
        double width = spec.width(), depth = spec.depth(), p = spec.pixels();
        double total = (4 * depth + 3) * Matrix.bytes(rows, p * width) + 2 * Matrix.bytes(rows, spec.outputs());
        if (spec.isConvolutional()) total += Matrix.bytes(rows * p, spec.channels());
        if (spec.fixupScalars()) total += (depth - 1) / 2 * Matrix.bytes(rows, width);
        if (!spec.patches().pointwise()) {
            double q = spec.patches().size();
            total += Matrix.bytes(Patches.samplesPerBlock((int) Math.min(rows, Integer.MAX_VALUE), (int) p, (int) (q * spec.channels())) * p, q * spec.channels())
                    + Matrix.bytes(Patches.samplesPerBlock((int) Math.min(rows, Integer.MAX_VALUE), (int) p, (int) (q * width)) * p, q * width);
        }
        return total;
    }

    public int rows() { return rows; }

    /** x^(H), what the output layer reads, rows x (p width): the input itself for a network without hidden layers (the linear model). */
    public Matrix top(int depth) { return depth == 0 ? input : out[depth - 1]; }

    /** Pre-activations W^(h) phi(x^(h-1)) of hidden layer h (1-based), rows x (p width). Not to be modified. */
    public Matrix preActivation(int h) { return pre[h - 1]; }

    /** Output x^(h) of hidden layer h (1-based), rows x (p width), pixel-major. Not to be modified. */
    public Matrix output(int h) { return out[h - 1]; }

    /**
     * The input of hidden layer h as pixel rows ((rows p) x channels): the data for h = 1 (for a convolutional
     * net, transposed to pixel rows), x^(h-1) after, or x^(h-1) + b1 at a branch-in layer with Fixup's scalars (what its W
     * multiplies). Not to be modified.
     */
    public Matrix layerInput(int h) { return h == 1 ? input : shifted[h - 1] != null ? shifted[h - 1] : outPixels[h - 2]; }

    /** x_l, the stream a unit-branch block at branch-out layer h adds its branch to: x^(h-2), without any bias. */
    Matrix blockInput(int h) { return outPixels[h - 3]; }

    /** B_h: row i is du_i / d(pre-activation of sample i at layer h), rows x (p width). Valid for h >= the lowest computed. */
    public Matrix signal(int h) {
        if (h < lowestSignal) throw new IllegalStateException("signal B_" + h + " not computed in this pass");
        return signal[h - 1];
    }

    /** B_h as pixel rows ((rows p) x width). */
    public Matrix signalPixels(int h) {
        signal(h);
        return signalPixels[h - 1];
    }

    public Matrix predictions() { return predictions; }

    /** dL/du of the last loss evaluation. */
    public Matrix residuals() { return residuals; }

    @Override public void close() {
        for (Matrix[] ms : new Matrix[][] {pre, out, slope, signal}) for (Matrix m : ms) m.close();
        for (Matrix m : shifted) if (m != null) m.close();
        gradA.close(); gradB.close(); scaledSignal.close(); predictions.close(); residuals.close();
        if (ones != null) ones.close();
        if (inputPixels != null) inputPixels.close();
        if (columns != null) for (Matrix c : columns) if (c != null) c.close();
    }
}
