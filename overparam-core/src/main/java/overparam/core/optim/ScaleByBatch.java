package overparam.core.optim;

/**
 * SGD's n / b: the gradient of a loss summed over n samples (seed 004's eq. 1), estimated from a batch of b of them,
 * times n / b is unbiased, so eta means the same for SGD as for gradient descent. A mean loss needs no scaling.
 */
public final class ScaleByBatch implements GradientTransformation {
    private final int n, batch;
    private final double factor;

    public ScaleByBatch(int n, int batch) {
        if (n < 1 || batch < 1) throw new IllegalArgumentException("n and batch must be positive, got n " + n + ", batch " + batch);
        this.n = n;
        this.batch = batch;
        this.factor = (double) n / batch;
    }

    @Override public void update(Update[] updates) {
        for (Update u : updates) u.scale(factor);
    }

    @Override public String toString() { return "scale_by_batch(" + n + " / " + batch + ")"; }
}
