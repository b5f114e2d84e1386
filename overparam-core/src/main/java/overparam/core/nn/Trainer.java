package overparam.core.nn;

import java.nio.DoubleBuffer;
import java.util.List;
import overparam.core.Seeds;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;

/**
 * The training loop of seed 004, Section 3.3: theta(k+1) = theta(k) - eta dL/dtheta(k). Step k runs the
 * forward pass at theta(k); recorded steps hand the run to the observers before the update, so a record at
 * step k describes theta(k), and the last record (k = K) the final weights.
 */
public final class Trainer {
    private Trainer() {}

    public static TrainResult train(Network network, Dataset data, TrainSpec spec, List<Observer> observers,
                                    TrainingListener listener) {
        int n = data.n();
        Optimizer opt = spec.optimizer();
        boolean fullBatch = opt.isFullBatch(n);
        int rows = fullBatch ? n : opt.batchSize();
        double stepSize = opt.eta() * (fullBatch ? 1.0 : (double) n / rows);
        spec.loss().checkLabels(data.y(), data.source());

        try (Workspace ws = new Workspace(network.spec(), rows);
             Batch batch = fullBatch ? null : new Batch(data, rows, Seeds.stream(spec.seed(), "sampler"));
             Workspace whole = fullBatch ? null : new Workspace(network.spec(), n)) {
            Matrix x = fullBatch ? data.x() : batch.x, y = fullBatch ? data.y() : batch.y;
            long start = System.nanoTime();
            long observing = 0;
            double loss = Double.NaN;
            for (int k = 0; ; k++) {
                if (!fullBatch && spec.records(k)) {
                    network.forward(whole, data.x());                      // the record sees the whole set
                    double wholeLoss = spec.loss().evaluate(whole.predictions, data.y(), whole.residuals);
                    if (!Double.isFinite(wholeLoss)) return diverged(k, start, observing);
                    observing += record(k, wholeLoss, network, data, spec, whole, observers, listener, start);
                }
                if (!fullBatch) batch.draw();
                network.forward(ws, x);
                loss = spec.loss().evaluate(ws.predictions, y, ws.residuals);
                if (!Double.isFinite(loss)) return diverged(k, start, observing);
                if (fullBatch && spec.records(k)) {
                    // the backward pass the update needs comes first, so an observer reading B_h reuses it
                    network.backSignals(ws, spec.trained().lowestHidden(network.depth()));
                    observing += record(k, loss, network, data, spec, ws, observers, listener, start);
                }
                listener.onStep(k, loss);
                if (k == spec.steps()) break;
                network.descend(ws, spec.trained(), stepSize);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new TrainResult(TrainResult.DONE, spec.steps(), -1, loss, seconds, observing / 1e9);
        }
    }

    private static TrainResult diverged(int step, long start, long observing) {
        return new TrainResult(TrainResult.DIVERGED, step, step, Double.NaN, (System.nanoTime() - start) / 1e9, observing / 1e9);
    }

    /** Runs the observers on a whole-data pass; returns the nanoseconds they took. */
    private static long record(int step, double loss, Network network, Dataset data, TrainSpec spec, Workspace pass,
                               List<Observer> observers, TrainingListener listener, long start) {
        long t0 = System.nanoTime();
        StepRecord record = new StepRecord(step);
        record.put("loss", loss);
        View view = new View(step, loss, network, data, spec.trained(), pass);
        for (Observer o : observers) o.onRecord(view, record);
        long t1 = System.nanoTime();
        record.put("elapsed_seconds", (t1 - start) / 1e9);
        listener.onRecord(record);
        return t1 - t0;
    }

    private record View(int step, double loss, Network network, Dataset data, TrainedLayers trained, Workspace whole)
            implements RunView {
        @Override public Workspace pass(int lowestSignal) {
            network.backSignals(whole, Math.max(1, lowestSignal));
            return whole;
        }
    }

    /** The current minibatch: its rows of X and y, gathered into buffers of its own. */
    private static final class Batch implements AutoCloseable {
        final Matrix x, y;
        private final Dataset data;
        private final Sampler sampler;
        private final int[] indices;

        Batch(Dataset data, int rows, java.util.random.RandomGenerator rng) {
            this.data = data;
            this.x = Matrix.zeros(rows, data.d());
            this.y = Matrix.vector(rows);
            this.sampler = new Sampler(data.n(), rows, rng);
            this.indices = new int[rows];
        }

        void draw() {
            sampler.nextBatch(indices);
            DoubleBuffer from = data.x().buffer(), to = x.buffer(), labels = data.y().buffer(), batchLabels = y.buffer();
            int d = data.d();
            for (int r = 0; r < indices.length; r++) {
                int i = indices[r];
                for (int j = 0; j < d; j++) to.put(r * d + j, from.get(i * d + j));
                batchLabels.put(r, labels.get(i));
            }
        }

        @Override public void close() {
            x.close();
            y.close();
        }
    }
}
