package overparam.core.linalg;

import static org.bytedeco.openblas.global.openblas.*;

import org.bytedeco.javacpp.DoublePointer;

/**
 * The largest eigenvalues of a symmetric operator known only by its action ({@link SymmetricOperator}: a
 * Hessian-vector product) and their eigenvectors, by the Lanczos iteration with full reorthogonalization (Golub and
 * Van Loan, Matrix Computations, 4th ed., Section 10.1 and Algorithm 10.3.1): q_{j+1} beta_j = A q_j - alpha_j q_j -
 * beta_{j-1} q_{j-1}, with every new vector orthogonalized twice against all the earlier ones ("twice is enough",
 * Parlett), so no spurious copies of converged eigenvalues appear. The Ritz values are the eigenvalues of the tridiagonal
 * T_j = tridiag(beta, alpha, beta), found by LAPACK dstev; a Ritz pair (theta, y = Q s) has ||A y - theta y|| = beta_j |s_j|,
 * which stops the iteration once the top k are all within tolerance * |theta|_max. The residuals reported are then
 * computed afresh, ||A y - theta y|| by one more product each, not read from that formula.
 * <p>
 * The basis is stored: iterations x P doubles ({@link #bytes}), made once with the other buffers.
 */
public final class Lanczos implements AutoCloseable {
    /** The top k eigenvalues (descending), their Ritz vectors as the columns of a P x k matrix, and residuals ||A y - theta y||. */
    public record Eigenpairs(double[] values, Matrix vectors, double[] residuals, int iterations) implements AutoCloseable {
        @Override public void close() { vectors.close(); }
    }

    private final int size, maxIterations;
    private final Matrix basis;                // row j is q_j
    private final Matrix w, coefficients, check;
    private final double[] alpha, beta;
    private final DoublePointer diag, offDiag, ritz;

    /** For operators on R^size, at most maxIterations products per call (capped at size: the Krylov space is then R^size). */
    public Lanczos(int size, int maxIterations) {
        if (size < 1 || maxIterations < 1) throw new IllegalArgumentException("Lanczos on R^" + size + " with " + maxIterations + " iterations");
        this.size = size;
        this.maxIterations = Math.min(size, maxIterations);
        basis = Matrix.zeros(this.maxIterations, size);
        w = Matrix.vector(size);
        check = Matrix.vector(size);
        coefficients = Matrix.vector(this.maxIterations);
        alpha = new double[this.maxIterations];
        beta = new double[this.maxIterations];
        diag = new DoublePointer(this.maxIterations);
        offDiag = new DoublePointer(Math.max(1, this.maxIterations));
        ritz = new DoublePointer((long) this.maxIterations * this.maxIterations);
    }

    /** Bytes of the stored basis and work vectors for iterations Lanczos vectors of length size. */
    public static double bytes(long size, int iterations) {
        double k = Math.min(size, iterations);
        return Matrix.bytes(k, size) + 2 * Matrix.bytes(size, 1) + 8.0 * k * (k + 3);
    }

    public int maxIterations() { return maxIterations; }

    /**
     * The k largest eigenpairs of op, from the start vector (any nonzero P-vector; a random one, so that it is not
     * orthogonal to the top eigenvector), stopping when every one of the top k Ritz residuals is at most
     * tolerance * max |theta|, when the Krylov space stops growing (beta = 0: an invariant subspace, exact pairs), or after
     * maxIterations products. k + (the iterations) products of op in all.
     */
    public Eigenpairs top(SymmetricOperator op, int k, double tolerance, Matrix start) {
        if (k < 1 || k > maxIterations) throw new IllegalArgumentException("top " + k + " eigenpairs from at most " + maxIterations + " Lanczos vectors");
        if (start.size() != size) throw new IllegalArgumentException("a start vector of " + size + " entries, got " + start);
        double norm = Linalg.normF(start);
        if (!(norm > 0) || !Double.isFinite(norm)) throw new IllegalArgumentException("the Lanczos start vector must be nonzero and finite");
        int m = 0;
        try (Matrix q0 = basis.rowRange(0, 1).reshaped(size, 1)) {
            q0.copyFrom(start);
            Linalg.scale(1 / norm, q0);
        }
        while (true) {
            try (Matrix q = basis.rowRange(m, 1).reshaped(size, 1)) {
                op.apply(q, w);
                alpha[m] = Linalg.dot(q, w);
            }
            m++;
            try (Matrix done = basis.rowRange(0, m); Matrix c = coefficients.rowRange(0, m)) {
                for (int pass = 0; pass < 2; pass++) {                      // w -= Q^T (Q w), twice
                    Linalg.multVec(1.0, done, w, 0.0, c);
                    Linalg.multTransAVec(-1.0, done, c, 1.0, w);
                }
            }
            beta[m - 1] = Linalg.normF(w);
            solveTridiagonal(m);
            if (converged(m, k, tolerance) || m == maxIterations) break;
            if (beta[m - 1] <= 1e-14 * spectralBound(m)) break;                  // an invariant subspace: T's pairs are exact
            try (Matrix next = basis.rowRange(m, 1).reshaped(size, 1)) {
                next.copyFrom(w);
                Linalg.scale(1 / beta[m - 1], next);
            }
        }
        return pairs(op, m, Math.min(k, m));
    }

    /** The eigenvalues (ascending, in diag) and eigenvectors (ritz, m x m row-major) of T_m by dstev. */
    private void solveTridiagonal(int m) {
        for (int i = 0; i < m; i++) diag.put(i, alpha[i]);
        for (int i = 0; i < m - 1; i++) offDiag.put(i, beta[i]);
        int info = LAPACKE_dstev(LAPACK_ROW_MAJOR, (byte) 'V', m, diag, offDiag, ritz, m);
        if (info != 0) throw new ArithmeticException("tridiagonal eigenproblem (dstev) did not converge (info " + info + ")");
    }

    private double spectralBound(int m) { return Math.max(Math.abs(diag.get(0)), Math.abs(diag.get(m - 1))); }

    /** beta_m |s_{m, i}| <= tolerance * max|theta| for each of the top k Ritz pairs. */
    private boolean converged(int m, int k, double tolerance) {
        if (m < k) return false;
        double bound = tolerance * spectralBound(m);
        for (int i = m - 1; i >= m - k; i--) if (beta[m - 1] * Math.abs(ritz.get((long) (m - 1) * m + i)) > bound) return false;
        return true;
    }

    /** Y = Q^T S for the top k columns of S, descending, and each ||A y - theta y|| by one more product. */
    private Eigenpairs pairs(SymmetricOperator op, int m, int k) {
        double[] values = new double[k], residuals = new double[k];
        Matrix vectors = Matrix.zeros(size, k);
        try (Matrix s = Matrix.zeros(m, k); Matrix q = basis.rowRange(0, m)) {
            for (int c = 0; c < k; c++) {
                int i = m - 1 - c;
                values[c] = diag.get(i);
                for (int r = 0; r < m; r++) s.set(r, c, ritz.get((long) r * m + i));
            }
            Linalg.multTransA(1.0, q, s, 0.0, vectors);                          // (P x m)(m x k)
        }
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < size; i++) check.set(i, vectors.get(i, c));
            op.apply(check, w);
            Linalg.addScaled(-values[c], check, w);
            residuals[c] = Linalg.normF(w);
        }
        return new Eigenpairs(values, vectors, residuals, m);
    }

    @Override public void close() {
        basis.close();
        w.close();
        check.close();
        coefficients.close();
        diag.close();
        offDiag.close();
        ritz.close();
    }
}
