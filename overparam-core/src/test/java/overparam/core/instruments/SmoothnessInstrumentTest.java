package overparam.core.instruments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.NoiseShape;
import overparam.core.optim.Optimizer;

/**
 * Local smoothness L_hat = ||grad f(theta' + d/2) - grad f(theta')|| / (||d|| / 2), d = theta - theta' the step into a
 * record: exact for a quadratic loss, against gradients by central differences of the loss for a nonlinear network, and
 * never changing the run.
 */
class SmoothnessInstrumentTest {
    /** theta(t - 1) and theta(t) of every record t, by name, copied by an observer of the test's own. */
    private static final class Weights implements Observer {
        final Map<Integer, double[]> before = new HashMap<>(), at = new HashMap<>();

        @Override public void beforeRecordedStep(int step, Network network) { before.put(step + 1, flat(network)); }

        @Override public void onRecord(RunView view, StepRecord record) { at.put(view.step(), flat(view.network())); }

        static double[] flat(Network network) {
            List<Double> v = new ArrayList<>();
            for (Matrix m : network.parameters().values()) for (double x : m.toArray()) v.add(x);
            return v.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private static List<StepRecord> train(Network net, Dataset data, TrainSpec spec, List<Observer> observers) {
        List<StepRecord> records = new ArrayList<>();
        TrainResult r = Trainer.train(net, data, spec, observers, new TrainingListener() {
            @Override public void onRecord(StepRecord record) { records.add(record); }
        });
        assertEquals(TrainResult.DONE, r.status());
        return records;
    }

    /**
     * The linear model u = J a (J the n x d matrix of predictions at a = e_j, by forward passes alone) with
     * f = 1/2 ||J a - y||^2: grad f = J^T (J a - y) is affine, so L_hat = ||J^T J d|| / ||d|| exactly, at any a, and
     * ||grad f(a')|| = ||J^T (J a' - y)||.
     */
    @Test
    void aQuadraticLossGivesTheHessiansRayleighNorm() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 4, 4, 0, 1);
        try (Dataset data = Fixtures.sphere(7, 4, 5); Network net = Network.initialize(spec, 3)) {
            int n = data.n(), d = 4;
            double[][] j = new double[n][d];
            try (Network probe = Network.initialize(spec, 3)) {
                for (int c = 0; c < d; c++) {
                    probe.parameter(1).fill(0);
                    probe.parameter(1).set(c, 1.0);
                    Matrix u = probe.predict(data.x());
                    for (int i = 0; i < n; i++) j[i][c] = u.get(i);
                    u.close();
                }
            }
            Weights weights = new Weights();
            TrainedLayers all = TrainedLayers.all(spec);
            List<StepRecord> records;
            try (SmoothnessInstrument smooth = new SmoothnessInstrument(net, all, data, Loss.SQUARED)) {
                records = train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.1), 7, 3, all, 1), List.of(smooth, weights));
            }
            assertFalse(records.get(0).values().containsKey("smoothness"), "no step into step 0");
            for (StepRecord r : records.subList(1, records.size())) {
                double[] a0 = weights.before.get(r.step()), a1 = weights.at.get(r.step());
                double[] step = new double[d];
                for (int c = 0; c < d; c++) step[c] = a1[c] - a0[c];
                double[] hd = jtj(j, step), residual = new double[n];
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < d; c++) residual[i] += j[i][c] * a0[c];
                    residual[i] -= data.y().get(i);
                }
                double[] g = new double[d];
                for (int c = 0; c < d; c++) for (int i = 0; i < n; i++) g[c] += j[i][c] * residual[i];
                double expected = norm(hd) / norm(step);
                assertEquals(expected, r.number("smoothness"), 1e-10 * expected, "step " + r.step());
                assertEquals(norm(g), r.number("smoothness_grad_norm"), 1e-12 * norm(g), "step " + r.step());
            }
            assertEquals(List.of(0, 3, 6, 7), records.stream().map(StepRecord::step).toList());
        }
    }

    /**
     * A tanh network, cross-entropy (a mean, two outputs): the two gradients by central differences of the loss itself
     * (h = 1e-5: truncation ~ h^2 |f'''| ~ 1e-10, rounding ~ eps |f| / h ~ 1e-11), then L_hat from them.
     */
    @Test
    void aNonlinearNetworkAgreesWithCentralDifferences() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "tanh", 3, 5, 2, 2);
        try (Dataset sphere = Fixtures.sphere(6, 3, 2); Network net = Network.initialize(spec, 4)) {
            Dataset data = new Dataset(sphere.x(), Matrix.vectorOf(0, 1, 1, 0, 1, 0), "test", sphere.sampleShape());
            Weights weights = new Weights();
            TrainedLayers all = TrainedLayers.all(spec);
            List<StepRecord> records;
            try (SmoothnessInstrument smooth = new SmoothnessInstrument(net, all, data, Loss.CROSS_ENTROPY)) {
                records = train(net, data, new TrainSpec(Loss.CROSS_ENTROPY, Optimizer.gradientDescent(0.5), 2, 2, all, 1), List.of(smooth, weights));
            }
            StepRecord r = records.get(1);
            double[] t0 = weights.before.get(2), t1 = weights.at.get(2);
            double[] mid = new double[t0.length], step = new double[t0.length];
            for (int i = 0; i < t0.length; i++) {
                step[i] = t1[i] - t0[i];
                mid[i] = t0[i] + 0.5 * step[i];
            }
            double[] g0 = numericGradient(spec, data, t0), g1 = numericGradient(spec, data, mid), diff = new double[t0.length];
            for (int i = 0; i < t0.length; i++) diff[i] = g1[i] - g0[i];
            double expected = norm(diff) / (0.5 * norm(step));
            assertEquals(norm(g0), r.number("smoothness_grad_norm"), 1e-8);
            // the numeric gradients' errors, ~1e-10 per entry, are divided by ||d|| / 2
            assertEquals(expected, r.number("smoothness"), 1e-9 * Math.sqrt(t0.length) / (0.5 * norm(step)) + 1e-9 * expected);
            assertTrue(expected > 0);
            data.y().close();
        }
    }

    /** SGD with momentum, clipping and Langevin noise: the weights bit for bit the same with the instrument on and off. */
    @Test
    void theInstrumentNeverChangesTheRun() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 4, 16, 2, 1);
        Optimizer opt = new Optimizer(0.05, 4, 0.9, 1e-3, null).shaped(0.5, false, new Optimizer.Langevin(NoiseShape.ISOTROPIC, 0.01));
        double[][] finals = new double[2][];
        for (int on = 0; on < 2; on++) {
            try (Dataset data = Fixtures.sphere(12, 4, 6); Network net = Network.initialize(spec, 2)) {
                TrainedLayers all = TrainedLayers.all(spec);
                TrainSpec ts = new TrainSpec(Loss.SQUARED, opt, 20, 4, all, 9);
                if (on == 1) {
                    try (SmoothnessInstrument smooth = new SmoothnessInstrument(net, all, data, Loss.SQUARED)) {
                        List<StepRecord> records = train(net, data, ts, List.of(smooth));
                        assertTrue(records.get(1).number("smoothness") > 0);
                    }
                } else train(net, data, ts, List.of());
                finals[on] = Weights.flat(net);
            }
        }
        assertArrayEquals(finals[0], finals[1], 0.0);
    }

    private static double[] numericGradient(NetworkSpec spec, Dataset data, double[] theta) {
        double h = 1e-5;
        double[] g = new double[theta.length], shifted = theta.clone();
        for (int i = 0; i < theta.length; i++) {
            shifted[i] = theta[i] + h;
            double plus = lossAt(spec, data, shifted);
            shifted[i] = theta[i] - h;
            double minus = lossAt(spec, data, shifted);
            shifted[i] = theta[i];
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    private static double lossAt(NetworkSpec spec, Dataset data, double[] theta) {
        try (Network net = Network.initialize(spec, 0)) {
            int k = 0;
            for (Matrix m : net.parameters().values()) for (int i = 0; i < m.size(); i++) m.set(i, theta[k++]);
            return Fixtures.loss(net, data, Loss.CROSS_ENTROPY);
        }
    }

    private static double[] jtj(double[][] j, double[] v) {
        int n = j.length, d = v.length;
        double[] jv = new double[n], out = new double[d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) jv[i] += j[i][c] * v[c];
        for (int c = 0; c < d; c++) for (int i = 0; i < n; i++) out[c] += j[i][c] * jv[i];
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
