package overparam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import overparam.core.data.Dataset;
import overparam.core.data.ImageSet;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.data.Npz;
import overparam.core.data.Subsets;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Evaluator;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Patches;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.Optimizer;

/**
 * ./overparam bench --epoch [--torch] [--quick]: one epoch of minibatch SGD on the full Fashion-MNIST training set
 * (60000 images, rows scaled to norm 1) for the fc network with one hidden layer of width m = 1024, relu, and a
 * 10-class softmax head (hidden = sqrt(2/m) relu(W1 x), u = hidden A), cross-entropy, batch 128, eta 0.1, momentum
 * 0.9, weight decay 5e-4, float64, at 1 and 2 BLAS threads; with --torch, bench/torch_epoch_reference.py (the same
 * network and SGD in PyTorch) in the same run, and the ratios. --quick times half an epoch (235 steps) on both sides.
 *
 * <p>./overparam bench --epoch --check: a cross-check of the SGD arithmetic, not a timing. A tiny problem (the first 50
 * images, m = 37, batch 8, 13 steps) is trained here and, from the same initial weights and the same batch order, by
 * torch_epoch_reference.py --check; the final W1 and A and the batch losses are compared.
 *
 * <p>Prints numbers, asserts nothing.
 */
final class EpochBench {
    static final int WIDTH = 1024, BATCH = 128, CLASSES = 10, WARMUP = 20, TORCH_WARMUP = 50;
    static final double ETA = 0.1, MOMENTUM = 0.9, WEIGHT_DECAY = 5e-4;
    static final long SEED = 0;
    static final Optimizer SGD = new Optimizer(ETA, BATCH, MOMENTUM, WEIGHT_DECAY, Optimizer.Schedule.CONSTANT);

    private EpochBench() {}

    /** One thread count's result: K timed steps, and the network's whole-set loss and accuracy after them (not timed). */
    record Result(int threads, int steps, double seconds, double lastBatchLoss, double trainLoss, double accuracy) {
        double msPerStep() { return 1e3 * seconds / steps; }
    }

    static void run(boolean torch, boolean quick) throws Exception {
        requireFashionMnist();
        int n = 60000, epochSteps = (n + BATCH - 1) / BATCH, steps = quick ? (epochSteps + 1) / 2 : epochSteps;
        System.out.printf("overparam bench --epoch: %s, Java %s, %d cores, float64%n", Linalg.blasVersion(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf("fc, H = 1, m = %d, relu, %d-class softmax cross-entropy; SGD batch %d, eta %s, momentum %s, weight decay %s%n",
                WIDTH, CLASSES, BATCH, num(ETA), num(MOMENTUM), num(WEIGHT_DECAY));
        List<String> torchArgs = new ArrayList<>(List.of("--threads", "1,2", "--epochs-timed", "1", "--warmup-steps", String.valueOf(TORCH_WARMUP)));
        if (quick) torchArgs.addAll(List.of("--n", String.valueOf(n / 2)));     // ceil(30000 / 128) = 235 steps, as ours
        Torch.Epoch reference = torch ? Torch.epoch(torchArgs) : new Torch.Epoch(Map.of(), List.of());
        System.out.println();

        long t0 = System.nanoTime();
        ImageSet set = ImageSet.load(ImageSet.FASHION_MNIST_NAME, true);
        long t1 = System.nanoTime();
        Dataset data;
        try {
            Subsets.scaleToUnitNorm(set.images(), set.source());
            Matrix y = Matrix.vector(set.n());
            int[] labels = set.labels();
            for (int i = 0; i < labels.length; i++) y.set(i, labels[i]);
            data = new Dataset(set.images(), y, ImageSet.FASHION_MNIST_NAME);      // owns the images from here on
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
        long t2 = System.nanoTime();
        try (data) {
            System.out.printf("Load: %d x %d training images in %.2f s (ImageSet.load: gunzip + IDX) + %.2f s (unit-norm rows, labels)"
                            + " = %.2f s (issue target: about 1 s)%s%n", data.n(), data.d(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9,
                    torchLoad(reference.log()));
            NetworkSpec spec = new NetworkSpec(Arch.FC, data.d(), WIDTH, 1, Activation.parse("relu", 0.01), NetworkSpec.DEFAULT_C_RES,
                    Patches.NONE, CLASSES);
            System.out.println();
            System.out.printf("%s: %d SGD steps (ceil(%d / %d) = %d steps an epoch), after %d untimed warm-up steps; fresh weights a thread count%n",
                    quick ? "Half an epoch (--quick)" : "One epoch", steps, n, BATCH, epochSteps, WARMUP);
            if (torch)
                System.out.printf("PyTorch: bench/torch_epoch_reference.py %s (%d warm-up steps: its first thread count pays a warm-up cost)%n",
                        String.join(" ", torchArgs), TORCH_WARMUP);
            System.out.println("  threads  steps   seconds   ms/step   epoch s   batch loss  train loss  train acc"
                    + (torch ? "  |  torch: seconds  ms/step  train acc   torch/ours" : ""));
            List<Result> ours = new ArrayList<>();
            for (int threads : new int[] {1, 2}) {
                Result r = time(spec, data, threads, steps);
                ours.add(r);
                JsonNode t = reference.lines().get("epoch/" + threads);
                String vs = t == null ? "" : String.format("  |  %13.2f  %7.2f     %.4f     %6.2fx", t.get("epoch_seconds").asDouble(),
                        t.get("ms_per_step").asDouble(), t.get("train_accuracy").asDouble(), t.get("ms_per_step").asDouble() / r.msPerStep());
                System.out.printf("  %7d  %5d  %8.2f  %8.2f  %8.2f  %10.4f  %10.4f     %.4f%s%n", threads, r.steps, r.seconds, r.msPerStep(),
                        r.msPerStep() * epochSteps / 1e3, r.lastBatchLoss, r.trainLoss, r.accuracy, vs);
            }
            JsonNode t1s = reference.lines().get("epoch/1"), t2s = reference.lines().get("epoch/2");
            if (t1s != null && t2s != null) {
                double best = ours.stream().mapToDouble(Result::msPerStep).min().orElseThrow();
                double torchBest = Math.min(t1s.get("ms_per_step").asDouble(), t2s.get("ms_per_step").asDouble());
                System.out.printf("  best thread setting: overparam %.2f ms/step (epoch %.2f s), torch %.2f ms/step (epoch %.2f s): %.2fx%n",
                        best, best * epochSteps / 1e3, torchBest, torchBest * epochSteps / 1e3, torchBest / best);
                System.out.printf("  (torch/ours > 1: overparam is faster. torch's 1-minute load average at its two lines: %s and %s; ours now: %s)%n",
                        t1s.path("load_average_1m").asText("?"), t2s.path("load_average_1m").asText("?"), loadAverage());
            } else if (torch) {
                System.out.println("  (no PyTorch numbers: see the message above)");
            }
            System.out.println("  seconds: wall time of the timed steps; epoch s: ms/step x " + epochSteps + (quick ? " (extrapolated)" : "")
                    + "; batch loss: the last timed step's, before its update;");
            System.out.println("  train loss / acc: over all " + data.n() + " samples after the timed steps, not timed"
                    + (quick && torch ? " (torch's: over the " + n / 2 + " it trained on, --n " + n / 2 + ")" : "") + ".");
            if (!quick)
                System.out.println("  Our sampler cuts each shuffle into floor(60000 / 128) = 468 batches of 128, so our step 469 is the first batch of\n"
                        + "  the next shuffle (128 rows, where torch's last batch has the 96 left over).");
            System.out.println("  Our momentum buffers restart after the warm-up (a separate Trainer run); torch's carry over.");
        }
        System.out.println();
        System.out.printf("Peak memory of this benchmark process: %s resident (VmHWM)%n", Bench.peakResident());
        if (!torch) System.out.println("(./overparam bench --epoch --torch adds PyTorch's numbers from the same machine and the ratios)");
    }

    /**
     * Fresh weights (seed 0), WARMUP untimed steps, then {@code steps} timed steps at the given BLAS threads; the
     * whole-set loss and accuracy after them come from an {@link Evaluator}, outside the timing.
     */
    private static Result time(NetworkSpec spec, Dataset data, int threads, int steps) {
        Linalg.setThreads(threads);
        try (Network net = Network.initialize(spec, SEED); Evaluator whole = new Evaluator(spec, data)) {
            // the warm-up has a sampler stream of its own, so that the timed steps start from a fresh shuffle, as torch's epoch does
            sgd(net, data, WARMUP, SEED + 1);
            StepClock clock = sgd(net, data, steps, SEED);
            Evaluator.Result r = whole.evaluate(net, Loss.CROSS_ENTROPY);
            return new Result(threads, steps, clock.seconds(), clock.lastBatchLoss, r.loss(), r.accuracy());
        }
    }

    /**
     * Runs exactly {@code updates} SGD steps on {@code net} with Trainer and times them.
     *
     * <p>Why the window is exact. Trainer's step k is: [the record, if k is recorded: under SGD a whole-set
     * evaluation over all n rows, which is no part of a PyTorch epoch], draw batch k, forward k, loss k,
     * onStep(k), then (if k &lt; K) the update of step k (backward, momentum, weights). So the wall time from
     * onStep(0) to onStep(K) holds the updates 0..K-1 and the draws, forwards and losses 1..K: exactly K full SGD
     * steps of work (torch's K iterations of gather, forward, loss, backward, optimizer step), and no record as long
     * as step K is not recorded. But Trainer always records the last step, and under SGD it does so before step K's
     * forward, i.e. inside that window; TrainResult.instrumentSeconds() would not help subtracting it, as it counts
     * the observers only, not the whole-set evaluation. So the run is given K + 1 steps (records at 0, outside the
     * window, and at K + 1, never reached) with recordEvery huge, and the listener ends it by throwing at onStep(K):
     * the network then holds exactly K updates, and neither step K's update nor the final record runs.
     */
    private static StepClock sgd(Network net, Dataset data, int updates, long seed) {
        StepClock clock = new StepClock(updates);
        TrainSpec spec = new TrainSpec(Loss.CROSS_ENTROPY, SGD, updates + 1, Integer.MAX_VALUE, TrainedLayers.all(net.spec()), seed);
        try {
            TrainResult result = Trainer.train(net, data, spec, List.of(), clock);
            // only a diverged run returns: a non-finite loss before step K
            System.out.printf("  (the run %s at step %d)%n", result.status().word(), result.divergedStep());
            clock.end = clock.start = 0;
            clock.lastBatchLoss = Double.NaN;
        } catch (StepClock.Stop stop) {
            // ended at onStep(updates), as intended
        }
        return clock;
    }

    /** Wall time from onStep(0) to onStep(K); ends the run there (see {@link #sgd}). Allocates nothing per step. */
    private static final class StepClock implements TrainingListener {
        /** Thrown to end a run; no stack trace, made once. */
        static final class Stop extends RuntimeException {
            Stop() { super("end of the timed steps", null, false, false); }
        }

        private static final Stop STOP = new Stop();
        final int updates;
        long start, end;
        double lastBatchLoss = Double.NaN;

        StepClock(int updates) { this.updates = updates; }

        @Override public void onStep(int step, double loss) {
            long now = System.nanoTime();
            if (step == 0) start = now;
            if (step == updates - 1) lastBatchLoss = loss;       // the last timed step's batch loss, before its update (torch's final_loss)
            if (step == updates) {
                end = now;
                throw STOP;
            }
        }

        double seconds() { return end > start ? (end - start) / 1e9 : Double.NaN; }
    }

    /** ", torch's: X s (...)" from torch_epoch_reference.py's log line "loaded N x d from DIR in X s; ...", or "". */
    private static String torchLoad(List<String> log) {
        Pattern p = Pattern.compile("loaded (\\d+) x (\\d+) from \\S+ in ([0-9.]+) s");
        for (String line : log) {
            Matcher m = p.matcher(line);
            if (m.find()) return String.format("; torch_epoch_reference.py: %s s for %s x %s (gzip + numpy + unit norm)", m.group(3), m.group(1), m.group(2));
        }
        return "";
    }

    /** 0.1, 5e-4: as the torch script's --help prints them. */
    private static String num(double v) {
        return Double.toString(v).replace(".0E", "e").replace("E", "e");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Exits with status 2, saying how to install it, when Debian's dataset-fashion-mnist is not installed. */
    private static void requireFashionMnist() {
        if (ImageSet.fashionMnistInstalled()) return;
        System.err.println("overparam bench --epoch: the Fashion-MNIST files are not installed. They come from the Debian package\n"
                + "dataset-fashion-mnist (which puts them in " + ImageSet.FASHION_MNIST + "); install it with\n"
                + "  apt-get install dataset-fashion-mnist     (as root, or with sudo)\n"
                + "and run the benchmark again.");
        System.exit(2);
    }

    // ------------------------------------------------------------------------------------------ cross-check

    static final int CHECK_N = 50, CHECK_WIDTH = 37, CHECK_BATCH = 8, CHECK_STEPS = 13;
    static final long CHECK_SEED = 7;

    /**
     * ./overparam bench --epoch --check: CHECK_STEPS SGD steps of a tiny problem here and in torch_epoch_reference.py
     * --check from the same initial weights and the same batches; prints how far the final weights and the batch
     * losses are apart.
     */
    static void check() throws Exception {
        requireFashionMnist();
        Path dir = Files.createTempDirectory("overparam-epoch-check");
        try (Dataset data = firstImages(CHECK_N)) {
            NetworkSpec spec = new NetworkSpec(Arch.FC, data.d(), CHECK_WIDTH, 1, Activation.parse("relu", 0.01), NetworkSpec.DEFAULT_C_RES,
                    Patches.NONE, CLASSES);
            Optimizer sgd = new Optimizer(ETA, CHECK_BATCH, MOMENTUM, WEIGHT_DECAY, Optimizer.Schedule.CONSTANT);
            System.out.printf("Cross-check against PyTorch: the first %d Fashion-MNIST images (unit norm), fc m = %d, relu, %d classes, "
                            + "SGD batch %d (%d batches a shuffle), %d steps, eta %s, momentum %s, weight decay %s, float64%n",
                    CHECK_N, CHECK_WIDTH, CLASSES, CHECK_BATCH, CHECK_N / CHECK_BATCH, CHECK_STEPS, num(ETA), num(MOMENTUM), num(WEIGHT_DECAY));
            Path in = dir.resolve("in.npz"), out = dir.resolve("out.npz");
            double[] losses = new double[CHECK_STEPS];
            try (Network net = Network.initialize(spec, CHECK_SEED); Matrix w1Start = net.parameter(1).copy(); Matrix aStart = net.parameter(2).copy()) {
                writeCheckInput(in, net, data, samplerOrder(data.n(), CHECK_BATCH, CHECK_STEPS, CHECK_SEED), sgd, CHECK_STEPS);
                // CHECK_STEPS updates; the records (steps 0 and CHECK_STEPS) only evaluate, they do not change the weights
                Trainer.train(net, data, new TrainSpec(Loss.CROSS_ENTROPY, sgd, CHECK_STEPS, Integer.MAX_VALUE, TrainedLayers.all(spec), CHECK_SEED),
                        List.of(), new TrainingListener() {
                            @Override public void onStep(int step, double loss) {
                                if (step < CHECK_STEPS) losses[step] = loss;
                            }
                        });
                Torch.Epoch torch = Torch.epoch(List.of("--check", in.toString(), out.toString()));
                if (!torch.lines().containsKey("check") || !Files.exists(out)) {
                    System.out.println("(no result from the PyTorch cross-check)");
                    return;
                }
                Map<String, NdArray> theirs = Npz.read(out);
                try {
                    double[] torchLosses = theirs.get("losses").data().toArray();
                    double lossDiff = 0;
                    for (int k = 0; k < CHECK_STEPS; k++) lossDiff = Math.max(lossDiff, Math.abs(losses[k] - torchLosses[k]));
                    System.out.printf("  batch loss, step 0: overparam %.15f, torch %.15f; step %d: overparam %.15f, torch %.15f%n",
                            losses[0], torchLosses[0], CHECK_STEPS - 1, losses[CHECK_STEPS - 1], torchLosses[CHECK_STEPS - 1]);
                    System.out.printf("  batch losses of all %d steps: max |overparam - torch| = %.3g%n", CHECK_STEPS, lossDiff);
                    compare("W1", net.parameter(1), theirs.get("W1").data(), w1Start);
                    compare("A ", net.parameter(2), theirs.get("A").data(), aStart);
                } finally {
                    theirs.values().forEach(a -> a.data().close());
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void compare(String name, Matrix ours, Matrix theirs, Matrix start) {
        double diff = 0, size = 0, moved = 0;
        for (int i = 0; i < ours.rows(); i++)
            for (int j = 0; j < ours.cols(); j++) {
                diff = Math.max(diff, Math.abs(ours.get(i, j) - theirs.get(i, j)));
                size = Math.max(size, Math.abs(ours.get(i, j)));
                moved = Math.max(moved, Math.abs(ours.get(i, j) - start.get(i, j)));
            }
        System.out.printf("  %s (%d x %d) after the steps: max |overparam - torch| = %.3g (relative to max |%s| = %.3g: %.3g; the steps moved it by up to %.3g)%n",
                name, ours.rows(), ours.cols(), diff, name.trim(), size, diff / size, moved);
    }

    /** The first n training images (rows scaled to norm 1) and their labels. */
    private static Dataset firstImages(int n) {
        try (ImageSet set = ImageSet.load(ImageSet.FASHION_MNIST_NAME, true)) {
            int[] first = new int[n];
            for (int i = 0; i < n; i++) first[i] = i;
            Matrix x = Subsets.gatherRows(set.images(), first);
            Subsets.scaleToUnitNorm(x, set.source());
            int[] labels = set.labels();
            Matrix y = Matrix.vector(n);
            for (int i = 0; i < n; i++) y.set(i, labels[i]);
            return new Dataset(x, y, "fashion-mnist train[:" + n + "]");
        }
    }

    /** The sample indices of Trainer's first {@code batches} minibatches, concatenated: the run's own Sampler. */
    static long[] samplerOrder(int n, int b, int batches, long seed) {
        overparam.core.nn.Sampler sampler = overparam.core.nn.Sampler.ofRun(n, b, seed);
        int[] batch = new int[b];
        long[] out = new long[batches * b];
        for (int t = 0; t < batches; t++) {
            sampler.nextBatch(batch);
            for (int r = 0; r < b; r++) out[t * b + r] = batch[r];
        }
        return out;
    }

    /**
     * IN.npz of torch_epoch_reference.py --check: W1 (m x d), A (m x k), X, y and order (int64), and the scalars
     * batch_size, eta, momentum, weight_decay, steps (as one-element float64 arrays, which it accepts). Npz.write
     * writes float64 only and the script wants integer labels and order, so the archive is assembled here, the float64
     * entries by Npy.write.
     */
    private static void writeCheckInput(Path path, Network net, Dataset data, long[] order, Optimizer sgd, int steps) throws IOException {
        long[] labels = new long[data.n()];
        for (int i = 0; i < labels.length; i++) labels[i] = (long) data.y().get(i);
        try (OutputStream file = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(file))) {
            putFloat64(zip, "W1", net.parameter(1));
            putFloat64(zip, "A", net.parameter(2));
            putFloat64(zip, "X", data.x());
            putInt64(zip, "y", labels);
            putInt64(zip, "order", order);
            for (Map.Entry<String, Double> e : Map.of("batch_size", (double) sgd.batchSize(), "eta", sgd.eta(), "momentum", sgd.momentum(),
                    "weight_decay", sgd.weightDecay(), "steps", (double) steps).entrySet())
                try (Matrix v = Matrix.vectorOf(e.getValue())) {
                    putFloat64(zip, e.getKey(), v, 1);
                }
        }
    }

    private static void putFloat64(ZipOutputStream zip, String key, Matrix m, long... shape) throws IOException {
        zip.putNextEntry(new ZipEntry(key + ".npy"));
        Npy.write(zip, m, shape);
        zip.closeEntry();
    }

    /** A 1-d '<i8' .npy entry, its header as numpy writes it (version 1.0, padded to 64 bytes). */
    private static void putInt64(ZipOutputStream zip, String key, long[] values) throws IOException {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + values.length + ",), }";
        int unpadded = 6 + 2 + 2 + dict.length() + 1;
        int headerLength = dict.length() + (64 - unpadded % 64) % 64 + 1;
        ByteBuffer bytes = ByteBuffer.allocate(10 + headerLength + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) headerLength);
        bytes.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (bytes.position() < 10 + headerLength - 1) bytes.put((byte) ' ');
        bytes.put((byte) '\n');
        for (long v : values) bytes.putLong(v);
        zip.putNextEntry(new ZipEntry(key + ".npy"));
        zip.write(bytes.array());
        zip.closeEntry();
    }
}
