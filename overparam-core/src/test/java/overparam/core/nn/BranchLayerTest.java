package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.linalg.Matrix;

/**
 * The unit-branch residual MLP (--arch resnet --branch-scale unit) and Fixup: back-propagation through several blocks
 * against central differences, the 3^L growth of the signal at He initialization (Zhang et al. 2019, Section 2), Fixup's
 * exact identity at initialization, and the Gram machinery (one dense matrix a layer) against per-sample gradients.
 */
class BranchLayerTest {
    private static NetworkSpec spec(String activation, int d, int width, int depth) {
        return new NetworkSpec(Arch.RESNET_UNIT, d, width, depth, Activation.parse(activation, 0.1), 0.5);
    }

    /** Three blocks (H = 7): the skip's gradient has to pass two branch-in layers to reach W1. */
    @ParameterizedTest
    @ValueSource(strings = {"tanh", "softplus", "relu"})
    void backwardThroughThreeBlocksAgreesWithCentralDifferences(String activation) {
        NetworkSpec spec = spec(activation, 3, 5, 7);
        long seed = 0;
        Network net;
        Dataset data;
        while (true) {
            data = Fixtures.sphere(4, 3, seed);
            net = Network.initialize(spec, seed);
            if (Fixtures.distanceToKink(net, data) > 1e-3) break;
            net.close(); data.close(); seed++;
        }
        Fixtures.assertGradientMatchesCentralDifferences(net, data);
        net.close(); data.close();
    }

    /**
     * E[||x_{l+1}||^2 | x_l] = ||x_l||^2 + c_sigma E||z||^2 = 3 ||x_l||^2 for relu with He's scale on both branch layers, so the
     * ratio per block, averaged over blocks, samples and seeds, is 3 within k standard errors; each ratio has conditional
     * mean 3 given the past (a martingale difference), so the sample standard error is the right yardstick. The spread of a
     * ratio is O(m^-1/2), so at m = 512 the standard error is ~0.01 and a branch with He's factor dropped (ratio 2) or a
     * missing skip (ratio 2) is far outside. Over L blocks ||x^(H)||^2 / ||x^(1)||^2 is then ~3^L.
     */
    @Test void signalGrowsLikeThreeToTheBlocksAtHeInitialization() {
        int width = 512, depth = 11, blocks = Arch.branches(depth), seeds = 8, n = 4;
        NetworkSpec spec = spec("relu", 5, width, depth);
        double sum = 0, sumSq = 0, logGrowth = 0;
        int count = 0;
        for (long seed = 0; seed < seeds; seed++) {
            try (Dataset data = Fixtures.sphere(n, 5, 100 + seed); Network net = Network.initialize(spec, seed); Workspace ws = new Workspace(spec, n)) {
                net.forward(ws, data.x());
                for (int i = 0; i < n; i++) {
                    for (int l = 0; l < blocks; l++) {
                        double r = normSq(ws.output(2 * l + 3), i) / normSq(ws.output(2 * l + 1), i);
                        sum += r; sumSq += r * r; count++;
                    }
                    logGrowth += Math.log(normSq(ws.output(depth), i) / normSq(ws.output(1), i)) / (n * seeds);
                }
            }
        }
        double mean = sum / count, se = Math.sqrt((sumSq / count - mean * mean) / (count - 1));
        assertTrue(se < 0.03, "standard error " + se);
        assertEquals(3.0, mean, 4 * se, "ratio per block");
        assertEquals(blocks * Math.log(3), logGrowth, 0.15 * blocks, "log ||x^(H)||^2 / ||x^(1)||^2 against L log 3");
    }

    /** Fixup: W_out = 0 and a = 0, so every block is exactly the identity (x^(H) = x^(1) bit for bit) and u = 0. */
    @Test void fixupIsExactlyTheIdentityAtInitialization() {
        NetworkSpec spec = spec("relu", 5, 64, 9);
        try (Dataset data = Fixtures.sphere(6, 5, 3); Network net = Network.initialize(spec, 7, Init.FIXUP); Workspace ws = new Workspace(spec, 6)) {
            net.forward(ws, data.x());
            double[] first = ws.output(1).toArray(), top = ws.output(9).toArray();
            for (int k = 0; k < first.length; k++) assertEquals(first[k], top[k], 0.0);
            for (double u : ws.predictions().toArray()) assertEquals(0.0, u, 0.0);
        }
    }

    /** Fixup's W_in is the standard draw times L^(-1/2) (same stream), W1 the standard draw, W_out and a zero. */
    @Test void fixupScalesTheBranchInLayersByOneOverRootL() {
        NetworkSpec spec = spec("relu", 5, 16, 9);             // L = 4 blocks: factor 1/2
        try (Network fixup = Network.initialize(spec, 11, Init.FIXUP); Network standard = Network.initialize(spec, 11)) {
            for (int h = 1; h <= spec.parameterCount(); h++) {
                double factor = h == 1 ? 1 : h == spec.parameterCount() || h % 2 == 1 ? 0 : 0.5;
                double[] f = fixup.parameter(h).toArray(), s = standard.parameter(h).toArray();
                for (int k = 0; k < f.length; k++) assertEquals(factor * s[k], f[k], 0.0, spec.parameterName(h));
            }
        }
        NetworkSpec fc = Fixtures.spec(Arch.FC, "relu", 5, 16, 3);
        assertThrows(IllegalArgumentException.class, () -> Network.initialize(fc, 1, Init.FIXUP));
    }

    /**
     * The Gram instrument's G(0) = sum over parameters of (B_h B_h^T) o (X_{h-1} X_{h-1}^T) against the inner products of the
     * per-sample gradients du_i/dtheta, each formed by the training step on sample i alone with residual 1 (y_i = u_i - 1).
     */
    @Test void gramIsTheInnerProductOfPerSampleGradients() {
        NetworkSpec spec = spec("softplus", 3, 6, 5);
        int n = 4;
        try (Dataset data = Fixtures.sphere(n, 3, 5); Network net = Network.initialize(spec, 2)) {
            Matrix u = net.predict(data.x());
            Matrix[][] perSample = new Matrix[n][];
            for (int i = 0; i < n; i++) {
                Matrix xi = Matrix.zeros(1, 3), yi = Matrix.zeros(1, 1);
                for (int c = 0; c < 3; c++) xi.set(0, c, data.x().get(i, c));
                yi.set(0, 0, u.get(i, 0) - 1);                                  // squared loss: dL/du = 1
                try (Dataset one = new Dataset(xi, yi, "sample " + i)) {
                    perSample[i] = Fixtures.gradient(net, one, Loss.SQUARED);
                }
            }
            try (GramInstrument gram = GramInstrumentTestAccess.measureAtInit(net, data)) {
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int p = 0; p < spec.parameterCount(); p++) {
                        double[] a = perSample[i][p].toArray(), b = perSample[j][p].toArray();
                        for (int k = 0; k < a.length; k++) dot += a[k] * b[k];
                    }
                    assertEquals(dot, gram.ntk().get(i, j), 1e-10 * Math.max(1, Math.abs(dot)), "G(0)[" + i + "," + j + "]");
                }
            }
            u.close();
        }
    }

    /** The kinds say why they have no limit, so the limit kernel and the theorems' twin are refused, not guessed. */
    @Test void theBlockDeclaresNoInfiniteWidthLimit() {
        NetworkSpec spec = spec("relu", 3, 8, 5);
        assertTrue(spec.noLimitReason().orElseThrow().contains("not derived here"), spec.noLimitReason().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> spec("relu", 3, 8, 4));    // an even H leaves half a block
    }

    private static double normSq(Matrix m, int row) {
        double s = 0;
        for (int c = 0; c < m.cols(); c++) s += m.get(row, c) * m.get(row, c);
        return s;
    }
}
