package overparam.core.nn;

import overparam.core.BadInputException;

/**
 * Gradient descent with step size eta: full batch (the theorems' algorithm, batchSize 0) or minibatch SGD
 * with batches of batchSize drawn by a seeded sampler. SGD scales its batch gradient by n / batchSize so
 * that it is an unbiased estimate of the full gradient of eq. 1 and eta means the same in both.
 */
public record Optimizer(double eta, int batchSize) {
    public Optimizer {
        if (!(eta > 0) || !Double.isFinite(eta))
            throw BadInputException.of("--eta " + eta, eta, "a positive step size", "e.g. --eta 0.05");
        if (batchSize < 0)
            throw BadInputException.of("--batch-size " + batchSize, batchSize, "a positive batch size (or none for full-batch GD)", "e.g. --batch-size 32");
    }

    public static Optimizer gradientDescent(double eta) { return new Optimizer(eta, 0); }

    public boolean isFullBatch(int n) { return batchSize == 0 || batchSize >= n; }

    public String name(int n) { return isFullBatch(n) ? "gd" : "sgd"; }
}
