package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import overparam.core.Fixtures;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;

/**
 * Tiles of Theta and the NNGP against {@link LimitKernel}'s whole-matrix fold (the independent route: matrices mapped
 * layer by layer through {@link DenseLayer}'s limit, where the tiles fuse the layers inside each entry): every tile of
 * a grid whose last tile is smaller, rows and columns from different sets, inputs of unequal norms.
 */
class TiledKernelsTest {
    /** n inputs in d = 5 of norms 0.5 .. 2 (the maps' general path, not only the unit sphere). */
    static Matrix inputs(int n, long seed) {
        Matrix x = Synthetic.sphere(n, 5, seed);
        for (int i = 0; i < n; i++) for (int j = 0; j < 5; j++) x.set(i, j, x.get(i, j) * (0.5 + 1.5 * i / (n - 1.0)));
        return x;
    }

    @ParameterizedTest(name = "{0} {1} depth {2}")
    @CsvSource({"FC, relu, 1", "FC, relu, 3", "FC, relu, 5", "FC, erf, 3", "FC, leaky-relu, 2", "FC, identity, 2", "FC, quadratic, 2", "TWO_LAYER, relu, 1"})
    void tilesAreTheWholeMatrixFold(Arch arch, String activation, int depth) {
        NetworkSpec spec = Fixtures.spec(arch, activation, 5, 64, depth);
        int n = 23, tile = 7;                                     // tiles 7, 7, 7, 2
        try (Matrix x = inputs(n, 3); LimitKernel whole = LimitKernel.of(spec, x)) {
            assertMatches(spec, TrainedLayers.all(spec), x, whole, tile);
        }
    }

    /** With biases (fc --bias-scale 0.8) the fused entrywise maps shift every layer's Sigma by beta^2 as the whole-matrix fold does. */
    @ParameterizedTest(name = "{0} depth {1} with biases")
    @CsvSource({"relu, 1", "relu, 3", "erf, 3"})
    void biasedTilesAreTheWholeMatrixFold(String activation, int depth) {
        NetworkSpec spec = Fixtures.spec(Arch.FC, activation, 5, 64, depth).withBiasScale(0.8);
        try (Matrix x = inputs(13, 3); LimitKernel whole = LimitKernel.of(spec, x)) {
            assertMatches(spec, TrainedLayers.all(spec), x, whole, 5);
        }
    }

    @Test
    void onlyTheTrainedLayersCount() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 5, 64, 3);
        for (int[] layers : new int[][] {{1}, {2, 4}, {4}}) {
            BitSet b = new BitSet();
            for (int h : layers) b.set(h);
            TrainedLayers trained = new TrainedLayers(b);
            try (Matrix x = inputs(11, 4); LimitKernel whole = LimitKernel.of(spec, x, trained, false)) {
                assertMatches(spec, trained, x, whole, 4);
            }
        }
    }

    @Test
    void crossTilesBetweenTwoSetsAndTheirDiagonals() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "erf", 5, 64, 4);
        TrainedLayers all = TrainedLayers.all(spec);
        TiledKernels tiles = TiledKernels.of(spec, all);
        try (Matrix x = inputs(9, 5); Matrix xt = inputs(6, 6); CrossKernels c = CrossKernels.of(spec, xt, x, all);
             Matrix g = Matrix.zeros(6, 9); Matrix ntk = Matrix.zeros(6, 9); Matrix nngp = Matrix.zeros(6, 9)) {
            double[][] v = tiles.variances(x), vt = tiles.variances(xt);
            tiles.tile(xt, vt, 0, x, v, 0, g, ntk, nngp);
            double scale = Math.abs(c.ntkCross().get(0, 0));
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 9; j++) {
                    assertEquals(c.ntkCross().get(i, j), ntk.get(i, j), 1e-12 * scale, "Theta(x*_" + i + ", x_" + j + ")");
                    assertEquals(c.nngpCross().get(i, j), nngp.get(i, j), 1e-12 * scale, "K(x*_" + i + ", x_" + j + ")");
                }
            }
            double[][] d = tiles.diagonal(vt);
            for (int i = 0; i < 6; i++) {
                assertEquals(c.ntkTest()[i], d[0][i], 1e-12 * scale, "Theta(x*_" + i + ", x*_" + i + ")");
                assertEquals(c.nngpTest()[i], d[1][i], 1e-12 * scale, "K(x*_" + i + ", x*_" + i + ")");
            }
        }
    }

    /**
     * What a Spark executor does: the maps' recipe through Java serialization (the bytes a task carries), made again, gives
     * every tile to the same bits, for each closed-form activation (leaky-relu's slope included) and a partly trained network.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"relu", "leaky-relu", "erf", "identity", "quadratic"})
    void theRecipeThroughSerializationMakesTheSameTiles(String activation) throws Exception {
        NetworkSpec spec = Fixtures.spec(Arch.FC, activation, 5, 64, 3);
        if (spec.activation() instanceof Activation.LeakyRelu l) assertTrue(l.slope() > 0, "a slope to carry: " + l.slope());
        BitSet b = new BitSet();
        b.set(2);
        b.set(4);
        TiledKernels original = TiledKernels.of(spec, new TrainedLayers(b));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(original.recipe());
        }
        TiledKernels.Recipe back;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = (TiledKernels.Recipe) in.readObject();
        }
        TiledKernels remade = TiledKernels.of(back);
        try (Matrix x = inputs(9, 8); Matrix g = Matrix.zeros(9, 9); Matrix a = Matrix.zeros(9, 9); Matrix ka = Matrix.zeros(9, 9);
             Matrix c = Matrix.zeros(9, 9); Matrix kc = Matrix.zeros(9, 9)) {
            double[][] v = original.variances(x);
            assertEquals(java.util.Arrays.deepToString(v), java.util.Arrays.deepToString(remade.variances(x)));
            original.tile(x, v, 0, x, v, 0, g, a, ka);
            remade.tile(x, v, 0, x, v, 0, g, c, kc);
            for (int i = 0; i < 81; i++) {
                assertEquals(Double.doubleToRawLongBits(a.get(i)), Double.doubleToRawLongBits(c.get(i)), activation + " Theta entry " + i);
                assertEquals(Double.doubleToRawLongBits(ka.get(i)), Double.doubleToRawLongBits(kc.get(i)), activation + " NNGP entry " + i);
            }
        }
    }

    @Test
    void bothExpectationsTogetherAreTheSameBitsAsApart() {
        java.util.Random r = new java.util.Random(7);
        double[] out = new double[2];
        for (String name : Activation.FIXED) {
            if (!(Activation.parse(name, 0.1) instanceof overparam.core.kernel.ClosedForm form)) continue;
            for (int t = 0; t < 2000; t++) {
                double a = t % 50 == 0 ? 0 : Math.exp(3 * r.nextGaussian()), b = Math.exp(3 * r.nextGaussian());
                double c = (2 * r.nextDouble() - 1) * Math.sqrt(a * b) * (t % 7 == 0 ? 1 : r.nextDouble());
                form.productsAndDerivative(a, b, c, out);
                assertEquals(form.products(a, b, c), out[0], 0.0, name + " products at " + a + ", " + b + ", " + c);
                assertEquals(form.derivativeProducts(a, b, c), out[1], 0.0, name + " derivative products at " + a + ", " + b + ", " + c);
            }
        }
    }

    @Test
    void networksWhoseMapsAreNotEntrywiseAreNamed() {
        assertTrue(TiledKernels.unsupported(Fixtures.spec(Arch.FC, "relu", 5, 64, 3)).isEmpty());
        assertTrue(TiledKernels.unsupported(Fixtures.spec(Arch.RESNET, "relu", 5, 64, 3)).orElseThrow().contains("hidden layer 2"));
        assertTrue(TiledKernels.unsupported(Fixtures.spec(Arch.FC, "softplus", 5, 64, 3)).orElseThrow().contains("closed-form"));
    }

    private static void assertMatches(NetworkSpec spec, TrainedLayers trained, Matrix x, LimitKernel whole, int tile) {
        TiledKernels tiles = TiledKernels.of(spec, trained);
        int n = x.rows();
        double[][] v = tiles.variances(x);
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(whole.limitNtk().get(i, i)));
        for (int r0 = 0; r0 < n; r0 += tile) {
            for (int c0 = 0; c0 < n; c0 += tile) {
                int rows = Math.min(tile, n - r0), cols = Math.min(tile, n - c0);
                try (Matrix g = Matrix.zeros(rows, cols); Matrix ntk = Matrix.zeros(rows, cols); Matrix nngp = Matrix.zeros(rows, cols)) {
                    tiles.tile(x, v, r0, x, v, c0, g, ntk, nngp);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            assertEquals(whole.limitNtk().get(r0 + i, c0 + j), ntk.get(i, j), 1e-12 * scale, "Theta " + (r0 + i) + ", " + (c0 + j));
                            assertEquals(whole.nngp().get(r0 + i, c0 + j), nngp.get(i, j), 1e-12 * scale, "NNGP " + (r0 + i) + ", " + (c0 + j));
                        }
                    }
                }
            }
        }
        assertTrue(scale > 0);
    }
}
