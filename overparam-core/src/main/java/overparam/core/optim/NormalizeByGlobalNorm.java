package overparam.core.optim;

/**
 * Normalized gradient descent: u = u / (||u|| + beta), ||u|| over every trained parameter. With scale_by_learning_rate(eta)
 * after it, x - eta g / (||g|| + beta): Zhang, He, Sra, Jadbabaie (ICLR 2020) eq. (6), whose beta > 0 keeps the step
 * finite near a stationary point; beta = 0 is the plain g / ||g|| (then a zero gradient gives a zero update).
 */
public final class NormalizeByGlobalNorm implements GradientTransformation {
    private final double beta;
    private final GlobalNorm norm = new GlobalNorm();

    public NormalizeByGlobalNorm(double beta) {
        if (!(beta >= 0) || !Double.isFinite(beta)) throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
        this.beta = beta;
    }

    @Override public void init(Update[] updates) { norm.init(updates); }

    @Override public void update(Update[] updates) {
        double denominator = norm.materialize(updates) + beta;
        if (denominator > 0) for (Update u : updates) u.scale(1 / denominator);
    }

    @Override public void close() { norm.close(); }

    @Override public String toString() { return "normalize_by_global_norm(" + beta + ")"; }
}
