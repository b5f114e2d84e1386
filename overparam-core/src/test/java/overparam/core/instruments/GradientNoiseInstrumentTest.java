package overparam.core.instruments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import overparam.core.nn.Loss;
import overparam.core.nn.LossGradient;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.nn.Workspace;
import overparam.core.optim.Optimizer;
import overparam.core.reference.MinimumNormInterpolant;

/**
 * Per-example gradients and minibatch noise against an explicit loop over samples (LossGradient on one row, or on each
 * batch), and the batch-noise formula against an exact enumeration of every batch.
 */
class GradientNoiseInstrumentTest {
    private static final int N = 8, D = 4;

    /** The data with class labels 0, 1, 2, 0, ... for cross-entropy (its labels are classes), else as drawn. */
    private static Dataset labelled(Dataset data, Loss loss) {
        if (loss == Loss.CROSS_ENTROPY) for (int i = 0; i < data.n(); i++) data.y().set(i, 0, i % 3);
        return data;
    }

    /** The per-example gradients g_i, one LossGradient evaluation per row: the independent route. */
    private static Matrix[] perExampleLoop(Network net, Dataset data, Loss loss) {
        TrainedLayers trained = TrainedLayers.all(net.spec());
        Matrix[] g = new Matrix[data.n()];
        try (LossGradient one = new LossGradient(net, trained, loss, 1)) {
            for (int i = 0; i < data.n(); i++) {
                g[i] = one.layout().zeros();
                try (Matrix x = data.x().rowRange(i, 1).copy(); Matrix y = data.y().rowRange(i, 1).copy()) { one.evaluate(x, y, g[i]); }
            }
        }
        return g;
    }

    private static double traceOfCovariance(Matrix[] g) {
        int n = g.length;
        try (Matrix mean = Matrix.vector((int) g[0].size())) {
            double sq = 0;
            for (Matrix gi : g) {
                Linalg.addScaled(1.0 / n, gi, mean);
                sq += Math.pow(Linalg.normF(gi), 2) / n;
            }
            return sq - Math.pow(Linalg.normF(mean), 2);
        }
    }

    private static NetworkSpec spec(String arch, int depth) {
        return Fixtures.spec(Arch.parse(arch), "softplus", D, 6, depth, 1);
    }

    @ParameterizedTest(name = "{0} H = {1}, {2}")
    @CsvSource({"fc, 3, squared", "fc, 2, mse", "resnet, 3, squared", "two-layer, 1, squared", "linear, 0, squared", "linear, 2, mse",
                "identity-mapping, 1, squared", "quadratic, 1, squared"})
    void perExampleNormsAreTheLoopsNorms(String arch, int depth, String lossName) {
        NetworkSpec spec = spec(arch, depth);
        Loss loss = Loss.parse(lossName);
        assertTrue(PerExampleGradients.applies(spec));
        try (Network net = Network.initialize(spec, 11); Dataset data = Fixtures.sphere(N, D, 5); Workspace ws = new Workspace(spec, N)) {
            net.forward(ws, data.x());
            loss.evaluate(ws.predictions(), data.y(), ws.residuals());
            net.backSignals(ws, 1);
            double[] norms = new double[N];
            PerExampleGradients.squaredNorms(spec, ParameterVector.of(net, TrainedLayers.all(spec)), loss, ws, norms);
            Matrix[] loop = perExampleLoop(net, data, loss);
            for (int i = 0; i < N; i++) {
                double want = Math.pow(Linalg.normF(loop[i]), 2);
                assertTrue(want > 1e-8, "a sample without gradient tests nothing");
                assertEquals(want, norms[i], 1e-11 * want, "sample " + i);
            }
            for (Matrix g : loop) g.close();
        }
    }

    /** At step 0 of a run, tr Sigma and the batch formula are the loop's, and grad_norm is ||grad L||. */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"fc, squared", "fc, mse", "resnet, squared"})
    void theRecordedTraceIsTheLoopsTrace(String arch, String lossName) {
        NetworkSpec spec = spec(arch, 2);
        Loss loss = Loss.parse(lossName);
        int b = 3;
        try (Network net = Network.initialize(spec, 4); Dataset data = Fixtures.sphere(N, D, 6);
             GradientNoiseInstrument noise = new GradientNoiseInstrument(net, TrainedLayers.all(spec), loss, data, 5, b, 1)) {
            Matrix[] loop = perExampleLoop(net, data, loss);
            double trace = traceOfCovariance(loop);
            StepRecord r = train(net, data, loss, 0, 0, List.of(noise)).get(0);
            assertEquals(trace, r.number("grad_noise_trace"), 1e-10 * trace);
            double s = loss.isMean() ? 1 : N;
            assertEquals(s * s * (N - b) / (b * (N - 1.0)) * trace, r.number("grad_noise_trace_batch"), 1e-10 * s * s * trace);
            double sum = 0;
            try (Matrix full = Matrix.vector((int) loop[0].size())) {
                for (Matrix g : loop) Linalg.addScaled(loss.isMean() ? 1.0 / N : 1.0, g, full);
                sum = Linalg.normF(full);
            }
            assertEquals(sum, r.number("grad_norm"), 1e-12 * sum);
            for (Matrix g : loop) g.close();
        }
    }

    /**
     * E ||xi||^2 = s^2 (n - b) / (b (n - 1)) tr Sigma, checked exactly by enumerating all C(8, 3) = 56 batches with the scaled
     * batch gradient (LossGradient on the 3 rows, times n / b for the sum); the instrument's Monte Carlo mean over K = 3000
     * random batches then lies within 4 standard errors sqrt(Var ||xi||^2 / K) of the exact mean, the variance also from the
     * enumeration.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"squared", "mse", "cross-entropy"})
    void batchNoiseMatchesTheEnumerationOfEveryBatch(String lossName) {
        Loss loss = Loss.parse(lossName);
        // cross-entropy: three outputs, whose tr Sigma comes by rows (GradientCovariance), not from the one-output signals
        NetworkSpec spec = loss == Loss.CROSS_ENTROPY ? Fixtures.spec(Arch.FC, "softplus", D, 6, 2, 3) : spec("fc", 2);
        int b = 3, k = 3000;
        try (Network net = Network.initialize(spec, 9); Dataset data = labelled(Fixtures.sphere(N, D, 8), loss);
             GradientNoiseInstrument noise = new GradientNoiseInstrument(net, TrainedLayers.all(spec), loss, data, k, b, 2);
             LossGradient full = new LossGradient(net, TrainedLayers.all(spec), loss, N);
             LossGradient batch = new LossGradient(net, TrainedLayers.all(spec), loss, b)) {
            Matrix g = full.layout().zeros(), gb = full.layout().zeros();
            full.evaluate(data.x(), data.y(), g);
            double scale = loss.isMean() ? 1 : (double) N / b;
            double sum = 0, sumSq = 0;
            int count = 0;
            for (int i = 0; i < N; i++) for (int j = i + 1; j < N; j++) for (int l = j + 1; l < N; l++) {
                try (Matrix x = Matrix.zeros(b, D); Matrix y = Matrix.zeros(b, 1)) {
                    int[] rows = {i, j, l};
                    for (int r = 0; r < b; r++) {
                        for (int c = 0; c < D; c++) x.set(r, c, data.x().get(rows[r], c));
                        y.set(r, 0, data.y().get(rows[r], 0));
                    }
                    batch.evaluate(x, y, gb);
                }
                Linalg.scale(scale, gb);
                Linalg.addScaled(-1.0, g, gb);
                double sq = Math.pow(Linalg.normF(gb), 2);
                sum += sq;
                sumSq += sq * sq;
                count++;
            }
            assertEquals(56, count);
            double mean = sum / count, variance = sumSq / count - mean * mean;
            StepRecord r = train(net, data, loss, 0, 0, List.of(noise)).get(0);
            assertEquals(mean, r.number("grad_noise_trace_batch"), 1e-10 * mean);
            assertEquals(mean, r.number("grad_noise_sq_mean"), 4 * Math.sqrt(variance / k));
            double pooled = r.number("tail_index_pooled"), standardized = r.number("tail_index_standardized");
            assertTrue(pooled > 0 && standardized > 0, pooled + " " + standardized);
            assertEquals(3, r.list("tail_index_layer").length);
            g.close();
            gb.close();
        }
    }

    /** At the minimum-norm interpolant of realizable least squares (n = 5 < d = 10) every per-example gradient is 0. */
    @Test void atAnInterpolantEveryPerExampleGradientVanishes() {
        int n = 5, d = 10;
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", d, d, 0, 1);
        try (Network net = Network.initialize(spec, 1); Dataset data = Fixtures.sphere(n, d, 3);
             GradientNoiseInstrument noise = new GradientNoiseInstrument(net, TrainedLayers.all(spec), Loss.SQUARED, data, 4, 2, 1)) {
            double[] beta = MinimumNormInterpolant.l2(data.x(), data.y().toArray()).beta();
            Matrix a = net.parameter(1);
            for (int j = 0; j < d; j++) a.set(j, 0, beta[j]);
            StepRecord r = train(net, data, Loss.SQUARED, 0, 0, List.of(noise)).get(0);
            assertTrue(r.number("loss") < 1e-26, "not an interpolant: loss " + r.number("loss"));
            assertEquals(0, r.number("grad_noise_trace"), 1e-26);
            assertEquals(0, r.number("grad_noise_sq_mean"), 1e-26);
            assertEquals(0, r.number("grad_norm"), 1e-13);
        }
    }

    /** The same seed gives the same weights with the instrument on or off, under SGD and under gradient descent. */
    @ParameterizedTest(name = "batch size {0}")
    @CsvSource({"0", "3"})
    void theInstrumentNeverChangesTheRun(int batchSize) {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", D, 6, 2, 1);
        try (Network on = Network.initialize(spec, 3); Network off = Network.initialize(spec, 3); Dataset data = Fixtures.sphere(N, D, 2);
             GradientNoiseInstrument noise = new GradientNoiseInstrument(on, TrainedLayers.all(spec), Loss.SQUARED, data, 6, 3, 5)) {
            List<StepRecord> records = train(on, data, Loss.SQUARED, batchSize, 6, List.of(noise));
            train(off, data, Loss.SQUARED, batchSize, 6, List.of());
            assertFalse(Double.isNaN(records.get(records.size() - 1).number("tail_index_pooled")));
            for (int h = 1; h <= spec.parameterCount(); h++) assertArrayEquals(off.parameter(h).toArray(), on.parameter(h).toArray());
        }
    }

    private static List<StepRecord> train(Network net, Dataset data, Loss loss, int batchSize, int steps, List<Observer> observers) {
        List<StepRecord> records = new ArrayList<>();
        TrainResult result = Trainer.train(net, data, new TrainSpec(loss, new Optimizer(0.05, batchSize), steps, 2, TrainedLayers.all(net.spec()), 0),
                observers, new TrainingListener() {
                    @Override public void onRecord(StepRecord r) { records.add(r); }
                });
        assertEquals(TrainResult.DONE, result.status());
        return records;
    }
}
