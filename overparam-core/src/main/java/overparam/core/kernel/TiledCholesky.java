package overparam.core.kernel;

import overparam.core.data.TileStore;
import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The Cholesky factor A + lambda I = L L^T of a symmetric positive definite matrix too large to hold whole, tile by
 * tile, and the solves with it: the exact solve of the infinite network's prediction at tens of thousands of samples.
 *
 * <p>Left-looking by tile columns (Golub and Van Loan, Matrix Computations, Section 4.2.9, blocked): column j of A's
 * lower tiles is read, updated with every earlier column of L (A_ij -= sum_{k<j} L_ik L_jk^T, dgemm), its diagonal tile
 * factored (dpotrf) and the tiles below solved against it (L_ij = A_ij L_jj^-T, dtrsm). Only one column of A is held at
 * a time; L's tiles go to a {@link TileStore}, in memory while its budget allows and on disk beyond it, so the memory
 * bound is the store's budget plus one column and two tiles. The flops are n^3 / 3, all in BLAS-3 calls on whole tiles.
 *
 * <p>Why not preconditioned conjugate gradients (a Nystrom preconditioner, as Falkon): the interpolating NTK solve has
 * no ridge to bound its condition number (relu Theta on Fashion-MNIST spans about 1e5 to 1e-1), so the iteration count
 * to a 1e-6 residual is not known in advance, and each iteration streams the whole kernel; the factorization costs a
 * known n^3 / 3 flops and solves to rounding.
 */
public final class TiledCholesky implements AutoCloseable {
    /** n rows in tiles of {@code tile} (the last one smaller). */
    public record Grid(int n, int tile) {
        public Grid {
            if (n < 1 || tile < 1) throw new IllegalArgumentException("grid of " + n + " rows in tiles of " + tile);
        }

        public int count() { return (n + tile - 1) / tile; }

        public int start(int i) { return i * tile; }

        public int size(int i) { return Math.min(tile, n - i * tile); }

        /** Tiles of the lower triangle, the diagonal included. */
        public long lowerTiles() { return (long) count() * (count() + 1) / 2; }
    }

    /** A's lower tile (i, j), i >= j, read into a matrix of its shape; the diagonal tiles whole (both triangles). */
    @FunctionalInterface
    public interface Source {
        void read(int i, int j, Matrix into);
    }

    /** Told the flops of each finished step, for a progress bar. */
    @FunctionalInterface
    public interface Progress {
        void done(double flops);

        Progress NONE = flops -> {};
    }

    private final Grid grid;
    private final TileStore store;
    private final String prefix;
    private final Matrix scratchA, scratchB;

    private TiledCholesky(Grid grid, TileStore store, String prefix) {
        this.grid = grid;
        this.store = store;
        this.prefix = prefix;
        this.scratchA = Matrix.zeros(grid.tile(), grid.tile());
        this.scratchB = Matrix.zeros(grid.tile(), grid.tile());
    }

    /** Flops of the factorization, n^3 / 3. */
    public static double flops(long n) { return n * (double) n * n / 3; }

    /**
     * Factors A + ridge I, A's tiles from source; L's tiles into store under names prefix-i-j. Throws
     * {@link KernelPrediction.NotPositiveDefinite} (naming {@code what}) where a pivot is not positive.
     */
    public static TiledCholesky factor(Grid grid, Source source, double ridge, TileStore store, String prefix, String what, Progress progress) {
        TiledCholesky c = new TiledCholesky(grid, store, prefix);
        try {
            c.factor(source, ridge, what, progress);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void factor(Source source, double ridge, String what, Progress progress) {
        int t = grid.count();
        for (int j = 0; j < t; j++) {
            int bj = grid.size(j);
            Matrix[] column = new Matrix[t];
            try {
                for (int i = j; i < t; i++) {
                    column[i] = Matrix.zeros(grid.size(i), bj);
                    source.read(i, j, column[i]);
                }
                for (int r = 0; r < bj; r++) column[j].set(r, r, column[j].get(r, r) + ridge);
                for (int k = 0; k < j; k++) {                                // A_ij -= L_ik L_jk^T
                    Matrix ljk = tile(j, k, scratchA);
                    for (int i = j; i < t; i++) {
                        Matrix lik = i == j ? ljk : tile(i, k, scratchB);
                        Linalg.multTransB(-1.0, lik, ljk, 1.0, column[i]);
                    }
                }
                int info = Cholesky.factorInPlace(column[j]);
                if (info > 0) throw new KernelPrediction.NotPositiveDefinite(what, ridge, grid.start(j) + info - 1);
                for (int r = 0; r < bj; r++) for (int s = r + 1; s < bj; s++) column[j].set(r, s, 0);   // L's upper triangle is 0
                for (int i = j + 1; i < t; i++) Linalg.solveRightLowerTransposed(column[j], column[i]);
                for (int i = j; i < t; i++) {
                    if (store.put(name(i, j), column[i], TileStore.Residency.MEMORY)) column[i] = null;   // the store keeps it
                }
            } finally {
                for (Matrix m : column) if (m != null) m.close();
            }
            long rowsBelow = grid.n() - (long) grid.start(j);
            progress.done(2.0 * rowsBelow * bj * grid.start(j) + bj * (double) bj * bj / 3 + (rowsBelow - bj) * (double) bj * bj);
        }
    }

    public Grid grid() { return grid; }

    /** X with (A + ridge I) X = B (B n x k is not modified). */
    public Matrix solve(Matrix b) {
        Matrix x = b.copy();
        forward(x);
        backward(x);
        return x;
    }

    /** B = L^-1 B in place (forward substitution by tile rows). */
    public void forward(Matrix b) {
        requireRows(b);
        int t = grid.count();
        for (int i = 0; i < t; i++) {
            try (Matrix bi = b.rowRange(grid.start(i), grid.size(i))) {
                for (int k = 0; k < i; k++) {
                    Matrix lik = tile(i, k, scratchA);
                    try (Matrix bk = b.rowRange(grid.start(k), grid.size(k))) {
                        Linalg.mult(-1.0, lik, bk, 1.0, bi);
                    }
                }
                Matrix lii = tile(i, i, scratchA);
                Linalg.solveLeftLower(lii, bi, false);
            }
        }
    }

    /** B = L^-T B in place (back substitution by tile rows, from the last). */
    public void backward(Matrix b) {
        requireRows(b);
        int t = grid.count();
        for (int i = t - 1; i >= 0; i--) {
            try (Matrix bi = b.rowRange(grid.start(i), grid.size(i))) {
                for (int k = i + 1; k < t; k++) {                             // B_i -= L_ki^T B_k
                    Matrix lki = tile(k, i, scratchA);
                    try (Matrix bk = b.rowRange(grid.start(k), grid.size(k))) {
                        Linalg.multTransA(-1.0, lki, bk, 1.0, bi);
                    }
                }
                Matrix lii = tile(i, i, scratchA);
                Linalg.solveLeftLower(lii, bi, true);
            }
        }
    }

    /** Frees L's tiles (memory and files). */
    @Override public void close() {
        int t = grid.count();
        for (int i = 0; i < t; i++) for (int j = 0; j <= i; j++) store.remove(name(i, j));
        scratchA.close();
        scratchB.close();
    }

    private void requireRows(Matrix b) {
        if (b.rows() != grid.n()) throw new IllegalArgumentException("solve: b has " + b.rows() + " rows, the matrix " + grid.n());
    }

    /** L's tile (i, j): resident (never to be closed here), or read into a view of the scratch tile (views free nothing). */
    private Matrix tile(int i, int j, Matrix scratch) {
        return store.get(name(i, j), scratch.leading(grid.size(i), grid.size(j)));
    }

    private String name(int i, int j) { return prefix + "-" + i + "-" + j; }
}
