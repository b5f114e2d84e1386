package overparam.core.optim;

import overparam.core.linalg.Matrix;

/**
 * Heavy-ball momentum (optax's trace, PyTorch's SGD buffer): v = mu v + u, and the update becomes v. v starts at zero,
 * so the first step's v = u, as PyTorch's. One buffer per parameter, made once per run; with mu = 0 it only forms
 * u = g + lambda theta in the buffer, the order in which PyTorch's SGD with weight decay rounds it.
 */
public final class Trace implements GradientTransformation {
    private final double decay;
    private Matrix[] buffers = new Matrix[0];

    public Trace(double decay) {
        if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + decay);
        this.decay = decay;
    }

    @Override public void init(Update[] updates) {
        close();
        buffers = new Matrix[updates.length];
        for (int i = 0; i < updates.length; i++) buffers[i] = Matrix.zeros(updates[i].parameter().rows(), updates[i].parameter().cols());
    }

    @Override public void update(Update[] updates) {
        for (int i = 0; i < updates.length; i++) updates[i].accumulateInto(decay, buffers[i]);
    }

    /** v of parameter i (live). */
    Matrix velocity(int i) { return buffers[i]; }

    @Override public void close() {
        for (Matrix b : buffers) b.close();
        buffers = new Matrix[0];
    }

    @Override public String toString() { return "trace(" + decay + ")"; }
}
