package overparam.core.instruments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Init;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.Optimizer;

/** input-gradient and forward-signal: against central differences in x, closed forms, and direct sums; and they never change the run. */
class InputGradientInstrumentTest {
    private static final double[] V = {1, 0, 0};            // the line path x(t) = t e_1 + e_2

    /** The records of zero training steps (step 0 only) with these observers. */
    private static StepRecord recordAtInit(Network net, Dataset data, List<Observer> observers) {
        StepRecord[] last = new StepRecord[1];
        List<Observer> all = new ArrayList<>(observers);
        all.add((view, record) -> last[0] = record);
        Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.1), 0, 1, TrainedLayers.all(net.spec()), 0), all, TrainingListener.NONE);
        return last[0];
    }

    private static Dataset line(int n) {
        Matrix x = Synthetic.Kind.LINE.draw(n, 3, 0);
        return new Dataset(x, Synthetic.gaussianLabels(n, 0), "line");
    }

    /** g_i = df/dx_i . v and mean ||df/dx_i|| against central differences of the network's own predictions. */
    @Test void gradientsAgreeWithCentralDifferencesInTheInput() {
        for (NetworkSpec spec : List.of(Fixtures.spec(Arch.FC, "softplus", 3, 16, 3), Fixtures.spec(Arch.RESNET, "tanh", 3, 16, 3),
                new NetworkSpec(Arch.RESNET_UNIT, 3, 16, 5, Activation.parse("softplus", 0.1), 0.5))) {
            int n = 9;
            try (Dataset data = line(n); Network net = Network.initialize(spec, 4);
                 InputGradientInstrument instrument = new InputGradientInstrument(spec, n, V)) {
                StepRecord r = recordAtInit(net, data, List.of(instrument));
                double[] path = r.list("input_grad_path");
                double h = 1e-5, norms = 0;        // truncation O(h^2 f''') ~ 1e-10
                for (int i = 0; i < n; i++) {
                    double sq = 0;
                    for (int c = 0; c < 3; c++) {
                        double derivative = centralDifference(net, data.x(), i, c, h);
                        sq += derivative * derivative;
                        if (c == 0) assertEquals(derivative, path[i], 1e-8 * Math.max(1, Math.abs(derivative)), spec.arch() + " g_" + i);
                    }
                    norms += Math.sqrt(sq) / n;
                }
                assertEquals(norms, r.number("input_grad_norm"), 1e-8 * Math.max(1, norms), spec.arch() + " input_grad_norm");
            }
        }
    }

    /** The line: row i is x(t_i) = t_i e_1 + e_2 with t_i = -2 + 4 i / (n - 1), zeros elsewhere; d = 1 is refused. */
    @Test void theLineIsEvenlySpacedFromMinusTwoToTwo() {
        try (Matrix x = Synthetic.Kind.LINE.draw(5, 3, 9)) {
            double[][] expected = {{-2, 1, 0}, {-1, 1, 0}, {0, 1, 0}, {1, 1, 0}, {2, 1, 0}};
            for (int i = 0; i < 5; i++) for (int c = 0; c < 3; c++) assertEquals(expected[i][c], x.get(i, c), 1e-15, "x[" + i + "," + c + "]");
        }
        assertArrayEquals(V, Synthetic.Kind.lineDirection(3), 0.0);
        assertThrows(IllegalArgumentException.class, () -> Synthetic.Kind.LINE.draw(4, 1, 0));
    }

    /** A linear network (identity activation) has one gradient everywhere: the uncentred autocorrelation is exactly 1 at every lag. */
    @Test void aLinearNetworkHasAutocorrelationOne() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "identity", 3, 16, 4);
        try (Dataset data = line(32); Network net = Network.initialize(spec, 1); InputGradientInstrument instrument = new InputGradientInstrument(spec, 32, V)) {
            StepRecord r = recordAtInit(net, data, List.of(instrument));
            double[] auto = r.list("input_grad_autocorr");
            assertEquals(InputGradientInstrument.MAX_LAG, auto.length);
            for (double a : auto) assertEquals(1.0, a, 1e-12);
            assertEquals(1.0, r.number("input_grad_lag1"), 1e-12);
        }
    }

    /** The two correlations on g = (1, 2, 3, 4) by hand: lag 1 uncentred 20 / sqrt(14 * 29), centred 1 (b = a + 1); lag 2 centred 1. */
    @Test void autocorrelationsByHand() {
        double[] g = {1, 2, 3, 4};
        assertEquals(20 / Math.sqrt(14 * 29), InputGradientInstrument.autocorrelation(g, 1, false), 1e-15);
        assertEquals(1.0, InputGradientInstrument.autocorrelation(g, 1, true), 1e-15);
        assertEquals((1 * 3 + 2 * 4) / Math.sqrt(5 * 25), InputGradientInstrument.autocorrelation(g, 2, false), 1e-15);
        double[] alternating = {1, -1, 1, -1, 1};
        assertEquals(-1.0, InputGradientInstrument.autocorrelation(alternating, 1, false), 1e-15);
        assertTrue(Double.isNaN(InputGradientInstrument.autocorrelation(new double[] {2, 2, 2}, 1, true)), "constant: no spread");
    }

    /** forward_signal_log10 against log10 of the plain sum of squares, and Fixup's identity blocks: every branch layer's value is layer 1's. */
    @Test void forwardSignalAgainstDirectSums() {
        NetworkSpec spec = new NetworkSpec(Arch.RESNET_UNIT, 3, 32, 7, Activation.parse("relu", 0.1), 0.5);
        int n = 5;
        try (Dataset data = Fixtures.sphere(n, 3, 2); Network net = Network.initialize(spec, 3); ForwardSignalInstrument instrument = new ForwardSignalInstrument(spec)) {
            StepRecord r = recordAtInit(net, data, List.of(instrument));
            Matrix top = net.predict(data.x());
            top.close();
            double expected = 0;
            try (var ws = new overparam.core.nn.Workspace(spec, n)) {
                net.forward(ws, data.x());
                for (int i = 0; i < n; i++) expected += Math.log10(rowSq(ws.output(7), i) / rowSq(data.x(), i)) / n;
            }
            assertEquals(expected, r.number("forward_signal_log10"), 1e-12);
            assertEquals(7, r.list("forward_signal_layer_log10").length);
        }
        try (Dataset data = Fixtures.sphere(n, 3, 2); Network net = Network.initialize(spec, 3, Init.FIXUP); ForwardSignalInstrument instrument = new ForwardSignalInstrument(spec)) {
            double[] layers = recordAtInit(net, data, List.of(instrument)).list("forward_signal_layer_log10");
            for (int h = 3; h <= 7; h += 2) assertEquals(layers[0], layers[h - 1], 0.0, "Fixup block output " + h);
        }
    }

    /** Rows of size 1e200 (whose squares overflow): log10 ||v||^2 = 400 + log10(cols) still. */
    @Test void forwardSignalSurvivesSquaresThatOverflow() {
        try (Matrix m = Matrix.zeros(2, 4)) {
            m.fill(1e200);
            assertEquals(400 + Math.log10(4), ForwardSignalInstrument.log10NormSq(m, 1), 1e-12);
            m.set(0, 2, Double.POSITIVE_INFINITY);
            assertFalse(Double.isFinite(ForwardSignalInstrument.log10NormSq(m, 0)));
        }
    }

    /** Observers read, never write: bit-identical weights after 30 steps with both instruments on or off. */
    @Test void theInstrumentsDoNotChangeTheRun() {
        NetworkSpec spec = new NetworkSpec(Arch.RESNET_UNIT, 3, 16, 5, Activation.parse("relu", 0.1), 0.5);
        double[][] weights = new double[2][];
        for (int on = 0; on < 2; on++) {
            try (Dataset data = line(12); Network net = Network.initialize(spec, 5);
                 InputGradientInstrument input = new InputGradientInstrument(spec, 12, V); ForwardSignalInstrument forward = new ForwardSignalInstrument(spec)) {
                List<Observer> observers = on == 1 ? List.of(input, forward) : List.of();
                Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.01), 30, 3, TrainedLayers.all(spec), 5), observers, TrainingListener.NONE);
                List<Double> all = new ArrayList<>();
                for (int p = 1; p <= spec.parameterCount(); p++) for (double w : net.parameter(p).toArray()) all.add(w);
                weights[on] = all.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }
        assertArrayEquals(weights[0], weights[1], 0.0);
    }

    private static double centralDifference(Network net, Matrix x, int i, int c, double h) {
        Matrix xp = x.copy(), xm = x.copy();
        xp.set(i, c, x.get(i, c) + h);
        xm.set(i, c, x.get(i, c) - h);
        Matrix up = net.predict(xp), um = net.predict(xm);
        double d = (up.get(i, 0) - um.get(i, 0)) / (2 * h);
        xp.close(); xm.close(); up.close(); um.close();
        return d;
    }

    private static double rowSq(Matrix m, int i) {
        double s = 0;
        for (int c = 0; c < m.cols(); c++) s += m.get(i, c) * m.get(i, c);
        return s;
    }
}
