package overparam.core.optim;

/** Weight decay as PyTorch's SGD has it: u = u + lambda theta (before momentum, which then carries it). */
public final class AddDecayedWeights implements GradientTransformation {
    private final double lambda;

    public AddDecayedWeights(double lambda) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + lambda);
        this.lambda = lambda;
    }

    @Override public void update(Update[] updates) {
        for (Update u : updates) u.add(lambda, u.parameter());
    }

    @Override public String toString() { return "add_decayed_weights(" + lambda + ")"; }
}
