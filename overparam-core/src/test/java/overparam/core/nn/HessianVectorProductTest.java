package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;

/**
 * The R-operator's H v against central differences of exact gradients, (grad L(theta + h v) - grad L(theta - h v)) / 2h
 * by the training step's own backward pass ({@link LossGradient}), for every supported architecture x fixed activation
 * x loss; its symmetry; the linear model's closed form H = X^T X; a subset of trained layers; the refusals.
 */
class HessianVectorProductTest {
    static final int CLASSES = 3;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        List<Loss> losses = new ArrayList<>(Loss.named());
        losses.add(Loss.lp(3));
        Arch[] archs = {Arch.FC, Arch.RESNET, Arch.TWO_LAYER, Arch.LINEAR, Arch.QUADRATIC, Arch.NO_IDENTITY};
        for (String act : Activation.FIXED) for (Arch arch : archs) for (Loss loss : losses) {
            if ((arch == Arch.LINEAR || arch == Arch.QUADRATIC) && !act.equals(arch == Arch.LINEAR ? "identity" : "quadratic")) continue;
            if (loss == Loss.CROSS_ENTROPY && (arch == Arch.TWO_LAYER || arch == Arch.QUADRATIC || arch == Arch.NO_IDENTITY)) continue;
            if (loss == Loss.EXPONENTIAL && act.equals("quadratic") && arch.isSeed002()) continue;   // margins ~ -1e50 (GradientTest)
            b.add(Arguments.of(arch, act, loss, 3));
        }
        for (Loss loss : losses) b.add(Arguments.of(Arch.LINEAR, "identity", loss, 0));              // the linear model
        return b.build();
    }

    /**
     * h = 1e-5: truncation h^2 |d^3 L| / 6 ~ 1e-10 and rounding eps |grad L| / h ~ 1e-11 against entries of order one;
     * the tolerance 1e-6 (1 + |H v|_inf) leaves both three orders of magnitude.
     */
    @ParameterizedTest(name = "{0} {1} {2} depth {3}")
    @MethodSource("cases")
    void hessianVectorProductAgreesWithCentralDifferencesOfTheGradient(Arch arch, String activation, Loss loss, int depth) {
        NetworkSpec spec = Fixtures.spec(arch, activation, 3, 5, depth, loss == Loss.CROSS_ENTROPY ? CLASSES : 1);
        long seed = 0;
        Network net;
        Dataset data;
        while (true) {                                     // pre-activations clear of relu's kink within +-h v
            data = dataFor(loss, 4, spec.inputDim(), seed);
            net = Network.initialize(spec, seed);
            if (Fixtures.distanceToKink(net, data) > 1e-3) break;
            net.close(); data.close(); seed++;
        }
        TrainedLayers trained = TrainedLayers.all(spec);
        compare(net, spec, data, loss, trained, 1e-6);
        net.close();
        data.close();
    }

    /** Only W2 and a trained in a depth-3 fc net: the tangent starts at layer 2 and W1, W3 have no coordinates. */
    @Test
    void aSubsetOfTrainedLayersHasItsOwnHessian() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "tanh", 3, 5, 3, 1);
        BitSet only = new BitSet();
        only.set(2);
        only.set(4);
        try (Network net = Network.initialize(spec, 2); Dataset data = dataFor(Loss.SQUARED, 4, 3, 2)) {
            compare(net, spec, data, Loss.SQUARED, new TrainedLayers(only), 1e-6);
        }
    }

    private static void compare(Network net, NetworkSpec spec, Dataset data, Loss loss, TrainedLayers trained, double tolerance) {
        try (HessianVectorProduct hvp = new HessianVectorProduct(net, trained, loss, data.n());
             Network moved = Network.initialize(spec, 99);
             LossGradient grad = new LossGradient(moved, trained, loss, data.n())) {
            ParameterVector layout = hvp.layout();
            Matrix theta = layout.zeros(), v = layout.zeros(), hv = layout.zeros(), plus = layout.zeros(), minus = layout.zeros();
            layout.read(net, theta);
            for (int p = 1; p <= spec.parameterCount(); p++) moved.parameter(p).copyFrom(net.parameter(p));   // untrained ones too
            SplittableRandom rng = new SplittableRandom(5);
            for (int i = 0; i < v.size(); i++) v.set(i, rng.nextGaussian());
            hvp.at(data.x(), data.y());
            hvp.apply(v, hv);
            double h = 1e-5;
            layout.write(theta, moved);
            layout.add(h, v, moved);
            grad.evaluate(data.x(), data.y(), plus);
            layout.write(theta, moved);
            layout.add(-h, v, moved);
            grad.evaluate(data.x(), data.y(), minus);
            double scale = 0;
            for (int i = 0; i < hv.size(); i++) scale = Math.max(scale, Math.abs(hv.get(i)));
            for (int i = 0; i < hv.size(); i++) {
                double numeric = (plus.get(i) - minus.get(i)) / (2 * h);
                assertEquals(numeric, hv.get(i), tolerance * (1 + scale), "coordinate " + i + " of " + layout.size());
            }
            assertTrue(scale > 0, "H v = 0 would pass any difference test vacuously");
        }
    }

    /** u^T H v = v^T H u to rounding: the R-operator's two passes are each other's adjoints. */
    @Test
    void theProductIsSymmetric() {
        NetworkSpec spec = Fixtures.spec(Arch.RESNET, "softplus", 3, 6, 3, CLASSES);
        try (Network net = Network.initialize(spec, 4); Dataset data = dataFor(Loss.CROSS_ENTROPY, 5, 3, 4);
             HessianVectorProduct hvp = new HessianVectorProduct(net, TrainedLayers.all(spec), Loss.CROSS_ENTROPY, 5)) {
            ParameterVector layout = hvp.layout();
            Matrix u = layout.zeros(), v = layout.zeros(), hu = layout.zeros(), hv = layout.zeros();
            SplittableRandom rng = new SplittableRandom(8);
            for (int i = 0; i < u.size(); i++) { u.set(i, rng.nextGaussian()); v.set(i, rng.nextGaussian()); }
            hvp.at(data.x(), data.y());
            hvp.apply(u, hu);
            hvp.apply(v, hv);
            double uHv = 0, vHu = 0, norm = 0;
            for (int i = 0; i < u.size(); i++) {
                uHv += u.get(i) * hv.get(i);
                vHu += v.get(i) * hu.get(i);
                norm += Math.abs(u.get(i) * hv.get(i)) + Math.abs(v.get(i) * hu.get(i));
            }
            assertEquals(uHv, vHu, 1e-13 * norm);
            assertTrue(Math.abs(uHv) > 1e-6 * norm);
        }
    }

    /** The linear model f(x) = a^T x with the squared loss 1/2 sum_i (a^T x_i - y_i)^2: H = X^T X, column by column. */
    @Test
    void theLinearModelsHessianIsXTransposeX() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 4, 4, 0, 1);
        try (Network net = Network.initialize(spec, 1); Dataset data = Fixtures.sphere(6, 4, 1);
             HessianVectorProduct hvp = new HessianVectorProduct(net, TrainedLayers.all(spec), Loss.SQUARED, 6)) {
            Matrix e = hvp.layout().zeros(), column = hvp.layout().zeros();
            Matrix x = data.x();
            hvp.at(x, data.y());
            for (int j = 0; j < 4; j++) {
                e.fill(0);
                e.set(j, 1);
                hvp.apply(e, column);
                for (int i = 0; i < 4; i++) {
                    double xtx = 0;
                    for (int r = 0; r < 6; r++) xtx += x.get(r, i) * x.get(r, j);
                    assertEquals(xtx, column.get(i), 1e-14, "(X^T X)[" + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void networksWithoutATangentPassAreNamed() {
        assertTrue(HessianVectorProduct.unsupported(Fixtures.spec(Arch.CONV_RESNET, "relu", 6, 4, 2)).orElseThrow().contains("conv-resnet"));
        assertTrue(HessianVectorProduct.unsupported(Fixtures.spec(Arch.IDENTITY_MAPPING, "prelu", 3, 3, 2)).orElseThrow().contains("prelu"));
        assertTrue(HessianVectorProduct.unsupported(Fixtures.spec(Arch.IDENTITY_MAPPING, "relu", 3, 3, 2)).orElseThrow().contains("identity-mapping"));
        assertTrue(HessianVectorProduct.unsupported(Fixtures.spec(Arch.DIAGONAL, "identity", 3, 3, 1)).orElseThrow().contains("diagonal"));
        assertTrue(HessianVectorProduct.unsupported(Fixtures.spec(Arch.FC, "relu", 3, 3, 2)).isEmpty());
        NetworkSpec conv = Fixtures.spec(Arch.CONV_RESNET, "relu", 6, 4, 2);
        try (Network net = Network.initialize(conv, 1)) {
            assertThrows(IllegalArgumentException.class, () -> new HessianVectorProduct(net, TrainedLayers.all(conv), Loss.SQUARED, 2));
        }
    }

    static Dataset dataFor(Loss loss, int n, int d, long seed) {
        Matrix x = Synthetic.sphere(n, d, seed), y = Synthetic.gaussianLabels(n, seed);
        if (loss.takesSigns()) for (int i = 0; i < n; i++) y.set(i, y.get(i) >= 0 ? 1 : -1);
        if (loss == Loss.CROSS_ENTROPY) for (int i = 0; i < n; i++) y.set(i, i % CLASSES);
        return new Dataset(x, y, "test");
    }
}
