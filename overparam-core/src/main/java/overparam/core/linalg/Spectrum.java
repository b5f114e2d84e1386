package overparam.core.linalg;

import static org.bytedeco.openblas.global.openblas.*;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Extreme eigenvalues of symmetric matrices through LAPACK, without the full spectrum.
 *
 * <p>This is what dsyevr does for an index range without eigenvectors (reduction to tridiagonal form with
 * dsytrd, then bisection with dstebz), with the one reduction shared between both ends: the reduction is
 * the O(n^3) part, and two dsyevr calls would pay it twice. Buffers are sized once for n and reused, so an
 * instrument that measures every R steps allocates nothing after its first call.
 */
public final class Spectrum implements AutoCloseable {
    /** The least and largest eigenvalue. */
    public record Extremes(double min, double max) {
        /** The spectral norm of a symmetric matrix: its largest |eigenvalue|. */
        public double spectralNorm() { return Math.max(Math.abs(min), Math.abs(max)); }

        /**
         * The round-off floor of an n x n symmetric matrix's eigenvalues in float64: n eps ||A||_2. LAPACK's symmetric
         * eigensolvers are backward stable (the computed eigenvalues are exact for A + E with ||E||_2 <= p(n) eps ||A||_2,
         * p(n) a modest function of n; LAPACK Users' Guide, Section 4.7), so an eigenvalue of magnitude below this is
         * indistinguishable from 0: a Gram matrix of rank below n (the quadratic activation once n > d'(d' + 1) / 2, Panigrahi
         * et al. 2020) gives a lambda_min of either sign about 1e-15 ||A||, well below the floor (GramRoundoffTest).
         */
        public double roundoff(int n) { return n * Math.ulp(1.0) * spectralNorm(); }

        /** Whether the least eigenvalue is a number in float64: positive and above the {@link #roundoff} floor. */
        public boolean resolvesMin(int n) { return min > roundoff(n); }
    }

    private static final double ABSTOL = 2 * Double.MIN_NORMAL;

    private final int n;
    private final Matrix work;                 // the reduction overwrites its input, so it works on a copy
    private final DoublePointer diag, offDiag, tau, eigenvalues, stebzWork;
    private final IntPointer found, blocks, iblock, isplit, stebzIwork;

    public Spectrum(int n) {
        if (n < 1) throw new IllegalArgumentException("Spectrum of an empty matrix");
        this.n = n;
        work = Matrix.zeros(n, n);
        diag = new DoublePointer(n);
        offDiag = new DoublePointer(Math.max(1, n - 1));
        tau = new DoublePointer(Math.max(1, n - 1));
        eigenvalues = new DoublePointer(n);
        stebzWork = new DoublePointer(4L * n);
        found = new IntPointer(1);
        blocks = new IntPointer(1);
        iblock = new IntPointer(n);
        isplit = new IntPointer(n);
        stebzIwork = new IntPointer(3L * n);
    }

    /** Least and largest eigenvalue of the symmetric matrix a (read from its lower triangle; not modified). */
    public Extremes extremes(Matrix a) {
        if (a.rows() != n || a.cols() != n) throw new IllegalArgumentException("Spectrum(" + n + ") given " + a);
        if (n == 1) return new Extremes(a.get(0, 0), a.get(0, 0));
        if (!a.allFinite()) return new Extremes(Double.NaN, Double.NaN);
        work.copyFrom(a);
        int info = LAPACKE_dsytrd(LAPACK_ROW_MAJOR, (byte) 'L', n, work.data, n, diag, offDiag, tau);
        if (info != 0) throw new ArithmeticException("tridiagonal reduction (dsytrd) failed: argument " + (-info) + " illegal");
        return new Extremes(eigenvalue(1), eigenvalue(n));
    }

    /** The index-th smallest eigenvalue (1-based) of the tridiagonal matrix left by the last reduction. */
    private double eigenvalue(int index) {
        // ABSTOL = 2 * underflow: dstebz's documented setting for the most accurate eigenvalues
        int info = LAPACKE_dstebz_work((byte) 'I', (byte) 'E', n, 0, 0, index, index, ABSTOL, diag, offDiag, found, blocks,
                eigenvalues, iblock, isplit, stebzWork, stebzIwork);
        if (info != 0 || found.get() != 1)
            throw new ArithmeticException("bisection (dstebz) did not converge for eigenvalue " + index + " of " + n + " (info " + info + ")");
        return eigenvalues.get(0);
    }

    /** One-off convenience: the extremes of a, with buffers freed afterwards. */
    public static Extremes of(Matrix a) {
        try (Spectrum s = new Spectrum(a.rows())) {
            return s.extremes(a);
        }
    }

    /** ||a||_2, the largest singular value: sqrt(lambda_max(a^T a)). */
    public static double norm2(Matrix a) {
        try (Matrix gram = Matrix.zeros(a.cols(), a.cols())) {
            Linalg.multTransA(1.0, a, a, 0.0, gram);
            return Math.sqrt(Math.max(0, of(gram).max()));
        }
    }

    /** All eigenvalues in ascending order (dsyevr, range 'A'); for tests and small matrices. */
    public static double[] all(Matrix a) {
        int n = a.rows();
        try (Matrix copy = a.copy(); DoublePointer w = new DoublePointer(n); IntPointer m = new IntPointer(1);
             DoublePointer z = new DoublePointer(1); IntPointer support = new IntPointer(2L * n)) {
            int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, (byte) 'N', (byte) 'A', (byte) 'L', n, copy.data, n, 0, 0, 0, 0,
                    0.0, m, w, z, 1, support);
            if (info != 0) throw new ArithmeticException("dsyevr failed with info " + info);
            double[] out = new double[m.get()];
            w.get(out);
            return out;
        }
    }

    /** Eigenvalues (ascending) and the matching orthonormal eigenvectors as the columns of a matrix. */
    public record Decomposition(double[] values, Matrix vectors) implements AutoCloseable {
        @Override public void close() { vectors.close(); }
    }

    /** The full eigendecomposition of a symmetric matrix (dsyevd, divide and conquer); a is not modified. */
    public static Decomposition decompose(Matrix a) {
        int n = a.rows();
        Matrix vectors = a.copy();
        try (DoublePointer w = new DoublePointer(n)) {
            int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'L', n, vectors.data, n, w);
            if (info != 0) {
                vectors.close();
                throw new ArithmeticException("eigendecomposition (dsyevd) did not converge (info " + info + ")");
            }
            double[] values = new double[n];
            w.get(values);
            return new Decomposition(values, vectors);
        }
    }

    @Override public void close() {
        work.close();
        diag.close(); offDiag.close(); tau.close(); eigenvalues.close(); stebzWork.close();
        found.close(); blocks.close(); iblock.close(); isplit.close(); stebzIwork.close();
    }
}
