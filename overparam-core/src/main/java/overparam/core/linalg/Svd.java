package overparam.core.linalg;

import static org.bytedeco.openblas.global.openblas.*;

import org.bytedeco.javacpp.DoublePointer;

/**
 * The thin singular value decomposition A = U diag(s) V^T of an m x n matrix (LAPACK dgesdd, divide and
 * conquer), with k = min(m, n): U is m x k, s has k entries in descending order, V^T is k x n; the rows of V^T
 * are the right singular vectors.
 */
public record Svd(Matrix u, double[] s, Matrix vt) implements AutoCloseable {

    /** The thin SVD of a (not modified). */
    public static Svd of(Matrix a) {
        int m = a.rows(), n = a.cols(), k = Math.min(m, n);
        if (k == 0) throw new IllegalArgumentException("SVD of an empty matrix " + a);
        Matrix u = Matrix.zeros(m, k), vt = Matrix.zeros(k, n);
        try (Matrix copy = a.copy(); DoublePointer s = new DoublePointer(k)) {
            int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, (byte) 'S', m, n, copy.data, n, s, u.data, k, vt.data, n);
            if (info != 0) {
                u.close();
                vt.close();
                if (info > 0) throw new ArithmeticException("SVD (dgesdd) of " + a + " did not converge (info " + info + ")");
                throw new IllegalArgumentException("dgesdd: argument " + (-info) + " illegal");
            }
            double[] values = new double[k];
            s.get(values);
            return new Svd(u, values, vt);
        }
    }

    @Override public void close() {
        u.close();
        vt.close();
    }
}
