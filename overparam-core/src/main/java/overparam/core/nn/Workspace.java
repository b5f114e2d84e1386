package overparam.core.nn;

import overparam.core.linalg.Matrix;

/**
 * The buffers of one forward and backward pass over a fixed number of rows (the batch), allocated once and
 * reused every step, so that a training step allocates nothing. For hidden layer h (1-based):
 * pre-activations W^(h) x^(h-1), outputs x^(h), slopes (scale * sigma'(pre)), and back-propagated signals
 * B_h = du_i / d pre_i for each sample i, the matrices of DESIGN.md's structured Gram formula.
 */
public final class Workspace implements AutoCloseable {
    final int rows;
    final Matrix[] pre, out, slope, signal;
    final Matrix gradA, gradB;          // d u / d x^(h) while back-propagating, two alternating buffers
    final Matrix scaledSignal;          // diag(dL/du) B_h, the signal side of a weight gradient
    final Matrix predictions;           // u
    final Matrix residuals;             // dL/du (u - y for the squared loss)
    /** Signals B_h are valid for h >= this (depth + 1 when none has been computed since the forward pass). */
    int lowestSignal;

    public Workspace(NetworkSpec spec, int rows) {
        this.rows = rows;
        int depth = spec.depth(), width = spec.width();
        pre = new Matrix[depth];
        out = new Matrix[depth];
        slope = new Matrix[depth];
        signal = new Matrix[depth];
        for (int h = 0; h < depth; h++) {
            pre[h] = Matrix.zeros(rows, width);
            out[h] = Matrix.zeros(rows, width);
            slope[h] = Matrix.zeros(rows, width);
            signal[h] = Matrix.zeros(rows, width);
        }
        gradA = Matrix.zeros(rows, width);
        gradB = Matrix.zeros(rows, width);
        scaledSignal = Matrix.zeros(rows, width);
        predictions = Matrix.vector(rows);
        residuals = Matrix.vector(rows);
        lowestSignal = depth + 1;
    }

    /** Bytes a workspace for this network and row count takes (for the up-front memory check). */
    public static long bytes(NetworkSpec spec, long rows) {
        long width = spec.width(), depth = spec.depth();
        return (4 * depth + 3) * Matrix.bytes(rows, width) + 2 * Matrix.bytes(rows, 1);
    }

    public int rows() { return rows; }

    /** Pre-activations W^(h) x^(h-1) of hidden layer h (1-based), rows x width. Not to be modified. */
    public Matrix preActivation(int h) { return pre[h - 1]; }

    /** Output x^(h) of hidden layer h (1-based). Not to be modified. */
    public Matrix output(int h) { return out[h - 1]; }

    /** B_h: row i is du_i / d(pre-activation of sample i at layer h). Valid for h >= the lowest computed. */
    public Matrix signal(int h) {
        if (h < lowestSignal) throw new IllegalStateException("signal B_" + h + " not computed in this pass");
        return signal[h - 1];
    }

    public Matrix predictions() { return predictions; }

    /** dL/du of the last loss evaluation. */
    public Matrix residuals() { return residuals; }

    @Override public void close() {
        for (Matrix[] ms : new Matrix[][] {pre, out, slope, signal}) for (Matrix m : ms) m.close();
        gradA.close(); gradB.close(); scaledSignal.close(); predictions.close(); residuals.close();
    }
}
