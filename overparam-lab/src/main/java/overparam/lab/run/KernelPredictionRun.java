package overparam.lab.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;
import overparam.core.data.Dataset;
import overparam.core.data.Npy;
import overparam.core.kernel.KernelPrediction;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.CrossKernels;
import overparam.core.nn.Loss;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;
import overparam.lab.data.DataLoader;
import overparam.lab.data.RunData;
import overparam.lab.data.RunDataLoader;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.KernelPlan;
import overparam.lab.plan.NetworkPlan;

/**
 * ./overparam kernel --predict: what the infinitely wide network predicts on a test set. The cross kernels Theta(X*, X)
 * and K(X*, X), the NTK prediction of gradient descent on the squared loss (converged, or after --steps K of size --eta;
 * the mean over initializations, which drops the zero-mean u0 terms), the NNGP posterior mean and variance, and with
 * test labels the test loss and accuracy. Files go into a new folder, each written atomically, summary.json last: a
 * folder without summary.json is unfinished, and a failed run removes what it wrote.
 *
 * <p>Classification is regression on one-hot targets 0.9 for the class and -0.1 for the others ({@link Loss#oneHot}, the
 * targets of the one-hot squared loss; Lee et al. 2018, Section 3; Arora et al. 2019, Section 6, both on 10 classes): with
 * 10 classes each target vector sums to zero, matching the zero prior mean of the infinite network's outputs; the
 * predicted class is the largest output.
 */
public final class KernelPredictionRun {
    /** What the command prints: sizes, residuals, test loss and accuracy (NaN without test labels), time, the folder. */
    public record Result(String description, int n, int nTest, int d, int outputs, double residualNtk, double residualNngp, double testLossNtk,
                         double testLossNngp, double accuracyNtk, double accuracyNngp, double seconds, Path folder, Tiling tiling) {
        public Result(String description, int n, int nTest, int d, int outputs, double residualNtk, double residualNngp, double testLossNtk,
                      double testLossNngp, double accuracyNtk, double accuracyNngp, double seconds, Path folder) {
            this(description, n, nTest, d, outputs, residualNtk, residualNngp, testLossNtk, testLossNngp, accuracyNtk, accuracyNngp, seconds, folder, null);
        }
    }

    /**
     * How a tiled (out-of-core) solve went: the tile edge, the memory bound, tiles found from a killed run and made now, L's
     * tiles that went to disk for want of memory, the seconds of each phase, and the peak resident memory (VmHWM).
     */
    public record Tiling(int tile, long memory, long tilesResumed, long tilesComputed, long spilled, double kernelSeconds, double ntkSeconds,
                         double nngpSeconds, long peakResidentBytes) {}

    /** Work done so far, for a progress bar over the whole tiled job (in flops of its BLAS and flop-equivalents of the maps). */
    public interface Progress {
        void start(double totalWork, String what);

        void advance(double work, String phase);

        Progress NONE = new Progress() {
            @Override public void start(double totalWork, String what) {}

            @Override public void advance(double work, String phase) {}
        };
    }

    private KernelPredictionRun() {}

    public static Result execute(KernelPlan plan) {
        return execute(plan, Progress.NONE);
    }

    /**
     * In memory (the fold on the stacked inputs) when the kernels fit, else, or when --memory or --tile-size ask for it,
     * tile by tile with the kernels on disk ({@link TiledPrediction}).
     */
    public static Result execute(KernelPlan plan, Progress progress) {
        return execute(plan, progress, TileExecutor.Factory.IN_PROCESS);
    }

    /**
     * As {@link #execute(KernelPlan, Progress)}, with the kernel tiles computed by {@code tiles} (kernel --executor). Only
     * the tiled path has tiles: an executor other than this process is refused when the kernels are made in one piece.
     */
    public static Result execute(KernelPlan plan, Progress progress, TileExecutor.Factory tiles) {
        return execute(plan, progress, tiles, Provenance.now(null));
    }

    /**
     * As {@link #execute(KernelPlan, Progress, TileExecutor.Factory)}, with where the result comes from (the command line
     * as typed, the build, the machine, the start) kept in summary.json's "provenance" with the end and elapsed time, as a
     * train run keeps it: a 30-minute kernel job at 60k samples is a result a referee asks the origin of.
     */
    public static Result execute(KernelPlan plan, Progress progress, TileExecutor.Factory tiles, Provenance provenance) {
        KernelPlan.Prediction p = plan.prediction();
        Linalg.setThreads(plan.threads());
        NetworkPlan network = plan.network();
        try (RunData data = load(plan.data(), network)) {
            Dataset train = data.train(), test = data.test();
            if (test.d() != train.d())
                throw new BadInputException(testOption(plan.data()) + ": test samples have " + test.d() + " values, the training inputs " + train.d()
                        + "; the test set must have the training set's dimension.");
            NetworkSpec spec = network.withWidth(1).spec(train.d(), train.sampleShape(), train.source(), 1);   // the limit does not depend on the width
            if (!spec.hasLimit())
                throw new BadInputException("--arch " + spec.arch() + ": " + spec.noLimitReason().orElseThrow() + ". Use --arch fc, resnet, two-layer or conv-resnet.");
            boolean classes = data.classNames() != null;
            boolean testLabelled = !(plan.data().inputs() instanceof DataPlan.FileInputs) || plan.data().test().labels() != null;
            String samples = "n = " + train.n() + " training and n* = " + test.n() + " test samples";
            String description = "Theta and NNGP of " + spec.arch() + " depth " + network.depth() + " " + spec.activation().name()
                    + (spec.isResidual(2) ? " c_res " + network.cRes() : "") + (spec.isConvolutional() ? ", " + spec.patches().describe() : "");
            boolean tiled = p.tilesAsked() || !MemoryCheck.kernelFits(train.n() + test.n(), spec.pixels());
            if (!tiled && !tiles.inProcess())
                throw new BadInputException("--executor " + tiles.name() + ": computes kernel tiles, but the kernels of " + samples + " fit in memory and are made "
                        + "in one piece in this process; add --memory LIMIT or --tile-size B to make them in tiles, or drop --executor.");
            if (tiled) {
                TiledPrediction.requireTileable(spec, p.tilesAsked() ? (p.memory() != null ? "--memory" : "--tile-size") : samples, p.tilesAsked(),
                        p.tilesAsked() ? "or drop --memory and --tile-size." : "or fewer samples.");
                if (!p.converged())
                    throw new BadInputException("--steps " + p.steps() + ": " + samples + " do not fit in memory, and the prediction after K steps needs Theta's "
                            + "eigendecomposition in memory; drop --steps and --eta for the converged prediction, or use fewer samples.");
            }
            try (Matrix y = classes ? Loss.oneHot(train.y(), data.classNames().length) : train.y().copy();
                 Matrix yTest = !testLabelled ? null : classes ? Loss.oneHot(test.y(), data.classNames().length) : test.y().copy()) {
                if (yTest != null && yTest.cols() != y.cols())
                    throw new BadInputException("--test-labels " + plan.data().test().labels() + ": " + yTest.cols() + " values per sample, the training labels "
                            + y.cols() + "; give test labels of the training labels' shape.");
                Matrix classIndices = classes ? test.y() : null;
                if (tiled) return tiled(plan, data, spec, description, y, yTest, classIndices, progress, tiles, provenance);
                return inMemory(plan, data, spec, description, y, yTest, classIndices, samples, provenance);
            }
        }
    }

    /** The stacked fold's cross kernels, the whole-matrix solves, and every file (the cross kernels included). */
    private static Result inMemory(KernelPlan plan, RunData data, NetworkSpec spec, String description, Matrix y, Matrix yTest, Matrix classIndices,
                                   String samples, Provenance provenance) {
        KernelPlan.Prediction p = plan.prediction();
        Dataset train = data.train(), test = data.test();
        MemoryCheck.requireKernel(plan, train.n() + test.n(), spec.pixels(), 0, samples);
        long t0 = System.nanoTime();
        try (CrossKernels k = CrossKernels.of(spec, test.x(), train.x(), plan.network().trained().of(spec))) {
            try (KernelPrediction.Prediction ntk = ntkPrediction(k, y, p);
                 KernelPrediction.Posterior nngp = posterior(k, y, p.ridge())) {
                double seconds = (System.nanoTime() - t0) / 1e9;
                Scores sNtk = Scores.of(ntk.values(), yTest, classIndices), sNngp = Scores.of(nngp.mean(), yTest, classIndices);
                Result r = new Result(description, train.n(), test.n(), train.d(), y.cols(), ntk.relativeResidual(), nngp.relativeResidual(),
                        sNtk.loss, sNngp.loss, sNtk.accuracy, sNngp.accuracy, seconds, plan.out());
                write(plan, k, ntk, nngp, r, classIndices != null, train.source(), test.source(), provenance);
                return r;
            }
        }
    }

    /** The tiled path: the same targets, scores and outputs but the cross kernels (n* x n, not kept: the tiles are deleted). */
    private static Result tiled(KernelPlan plan, RunData data, NetworkSpec spec, String description, Matrix y, Matrix yTest, Matrix classIndices,
                                Progress progress, TileExecutor.Factory tiles, Provenance provenance) {
        KernelPlan.Prediction p = plan.prediction();
        Dataset train = data.train(), test = data.test();
        int tile = p.tile() != null ? p.tile() : TiledPrediction.defaultTile(train.n());
        long memory = p.memory() != null ? p.memory() : (long) (0.9 * Memory.availableBytes());
        long t0 = System.nanoTime();
        TrainedLayers trained = plan.network().trained().of(spec);
        String job = description + ", trained " + trained.names(spec) + ", train " + train.source() + ", test " + test.source();
        try (TiledPrediction.Solved s = TiledPrediction.solve(spec, trained, train.x(), test.x(), y, p.ridge(), tile, memory, plan.out(), job, progress, tiles)) {
            double seconds = (System.nanoTime() - t0) / 1e9;
            Scores sNtk = Scores.of(s.ntk(), yTest, classIndices), sNngp = Scores.of(s.nngp(), yTest, classIndices);
            Result r = new Result(description, train.n(), test.n(), train.d(), y.cols(), s.residualNtk(), s.residualNngp(), sNtk.loss, sNngp.loss,
                    sNtk.accuracy, sNngp.accuracy, seconds, plan.out(), s.tiling());
            writeTiled(plan, s, r, classIndices != null, train.source(), test.source(), provenance);
            return r;
        }
    }

    /** The outputs of a tiled job, the tiles deleted, summary.json last; on a failure the outputs go and the tiles stay (to resume). */
    private static void writeTiled(KernelPlan plan, TiledPrediction.Solved s, Result r, boolean classes, String trainSource, String testSource,
                                   Provenance provenance) {
        Path dir = plan.out();
        List<String> names = List.of("ntk_test_diagonal.npy", "nngp_test_diagonal.npy", "predictions_ntk.npy", "predictions_nngp.npy", "nngp_variance.npy");
        try (Matrix ntkTest = Matrix.vectorOf(s.testNtk()); Matrix nngpTest = Matrix.vectorOf(s.testNngp()); Matrix variance = Matrix.vectorOf(s.variance())) {
            Npy.write(dir.resolve(names.get(0)), ntkTest, r.nTest());
            Npy.write(dir.resolve(names.get(1)), nngpTest, r.nTest());
            Npy.write(dir.resolve(names.get(2)), s.ntk());
            Npy.write(dir.resolve(names.get(3)), s.nngp());
            Npy.write(dir.resolve(names.get(4)), variance, r.nTest());
            TiledPrediction.deleteTiles(dir);
            AtomicFile.writeString(dir.resolve("summary.json"), summary(plan, r, classes, trainSource, testSource, provenance));
        } catch (RuntimeException e) {
            try {
                for (String f : names) Files.deleteIfExists(dir.resolve(f));
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The training set and the test set the plan names; file test sets may come without labels. */
    private static RunData load(DataPlan plan, NetworkPlan network) {
        if (plan.inputs() instanceof DataPlan.FileInputs f) {
            if (plan.test().labels() != null) return RunDataLoader.load(plan, network, Loss.SQUARED);
            Dataset train = DataLoader.fromFiles(f.data(), f.labels());
            try {
                DataLoader.Inputs in = DataLoader.testInputs(plan.test().data());
                return new RunData(train, new Dataset(in.matrix(), Matrix.vector(in.matrix().rows()), plan.test().data(), in.sampleShape()), null, null);
            } catch (RuntimeException e) {
                train.close();
                throw e;
            }
        }
        // image sets read as class indices (as for cross-entropy), synthetic sets with their --test-n fresh samples
        return RunDataLoader.load(plan, network, plan.images() ? Loss.CROSS_ENTROPY : Loss.SQUARED);
    }

    private static String testOption(DataPlan plan) {
        return plan.test().data() != null ? "--test-data " + plan.test().data() : "the test set";
    }

    private static KernelPrediction.Prediction ntkPrediction(CrossKernels k, Matrix y, KernelPlan.Prediction p) {
        if (p.converged()) {
            try {
                return KernelPrediction.converged(k.ntk(), k.ntkCross(), y, p.ridge());
            } catch (KernelPrediction.NotPositiveDefinite e) {
                throw new BadInputException("--ridge " + p.ridge() + ": " + e.getMessage() + ". Add a small ridge, e.g. --ridge 1e-6, or remove duplicated inputs.");
            }
        }
        Stepped s = atStep(k, y, p.eta(), p.steps());
        if (s.prediction() == null)
            throw new BadInputException("--eta " + p.eta() + ": the infinite network's gradient descent diverges for eta >= 2 / lambda_max(Theta) = "
                    + 2 / s.lambdaMax() + " on these inputs; use a smaller --eta, e.g. --eta " + (float) (1 / s.lambdaMax()) + ".");
        return s.prediction();
    }

    /**
     * The NTK prediction after some steps of gradient descent, null when eta >= 2 / lambda_max(Theta) (it diverges), and
     * lambda_max; and with a finite network's outputs at initialization, its infinite-width twin from those outputs (else null).
     */
    record Stepped(KernelPrediction.Prediction prediction, double lambdaMax, KernelPrediction.Prediction twin) {}

    /** {@link #atStep(CrossKernels, Matrix, double, long)} and, from the same eigendecomposition, the prediction from u0. */
    static Stepped atStep(CrossKernels k, Matrix y, double eta, long steps, Matrix u0Train, Matrix u0Test) {
        try (Spectrum.Decomposition d = Spectrum.decompose(k.ntk())) {
            double lambdaMax = d.values()[d.values().length - 1];
            if (eta * lambdaMax >= 2) return new Stepped(null, lambdaMax, null);
            KernelPrediction.Prediction mean = KernelPrediction.atStep(d, k.ntk(), k.ntkCross(), y, eta, steps, null, null);
            try {
                return new Stepped(mean, lambdaMax, KernelPrediction.atStep(d, k.ntk(), k.ntkCross(), y, eta, steps, u0Train, u0Test));
            } catch (RuntimeException e) {
                mean.close();
                throw e;
            }
        }
    }

    /** The NTK prediction after {@code steps} of size eta (also train's --kernel-predict): Theta decomposed once, for lambda_max and the steps. */
    static Stepped atStep(CrossKernels k, Matrix y, double eta, long steps) {
        try (Spectrum.Decomposition d = Spectrum.decompose(k.ntk())) {
            double lambdaMax = d.values()[d.values().length - 1];
            if (eta * lambdaMax >= 2) return new Stepped(null, lambdaMax, null);
            return new Stepped(KernelPrediction.atStep(d, k.ntk(), k.ntkCross(), y, eta, steps, null, null), lambdaMax, null);
        }
    }

    private static KernelPrediction.Posterior posterior(CrossKernels k, Matrix y, double ridge) {
        try {
            return KernelPrediction.nngpPosterior(k.nngp(), k.nngpCross(), k.nngpTest(), y, ridge);
        } catch (KernelPrediction.NotPositiveDefinite e) {
            throw new BadInputException("--ridge " + ridge + ": " + e.getMessage() + ". Add a small ridge, e.g. --ridge 1e-6, or remove duplicated inputs.");
        }
    }

    /**
     * Test loss (mean squared error over every entry of the n* x k targets) and accuracy: the largest output against the
     * class (image sets), against the largest target (k >= 2 outputs from files), or the sign for +-1 labels (k = 1).
     */
    record Scores(double loss, double accuracy) {
        static Scores of(Matrix predicted, Matrix targets, Matrix classIndices) {
            if (targets == null) return new Scores(Double.NaN, Double.NaN);
            int n = predicted.rows(), k = predicted.cols();
            double sq = 0;
            for (int i = 0; i < predicted.size(); i++) sq += Math.pow(predicted.get(i) - targets.get(i), 2);
            boolean signs = k == 1;
            for (int i = 0; i < n && signs; i++) signs = Math.abs(targets.get(i)) == 1;
            double accuracy = Double.NaN;
            if (classIndices != null) accuracy = Loss.accuracy(predicted, classIndices);     // the training loop's own rule
            else if (signs) accuracy = Loss.accuracy(predicted, targets);
            else if (k >= 2) {                                                               // one-hot-like targets from files
                int right = 0;
                for (int i = 0; i < n; i++) right += argmax(predicted, i) == argmax(targets, i) ? 1 : 0;
                accuracy = right / (double) n;
            }
            return new Scores(sq / predicted.size(), accuracy);
        }

        private static int argmax(Matrix m, int row) {
            int best = 0;
            for (int j = 1; j < m.cols(); j++) if (m.get(row, j) > m.get(row, best)) best = j;
            return best;
        }
    }

    /** Every file into the folder (made here), summary.json last; on a failure what was written and the folder made go. */
    private static void write(KernelPlan plan, CrossKernels k, KernelPrediction.Prediction ntk, KernelPrediction.Posterior nngp, Result r,
                              boolean classes, String trainSource, String testSource, Provenance provenance) {
        Path dir = plan.out();
        boolean made = !Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException("--out " + dir + ": cannot create the folder (" + e.getMessage() + "). Choose another folder.");
        }
        try (Matrix ntkTest = Matrix.vectorOf(k.ntkTest()); Matrix nngpTest = Matrix.vectorOf(k.nngpTest());
             Matrix variance = Matrix.vectorOf(nngp.variance())) {
            Npy.write(dir.resolve("ntk_cross.npy"), k.ntkCross());
            Npy.write(dir.resolve("nngp_cross.npy"), k.nngpCross());
            Npy.write(dir.resolve("ntk_test_diagonal.npy"), ntkTest, r.nTest());
            Npy.write(dir.resolve("nngp_test_diagonal.npy"), nngpTest, r.nTest());
            Npy.write(dir.resolve("predictions_ntk.npy"), ntk.values());
            Npy.write(dir.resolve("predictions_nngp.npy"), nngp.mean());
            Npy.write(dir.resolve("nngp_variance.npy"), variance, r.nTest());
            AtomicFile.writeString(dir.resolve("summary.json"), summary(plan, r, classes, trainSource, testSource, provenance));
        } catch (RuntimeException e) {
            removeWritten(dir, made);
            throw e;
        }
    }

    static String summary(KernelPlan plan, Result r, boolean classes, String trainSource, String testSource, Provenance provenance) {
        KernelPlan.Prediction p = plan.prediction();
        ObjectNode s = Json.object();
        s.put("network", r.description());
        s.put("train", trainSource);
        s.put("test", testSource);
        s.put("n", r.n());
        s.put("n_test", r.nTest());
        s.put("d", r.d());
        s.put("outputs", r.outputs());
        s.putArray("kernels").add("ntk").add("nngp");
        s.put("targets", classes ? "one-hot " + Loss.TARGET_CLASS + " / " + Loss.TARGET_OTHER : "labels as given");
        s.put("ridge", p.ridge());
        if (p.converged()) s.put("steps", "converged");
        else {
            s.put("steps", p.steps());
            s.put("eta", p.eta());
        }
        s.put("ntk_prediction", "mean over initializations (u0 = 0)" + (p.converged() ? ", converged" : ", after discrete gradient steps"));
        Json.putNumber(s, "residual_ntk", r.residualNtk());
        Json.putNumber(s, "residual_nngp", r.residualNngp());
        Json.putNumber(s, "test_loss_ntk", r.testLossNtk());
        Json.putNumber(s, "test_loss_nngp", r.testLossNngp());
        Json.putNumber(s, "accuracy_ntk", r.accuracyNtk());
        Json.putNumber(s, "accuracy_nngp", r.accuracyNngp());
        s.put("seconds", r.seconds());
        if (r.tiling() != null) s.set("tiled", tilingJson(r.tiling()));
        s.set("provenance", provenance.json(java.time.Instant.now()));
        try {
            return Json.MAPPER.writeValueAsString(s) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** summary.json's "tiled" block: how the out-of-core solve went (tile counts, spills, seconds of each phase, peak memory). */
    static ObjectNode tilingJson(Tiling t) {
        ObjectNode o = Json.object();
        o.put("method", "kernels made tile by tile onto disk; each solve by a left-looking tiled Cholesky factorization (out of core)");
        o.put("tile", t.tile());
        o.put("memory_bytes", t.memory());
        o.put("tiles_resumed", t.tilesResumed());
        o.put("tiles_computed", t.tilesComputed());
        o.put("factor_tiles_spilled", t.spilled());
        o.put("kernel_seconds", t.kernelSeconds());
        o.put("ntk_solve_seconds", t.ntkSeconds());
        o.put("nngp_solve_seconds", t.nngpSeconds());
        o.put("peak_resident_bytes", t.peakResidentBytes());
        o.put("cross_kernels", "not kept (n* x n doubles each; the in-memory path writes them)");
        return o;
    }

    private static void removeWritten(Path dir, boolean made) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
            for (Path f : all) Files.deleteIfExists(f);
            if (made) Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
