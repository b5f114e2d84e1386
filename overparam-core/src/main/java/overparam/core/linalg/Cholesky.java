package overparam.core.linalg;

import static org.bytedeco.openblas.global.openblas.*;

/**
 * The Cholesky factor of a symmetric positive definite matrix (dpotrf), and solves with it (dpotrs):
 * y^T K^-1 y and friends without forming an inverse.
 */
public final class Cholesky implements AutoCloseable {
    private final Matrix factor;

    private Cholesky(Matrix factor) { this.factor = factor; }

    /**
     * Factors a (not modified). Throws {@link NotPositiveDefinite} naming the row where the factorization
     * stopped when a is not numerically positive definite (e.g. duplicated inputs make a kernel singular).
     */
    public static Cholesky of(Matrix a) {
        Matrix f = a.copy();
        int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, (byte) 'L', a.rows(), f.data, a.rows());
        if (info != 0) {
            f.close();
            if (info > 0) throw new NotPositiveDefinite(info - 1);
            throw new IllegalArgumentException("dpotrf: argument " + (-info) + " illegal");
        }
        return new Cholesky(f);
    }

    /**
     * Factors a in place: its lower triangle becomes L (dpotrf; the upper triangle is left as it was). Returns 0, or the
     * 1-based row where a was found not positive definite (LAPACK's info), for tiled factorizations to report.
     */
    public static int factorInPlace(Matrix a) {
        int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, (byte) 'L', a.rows(), a.data, a.rows());
        if (info < 0) throw new IllegalArgumentException("dpotrf: argument " + (-info) + " illegal");
        return info;
    }

    /** x with a x = b, for a vector b (not modified). */
    public double[] solve(double[] b) {
        int n = factor.rows();
        if (b.length != n) throw new IllegalArgumentException("solve: b has " + b.length + " entries, the matrix " + n + " rows");
        try (Matrix x = Matrix.vectorOf(b)) {
            int info = LAPACKE_dpotrs(LAPACK_ROW_MAJOR, (byte) 'L', n, 1, factor.data, n, x.data, 1);
            if (info != 0) throw new IllegalArgumentException("dpotrs: argument " + (-info) + " illegal");
            return x.toArray();
        }
    }

    /** X with a X = B for every column of B (n x k, not modified; dpotrs with k right-hand sides at once). */
    public Matrix solve(Matrix b) {
        int n = factor.rows();
        if (b.rows() != n) throw new IllegalArgumentException("solve: b has " + b.rows() + " rows, the matrix " + n);
        Matrix x = b.copy();
        int info = LAPACKE_dpotrs(LAPACK_ROW_MAJOR, (byte) 'L', n, b.cols(), factor.data, n, x.data, b.cols());
        if (info != 0) {
            x.close();
            throw new IllegalArgumentException("dpotrs: argument " + (-info) + " illegal");
        }
        return x;
    }

    /** y^T a^-1 y. */
    public double quadraticForm(double[] y) {
        double[] x = solve(y);
        double s = 0;
        for (int i = 0; i < y.length; i++) s += y[i] * x[i];
        return s;
    }

    @Override public void close() { factor.close(); }

    /** The matrix is not positive definite: the factorization broke down at this (0-based) row. */
    public static final class NotPositiveDefinite extends ArithmeticException {
        private static final long serialVersionUID = 1L;
        public final int row;

        NotPositiveDefinite(int row) {
            super("not positive definite: the Cholesky factorization stopped at row " + row);
            this.row = row;
        }
    }
}
