package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.instruments.Instruments;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Optimizer;

class TrainerTest {
    static List<StepRecord> train(Network net, Dataset data, TrainSpec spec, List<Observer> observers) {
        List<StepRecord> records = new ArrayList<>();
        TrainResult result = Trainer.train(net, data, spec, observers, new TrainingListener() {
            @Override public void onRecord(StepRecord r) { records.add(r); }
        });
        assertEquals(TrainResult.DONE, result.status());
        return records;
    }

    /**
     * Seed 004's claim in miniature, for every architecture: an over-parameterized network (m = 512 >> n = 8)
     * under full-batch gradient descent keeps loss(k) <= (1 - eta lambda_min(G(0)) / 2)^k loss(0) at every
     * recorded k (the form of Theorems 5.1 and 6.1, with the finite network's own least eigenvalue), and
     * with relu, whose Gram matrices are well conditioned, that means a loss 1e-12 of its start.
     */
    @Test
    void gradientDescentConvergesLinearlyOnAnOverParameterizedNetwork() {
        for (String activation : new String[] {"relu", "softplus"}) {
            for (NetworkSpec spec : Fixtures.everyArch(activation, 5, 512)) {
                try (Dataset data = Fixtures.sphere(8, 5, 4); Network net = Network.initialize(spec, 9)) {
                    TrainedLayers all = TrainedLayers.all(spec);
                    StepRecord start = firstRecord(net, data, all);
                    double eta = 1.0 / start.number("ntk_lambda_max");   // stable: eta < 2 / lambda_max, with room for G(k) to drift
                    double rate = 1 - eta * start.number("ntk_lambda_min") / 2;
                    List<StepRecord> records = train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(eta), 800, 50, all, 0),
                            Instruments.standard(spec, data.n(), all));
                    double first = records.get(0).number("loss");
                    for (StepRecord r : records) {
                        double bound = Math.pow(rate, r.step()) * first;
                        assertTrue(r.number("loss") <= bound || r.number("loss") < 1e-25,
                                spec.arch() + " " + activation + " step " + r.step() + ": loss " + r.number("loss") + " above the bound " + bound);
                    }
                    double last = records.get(records.size() - 1).number("loss");
                    if (activation.equals("relu"))
                        assertTrue(last < 1e-12 * first, spec.arch() + ": loss fell only from " + first + " to " + last);
                }
            }
        }
    }

    private static StepRecord firstRecord(Network net, Dataset data, TrainedLayers trained) {
        return train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(1e-3), 0, 1, trained, 0),
                Instruments.standard(net.spec(), data.n(), trained)).get(0);
    }

    /** Observers read the run and never change it: bit-identical weights with every instrument on or off. */
    @Test
    void instrumentsDoNotChangeTheRun() {
        for (NetworkSpec spec : Fixtures.everyArch("softplus", 4, 64)) {
            for (int batch : new int[] {0, 4}) {
                TrainSpec ts = new TrainSpec(Loss.SQUARED, new Optimizer(0.05, batch), 40, 3, TrainedLayers.all(spec), 5);
                double[][] without, with;
                try (Dataset data = Fixtures.sphere(10, 4, 1); Network net = Network.initialize(spec, 3)) {
                    train(net, data, ts, List.of());
                    without = weights(net);
                }
                try (Dataset data = Fixtures.sphere(10, 4, 1); Network net = Network.initialize(spec, 3)) {
                    train(net, data, ts, Instruments.standard(spec, 10, TrainedLayers.all(spec)));
                    with = weights(net);
                }
                for (int p = 0; p < without.length; p++)
                    assertArrayEquals(without[p], with[p], 0.0, spec.arch() + " batch " + batch + " " + spec.parameterName(p + 1));
            }
        }
    }

    private static double[][] weights(Network net) {
        double[][] out = new double[net.spec().parameterCount()][];
        for (int h = 1; h <= out.length; h++) out[h - 1] = net.parameter(h).toArray();
        return out;
    }

    /** A step size far beyond 2 / lambda_max blows the loss up: the run reports diverged with the step. */
    @Test
    void aDivergingRunIsReportedNotThrown() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "softplus", 4, 32, 2);
        try (Dataset data = Fixtures.sphere(6, 4, 1); Network net = Network.initialize(spec, 3)) {
            List<StepRecord> records = new ArrayList<>();
            TrainResult r = Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(1e3), 1000, 1,
                    TrainedLayers.all(spec), 0), List.of(), new TrainingListener() {
                        @Override public void onRecord(StepRecord s) { records.add(s); }
                    });
            assertTrue(r.diverged());
            assertTrue(r.divergedStep() > 0 && r.divergedStep() < 1000, "diverged at " + r.divergedStep());
            assertEquals(r.divergedStep(), records.size(), "every step before the divergence was recorded");
        }
    }

    @Test
    void sgdIsReproducibleBySeedAndLowersTheLoss() {
        NetworkSpec spec = Fixtures.spec(Arch.RESNET, "softplus", 4, 256, 2);
        double[][] first = null;
        for (int rep = 0; rep < 2; rep++) {
            try (Dataset data = Fixtures.sphere(16, 4, 1); Network net = Network.initialize(spec, 3)) {
                List<StepRecord> rs = train(net, data, new TrainSpec(Loss.SQUARED, new Optimizer(0.02, 4), 400, 100,
                        TrainedLayers.all(spec), 8), List.of());
                assertTrue(rs.get(rs.size() - 1).number("loss") < 0.1 * rs.get(0).number("loss"));
                double[][] w = weights(net);
                if (first == null) first = w;
                else for (int p = 0; p < w.length; p++) assertArrayEquals(first[p], w[p], 0.0);
            }
        }
    }

    @Test
    void onlyTheTrainedLayersMove() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "tanh", 4, 32, 3);
        TrainedLayers onlyFirst = TrainedLayers.parse("W1", spec);
        try (Dataset data = Fixtures.sphere(6, 4, 1); Network net = Network.initialize(spec, 3)) {
            double[][] before = weights(net);
            List<StepRecord> rs = train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.1), 20, 10, onlyFirst, 0),
                    Instruments.standard(spec, 6, onlyFirst));
            double[][] after = weights(net);
            assertTrue(!java.util.Arrays.equals(before[0], after[0]), "W1 moved");
            for (int p = 1; p < before.length; p++) assertArrayEquals(before[p], after[p], 0.0, spec.parameterName(p + 1));
            double[] movement = rs.get(rs.size() - 1).list("weight_movement");
            assertTrue(movement[0] > 0 && movement[1] == 0 && movement[3] == 0);
            // G(k) is G^(1) alone when only W1 trains
            assertEquals(rs.get(0).list("layer_gram_lambda_min")[0], rs.get(0).number("ntk_lambda_min"), 1e-12);
        }
    }

    /**
     * In steady state a training step allocates nothing on the heap (hot buffers are off-heap and reused). Counted in
     * bytes (ThreadMXBean), never in time: one run of 6 windows of 1000 steps per network, the bytes this thread
     * allocated read at each window's edge. An allocation in the step, even a 16-byte object once in 1000 steps, shows
     * in every window; the JIT's own transitions (the loop running interpreted until it is compiled, a
     * deoptimization) only in some, and a busy machine, whose compiler threads wait for a core, moves them to later
     * windows without making the step allocate. So the quietest window must be exactly 0 bytes. One run keeps the
     * compiled loop for all its windows (a new run would start the loop over); its records (step 0 and its last step)
     * fall outside the windows.
     *
     * <p>On one thread: every loop then runs on the thread whose bytes are counted (with more, shares run on workers,
     * unseen), and no step waits for a worker that a busy machine has not scheduled, which made this test take minutes
     * beside other CPU-bound processes. The split loops' own allocation is ParallelLoopsTest's.
     */
    @Test
    void aTrainingStepAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int window = 1000, windows = 6, before = Linalg.threads();
        Linalg.setThreads(1);
        try {
            for (NetworkSpec spec : Fixtures.everyArch("softplus", 8, 64)) {
                for (int batch : new int[] {0, 8}) {
                    try (Dataset data = Fixtures.sphere(16, 8, 1); Network net = Network.initialize(spec, 3)) {
                        long[] allocated = new long[windows + 1];
                        TrainingListener probe = new TrainingListener() {
                            @Override public void onStep(int step, double loss) {
                                if (step % window == 0) allocated[step / window] = threads.getCurrentThreadAllocatedBytes();
                            }
                        };
                        Trainer.train(net, data, new TrainSpec(Loss.SQUARED, new Optimizer(1e-3, batch), window * windows + 1, 1_000_000,
                                TrainedLayers.all(spec), 0), List.of(), probe);
                        long quietest = Long.MAX_VALUE;
                        for (int w = 0; w < windows; w++) quietest = Math.min(quietest, allocated[w + 1] - allocated[w]);
                        assertEquals(0, quietest, spec.arch() + " batch " + batch + ": bytes allocated in the quietest of " + windows
                                + " windows of " + window + " steps");
                    }
                }
            }
        } finally {
            Linalg.setThreads(before);
        }
    }
}
