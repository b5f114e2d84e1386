package overparam.core.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

class MagnitudePruningTest {
    private static Matrix gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        Matrix w = Matrix.zeros(rows, cols);
        for (int e = 0; e < rows * cols; e++) w.set(e, random.nextGaussian());
        return w;
    }

    private static Matrix ones(int rows, int cols) {
        Matrix m = Matrix.zeros(rows, cols);
        m.fill(1);
        return m;
    }

    /**
     * The rounding rule on a 300 x 100 layer (N = 30000), 10 rounds at q = 0.2 and at q = 0.1: the round removes ceil(q r),
     * so R_k = floor((1 - q) R_{k-1}), worked out here in integers (4 R / 5 and 9 R / 10, Java's division floors) with no
     * floating point: 24000, 19200, 15360, 12288, 9830, 7864, 6291, 5032, 4025, 3220 at 0.8; 27000, 24300, 21870, 19683,
     * 17714, 15942, 14347, 12912, 11620, 10458 at 0.9. Each R_k lies in (N (1 - q)^k - 1 / q, N (1 - q)^k]: below 0.8^k N by less than 5 (0.9: 10).
     */
    @Test
    void theFractionRemainingFollows08And09ToTheRoundingRule() {
        int n = 30000;
        for (int[] frac : new int[][] {{8, 10}, {9, 10}}) {
            double q = frac[0] == 8 ? 0.2 : 0.1;                         // as written (1 - 0.8 = 0.19999999999999996 is another decimal)
            try (Matrix w = gaussian(300, 100, 3)) {
                Matrix mask = ones(300, 100);
                long expected = n;
                for (int k = 1; k <= 10; k++) {
                    Matrix next = MagnitudePruning.layer(w, mask, q, "--prune");
                    mask.close();
                    mask = next;
                    expected = expected * frac[0] / frac[1];
                    long r = MagnitudePruning.remaining(mask);
                    assertEquals(expected, r, "round " + k + " at q = " + q);
                    double exact = n * Math.pow(frac[0] / 10.0, k);
                    assertTrue(r <= exact + 1e-9 && r > exact - 1 / q, "round " + k + ": " + r + " against " + exact);
                }
                if (frac[0] == 8) assertEquals(3220, expected);
                else assertEquals(10458, expected);
                mask.close();
            }
        }
    }

    /**
     * LeNet-300-100 (784-300-100-10: 235,200 + 30,000 hidden weights, 1,000 output weights, 266,200 in all), the paper's
     * rates 0.2 and 0.1 layer by layer: after k rounds each layer keeps R_k = R_{k-1} - ceil(q R_{k-1}), worked out in integers
     * ((2 R + 9) / 10 is ceil(R / 5), (R + 9) / 10 ceil(R / 10)). Frankle and Carbin's Figure 3 prints the fractions of all
     * weights 100, 51.3, 21.1, 7.0, 3.6, 1.9: rounds 0, 3, 7, 12 and 15 give 100.0, 51.3 (136,511), 21.1 (56,092), 7.0 (18,501)
     * and 3.6% (9,530) to the printed digit; round 18 gives 1.8% (4,920 = 1.848%), where the paper's 1.9 is the unrounded
     * 0.8^18 and 0.9^18 (4,927.5 = 1.851%): the ceilings of 18 rounds cost 7.5 weights.
     */
    @Test
    void lenet300100FractionsAreThePapersFigure3() {
        int[][] shapes = {{784, 300}, {300, 100}, {100, 10}};
        List<Matrix> weights = new ArrayList<>(), masks = new ArrayList<>();
        for (int l = 0; l < 3; l++) {
            weights.add(gaussian(shapes[l][0], shapes[l][1], 11 + l));
            masks.add(ones(shapes[l][0], shapes[l][1]));
        }
        long[] expected = {235200, 30000, 1000};
        java.util.Map<Integer, String> paper = java.util.Map.of(0, "100.0", 3, "51.3", 7, "21.1", 12, "7.0", 15, "3.6", 18, "1.8");
        try {
            for (int k = 0; k <= 18; k++) {
                if (k > 0) {
                    List<Matrix> next = MagnitudePruning.perLayer(weights, masks, 0.2, 0.1, "--prune-rate", "--prune-rate-output");
                    masks.forEach(Matrix::close);
                    masks = next;
                    expected = new long[] {expected[0] - (2 * expected[0] + 9) / 10, expected[1] - (2 * expected[1] + 9) / 10, expected[2] - (expected[2] + 9) / 10};
                }
                long remaining = 0;
                for (int l = 0; l < 3; l++) {
                    assertEquals(expected[l], MagnitudePruning.remaining(masks.get(l)), "round " + k + ", layer " + (l + 1));
                    remaining += expected[l];
                }
                if (paper.containsKey(k)) assertEquals(paper.get(k), String.format(java.util.Locale.ROOT, "%.1f", 100.0 * remaining / 266200), "round " + k);
                if (k == 18) assertEquals(4920, remaining);
            }
        } finally {
            weights.forEach(Matrix::close);
            masks.forEach(Matrix::close);
        }
    }

    /** The weights pruned are the smallest in magnitude: every pruned |w| <= every kept |w|, and pruned ones stay pruned. */
    @Test
    void prunesTheSmallestMagnitudesAndKeepsWhatWasPruned() {
        try (Matrix w = gaussian(30, 20, 5); Matrix mask = ones(30, 20)) {
            for (int e = 0; e < 600; e += 7) mask.set(e, 0);           // already pruned, some of them large
            long r = MagnitudePruning.remaining(mask);
            try (Matrix next = MagnitudePruning.layer(w, mask, 0.3, "--prune")) {
                assertEquals(r - (long) Math.ceil(0.3 * r), MagnitudePruning.remaining(next));
                double maxPruned = 0, minKept = Double.POSITIVE_INFINITY;
                for (int e = 0; e < 600; e++) {
                    if (mask.get(e) == 0) assertEquals(0.0, next.get(e), 0, "stays pruned");
                    else if (next.get(e) == 0) maxPruned = Math.max(maxPruned, Math.abs(w.get(e)));
                    else minKept = Math.min(minKept, Math.abs(w.get(e)));
                }
                assertTrue(maxPruned <= minKept, maxPruned + " > " + minKept);
            }
        }
    }

    /** Equal magnitudes (+-1 everywhere): the earlier positions go first, ceil(0.25 * 10) = 3 of them. */
    @Test
    void tiesAreBrokenByPosition() {
        try (Matrix w = Matrix.of(new double[][] {{1, -1, 1, -1, 1}, {-1, 1, -1, 1, -1}}); Matrix mask = ones(2, 5);
             Matrix next = MagnitudePruning.layer(w, mask, 0.25, "--prune")) {
            assertArrayEquals(new double[] {0, 0, 0, 1, 1, 1, 1, 1, 1, 1}, next.toArray(), 0);
        }
    }

    /**
     * Global: the smallest of both layers pooled. Layer 0 = [0.1, 5, 0.2], layer 1 = [3, 0.05, 4, 0.3] (7 weights); q = 0.5
     * removes ceil(3.5) = 4: 0.05, 0.1, 0.2, 0.3, three of them in layer 0's and layer 1's small entries; per layer at 0.5
     * would remove ceil(1.5) = 2 of layer 0 and 2 of layer 1 instead (0.1, 0.2; 0.05, 0.3: here the same set).
     * The paper's per-layer round takes the output layer at its own rate: q = 0.5 hidden, 0.25 output removes 2 and 1.
     */
    @Test
    void globalPoolsTheLayersAndThePerLayerRoundGivesTheOutputItsOwnRate() {
        try (Matrix a = Matrix.vectorOf(0.1, 5, 0.2); Matrix b = Matrix.vectorOf(3, 0.05, 4, 0.3);
             Matrix ma = ones(3, 1); Matrix mb = ones(4, 1)) {
            List<Matrix> g = MagnitudePruning.global(List.of(a, b), List.of(ma, mb), 0.5, "--prune");
            assertArrayEquals(new double[] {0, 1, 0}, g.get(0).toArray(), 0);
            assertArrayEquals(new double[] {1, 0, 1, 0}, g.get(1).toArray(), 0);
            List<Matrix> p = MagnitudePruning.perLayer(List.of(a, b), List.of(ma, mb), 0.5, 0.25, "--prune-hidden", "--prune-output");
            assertArrayEquals(new double[] {0, 1, 0}, p.get(0).toArray(), 0);
            assertArrayEquals(new double[] {1, 0, 1, 1}, p.get(1).toArray(), 0);
            List<Matrix> skewed = MagnitudePruning.global(List.of(a, b), List.of(ma, mb), 0.25, "--prune");   // ceil(1.75) = 2: 0.05, 0.1
            assertArrayEquals(new double[] {0, 1, 1}, skewed.get(0).toArray(), 0);
            assertArrayEquals(new double[] {1, 0, 1, 1}, skewed.get(1).toArray(), 0);
            List<Matrix> all = new ArrayList<>(g);
            all.addAll(p);
            all.addAll(skewed);
            all.forEach(Matrix::close);
        }
    }

    @Test
    void countsAreExactDecimalCeilings() {
        assertEquals(6000, MagnitudePruning.removed(30000, 0.2));
        assertEquals(7, MagnitudePruning.removed(100, 0.07));          // 0.07 * 100 is 7.000000000000001 in doubles: ceil would say 8
        assertEquals(7, MagnitudePruning.removed(50, 0.14));
        assertEquals(6001, MagnitudePruning.removed(30001, 0.2));
        assertEquals(0, MagnitudePruning.removed(0, 0.2));
        assertEquals(1, MagnitudePruning.removed(3, 0.1));
        assertEquals(0, MagnitudePruning.removed(100, 0));
    }

    @Test
    void fractionsOutsideZeroOneAreRefusedNamingTheOption() {
        try (Matrix w = Matrix.zeros(2, 2); Matrix m = ones(2, 2)) {
            for (double q : new double[] {1, -0.1, 1.5, Double.NaN}) {
                BadInputException e = assertThrows(BadInputException.class, () -> MagnitudePruning.layer(w, m, q, "--prune-hidden"));
                assertTrue(e.getMessage().startsWith("--prune-hidden " + q) && e.getMessage().contains("[0, 1)"), e.getMessage());
            }
        }
    }
}
