package overparam.core.instruments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.curvature.Curvature;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.Optimizer;

/**
 * The hessian instrument on a tiny run: every metric at every record, the final record's top eigenvalues equal to those of
 * the explicit Hessian at the final weights (assembled from P products, dsyevd) to 1e-8, its trace within four standard
 * errors of the exact one; the run's weights bit-identical with the instrument on or off; the same records twice.
 */
class HessianInstrumentTest {
    static final HessianInstrument.Settings SETTINGS = new HessianInstrument.Settings(3, 40, 40);

    private static List<StepRecord> train(Network net, Dataset data, TrainSpec ts, List<Observer> observers) {
        List<StepRecord> records = new ArrayList<>();
        Trainer.train(net, data, ts, observers, new TrainingListener() {
            @Override public void onRecord(StepRecord r) { records.add(r); }
        });
        return records;
    }

    @Test
    void theRecordsMatchTheExplicitHessian() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "softplus", 3, 5, 2, 1);
        TrainSpec ts = new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.05), 10, 5, TrainedLayers.all(spec), 1);
        try (Dataset data = Fixtures.sphere(6, 3, 2); Network net = Network.initialize(spec, 2);
             HessianInstrument hessian = new HessianInstrument(net, TrainedLayers.all(spec), Loss.SQUARED, 6, SETTINGS, 1)) {
            List<StepRecord> records = train(net, data, ts, List.of(hessian));
            assertEquals(3, records.size());
            for (StepRecord r : records) {
                for (String name : new String[] {"hessian_top_eigenvalue", "hessian_lanczos_residual", "hessian_lanczos_iterations",
                        "hessian_trace", "hessian_trace_se", "hessian_trace_sigma"})
                    assertTrue(Double.isFinite(r.number(name)), name + " at step " + r.step());
                assertEquals(3, r.list("hessian_top_eigenvalues").length);
                assertEquals(r.number("hessian_top_eigenvalue"), r.list("hessian_top_eigenvalues")[0]);
            }
            StepRecord last = records.get(2);
            assertEquals(10, last.step());
            try (Curvature c = new Curvature(net, TrainedLayers.all(spec), Loss.SQUARED, 6, 8, false)) {
                c.at(data.x(), data.y());
                int p = c.layout().size();
                try (Matrix h = Fixtures.explicitHessian(c); Spectrum.Decomposition exact = Spectrum.decompose(h)) {
                    double[] top = last.list("hessian_top_eigenvalues");
                    for (int k = 0; k < 3; k++)
                        assertEquals(exact.values()[p - 1 - k], top[k], 1e-8 * Math.max(1, Math.abs(exact.values()[p - 1])), "eigenvalue " + k);
                    double trace = 0;
                    for (int i = 0; i < p; i++) trace += h.get(i, i);
                    assertEquals(trace, last.number("hessian_trace"), 4 * last.number("hessian_trace_se"));
                }
            }
        }
    }

    /** Full batch and minibatches: the instrument reads the weights and never writes them, nor draws from the run's streams. */
    @Test
    void theInstrumentDoesNotChangeTheRun() {
        NetworkSpec spec = Fixtures.spec(Arch.RESNET, "tanh", 4, 6, 3, 1);
        for (int batch : new int[] {0, 4}) {
            TrainSpec ts = new TrainSpec(Loss.SQUARED, new Optimizer(0.05, batch), 12, 4, TrainedLayers.all(spec), 5);
            double[][] without, with;
            List<StepRecord> first, second;
            try (Dataset data = Fixtures.sphere(10, 4, 1); Network net = Network.initialize(spec, 3)) {
                train(net, data, ts, List.of());
                without = weights(net);
            }
            try (Dataset data = Fixtures.sphere(10, 4, 1); Network net = Network.initialize(spec, 3);
                 HessianInstrument hessian = new HessianInstrument(net, TrainedLayers.all(spec), Loss.SQUARED, 10, SETTINGS, 5)) {
                first = train(net, data, ts, List.of(hessian));
                with = weights(net);
            }
            try (Dataset data = Fixtures.sphere(10, 4, 1); Network net = Network.initialize(spec, 3);
                 HessianInstrument hessian = new HessianInstrument(net, TrainedLayers.all(spec), Loss.SQUARED, 10, SETTINGS, 5)) {
                second = train(net, data, ts, List.of(hessian));
            }
            for (int p = 0; p < without.length; p++) assertArrayEquals(without[p], with[p], 0.0, "batch " + batch + " " + spec.parameterName(p + 1));
            for (int i = 0; i < first.size(); i++) {
                assertNotNull(first.get(i).list("hessian_top_eigenvalues"));
                assertArrayEquals(first.get(i).list("hessian_top_eigenvalues"), second.get(i).list("hessian_top_eigenvalues"), 0.0);
                assertEquals(first.get(i).number("hessian_trace"), second.get(i).number("hessian_trace"), 0.0);
                assertEquals(first.get(i).number("hessian_trace_sigma"), second.get(i).number("hessian_trace_sigma"), 0.0);
            }
        }
    }

    /** A network of fewer parameters than --hessian-top records its P eigenvalues. */
    @Test
    void aNetworkWithFewerParametersThanKRecordsAllItsEigenvalues() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 2, 2, 0, 1);
        try (Dataset data = Fixtures.sphere(5, 2, 1); Network net = Network.initialize(spec, 1);
             HessianInstrument hessian = new HessianInstrument(net, TrainedLayers.all(spec), Loss.SQUARED, 5, SETTINGS, 1)) {
            List<StepRecord> records = train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.1), 0, 1, TrainedLayers.all(spec), 0),
                    List.of(hessian));
            assertEquals(2, records.get(0).list("hessian_top_eigenvalues").length);
        }
    }

    private static double[][] weights(Network net) {
        double[][] out = new double[net.spec().parameterCount()][];
        for (int h = 1; h <= out.length; h++) out[h - 1] = net.parameter(h).toArray();
        return out;
    }
}
