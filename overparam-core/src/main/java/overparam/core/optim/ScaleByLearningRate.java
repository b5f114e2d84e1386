package overparam.core.optim;

/**
 * The step: u = -eta_k u with eta_k = eta * schedule(k, K), k counted here (optax's scale_by_learning_rate with a
 * schedule, whose state is the step count).
 */
public final class ScaleByLearningRate implements GradientTransformation {
    private final double eta;
    private final Optimizer.Schedule schedule;
    private final int steps;
    private int step;

    public ScaleByLearningRate(double eta, Optimizer.Schedule schedule, int steps) {
        if (!(eta > 0) || !Double.isFinite(eta)) throw new IllegalArgumentException("eta must be a positive finite number, got " + eta);
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        this.eta = eta;
        this.schedule = schedule;
        this.steps = steps;
    }

    /** eta_k, the step size at step k of K. */
    public double stepSize(int k) { return eta * schedule.factor(k, steps); }

    @Override public void update(Update[] updates) {
        double c = -stepSize(step++);
        for (Update u : updates) u.scale(c);
    }

    @Override public String toString() { return "scale_by_learning_rate(" + eta + ", " + schedule.describe() + ")"; }
}
