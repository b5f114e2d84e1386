package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.TileStore;
import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The tiled factorization against LAPACK's whole-matrix dpotrf/dpotrs: the same solves to rounding whether L's tiles stay
 * in memory or all go to disk, the ridge added to the diagonal, and a pivot that is not positive found at its row.
 */
class TiledCholeskyTest {
    @TempDir Path dir;

    /** A = G G^T / d + 0.1 I, n x n, well conditioned and dense. */
    static Matrix spd(int n, long seed) {
        Random r = new Random(seed);
        try (Matrix g = Matrix.zeros(n, n + 5)) {
            for (int i = 0; i < n; i++) for (int j = 0; j < n + 5; j++) g.set(i, j, r.nextGaussian());
            Matrix a = Matrix.zeros(n, n);
            Linalg.multOuter(g, a);
            Linalg.scale(1.0 / (n + 5), a);
            for (int i = 0; i < n; i++) a.set(i, i, a.get(i, i) + 0.1);
            return a;
        }
    }

    static TiledCholesky.Source tilesOf(Matrix a, TiledCholesky.Grid grid) {
        return (i, j, into) -> {
            for (int r = 0; r < into.rows(); r++) for (int c = 0; c < into.cols(); c++) into.set(r, c, a.get(grid.start(i) + r, grid.start(j) + c));
        };
    }

    static Matrix rhs(int n, int k, long seed) {
        Random r = new Random(seed);
        Matrix b = Matrix.zeros(n, k);
        for (int i = 0; i < b.size(); i++) b.set(i, r.nextGaussian());
        return b;
    }

    @Test
    void solvesAsLapackInMemoryAndOnDisk() {
        int n = 150;
        TiledCholesky.Grid grid = new TiledCholesky.Grid(n, 40);    // tiles 40, 40, 40, 30
        try (Matrix a = spd(n, 1); Matrix b = rhs(n, 3, 2); Cholesky whole = Cholesky.of(a); Matrix expected = whole.solve(b)) {
            for (long budget : new long[] {Long.MAX_VALUE, 0}) {
                try (TileStore store = new TileStore(dir.resolve("b" + (budget > 0)), budget);
                     TiledCholesky c = TiledCholesky.factor(grid, tilesOf(a, grid), 0, store, "L", "A", TiledCholesky.Progress.NONE);
                     Matrix x = c.solve(b)) {
                    double norm = Linalg.normF(expected);
                    for (int i = 0; i < x.size(); i++) assertEquals(expected.get(i), x.get(i), 1e-12 * norm, "budget " + budget + ", entry " + i);
                    if (budget == 0) assertTrue(store.spilled() == grid.lowerTiles() && store.reads() > 0, "every L tile went to disk and was read back");
                    else assertEquals(0, store.spilled());
                }
            }
        }
    }

    @Test
    void theRidgeIsAddedToTheDiagonal() {
        int n = 61;
        TiledCholesky.Grid grid = new TiledCholesky.Grid(n, 16);
        try (Matrix a = spd(n, 3); Matrix ridged = a.copy(); Matrix b = rhs(n, 2, 4)) {
            for (int i = 0; i < n; i++) ridged.set(i, i, ridged.get(i, i) + 0.7);
            try (Cholesky whole = Cholesky.of(ridged); Matrix expected = whole.solve(b); TileStore store = new TileStore(dir, Long.MAX_VALUE);
                 TiledCholesky c = TiledCholesky.factor(grid, tilesOf(a, grid), 0.7, store, "L", "A", TiledCholesky.Progress.NONE);
                 Matrix x = c.solve(b)) {
                for (int i = 0; i < x.size(); i++) assertEquals(expected.get(i), x.get(i), 1e-12 * Linalg.normF(expected));
            }
        }
    }

    @Test
    void forwardIsTheInverseOfTheFactor() {
        int n = 50;
        TiledCholesky.Grid grid = new TiledCholesky.Grid(n, 12);
        try (Matrix a = spd(n, 5); Matrix b = rhs(n, 4, 6); TileStore store = new TileStore(dir, 0);
             TiledCholesky c = TiledCholesky.factor(grid, tilesOf(a, grid), 0, store, "L", "A", TiledCholesky.Progress.NONE);
             Matrix z = b.copy(); Matrix azz = Matrix.zeros(4, 4); Matrix bab = Matrix.zeros(4, 4); Cholesky whole = Cholesky.of(a); Matrix ab = whole.solve(b)) {
            c.forward(z);                                                      // z = L^-1 b, so z^T z = b^T A^-1 b
            Linalg.multTransA(1.0, z, z, 0.0, azz);
            Linalg.multTransA(1.0, b, ab, 0.0, bab);
            for (int i = 0; i < 16; i++) assertEquals(bab.get(i), azz.get(i), 1e-12 * Linalg.normF(bab));
        }
    }

    @Test
    void aPivotThatIsNotPositiveIsFoundAtItsRow() {
        int n = 45;
        TiledCholesky.Grid grid = new TiledCholesky.Grid(n, 10);
        try (Matrix a = Matrix.zeros(n, n); TileStore store = new TileStore(dir, Long.MAX_VALUE)) {
            for (int i = 0; i < n; i++) a.set(i, i, i == 33 ? -1 : 2);
            KernelPrediction.NotPositiveDefinite e = assertThrows(KernelPrediction.NotPositiveDefinite.class,
                    () -> TiledCholesky.factor(grid, tilesOf(a, grid), 0, store, "L", "Theta", TiledCholesky.Progress.NONE));
            assertTrue(e.getMessage().contains("row 33"), e.getMessage());
            assertEquals(0, store.residentBytes(), "a failed factorization frees its tiles");
        }
    }
}
