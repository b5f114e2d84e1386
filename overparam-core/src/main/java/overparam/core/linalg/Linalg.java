package overparam.core.linalg;

import static org.bytedeco.openblas.global.openblas.*;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * The one door to BLAS (OpenBLAS through org.bytedeco). Nothing else in the code base multiplies
 * matrices. Names follow EJML: {@code multTransB} is A B^T, {@code multTransA} is A^T B,
 * {@code multOuter} is A A^T. Every product accumulates as C = alpha op(A) op(B) + beta C so that a
 * gradient-descent update can be one call (W = W - eta * grad) with no gradient buffer.
 * All matrices are row-major; shapes are checked here so a mismatch never reaches native code.
 *
 * <p>OpenBLAS reads OPENBLAS_THREAD_TIMEOUT when it loads: its idle threads spin for 2^timeout cycles after
 * each call (default 28). ./overparam and the tests set 16, so that the spinning does not take the core the
 * elementwise loops run on; a program embedding overparam should set it too.
 */
public final class Linalg {
    static {
        Loader.load(openblas.class);
    }

    /** The thread count last set (the cores until then); the elementwise loops use as many. */
    private static volatile int threads = initialThreads();

    /** OpenBLAS's own count once it has one (it reports -1 before its first call), else the cores. */
    private static int initialThreads() {
        int t = blas_get_num_threads();
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    private Linalg() {}

    /** Threads OpenBLAS uses from now on (1 .. cores). */
    public static void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        blas_set_num_threads(threads);
        Linalg.threads = threads;
    }

    public static int threads() {
        return threads;
    }

    /** The BLAS in use, for summaries and benchmark headers, e.g. "OpenBLAS 0.3.31". */
    public static String blasVersion() {
        return OPENBLAS_VERSION.trim();
    }

    /**
     * The native libraries loaded so far, by name, with the file each came from (JavaCPP's record), and the folder the
     * bundled ones are unpacked into: for the test that the OpenBLAS in use is the bundled one, never a system library.
     */
    static java.util.Map<String, String> loadedLibraries() {
        return Loader.getLoadedLibraries();
    }

    static java.nio.file.Path nativeCache() throws java.io.IOException {
        return Loader.getCacheDir().toPath();
    }

    /** C = alpha A B + beta C. */
    public static void mult(double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        if (!(a.cols() == b.rows() && c.rows() == a.rows() && c.cols() == b.cols())) throw Shapes.mismatch("mult", a, b, c);
        gemm(CblasNoTrans, CblasNoTrans, a.rows(), b.cols(), a.cols(), alpha, a, b, beta, c);
    }

    /** C = alpha A B^T + beta C. */
    public static void multTransB(double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        if (!(a.cols() == b.cols() && c.rows() == a.rows() && c.cols() == b.rows())) throw Shapes.mismatch("multTransB", a, b, c);
        gemm(CblasNoTrans, CblasTrans, a.rows(), b.rows(), a.cols(), alpha, a, b, beta, c);
    }

    /** C = alpha A^T B + beta C. */
    public static void multTransA(double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        if (!(a.rows() == b.rows() && c.rows() == a.cols() && c.cols() == b.cols())) throw Shapes.mismatch("multTransA", a, b, c);
        gemm(CblasTrans, CblasNoTrans, a.cols(), b.cols(), a.rows(), alpha, a, b, beta, c);
    }

    private static void gemm(int transA, int transB, int m, int n, int k, double alpha, Matrix a, Matrix b,
                             double beta, Matrix c) {
        if (m == 0 || n == 0) return;
        cblas_dgemm(CblasRowMajor, transA, transB, m, n, k, alpha, a.data, a.cols(), b.data, b.cols(), beta, c.data, c.cols());
    }

    /**
     * Row-range products, for blocked and convolutional work on views made once (no allocation per call):
     * C[cRow + i, j] = alpha sum_k A[aRow + i, k] B[bRow + j, k] + beta C[cRow + i, j] for i < rows, j < bRows.
     * C may be wider than bRows (only its first bRows columns are written).
     */
    public static void multTransB(double alpha, Matrix a, int aRow, int rows, Matrix b, int bRow, int bRows, double beta,
                                  Matrix c, int cRow) {
        if (!(a.cols() == b.cols() && bRows <= c.cols() && aRow + rows <= a.rows() && bRow + bRows <= b.rows() && cRow + rows <= c.rows()))
            throw Shapes.mismatch("multTransB(rows)", a, b, c);
        gemmAt(CblasNoTrans, CblasTrans, rows, bRows, a.cols(), alpha, a, aRow, b, bRow, beta, c, cRow);
    }

    /** C[cRow.. + rows, :] = alpha A[aRow.. + rows, :] B + beta C[cRow.. + rows, :]. */
    public static void mult(double alpha, Matrix a, int aRow, int rows, Matrix b, double beta, Matrix c, int cRow) {
        if (!(a.cols() == b.rows() && c.cols() == b.cols() && aRow + rows <= a.rows() && cRow + rows <= c.rows()))
            throw Shapes.mismatch("mult(rows)", a, b, c);
        gemmAt(CblasNoTrans, CblasNoTrans, rows, b.cols(), a.cols(), alpha, a, aRow, b, 0, beta, c, cRow);
    }

    /** C = alpha A[aRow.. + rows, :]^T B[bRow.. + rows, :] + beta C. */
    public static void multTransA(double alpha, Matrix a, int aRow, int rows, Matrix b, int bRow, double beta, Matrix c) {
        if (!(c.rows() == a.cols() && c.cols() == b.cols() && aRow + rows <= a.rows() && bRow + rows <= b.rows()))
            throw Shapes.mismatch("multTransA(rows)", a, b, c);
        gemmAt(CblasTrans, CblasNoTrans, a.cols(), b.cols(), rows, alpha, a, aRow, b, bRow, beta, c, 0);
    }

    /**
     * dgemm on row offsets: the shared pointers are moved to the offsets for the call and back, which allocates
     * nothing (a view per call would). Safe because a matrix is never used by two threads at once.
     */
    private static void gemmAt(int transA, int transB, int m, int n, int k, double alpha, Matrix a, int aRow, Matrix b, int bRow,
                               double beta, Matrix c, int cRow) {
        if (m == 0 || n == 0) return;
        // one shared pointer cannot sit at two offsets: the second position would overwrite the first
        if ((a == b && aRow != bRow) || c == a || c == b)
            throw new IllegalArgumentException("row-offset products of one matrix with itself: pass rowRange views instead");
        try {
            a.data.position((long) aRow * a.cols());
            b.data.position((long) bRow * b.cols());
            c.data.position((long) cRow * c.cols());
            cblas_dgemm(CblasRowMajor, transA, transB, m, n, k, alpha, a.data, a.cols(), b.data, b.cols(), beta, c.data, c.cols());
        } finally {
            a.data.position(0);
            b.data.position(0);
            c.data.position(0);
        }
    }

    /**
     * B = B L^-T for L lower triangular (its upper triangle is not read): the off-diagonal tiles of a tiled Cholesky
     * factor, L_ij = A_ij L_jj^-T (dtrsm).
     */
    public static void solveRightLowerTransposed(Matrix l, Matrix b) {
        if (!(l.rows() == l.cols() && b.cols() == l.rows())) throw Shapes.mismatch("solveRightLowerTransposed", l, b, b);
        if (b.rows() == 0) return;
        cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, b.rows(), b.cols(), 1.0, l.data, l.cols(), b.data, b.cols());
    }

    /** B = L^-1 B, or L^-T B when transposed, for L lower triangular (its upper triangle is not read; dtrsm). */
    public static void solveLeftLower(Matrix l, Matrix b, boolean transposed) {
        if (!(l.rows() == l.cols() && b.rows() == l.rows())) throw Shapes.mismatch("solveLeftLower", l, b, b);
        if (b.cols() == 0) return;
        cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, transposed ? CblasTrans : CblasNoTrans, CblasNonUnit, b.rows(), b.cols(), 1.0,
                l.data, l.cols(), b.data, b.cols());
    }

    /** C = A A^T, both triangles filled (dsyrk computes one; the mirror is a copy). C is n x n for A n x k. */
    public static void multOuter(Matrix a, Matrix c) {
        multOuterLower(a, c);
        mirrorLower(c);
    }

    /** The lower triangle (with the diagonal) of C = A A^T, by dsyrk; the strict upper triangle is left as it was. */
    public static void multOuterLower(Matrix a, Matrix c) {
        if (!(c.rows() == a.rows() && c.cols() == a.rows())) throw Shapes.mismatch("multOuter", a, c);
        int n = a.rows();
        if (n == 0) return;
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, n, a.cols(), 1.0, a.data, a.cols(), 0.0, c.data, n);
    }

    /** Copy the lower triangle of a square matrix onto its upper triangle (blocked for the cache). */
    public static void mirrorLower(Matrix c) {
        int n = c.rows();
        java.nio.DoubleBuffer e = c.buffer();
        final int tile = 64;
        for (int i0 = 0; i0 < n; i0 += tile)
            for (int j0 = i0; j0 < n; j0 += tile)
                for (int i = i0; i < Math.min(n, i0 + tile); i++)
                    for (int j = Math.max(j0, i + 1); j < Math.min(n, j0 + tile); j++)
                        e.put(i * n + j, e.get(j * n + i));
    }

    /** y = alpha A x + beta y, with x and y vectors. */
    public static void multVec(double alpha, Matrix a, Matrix x, double beta, Matrix y) {
        if (!(x.size() == a.cols() && y.size() == a.rows())) throw Shapes.mismatch("multVec", a, x, y);
        if (a.rows() == 0) return;
        cblas_dgemv(CblasRowMajor, CblasNoTrans, a.rows(), a.cols(), alpha, a.data, a.cols(), x.data, 1, beta, y.data, 1);
    }

    /** y = alpha A^T x + beta y, with x and y vectors. */
    public static void multTransAVec(double alpha, Matrix a, Matrix x, double beta, Matrix y) {
        if (!(x.size() == a.rows() && y.size() == a.cols())) throw Shapes.mismatch("multTransAVec", a, x, y);
        if (a.cols() == 0) return;
        cblas_dgemv(CblasRowMajor, CblasTrans, a.rows(), a.cols(), alpha, a.data, a.cols(), x.data, 1, beta, y.data, 1);
    }

    /** y = alpha x + y over all elements (same shape). */
    public static void addScaled(double alpha, Matrix x, Matrix y) {
        Shapes.requireSameShape("addScaled", x, y);
        for (long done = 0; done < x.size(); done += Integer.MAX_VALUE) {
            int count = (int) Math.min(Integer.MAX_VALUE, x.size() - done);
            cblas_daxpy(count, alpha, at(x, done), 1, at(y, done), 1);
        }
    }

    /** x = alpha x. */
    public static void scale(double alpha, Matrix x) {
        for (long done = 0; done < x.size(); done += Integer.MAX_VALUE) {
            cblas_dscal((int) Math.min(Integer.MAX_VALUE, x.size() - done), alpha, at(x, done), 1);
        }
    }

    /** x . y over all elements (same size, below 2^31 elements: a parameter vector). */
    public static double dot(Matrix x, Matrix y) {
        if (x.size() != y.size() || x.size() > Integer.MAX_VALUE) throw Shapes.mismatch("dot", x, y);
        return cblas_ddot((int) x.size(), x.data, 1, y.data, 1);
    }

    /** Frobenius norm (the 2-norm of a vector). */
    public static double normF(Matrix x) {
        double scale = 0, sumSq = 1;     // scaled accumulation across chunks, as dnrm2 does within one
        for (long done = 0; done < x.size(); done += Integer.MAX_VALUE) {
            int count = (int) Math.min(Integer.MAX_VALUE, x.size() - done);
            double part = cblas_dnrm2(count, at(x, done), 1);
            if (part == 0) continue;
            if (scale < part) { sumSq = 1 + sumSq * (scale / part) * (scale / part); scale = part; }
            else sumSq += (part / scale) * (part / scale);
        }
        return scale * Math.sqrt(sumSq);
    }

    /** The storage from element {@code offset} on; a separate view only past 2^31 elements (rare), so
     *  the shared pointer's position is never moved. */
    private static DoublePointer at(Matrix x, long offset) {
        return offset == 0 ? x.data : new DoublePointer(x.data).position(offset);
    }
}
