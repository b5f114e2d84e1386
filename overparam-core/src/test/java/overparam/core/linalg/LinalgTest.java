package overparam.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The BLAS door against plain loops (a test-only reference), and LAPACK's extremes against the full spectrum. */
class LinalgTest {
    static Matrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        Matrix m = Matrix.zeros(rows, cols);
        for (int i = 0; i < m.size(); i++) m.set(i, r.nextGaussian());
        return m;
    }

    /** Sum_k a(i,k) b(k,j) with the given transposes, by loops: the independent route. */
    static double product(Matrix a, boolean ta, Matrix b, boolean tb, int i, int j) {
        int inner = ta ? a.rows() : a.cols();
        double s = 0;
        for (int k = 0; k < inner; k++) s += (ta ? a.get(k, i) : a.get(i, k)) * (tb ? b.get(j, k) : b.get(k, j));
        return s;
    }

    @Test
    void productsAgreeWithLoops() {
        try (Matrix a = random(7, 5, 1); Matrix b = random(5, 6, 2); Matrix bt = random(6, 5, 3); Matrix at = random(5, 7, 4);
             Matrix c = random(7, 6, 5); Matrix c0 = c.copy()) {
            Linalg.mult(2.0, a, b, 0.5, c);
            for (int i = 0; i < 7; i++) for (int j = 0; j < 6; j++)
                assertEquals(2 * product(a, false, b, false, i, j) + 0.5 * c0.get(i, j), c.get(i, j), 1e-13);
            Linalg.multTransB(1.0, a, bt, 0.0, c);
            for (int i = 0; i < 7; i++) for (int j = 0; j < 6; j++) assertEquals(product(a, false, bt, true, i, j), c.get(i, j), 1e-13);
            Linalg.multTransA(1.0, at, b, 0.0, c);
            for (int i = 0; i < 7; i++) for (int j = 0; j < 6; j++) assertEquals(product(at, true, b, false, i, j), c.get(i, j), 1e-13);
            try (Matrix outer = Matrix.zeros(7, 7)) {
                Linalg.multOuter(a, outer);                                 // A A^T, checked on both triangles
                for (int i = 0; i < 7; i++) for (int j = 0; j < 7; j++) assertEquals(product(a, false, a, true, i, j), outer.get(i, j), 1e-13);
            }
            assertThrows(IllegalArgumentException.class, () -> Linalg.mult(1.0, a, bt, 0.0, c));
        }
    }

    @Test
    void vectorsAndNorms() {
        try (Matrix a = random(4, 3, 1); Matrix x = Matrix.vectorOf(1, -2, 0.5); Matrix y = Matrix.vector(4); Matrix z = Matrix.vectorOf(1, 1, 1, 1)) {
            Linalg.multVec(1.0, a, x, 0.0, y);
            for (int i = 0; i < 4; i++) assertEquals(a.get(i, 0) - 2 * a.get(i, 1) + 0.5 * a.get(i, 2), y.get(i), 1e-14);
            try (Matrix w = Matrix.vector(3)) {
                Linalg.multTransAVec(1.0, a, z, 0.0, w);
                for (int j = 0; j < 3; j++) assertEquals(a.get(0, j) + a.get(1, j) + a.get(2, j) + a.get(3, j), w.get(j), 1e-14);
            }
            assertEquals(Math.sqrt(1 + 4 + 0.25), Linalg.normF(x), 1e-15);
        }
    }

    /** dsytrd + dstebz by index against dsyevr's full spectrum, on random symmetric matrices and a known one. */
    @Test
    void extremeEigenvaluesAgreeWithTheFullSpectrum() {
        for (int n : new int[] {2, 3, 10, 57, 200}) {
            try (Matrix x = random(n, n + 5, n); Matrix s = Matrix.zeros(n, n)) {
                Linalg.multOuter(x, s);
                for (int i = 0; i < n; i++) s.set(i, i, s.get(i, i) - 3.0);       // indefinite
                double[] all = Spectrum.all(s);
                Spectrum.Extremes e = Spectrum.of(s);
                double scale = Math.max(Math.abs(all[0]), Math.abs(all[n - 1]));
                assertEquals(all[0], e.min(), 1e-13 * scale, "n = " + n);
                assertEquals(all[n - 1], e.max(), 1e-13 * scale, "n = " + n);
            }
        }
        // the path graph's Laplacian has eigenvalues 2 - 2 cos(pi k / n), k = 0..n-1
        int n = 50;
        try (Matrix lap = Matrix.zeros(n, n)) {
            for (int i = 0; i < n; i++) {
                lap.set(i, i, i == 0 || i == n - 1 ? 1 : 2);
                if (i > 0) { lap.set(i, i - 1, -1); lap.set(i - 1, i, -1); }
            }
            Spectrum.Extremes e = Spectrum.of(lap);
            assertEquals(0.0, e.min(), 1e-14);
            assertEquals(2 - 2 * Math.cos(Math.PI * (n - 1) / n), e.max(), 1e-14);
        }
    }

    /** JavaCPP's position/limit views stop at 2^31 - 1 bytes; Matrix's row views must reach every row. */
    @Test
    void rowViewsReachPastTwoGibibytes() {
        int rows = 33_000, cols = 8_200;                                   // 2.16 GB
        if (Memory.availableBytes() < 6L << 30) return;                    // not on a small machine
        try (Matrix m = Matrix.zeros(rows, cols)) {
            int per = m.rowsPerBlock();
            long seen = 0;
            for (int first = 0; first < rows; first += per) {
                int count = Math.min(per, rows - first);
                assertEquals((long) count * cols, m.rowBlock(first, count).capacity());
                assertEquals((long) count * cols * 8, m.rowBytes(first, count).capacity());
                seen += count;
            }
            assertEquals(rows, seen);
            m.set(rows - 1, cols - 1, 7.0);
            assertEquals(7.0, m.rowBlock(rows - 1, 1).get(cols - 1));
            assertEquals(7.0, m.row(rows - 1)[cols - 1]);
        }
    }
}
