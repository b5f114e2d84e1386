package overparam.core.nn;

import java.nio.DoubleBuffer;
import java.util.List;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Descent;
import overparam.core.optim.Optimizer;

/**
 * The training loop of seed 004, Section 3.3: theta(k+1) = theta(k) - eta dL/dtheta(k). Step k runs the
 * forward pass at theta(k); recorded steps hand the run to the observers before the update, so a record at
 * step k describes theta(k), and the last record (k = K) the final weights.
 */
public final class Trainer {
    /** The one wall-clock entry of a record (seconds since training started): the only part of metrics.jsonl a rerun does not repeat. */
    public static final String ELAPSED_SECONDS = "elapsed_seconds";

    private Trainer() {}

    public static TrainResult train(Network network, Dataset data, TrainSpec spec, List<Observer> observers,
                                    TrainingListener listener) {
        return train(network, data, spec, observers, listener, null);
    }

    /**
     * The same, with SGD's batches drawn fresh from a distribution (fresh != null; needs a batch size) instead of from
     * the rows of data, which then serves as the fixed sample the records evaluate on.
     */
    public static TrainResult train(Network network, Dataset data, TrainSpec spec, List<Observer> observers,
                                    TrainingListener listener, BatchSource fresh) {
        int n = data.n();
        Optimizer opt = spec.optimizer();
        boolean fullBatch = fresh == null && opt.isFullBatch(n);
        if (fresh != null && opt.batchSize() < 1) throw new IllegalArgumentException("fresh samples need a batch size");
        int rows = fullBatch ? n : opt.batchSize();
        int summed = fullBatch || spec.loss().isMean() ? n : rows;        // a sum over n: the batch's gradient, times n / b
        spec.loss().checkLabels(data.y(), data.source());
        boolean classes = spec.loss().classifies(data.y());

        try (Workspace ws = new Workspace(network.spec(), rows);
             Batch batch = fullBatch ? null : new Batch(data, rows, spec.seed(), fresh);
             Evaluator wholeLoss = fullBatch ? null : new Evaluator(network.spec(), data);
             WholePass whole = fullBatch ? null : new WholePass(network, data, spec.loss());
             Descent descent = new Descent(opt.chain(n, summed, spec.steps(), spec.seed()), network.gradients(ws, spec.trained()))) {
            Matrix x = fullBatch ? data.x() : batch.x, y = fullBatch ? data.y() : batch.y;
            long start = System.nanoTime();
            long observing = 0;
            double loss = Double.NaN, wholeSetLoss = Double.NaN;
            for (int k = 0; ; k++) {
                if (!fullBatch && spec.records(k)) {                              // the record sees the whole set
                    Evaluator.Result r = wholeLoss.evaluate(network, spec.loss());
                    if (!Double.isFinite(r.loss())) return diverged(k, start, observing);
                    wholeSetLoss = r.loss();
                    whole.invalidate();
                    observing += record(k, r.loss(), classes ? r.accuracy() : Double.NaN, network, data, spec, whole::pass,
                            observers, listener, start);
                }
                if (!fullBatch) batch.draw();
                network.forward(ws, x);
                loss = spec.loss().evaluate(ws.predictions, y, ws.residuals);
                if (!Double.isFinite(loss)) return diverged(k, start, observing);
                if (fullBatch && spec.records(k)) {
                    // the backward pass the update needs comes first, so an observer reading B_h reuses it
                    if (network.spec().hasSampleSignals()) network.backSignals(ws, spec.trained().lowestHidden(network.depth()));
                    Workspace pass = ws;
                    observing += record(k, loss, classes ? Loss.accuracy(ws.predictions, data.y()) : Double.NaN, network, data, spec,
                            lowest -> signals(network, pass, lowest), observers, listener, start);
                }
                listener.onStep(k, loss);
                if (k == spec.steps()) break;
                if (spec.records(k + 1) && !observers.isEmpty()) observing += beforeRecordedStep(k, network, observers);
                descent.step();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // under SGD the final loss is the whole training set's at the last step (always recorded), not its batch's
            return new TrainResult(TrainResult.DONE, spec.steps(), -1, fullBatch ? loss : wholeSetLoss, seconds, observing / 1e9);
        }
    }

    private static TrainResult diverged(int step, long start, long observing) {
        return new TrainResult(TrainResult.DIVERGED, step, step, Double.NaN, (System.nanoTime() - start) / 1e9, observing / 1e9);
    }

    /** The pass with signals B_h for h >= lowest (computed on demand; only networks with per-sample signals have them). */
    private static Workspace signals(Network network, Workspace pass, int lowest) {
        if (lowest <= network.depth()) network.backSignals(pass, Math.max(1, lowest));
        return pass;
    }

    /** Lets the observers see theta(k) when step k + 1 will be recorded; returns the nanoseconds they took. */
    private static long beforeRecordedStep(int step, Network network, List<Observer> observers) {
        long t0 = System.nanoTime();
        for (Observer o : observers) o.beforeRecordedStep(step, network);
        return System.nanoTime() - t0;
    }

    /** Runs the observers on a whole-data pass; returns the nanoseconds they took. */
    private static long record(int step, double loss, double accuracy, Network network, Dataset data, TrainSpec spec,
                               java.util.function.IntFunction<Workspace> pass, List<Observer> observers, TrainingListener listener,
                               long start) {
        long t0 = System.nanoTime();
        StepRecord record = new StepRecord(step);
        record.put("loss", loss);
        if (!Double.isNaN(accuracy)) {
            record.put("train_accuracy", accuracy);
            record.put("train_error", 1 - accuracy);
        }
        double[] slopes = network.learnedSlopes();
        if (slopes.length > 0) record.put("prelu_slope", slopes);
        View view = new View(step, loss, network, data, spec.trained(), pass);
        for (Observer o : observers) o.onRecord(view, record);
        long t1 = System.nanoTime();
        record.put(ELAPSED_SECONDS, (t1 - start) / 1e9);
        listener.onRecord(record);
        return t1 - t0;
    }

    private record View(int step, double loss, Network network, Dataset data, TrainedLayers trained,
                        java.util.function.IntFunction<Workspace> passes) implements RunView {
        @Override public Workspace pass(int lowestSignal) { return passes.apply(lowestSignal); }
    }

    /**
     * Under SGD, the forward pass over the whole training set that observers may ask for at a record: its workspace
     * (n rows) is made on the first request only, so a run whose observers need none (loss and accuracy come from
     * an {@link Evaluator}, in blocks) never holds activations for all n samples.
     */
    private static final class WholePass implements AutoCloseable {
        private final Network network;
        private final Dataset data;
        private final Loss loss;
        private Workspace ws;
        private boolean fresh;

        WholePass(Network network, Dataset data, Loss loss) {
            this.network = network;
            this.data = data;
            this.loss = loss;
        }

        void invalidate() { fresh = false; }

        Workspace pass(int lowest) {
            if (ws == null) ws = new Workspace(network.spec(), data.n());
            if (!fresh) {
                network.forward(ws, data.x());
                loss.evaluate(ws.predictions, data.y(), ws.residuals);
                fresh = true;
            }
            return signals(network, ws, lowest);
        }

        @Override public void close() {
            if (ws != null) ws.close();
        }
    }

    /** The current minibatch: its rows of X and y, gathered into buffers of its own (or fresh samples from a source). */
    private static final class Batch implements AutoCloseable {
        final Matrix x, y;
        private final Dataset data;
        private final Sampler sampler;
        private final int[] indices;
        private final BatchSource fresh;

        Batch(Dataset data, int rows, long seed, BatchSource fresh) {
            this.data = data;
            this.x = Matrix.zeros(rows, data.d());
            this.y = Matrix.vector(rows);
            this.fresh = fresh;
            this.sampler = fresh == null ? Sampler.ofRun(data.n(), rows, seed) : null;
            this.indices = new int[rows];
        }

        void draw() {
            if (fresh != null) {
                fresh.fill(x, y);
                return;
            }
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
