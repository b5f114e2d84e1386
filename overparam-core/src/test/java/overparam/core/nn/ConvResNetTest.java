package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The convolutional ResNet of seed 004, Section 3.3, beyond the generic tests every architecture takes (finite
 * differences, structured Gram, limit vs Monte Carlo on 1-channel signals): images with several channels, the
 * blocked products of wide batches, and its tie to the dense ResNet at one pixel.
 */
class ConvResNetTest {
    static NetworkSpec images(String activation, int channels, int rows, int cols, int width, int depth) {
        return new NetworkSpec(Arch.CONV_RESNET, channels * rows * cols, width, depth, Activation.parse(activation, 0.1), 0.5,
                Patches.of(rows, cols, 3));
    }

    /** Back-propagation on 2-channel 3 x 4 images with 3 x 3 patches against central differences (as GradientTest). */
    @ParameterizedTest
    @ValueSource(strings = {"softplus", "tanh", "quadratic"})
    void backwardOnImagesAgreesWithCentralDifferences(String activation) {
        NetworkSpec spec = images(activation, 2, 3, 4, 5, 3);
        try (Dataset data = Fixtures.sphere(3, spec.inputDim(), 4); Network net = Network.initialize(spec, 9)) {
            Matrix[] grad = Fixtures.gradient(net, data, Loss.SQUARED);
            double h = 1e-5;
            for (int p = 1; p <= spec.parameterCount(); p++) {
                Matrix w = net.parameter(p);
                for (int e = 0; e < w.size(); e++) {
                    double original = w.get(e);
                    w.set(e, original + h);
                    double plus = Fixtures.loss(net, data, Loss.SQUARED);
                    w.set(e, original - h);
                    double minus = Fixtures.loss(net, data, Loss.SQUARED);
                    w.set(e, original);
                    double numeric = (plus - minus) / (2 * h);
                    assertEquals(numeric, grad[p - 1].get(e), 1e-7 * Math.max(1, Math.abs(numeric)), spec.parameterName(p) + "[" + e + "]");
                }
            }
        }
    }

    /** The structured Gram of every layer on images against the Gram of per-sample gradients by central differences. */
    @Test
    void structuredGramOnImagesEqualsGramOfPerSampleGradients() {
        NetworkSpec spec = images("softplus", 2, 3, 3, 4, 3);
        try (Dataset data = Fixtures.sphere(4, spec.inputDim(), 2); Network net = Network.initialize(spec, 5);
             GramInstrument gram = GramInstrumentTestAccess.measureAtInit(net, data)) {
            for (int h = 1; h <= spec.parameterCount(); h++) {
                double[][] jacobian = finiteDifferenceJacobian(net, data, h);
                for (int i = 0; i < data.n(); i++) for (int j = 0; j < data.n(); j++) {
                    double expected = 0;
                    for (int e = 0; e < jacobian[i].length; e++) expected += jacobian[i][e] * jacobian[j][e];
                    assertEquals(expected, gram.layerGram(h).get(i, j), 1e-7 * Math.max(1, Math.abs(expected)), "G^(" + h + ")[" + i + "," + j + "]");
                }
            }
        }
    }

    /**
     * Batches wide enough that phi(X) is built block by block (60 images of 8 x 8 with m = 256: 57 a block) and the
     * Gram is combined in blocks too: the batch's predictions, loss gradient and Gram against the same network
     * run one sample at a time (one block each), an independent route through the same layers.
     */
    @Test
    void blockedBatchesAgreeWithOneSampleAtATime() {
        NetworkSpec spec = images("softplus", 1, 8, 8, 256, 2);
        int n = 60;
        assertTrue(Patches.samplesPerBlock(n, 64, 9 * 256) < n, "the test needs more than one block");
        try (Dataset data = Fixtures.sphere(n, spec.inputDim(), 3); Network net = Network.initialize(spec, 1);
             GramInstrument gram = GramInstrumentTestAccess.measureAtInit(net, data)) {
            Matrix batch = net.predict(data.x());
            Matrix[] perSample = new Matrix[n];                      // du_i / dW2, each from a one-sample pass
            for (int i = 0; i < n; i++) {
                try (Matrix xi = data.x().rowRange(i, 1).copy(); Matrix yi = Matrix.vector(1)) {
                    double ui = net.predict(xi).get(0);
                    assertEquals(ui, batch.get(i), 1e-12 * Math.max(1, Math.abs(ui)), "u_" + i);
                    yi.set(0, ui - 1);                               // residual u - y = 1: the gradient is du_i/dW
                    try (Dataset one = new Dataset(xi.copy(), yi.copy(), "one")) {
                        perSample[i] = Fixtures.gradient(net, one, Loss.SQUARED)[1];
                    }
                }
            }
            double scale = Math.abs(gram.layerGram(2).get(0, 0));
            for (int i = 0; i < n; i += 7) for (int j = 0; j < n; j += 5) {
                double dot = 0;
                for (int e = 0; e < perSample[i].size(); e++) dot += perSample[i].get(e) * perSample[j].get(e);
                assertEquals(dot, gram.layerGram(2).get(i, j), 1e-10 * scale, "G^(2)[" + i + "," + j + "]");
            }
            for (Matrix m : perSample) m.close();
            batch.close();
        }
    }

    /**
     * At one pixel the convolutional ResNet is the dense ResNet: a patch of 3 sees only its centre (the rest is
     * padding), so with the dense weights in the centre columns (column c q + 1) the predictions, every layer's
     * Gram and every limit kernel agree; the other columns only add zero-gradient entries.
     */
    @Test
    void onePixelReducesToTheDenseResNet() {
        int d = 4, width = 16, depth = 3, q = 3;
        NetworkSpec dense = Fixtures.spec(Arch.RESNET, "softplus", d, width, depth);
        NetworkSpec conv = new NetworkSpec(Arch.CONV_RESNET, d, width, depth, dense.activation(), dense.cRes(), Patches.of(1, 1, q));
        try (Dataset data = Fixtures.sphere(6, d, 8); Network a = Network.initialize(dense, 3); Network b = Network.initialize(conv, 4)) {
            for (int h = 1; h <= depth; h++)
                for (int r = 0; r < width; r++)
                    for (int c = 0; c < dense.fanIn(h); c++) b.parameter(h).set(r, c * q + 1, a.parameter(h).get(r, c));
            b.parameter(depth + 1).copyFrom(a.parameter(depth + 1));
            Matrix ua = a.predict(data.x()), ub = b.predict(data.x());
            for (int i = 0; i < 6; i++) assertEquals(ua.get(i), ub.get(i), 1e-13 * Math.max(1, Math.abs(ua.get(i))));
            try (GramInstrument ga = GramInstrumentTestAccess.measureAtInit(a, data); GramInstrument gb = GramInstrumentTestAccess.measureAtInit(b, data)) {
                for (int h = 1; h <= depth + 1; h++)
                    for (int e = 0; e < 36; e++)
                        assertEquals(ga.layerGram(h).get(e), gb.layerGram(h).get(e), 1e-12 * Math.max(1, Math.abs(ga.layerGram(h).get(e))), "G^(" + h + ")");
            }
            try (LimitKernel la = LimitKernel.withLayerGrams(dense, data.x(), TrainedLayers.all(dense));
                 LimitKernel lb = LimitKernel.withLayerGrams(conv, data.x(), TrainedLayers.all(conv))) {
                for (int e = 0; e < 36; e++) {
                    assertEquals(la.limitGram().get(e), lb.limitGram().get(e), 1e-14);
                    assertEquals(la.limitNtk().get(e), lb.limitNtk().get(e), 1e-13);
                    assertEquals(la.nngp().get(e), lb.nngp().get(e), 1e-14);
                }
            }
            ua.close();
            ub.close();
        }
    }

    /**
     * The limit of every layer's Gram (Def. 7.1 derived from the network) on 2-channel 3 x 3 images of unequal
     * norms against the seed-averaged finite network: the error falls like m^-1/2 from m = 64 to 1024 (ratio about
     * 0.25, a wrong formula near 1), as LimitKernelTest asks of every layer (at a sixteenth of its widths' cost in
     * Gaussian draws: a 3 x 3 patch makes W^(h) m x 9m).
     */
    @ParameterizedTest
    @ValueSource(strings = {"relu", "softplus"})
    void imageLimitMatchesTheFiniteNetwork(String activation) {
        NetworkSpec narrow = images(activation, 2, 3, 3, 64, 3), wide = images(activation, 2, 3, 3, 1024, 3);
        try (Matrix x = Synthetic.sphere(4, narrow.inputDim(), 6)) {
            double[] norms = {0.7, 1.0, 1.3, 0.9};
            for (int i = 0; i < 4; i++) for (int j = 0; j < x.cols(); j++) x.set(i, j, x.get(i, j) * norms[i]);
            try (LimitKernel limit = LimitKernel.withLayerGrams(narrow, x, TrainedLayers.all(narrow))) {
                double[] errNarrow = LimitKernelTest.meanRelativeErrors(narrow, x, limit), errWide = LimitKernelTest.meanRelativeErrors(wide, x, limit);
                for (int p = 0; p < errNarrow.length; p++) {
                    double ratio = errWide[p] / errNarrow[p];
                    assertTrue(ratio < 0.45, "kernel " + p + ": error " + errNarrow[p] + " at m = 64, " + errWide[p] + " at m = 1024 (ratio " + ratio + ")");
                }
            }
        }
    }

    /** J[i][e] = du_i / dtheta_e over the entries of parameter h, by central differences. */
    private static double[][] finiteDifferenceJacobian(Network net, Dataset data, int h) {
        Matrix w = net.parameter(h);
        double[][] jacobian = new double[data.n()][(int) w.size()];
        double step = 1e-5;
        for (int e = 0; e < w.size(); e++) {
            double original = w.get(e);
            w.set(e, original + step);
            double[] plus = net.predict(data.x()).toArray();
            w.set(e, original - step);
            double[] minus = net.predict(data.x()).toArray();
            w.set(e, original);
            for (int i = 0; i < data.n(); i++) jacobian[i][e] = (plus[i] - minus[i]) / (2 * step);
        }
        return jacobian;
    }
}
