package overparam.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.instruments.GradientNoiseInstrument;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.curvature.SgdMatchedNoise;
import overparam.core.nn.Workspace;

/** Langevin noise at SGD's trace: the trace is SGD's at the current weights, recomputed on schedule, and the draws carry it. */
class SgdMatchedNoiseTest {
    private static final int N = 10, D = 4, B = 3;

    private static NetworkSpec spec() { return Fixtures.spec(Arch.FC, "softplus", D, 6, 2, 1); }

    /**
     * The trace is the gradient-noise instrument's grad_noise_trace_batch at the same weights: an independent route (the
     * per-example norms from the back-propagated signals, no per-row pass) to s^2 (n - b) / (b (n - 1)) tr Sigma.
     */
    @ParameterizedTest
    @ValueSource(strings = {"squared", "mse"})
    void theTraceIsSgdsNoiseTraceAtTheCurrentWeights(String lossName) {
        Loss loss = Loss.parse(lossName);
        NetworkSpec spec = spec();
        try (Network net = Network.initialize(spec, 3); Dataset data = Fixtures.sphere(N, D, 4);
             GradientNoiseInstrument instrument = new GradientNoiseInstrument(net, TrainedLayers.all(spec), loss, data, 4, B, 1)) {
            SgdMatchedNoise noise = new SgdMatchedNoise(NoiseShape.ISOTROPIC, net, TrainedLayers.all(spec), loss, data, B, 5);
            List<StepRecord> records = new ArrayList<>();
            Trainer.train(net, data, new TrainSpec(loss, Optimizer.gradientDescent(0.01), 0, 1, TrainedLayers.all(spec), 0), List.of(instrument),
                    new TrainingListener() {
                        @Override public void onRecord(StepRecord r) { records.add(r); }
                    });
            double expected = records.get(0).number("grad_noise_trace_batch");
            assertTrue(expected > 0);
            assertEquals(expected, noise.currentTrace(), 1e-10 * expected);
            noise.close();
        }
    }

    /** Recomputed at draws 0, S, 2S, ... only: weights changed in between move the trace at the next refresh, not before. */
    @Test
    void theTraceIsRecomputedEverySSteps() {
        NetworkSpec spec = spec();
        try (Network net = Network.initialize(spec, 5); Dataset data = Fixtures.sphere(N, D, 6)) {
            SgdMatchedNoise noise = isotropic(net, data, 3);
            Matrix[] buffers = buffers(net, noise);
            SplittableRandom rng = new SplittableRandom(1);
            double[] traces = new double[7];
            double[] current = new double[7];
            for (int k = 0; k < 7; k++) {
                current[k] = noise.currentTrace();
                noise.draw(rng, Double.NaN, buffers);
                traces[k] = noise.trace();
                Linalg.scale(1.1, net.parameter(1));                  // the weights move every step
            }
            for (int k = 0; k < 7; k++) assertEquals(current[k - k % 3], traces[k], 0.0, "draw " + k);
            assertNotEquals(traces[0], traces[3]);
            for (Matrix m : buffers) m.close();
            noise.close();
        }
    }

    /** E ||eps||^2 = T for the isotropic shape at the matched T: within 4 standard errors, Var ||eps||^2 = 2 T^2 / P. */
    @Test
    void theDrawsCarryTheMatchedTrace() {
        NetworkSpec spec = spec();
        try (Network net = Network.initialize(spec, 7); Dataset data = Fixtures.sphere(N, D, 8)) {
            SgdMatchedNoise noise = isotropic(net, data, 1000);
            Matrix[] buffers = buffers(net, noise);
            SplittableRandom rng = new SplittableRandom(2);
            int draws = 4000;
            double sum = 0, p = 0;
            for (Matrix m : buffers) p += m.size();
            for (int k = 0; k < draws; k++) {
                noise.draw(rng, 123.0, buffers);                      // the passed trace is not the one drawn
                for (Matrix m : buffers) sum += Math.pow(Linalg.normF(m), 2);
            }
            double t = noise.trace(), se = t * Math.sqrt(2 / p / draws);
            assertEquals(t, sum / draws, 4 * se);
            for (Matrix m : buffers) m.close();
            noise.close();
        }
    }

    /** Isotropic noise at SGD's trace for batches of B under the squared loss, recomputed every {@code refresh} draws. */
    private static SgdMatchedNoise isotropic(Network net, Dataset data, int refresh) {
        return new SgdMatchedNoise(NoiseShape.ISOTROPIC, net, TrainedLayers.all(net.spec()), Loss.SQUARED, data, B, refresh);
    }

    /** One zero buffer per trained parameter, and the shape initialized on the network's updates. */
    private static Matrix[] buffers(Network net, SgdMatchedNoise noise) {
        try (Workspace ws = new Workspace(net.spec(), 1)) {
            noise.init(HessianNoiseTest.updates(net, ws, TrainedLayers.all(net.spec())));
        }
        int count = net.spec().parameterCount();
        Matrix[] out = new Matrix[count];
        for (int h = 1; h <= count; h++) out[h - 1] = Matrix.zeros(net.parameter(h).rows(), net.parameter(h).cols());
        return out;
    }
}
