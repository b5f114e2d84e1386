package overparam.core.nn;

import overparam.core.linalg.Matrix;

/**
 * The momentum buffers of SGD with momentum or weight decay, one per parameter (W1..WH, a, and each learned PReLU
 * slope), zero at the start as PyTorch's (its first step v = g equals mu * 0 + g). Allocated once per run.
 */
public final class Velocity implements AutoCloseable {
    final double momentum, weightDecay;
    final Matrix[] buffers;                 // per parameter h = 1..H+1
    final double[] slopes;                  // per hidden layer, for learned slopes

    public Velocity(NetworkSpec spec, double momentum, double weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        buffers = new Matrix[spec.parameterCount()];
        for (int h = 1; h <= spec.depth(); h++) buffers[h - 1] = Matrix.zeros(spec.width(), spec.fanIn(h));
        buffers[spec.depth()] = Matrix.zeros(spec.pixels() * spec.width(), spec.outputs());
        slopes = new double[spec.depth()];
    }

    /** Bytes the buffers take: one copy of the weights. */
    public static long bytes(NetworkSpec spec) { return Network.bytes(spec); }

    @Override public void close() {
        for (Matrix m : buffers) m.close();
    }
}
