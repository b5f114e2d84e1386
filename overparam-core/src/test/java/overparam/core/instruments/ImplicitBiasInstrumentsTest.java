package overparam.core.instruments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Arch;
import overparam.core.nn.Init;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.Optimizer;

/** The end-to-end, balance and margin instruments against routes that do not share their code. */
class ImplicitBiasInstrumentsTest {
    static List<StepRecord> train(Network net, Dataset data, Loss loss, double eta, int steps, int every, List<Observer> observers) {
        List<StepRecord> records = new ArrayList<>();
        TrainResult result = Trainer.train(net, data, new TrainSpec(loss, Optimizer.gradientDescent(eta), steps, every, TrainedLayers.all(net.spec()), 0),
                observers, new TrainingListener() {
                    @Override public void onRecord(StepRecord r) { records.add(r); }
                });
        assertEquals(TrainResult.DONE, result.status());
        return records;
    }

    /** The instrument's W_e (formed right to left from the weights) is what the network computes on the rows of the identity. */
    @ParameterizedTest(name = "{0} N-1 = {1}, k = {2}")
    @CsvSource({"linear, 0, 1", "linear, 1, 2", "linear, 3, 1", "linear, 3, 3", "diagonal, 1, 1", "fc, 2, 1"})
    void endToEndIsWhatTheNetworkComputes(String arch, int hidden, int outputs) {
        int d = 5;
        NetworkSpec spec = Fixtures.spec(Arch.parse(arch), "identity", d, 6, hidden, outputs);
        try (Network net = Network.initialize(spec, 3, Init.STANDARD, 0.9); EndToEndInstrument e = new EndToEndInstrument(spec, List.of());
             Matrix mine = Matrix.zeros(d, outputs); Matrix eye = Matrix.zeros(d, d)) {
            if (spec.arch() == Arch.DIAGONAL) for (int r = 0; r < 2 * d; r++) net.parameter(1).set(r, 0.1 * (r + 1) * (r % 3 == 0 ? -1 : 1));
            for (int j = 0; j < d; j++) eye.set(j, j, 1);
            e.endToEndTransposed(net, mine);
            try (Matrix forward = net.predict(eye)) {
                for (int j = 0; j < d; j++) for (int c = 0; c < outputs; c++) assertEquals(forward.get(j, c), mine.get(j, c), 1e-14);
            }
        }
    }

    /** Distances and the direction's cosine against a reference, by hand: beta = (3, 4) against (3, 0) and the direction (1, 0). */
    @Test
    void referenceDistancesAndCosinesByHand() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 2, 0, 0, 1);
        try (Network net = Network.initialize(spec, 1);
             Dataset data = Fixtures.sphere(3, 2, 1);
             EndToEndInstrument e = new EndToEndInstrument(spec, List.of(new EndToEndInstrument.Reference("l2", new double[] {3, 0}, false),
                     new EndToEndInstrument.Reference("svm", new double[] {2, 0}, true)))) {
            net.parameter(1).set(0, 3);
            net.parameter(1).set(1, 4);
            StepRecord r = train(net, data, Loss.SQUARED, 1e-3, 0, 1, List.of(e)).get(0);
            assertEquals(4.0, r.number("distance_l2"), 1e-15);
            assertEquals(0.6, r.number("cosine_svm"), 1e-15);
            assertEquals(Math.sqrt(0.4 * 0.4 + 0.8 * 0.8), r.number("direction_distance_svm"), 1e-15);
            assertEquals(5.0, r.number("end_to_end_norm"), 1e-15);
            assertEquals(5.0, r.list("end_to_end_sv")[0], 1e-14);
            assertEquals(3.0, r.list("end_to_end")[0], 0.0);
        }
    }

    /**
     * Balancedness under gradient descent: the drift of ||W_{h+1}||^2 - ||W_h||^2 is eta^2 (||g_{h+1}||^2 - ||g_h||^2) a step,
     * so over the same 10 steps halving eta divides it by 4 (3 to 5: the trajectories differ by O(K eta)), while the norms
     * themselves move by O(eta) (ratio 2). A standard start is far from balanced; a balanced one has balance_matrix 0 to rounding.
     */
    @Test
    void balanceDriftScalesLikeEtaSquared() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 4, 6, 2, 1);
        double[] drift = new double[2], matrixDrift = new double[2], move = new double[2], neuronDrift = new double[2];
        for (int t = 0; t < 2; t++) {
            double eta = 0.004 / (1 << t);
            try (Dataset data = Fixtures.sphere(8, 4, 2); Network net = Network.initialize(spec, 5, Init.STANDARD, 1.0);
                 BalanceInstrument b = new BalanceInstrument(spec, TrainedLayers.all(spec))) {
                List<StepRecord> records = train(net, data, Loss.SQUARED, eta, 10, 10, List.of(b));
                StepRecord first = records.get(0), last = records.get(1);
                assertTrue(first.number("balance_matrix") > 0.1, "a standard start is not balanced: " + first.number("balance_matrix"));
                assertEquals(0.0, first.number("balance_drift"), 0.0);
                drift[t] = last.number("balance_drift");
                matrixDrift[t] = last.number("balance_matrix_drift");
                move[t] = Math.abs(last.list("layer_norm_sq")[0] - first.list("layer_norm_sq")[0]);
                neuronDrift[t] = last.number("balance_neuron_drift");
                double growth = 0;                                         // the largest change of a ||W_h||_F^2, from the records
                for (int h = 0; h < 3; h++) growth = Math.max(growth, Math.abs(last.list("layer_norm_sq")[h] - first.list("layer_norm_sq")[h]));
                assertEquals(drift[t] / growth, last.number("balance_drift_relative"), 1e-15 * drift[t] / growth);
                assertEquals(0.0, first.number("balance_drift_relative"), 0.0);
            }
        }
        try (Dataset data = Fixtures.sphere(8, 4, 2); Network net = Network.initialize(spec, 5, Init.BALANCED, 1.0);
             BalanceInstrument b = new BalanceInstrument(spec, TrainedLayers.all(spec))) {
            double start = train(net, data, Loss.SQUARED, 1e-3, 0, 1, List.of(b)).get(0).number("balance_matrix");
            assertTrue(start < 1e-13, "balanced start: " + start);
        }
        assertTrue(drift[0] > 0 && drift[0] < 0.05 * move[0], "drift " + drift[0] + " against norm change " + move[0]);
        double ratio = drift[0] / drift[1], matrixRatio = matrixDrift[0] / matrixDrift[1], moveRatio = move[0] / move[1];
        assertTrue(ratio > 3 && ratio < 5, "drift ratio " + ratio);
        assertTrue(matrixRatio > 3 && matrixRatio < 5, "matrix drift ratio " + matrixRatio);
        assertTrue(moveRatio > 1.5 && moveRatio < 2.5, "norm change ratio " + moveRatio);
        double neuronRatio = neuronDrift[0] / neuronDrift[1];
        assertTrue(neuronRatio > 3 && neuronRatio < 5, "neuron drift ratio " + neuronRatio + " (a neuron's rows and columns mixed up drift like eta)");
    }

    @Test
    void balanceAndMarginRefuseNetworksThatAreNotHomogeneous() {
        assertThrows(IllegalArgumentException.class, () -> new BalanceInstrument(Fixtures.spec(Arch.RESNET, "relu", 3, 4, 2), TrainedLayers.all(Fixtures.spec(Arch.RESNET, "relu", 3, 4, 2))));
        assertThrows(IllegalArgumentException.class, () -> new BalanceInstrument(Fixtures.spec(Arch.FC, "softplus", 3, 4, 2), TrainedLayers.all(Fixtures.spec(Arch.FC, "softplus", 3, 4, 2))));
        NetworkSpec tanh = Fixtures.spec(Arch.FC, "tanh", 3, 4, 2);
        assertThrows(IllegalArgumentException.class, () -> new MarginInstrument(tanh, TrainedLayers.all(tanh), MarginInstrument.Smoothing.NONE));
        NetworkSpec two = Fixtures.spec(Arch.TWO_LAYER, "relu", 3, 4, 1);
        assertTrue(!BalanceInstrument.applies(two, TrainedLayers.all(two)), "the two-layer net trains W only: no pair");
    }

    /**
     * The margin by hand: a = (1, 0) on x1 = (2, 0) (y = +1) and x2 = (-1, 1) (y = -1) gives q = (2, 1), so margin_min 1 and,
     * with ||theta|| = 1 and L = 1, normalized margin 1; times 3, the margin triples and the normalized margin stays.
     * Smoothed margin for the exponential loss: log(1 / L) / rho^L with L = e^-2 + e^-1.
     */
    @Test
    void marginOfTheLinearModelByHand() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 2, 0, 0, 1);
        try (Dataset data = new Dataset(Matrix.of(new double[][] {{2, 0}, {-1, 1}}), Matrix.vectorOf(1, -1), "hand");
             Network net = Network.initialize(spec, 1)) {
            net.parameter(1).set(0, 1);
            net.parameter(1).set(1, 0);
            MarginInstrument m = new MarginInstrument(spec, TrainedLayers.all(spec), MarginInstrument.Smoothing.LOGISTIC);
            assertEquals(1, m.degree());
            StepRecord r = train(net, data, Loss.LOGISTIC, 1e-3, 0, 1, List.of(m)).get(0);
            assertEquals(1.0, r.number("margin_min"), 0.0);
            assertEquals(1.0, r.number("normalized_margin"), 0.0);
            double loss = Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1));
            assertEquals(-Math.log(Math.expm1(loss)), r.number("smoothed_margin"), 1e-14);
            net.parameter(1).set(0, 3);
            r = train(net, data, Loss.LOGISTIC, 1e-3, 0, 1, List.of(m)).get(0);
            assertEquals(3.0, r.number("margin_min"), 0.0);
            assertEquals(1.0, r.number("normalized_margin"), 1e-15);
            // the exponential loss's smoothed margin, log(1 / L) / rho^L with L = e^-6 + e^-3 and rho = 3
            MarginInstrument e = new MarginInstrument(spec, TrainedLayers.all(spec), MarginInstrument.Smoothing.EXPONENTIAL);
            r = train(net, data, Loss.EXPONENTIAL, 1e-3, 0, 1, List.of(e)).get(0);
            assertEquals(Math.log(1 / (Math.exp(-6) + Math.exp(-3))) / 3, r.number("smoothed_margin"), 1e-14);
        }
    }

    /**
     * Homogeneity, the property the normalized margin rests on: multiplying every weight of a bias-free relu fc net of depth
     * H = 3 by c multiplies its outputs, hence margin_min, by c^{H+1} = c^4, and leaves the normalized margin unchanged.
     */
    @Test
    void normalizedMarginIsInvariantUnderScalingTheWeights() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 4, 8, 3);
        try (Dataset base = Fixtures.sphere(6, 4, 7);
             Dataset data = new Dataset(base.x().copy(), signs(base.y()), "signs");
             Network net = Network.initialize(spec, 2)) {
            MarginInstrument m = new MarginInstrument(spec, TrainedLayers.all(spec), MarginInstrument.Smoothing.NONE);
            assertEquals(4, m.degree());
            StepRecord before = train(net, data, Loss.SQUARED, 1e-3, 0, 1, List.of(m)).get(0);
            double c = 1.7;
            for (int h = 1; h <= spec.parameterCount(); h++) Linalg.scale(c, net.parameter(h));
            StepRecord after = train(net, data, Loss.SQUARED, 1e-3, 0, 1, List.of(m)).get(0);
            assertEquals(Math.pow(c, 4) * before.number("margin_min"), after.number("margin_min"), 1e-12 * Math.abs(after.number("margin_min")));
            assertEquals(before.number("normalized_margin"), after.number("normalized_margin"), 1e-12 * Math.abs(before.number("normalized_margin")));
            assertEquals(c * before.number("param_norm"), after.number("param_norm"), 1e-12 * after.number("param_norm"));
        }
    }

    private static Matrix signs(Matrix y) {
        Matrix s = Matrix.vector(y.rows());
        for (int i = 0; i < y.rows(); i++) s.set(i, y.get(i) >= 0 ? 1 : -1);
        return s;
    }
}
