package overparam.core.reference;

import overparam.core.BadInputException;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Svd;

/**
 * The output layer fitted in closed form on fixed features: Phi (n x p, a sample per row: the random features of a network
 * whose layers below the output are frozen at initialization, or the inputs themselves for a linear model) and targets Y
 * (n x k). A = argmin 1/2 ||Phi A - Y||_F^2 + lambda/2 ||A||_F^2, the lab's loss 1/2 sum (u - y)^2 plus ridge; lambda = 0 is
 * the minimum-norm least-squares solution Phi^+ Y, where gradient descent on the output layer from A = 0 converges
 * (its iterates stay in the row space of Phi; Belkin, Hsu, Ma, Mandal 2019 fit random features so, Section 2).
 *
 * <p>One thin SVD Phi = U diag(s) V^T (LAPACK dgesdd) serves every column of Y: A = V diag(s_i / (s_i^2 + lambda)) U^T Y
 * over the s_i above {@link MinimumNormInterpolant#rcond} times s_max (the cut-off of dgelsd in
 * {@link MinimumNormInterpolant#l2}, so lambda = 0 gives the same solution column by column).
 */
public final class LeastSquaresReadout {
    private LeastSquaresReadout() {}

    /** A (p x k), the rank of Phi the cut-off kept, and Phi's extreme kept singular values (s_max, s_min > cut-off). */
    public record Fit(Matrix a, int rank, double sMax, double sMin) implements AutoCloseable {
        @Override public void close() { a.close(); }
    }

    /** Phi and Y are not modified; lambda >= 0 (0: the minimum-norm least-squares solution). */
    public static Fit of(Matrix phi, Matrix y, double lambda) {
        if (phi.rows() != y.rows())
            throw new IllegalArgumentException("readout fit: " + phi.rows() + " feature rows against " + y.rows() + " target rows");
        if (!(lambda >= 0) || !Double.isFinite(lambda)) throw BadInputException.of("ridge lambda", lambda, "a finite lambda >= 0", "e.g. 1e-3 (0: minimum norm)");
        try (Svd svd = Svd.of(phi); Matrix uty = Matrix.zeros(svd.values().length, y.cols())) {
            double[] s = svd.values();
            double cutoff = s.length == 0 ? 0 : MinimumNormInterpolant.rcond(phi.rows(), phi.cols()) * s[0];
            Linalg.multTransA(1.0, svd.u(), y, 0.0, uty);                           // U^T Y, min(n, p) x k
            int rank = 0;
            for (int i = 0; i < s.length; i++) {
                double filter = s[i] > cutoff ? s[i] / (s[i] * s[i] + lambda) : 0;
                if (s[i] > cutoff) rank++;
                for (int c = 0; c < y.cols(); c++) uty.set(i * y.cols() + c, filter * uty.get(i * y.cols() + c));
            }
            Matrix a = Matrix.zeros(phi.cols(), y.cols());
            Linalg.multTransA(1.0, svd.vt(), uty, 0.0, a);                          // V diag(f) U^T Y
            return new Fit(a, rank, s.length == 0 ? 0 : s[0], rank == 0 ? 0 : s[rank - 1]);
        }
    }
}
