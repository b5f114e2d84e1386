package overparam.core.optim;

/**
 * Clipping by the global norm (optax's clip_by_global_norm, torch.nn.utils.clip_grad_norm_): u = u min(1, G / ||u||),
 * ||u|| the Euclidean norm of the whole update over every trained parameter. Placed on the raw (batch-scaled) gradient,
 * before weight decay and momentum, as clip_grad_norm_ runs before optimizer.step(). With scale_by_learning_rate(eta)
 * after it, one step is x - min(eta, eta G / ||g||) g: clipped GD of Zhang, He, Sra, Jadbabaie (ICLR 2020, eq. 5 /
 * Algorithm 1), h_c = min(eta_c, gamma eta_c / ||g||), with eta_c = eta and gamma = G.
 */
public final class ClipByGlobalNorm implements GradientTransformation {
    private final double maxNorm;
    private final GlobalNorm norm = new GlobalNorm();

    public ClipByGlobalNorm(double maxNorm) {
        if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) throw new IllegalArgumentException("the clipping norm must be a positive finite number, got " + maxNorm);
        this.maxNorm = maxNorm;
    }

    @Override public void init(Update[] updates) { norm.init(updates); }

    @Override public void update(Update[] updates) {
        double g = norm.materialize(updates);
        if (g > maxNorm) for (Update u : updates) u.scale(maxNorm / g);
    }

    @Override public void close() { norm.close(); }

    @Override public String toString() { return "clip_by_global_norm(" + maxNorm + ")"; }
}
