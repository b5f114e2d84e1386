package overparam.core.linalg;

import static org.bytedeco.openblas.global.openblas.*;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * The minimum-norm least-squares solution of A x = b (LAPACK dgelsd: SVD by divide and conquer): among the
 * minimisers of ||A x - b||_2, the one of least ||x||_2. Singular values s_i <= rcond * s_max are treated as
 * zero, which fixes the effective rank.
 */
public final class LeastSquares {
    private LeastSquares() {}

    /** x (length a.cols()) and the effective rank of a. */
    public record Solution(double[] x, int rank) {}

    /** Solves for a (m x n, not modified) and b (length m, not modified); rcond < 0 means machine precision. */
    public static Solution minimumNorm(Matrix a, double[] b, double rcond) {
        int m = a.rows(), n = a.cols();
        if (b.length != m) throw new IllegalArgumentException("least squares: b has " + b.length + " entries, A " + m + " rows");
        if (m == 0 || n == 0) return new Solution(new double[n], 0);
        try (Matrix copy = a.copy(); Matrix rhs = Matrix.vector(Math.max(m, n));
             DoublePointer s = new DoublePointer(Math.min(m, n)); IntPointer rank = new IntPointer(1)) {
            for (int i = 0; i < m; i++) rhs.set(i, b[i]);
            int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, m, n, 1, copy.data, n, rhs.data, 1, s, rcond, rank);
            if (info > 0) throw new ArithmeticException("least squares (dgelsd) on " + a + ": the SVD did not converge (info " + info + ")");
            if (info < 0) throw new IllegalArgumentException("dgelsd: argument " + (-info) + " illegal");
            double[] x = new double[n];
            for (int j = 0; j < n; j++) x[j] = rhs.get(j);
            return new Solution(x, rank.get());
        }
    }
}
