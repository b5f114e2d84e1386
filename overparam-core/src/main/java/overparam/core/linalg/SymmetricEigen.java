package overparam.core.linalg;

import static org.bytedeco.openblas.global.openblas.*;

import org.bytedeco.javacpp.DoublePointer;

/**
 * The full eigendecomposition a = V diag(values) V^T of a symmetric n x n matrix by LAPACK dsyev: values ascending,
 * V's columns the orthonormal eigenvectors. O(n^3): for explicit matrices of modest size (a small network's Hessian
 * assembled from P Hessian-vector products, the reference {@link Lanczos} is tested against); a is not modified.
 */
public record SymmetricEigen(double[] values, Matrix vectors) implements AutoCloseable {
    public static SymmetricEigen of(Matrix a) {
        int n = a.rows();
        if (a.cols() != n) throw new IllegalArgumentException("an eigendecomposition needs a square matrix, got " + a);
        Matrix v = a.copy();
        try (DoublePointer w = new DoublePointer(n)) {
            int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'L', n, v.data, n, w);
            if (info != 0) {
                v.close();
                throw new ArithmeticException("symmetric eigendecomposition (dsyev) did not converge (info " + info + ")");
            }
            double[] values = new double[n];
            w.get(values);
            return new SymmetricEigen(values, v);
        }
    }

    @Override public void close() { vectors.close(); }
}
