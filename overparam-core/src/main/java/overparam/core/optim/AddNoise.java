package overparam.core.optim;

import java.util.random.RandomGenerator;
import overparam.core.Seeds;
import overparam.core.linalg.Matrix;

/**
 * Langevin noise on the gradient: u = u + epsilon_k, epsilon_k ~ N(0, Sigma) drawn fresh each step with tr(Sigma) = T,
 * its shape a {@link NoiseShape}. With scale_by_learning_rate(eta) after it the step is
 * theta_{k+1} = theta_k - eta (g_k + epsilon_k), the gradient Langevin dynamics of Zhu, Wu, Yu, Wu, Ma (ICML 2019,
 * "The anisotropic noise in SGD", Section 4): SGD itself is theta - eta (g + (g_B - g)) with noise covariance Sigma_sgd, so
 * T = tr(Sigma_sgd) matches the noise's magnitude to SGD's as their experiments do (the displacement's covariance is
 * eta^2 Sigma). Placed after clipping (the noise is not part of the gradient being clipped) and before weight decay and
 * momentum. The draws come from the run's seed (a stream of their own); the buffers are made once.
 */
public final class AddNoise implements GradientTransformation {
    private final NoiseShape shape;
    private final double trace;
    private final long seed;
    private RandomGenerator rng;
    private Matrix[] noise = new Matrix[0];

    public AddNoise(NoiseShape shape, double trace, long seed) {
        if (!(trace > 0) || !Double.isFinite(trace)) throw new IllegalArgumentException("the noise trace must be a positive finite number, got " + trace);
        this.shape = shape;
        this.trace = trace;
        this.seed = seed;
    }

    @Override public void init(Update[] updates) {
        close();
        noise = new Matrix[updates.length];
        for (int i = 0; i < updates.length; i++) noise[i] = Matrix.zeros(updates[i].parameter().rows(), updates[i].parameter().cols());
        shape.init(updates);
        rng = Seeds.stream(seed, "langevin");
    }

    @Override public void update(Update[] updates) {
        shape.draw(rng, trace, noise);
        for (int i = 0; i < updates.length; i++) updates[i].add(1.0, noise[i]);
    }

    /** epsilon of parameter i at the last step (live). */
    Matrix noise(int i) { return noise[i]; }

    @Override public void close() {
        for (Matrix m : noise) m.close();
        noise = new Matrix[0];
    }

    @Override public String toString() { return "add_noise(" + shape.describe() + ", trace " + trace + ")"; }
}
