package overparam.core.kernel;

import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;

/**
 * Gradient descent of the infinite-width network, the linear dynamics the theorems approach: with Theta fixed,
 * y - u(k) = (I - eta Theta)^k (y - u(0)) (seed 004, Section 4; discrete steps, as the theorems use, not
 * gradient flow). One eigendecomposition Theta = V diag(lambda) V^T, then every step k costs O(n).
 */
public final class InfiniteTrajectory implements AutoCloseable {
    private final double[] lambda, residualInEigenbasis;   // V^T (y - u(0))
    private final double eta;
    private final Matrix vectors;

    /** The trajectory from the finite run's own start u(0), so the two can be drawn against each other. */
    public InfiniteTrajectory(Matrix theta, double eta, double[] y, double[] u0) {
        try (Spectrum.Decomposition d = Spectrum.decompose(theta)) {
            lambda = d.values();
            vectors = d.vectors().copy();
        }
        this.eta = eta;
        int n = y.length;
        residualInEigenbasis = new double[n];
        for (int c = 0; c < n; c++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += vectors.get(i, c) * (y[i] - u0[i]);
            residualInEigenbasis[c] = s;
        }
    }

    /** 1/2 ||y - u(k)||^2 of the infinite-width run. */
    public double loss(int step) {
        double s = 0;
        for (int c = 0; c < lambda.length; c++) {
            double r = Math.pow(1 - eta * lambda[c], step) * residualInEigenbasis[c];
            s += r * r;
        }
        return 0.5 * s;
    }

    /** u(k) of the infinite-width run. */
    public double[] predictions(double[] y, int step) {
        int n = y.length;
        double[] u = y.clone();
        for (int c = 0; c < n; c++) {
            double r = Math.pow(1 - eta * lambda[c], step) * residualInEigenbasis[c];
            for (int i = 0; i < n; i++) u[i] -= vectors.get(i, c) * r;
        }
        return u;
    }

    @Override public void close() {
        vectors.close();
    }
}
