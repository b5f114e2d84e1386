package overparam.core.linalg;

import static org.bytedeco.openblas.global.openblas.*;

import org.bytedeco.javacpp.DoublePointer;

/**
 * The thin singular value decomposition a = U diag(s) V^T of an r x c matrix, k = min(r, c): U is r x k, V^T is k x c,
 * s descending (LAPACK dgesdd, divide and conquer). For the end-to-end matrix of a deep linear network and the
 * balanced initialization of Arora, Cohen, Golowich, Hu (2019); a is not modified.
 */
public record Svd(Matrix u, double[] values, Matrix vt) implements AutoCloseable {
    public static Svd of(Matrix a) {
        int rows = a.rows(), cols = a.cols(), k = Math.min(rows, cols);
        Matrix u = Matrix.zeros(rows, k), vt = Matrix.zeros(k, cols);
        try (Matrix copy = a.copy(); DoublePointer s = new DoublePointer(k)) {
            int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, (byte) 'S', rows, cols, copy.data, cols, s, u.data, k, vt.data, cols);
            if (info != 0) {
                u.close();
                vt.close();
                throw new ArithmeticException("singular value decomposition (dgesdd) did not converge (info " + info + ")");
            }
            double[] values = new double[k];
            s.get(values);
            return new Svd(u, values, vt);
        }
    }

    /** The singular values alone, descending (dgesdd without vectors). */
    public static double[] values(Matrix a) {
        int rows = a.rows(), cols = a.cols(), k = Math.min(rows, cols);
        try (Matrix copy = a.copy(); DoublePointer s = new DoublePointer(k); DoublePointer none = new DoublePointer(1)) {
            int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, (byte) 'N', rows, cols, copy.data, cols, s, none, 1, none, 1);
            if (info != 0) throw new ArithmeticException("singular values (dgesdd) did not converge (info " + info + ")");
            double[] values = new double[k];
            s.get(values);
            return values;
        }
    }

    @Override public void close() {
        u.close();
        vt.close();
    }
}
