package overparam.core.curvature;

import java.util.random.RandomGenerator;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.TrainedLayers;
import overparam.core.optim.NoiseShape;
import overparam.core.optim.Update;

/**
 * Langevin noise whose magnitude follows SGD's: a shape (isotropic, or Hessian-shaped) drawn with the trace of minibatch
 * SGD's noise at batch size b at the current weights, T = s^2 (n - b) / (b (n - 1)) tr Sigma ({@link GradientCovariance}),
 * computed where it is made (the start point: the run names it from {@link #trace}) and recomputed every {@code refresh}
 * steps after, as Zhu et al.'s code does for its GLD dynamics (the minibatch covariance's trace recomputed with the
 * Hessian's eigenvectors, every 10 iterations): the comparison of noise shapes at SGD's magnitude, which shrinks as the
 * loss does. The trace {@link overparam.core.optim.AddNoise} passes (the start point's, which the run took from here) is
 * not used: this shape draws at its own.
 * Buffers are the covariance's, made once.
 */
public final class SgdMatchedNoise implements NoiseShape {
    private final NoiseShape shape;
    private final GradientCovariance covariance;
    private final Dataset data;
    private final Loss loss;
    private final int batch, refresh;
    private double trace;
    private int step;

    /**
     * {@code shape} drawn at the trace of SGD's noise with batches of {@code batch} over {@code data} at {@code network}'s
     * weights (the run's own: read, never written), recomputed every {@code refresh} steps.
     */
    public SgdMatchedNoise(NoiseShape shape, Network network, TrainedLayers trained, Loss loss, Dataset data, int batch, int refresh) {
        if (batch < 1 || batch >= data.n() || refresh < 1)
            throw new IllegalArgumentException("SGD-matched noise needs a batch of 1 to n - 1 = " + (data.n() - 1) + " and a refresh >= 1, got " + batch + ", " + refresh);
        this.shape = shape;
        this.covariance = new GradientCovariance(network, trained, loss);
        this.data = data;
        this.loss = loss;
        this.batch = batch;
        this.refresh = refresh;
        this.trace = currentTrace();
    }

    /** SGD's noise trace at batch size b at the network's current weights. */
    public double currentTrace() {
        return GradientCovariance.batchNoiseTrace(covariance.trace(data.x(), data.y()), data.n(), batch, loss);
    }

    @Override public void init(Update[] updates) {
        shape.init(updates);
        step = 0;
    }

    @Override public void draw(RandomGenerator rng, double startTrace, Matrix[] noise) {
        if (step > 0 && step % refresh == 0) trace = currentTrace();
        step++;
        shape.draw(rng, trace, noise);
    }

    /** The trace of the last draw, or before the first the trace where this shape was made. */
    public double trace() { return trace; }

    @Override public String describe() { return shape.describe() + " matched to SGD's at batch " + batch + " every " + refresh + " steps, start"; }

    /** Frees the covariance's buffers (the optimizer does not own this shape; the run that made it closes it). */
    public void close() { covariance.close(); }
}
