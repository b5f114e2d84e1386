package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/** The flat gradient is the training step's gradient, block for block, and theta goes into and out of a vector unchanged. */
class LossGradientTest {
    @ParameterizedTest
    @EnumSource(value = Arch.class, names = {"FC", "RESNET", "TWO_LAYER", "LINEAR", "CONV_RESNET"})
    void theFlatGradientIsTheStepsGradient(Arch arch) {
        NetworkSpec spec = arch == Arch.CONV_RESNET ? Fixtures.spec(arch, "softplus", 2 * 6, 4, 3, 1) : Fixtures.spec(arch, "softplus", 3, 5, 3, 1);
        try (Network net = Network.initialize(spec, 7);
             Dataset data = Fixtures.sphere(6, spec.inputDim(), 3)) {
            Matrix[] expected = Fixtures.gradient(net, data, Loss.SQUARED);
            TrainedLayers trained = TrainedLayers.all(spec);
            try (LossGradient grad = new LossGradient(net, trained, Loss.SQUARED, data.n())) {
                ParameterVector layout = grad.layout();
                Matrix g = layout.zeros();
                double value = grad.evaluate(data.x(), data.y(), g);
                assertEquals(Fixtures.loss(net, data, Loss.SQUARED), value, 0.0);
                for (int b = 0; b < layout.blocks(); b++) {
                    Matrix view = layout.view(g, b), want = expected[layout.layer(b) - 1];
                    assertEquals(want.rows(), view.rows());
                    for (int i = 0; i < want.size(); i++) assertEquals(want.get((int) (i / want.cols()), (int) (i % want.cols())),
                            view.get((int) (i / view.cols()), (int) (i % view.cols())), 1e-12 * (1 + Math.abs(want.get(i / want.cols(), i % want.cols()))));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Arch.class, names = {"FC", "TWO_LAYER"})
    void onlyTheTrainedParametersAreCoordinates(Arch arch) {
        NetworkSpec spec = Fixtures.spec(arch, "relu", 3, 5, arch == Arch.FC ? 2 : 1, 1);
        BitSet only = new BitSet();
        only.set(1);
        try (Network net = Network.initialize(spec, 3)) {
            ParameterVector layout = ParameterVector.of(net, new TrainedLayers(only));
            assertEquals(1, layout.blocks());
            assertEquals(5 * 3, layout.size());
            ParameterVector all = ParameterVector.of(net, TrainedLayers.all(spec));
            assertEquals(arch == Arch.FC ? 15 + 25 + 5 : 15, all.size());     // the two-layer net's a is fixed
        }
    }

    @org.junit.jupiter.api.Test
    void thetaRoundTripsThroughAVector() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 3, 4, 2, 1);
        try (Network net = Network.initialize(spec, 1); Network other = Network.initialize(spec, 2)) {
            ParameterVector layout = ParameterVector.of(net, TrainedLayers.all(spec));
            Matrix v = layout.zeros();
            layout.read(net, v);
            layout.write(v, other);
            for (int h = 1; h <= spec.parameterCount(); h++) assertEquals(0.0, maxDiff(net.parameter(h), other.parameter(h)));
            layout.add(-1.0, v, other);                                          // theta - theta = 0
            for (int h = 1; h <= spec.parameterCount(); h++) assertEquals(0.0, Linalg.normF(other.parameter(h)));
            assertEquals(net.parameter(2).get(1, 3), v.get(12 + 4 + 3), 0.0);    // W2[1, 3] after W1's 12 entries
        }
    }

    private static double maxDiff(Matrix a, Matrix b) {
        double m = 0;
        for (int i = 0; i < a.rows(); i++) for (int j = 0; j < a.cols(); j++) m = Math.max(m, Math.abs(a.get(i, j) - b.get(i, j)));
        return m;
    }
}
