package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import overparam.core.BadInputException;
import overparam.core.data.Dataset;
import overparam.core.kernel.KernelPrediction;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.nn.CrossKernels;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainingListener;
import overparam.core.nn.TrainedLayers;
import overparam.core.optim.Optimizer;
import overparam.lab.data.RunData;
import overparam.lab.plan.RunPlan;
import overparam.lab.plan.TrainPlan;

/**
 * train --kernel-predict: what the infinitely wide network of the run's own architecture, depth and activation (and
 * trained layers) predicts on the run's test set after fitting the run's training set, computed once before training (it
 * does not depend on the finite network) and written as summary.json's "kernel_prediction", whose numbers the store keeps
 * as per-run values: ntk_test_accuracy, ntk_test_loss, ntk_residual (gradient descent to convergence, f = Theta(X*, X)
 * Theta^-1 y, or with --kernel-ridge lambda (Theta + lambda I)^-1), nngp_test_accuracy, nngp_test_loss, nngp_residual (the NNGP posterior mean), and for a run of plain
 * full-batch gradient descent on the squared loss or the one-hot squared loss ntk_step_test_accuracy, ntk_step_test_loss,
 * ntk_step_residual (the infinite network after the run's own K steps of its eta: u(k+1) = u(k) - eta Theta (u(k) - y) is
 * the step of 1/2 sum (u - y)^2, on each of the k target columns for the one-hot squared loss). For those runs also the
 * finite network's own infinite-width twin: the same K steps from the network's outputs at initialization u0 (Lee et al.
 * 2019, eq. 16 with Theta for the network's own kernel), ntk_twin_test_accuracy and ntk_twin_test_loss before training,
 * and after it ntk_twin_test_distance, the RMS over the n* x k test outputs of the trained network minus its twin, which
 * falls like m^-1/2 (OneHotKernelPredictionWidthTest, KernelPredictionWidthTest): the mean prediction keeps u0's
 * width-independent noise out, the twin keeps it in, so only the twin isolates the width. All are means over initializations (u0 = 0), as {@code kernel --predict}'s, whose code
 * this shares ({@link KernelPredictionRun}): the cross kernels, one-hot targets and scores.
 *
 * <p>Targets are the finite network's: its own training labels (n x 1: +-1 for two classes, or real values) for the losses
 * on one output, so kernel and network fit the same numbers; for the losses on class indices the one-hot targets 0.9 / -0.1
 * ({@link Loss#oneHot}), which the one-hot squared loss fits too and cross-entropy does not. With two classes the sign of the +-1
 * prediction and the argmax of the one-hot prediction agree (the difference of the two one-hot columns is the +-1 target,
 * and the prediction is linear in the targets), so accuracies compare across the two. Test loss is the mean squared
 * error over the n* x k target entries, as kernel --predict's test_loss_ntk (not the finite network's test_loss).
 */
final class RunKernelPrediction {
    /** The summary's key. */
    static final String KEY = "kernel_prediction";

    private RunKernelPrediction() {}

    /**
     * The numbers of kernel_prediction, and the twin's test outputs (n* x k) for {@link #finish} when the step prediction applies
     * (else null); the summary's object is json, which finish completes in place.
     */
    record Result(ObjectNode json, Matrix twinTest) implements AutoCloseable {
        @Override public void close() { if (twinTest != null) twinTest.close(); }
    }

    /**
     * The predictions' numbers (and how they were made) as summary.json's kernel_prediction object; network: the finite one at
     * initialization; matrixHashes: the data's digests ({@link overparam.lab.reproduce.DataManifest#matrixHashes}), the cache's key;
     * listener: told of a tiled solve's progress ({@link TrainingListener#onKernelPrediction}).
     */
    static Result of(RunPlan plan, RunData data, TrainSpec trainSpec, Network network, Map<String, String> matrixHashes, TrainingListener listener) {
        int outputs = network.spec().outputs();
        Matrix twinTest = null;
        long t0 = System.nanoTime();
        Dataset train = data.train(), test = data.test();
        NetworkSpec spec = plan.network().withWidth(1).spec(train.d(), train.sampleShape(), train.source(), 1);   // the limit: any width, one output
        TrainedLayers trained = plan.network().trained().of(spec);
        Loss loss = trainSpec.loss();
        boolean oneHot = loss.takesClasses();
        boolean steps = stepsApply(plan);
        if (steps && plan.kernelMemory() != null)
            throw new BadInputException("--kernel-memory " + Memory.format(plan.kernelMemory()) + ": this run's prediction after its own steps (full-batch gradient descent on the "
                    + loss.cliName() + " loss) needs Theta's eigendecomposition, made in memory only; drop --kernel-memory, or train with --batch-size.");
        int classes = oneHot ? outputs : 1;
        ObjectNode s = Json.object();
        s.put("kernels", "ntk (converged" + (steps ? ", and after the run's steps" : "") + "), nngp (posterior mean)");
        String targets = !oneHot ? "the run's training labels" : "one-hot " + Loss.TARGET_CLASS + " / " + Loss.TARGET_OTHER
                + (loss == Loss.ONE_HOT_SQUARED || loss == Loss.ONE_HOT_MSE ? " (the network's own targets)" : " (the network fits " + loss.cliName() + ")");
        s.put("targets", targets);
        s.put("test_loss", "mean squared error over the n* x k targets");
        s.put("ridge", plan.kernelRidge());                                    // converged NTK and NNGP; the step prediction has none
        try (Matrix y = oneHot ? Loss.oneHot(train.y(), classes) : train.y().copy();
             Matrix yTest = oneHot ? Loss.oneHot(test.y(), classes) : test.y().copy()) {
            Matrix classIndices = oneHot ? test.y() : null;
            if (!steps) {                                                      // the converged predictions alone: shared, and tiled at scale
                Converged converged = new Converged(plan, spec, trained, train.x(), test.x(), y, yTest, classIndices, progress(listener));
                if (plan.kernelCache() == null) s.setAll(converged.apply(null));
                else {
                    KernelPredictionCache.Key key = KernelPredictionCache.Key.of(spec, trained, plan.kernelRidge(), targets, y.cols(), train, test, matrixHashes);
                    KernelPredictionCache.Lookup found = KernelPredictionCache.computeIfAbsent(plan.kernelCache(), key, converged);
                    s.setAll(found.numbers());
                    s.put("cache", (found.hit() ? "read from " : "computed into ") + plan.kernelCache().resolve(key.hex()));
                }
            } else try (CrossKernels k = CrossKernels.of(spec, test.x(), train.x(), trained)) {
                inMemory(s, k, y, yTest, classIndices, plan.kernelRidge());
                double eta = trainSpec.optimizer().eta();
                s.put("ntk_step", trainSpec.steps());
                KernelPredictionRun.Stepped step;
                try (Matrix u0Train = network.predict(train.x()); Matrix u0Test = network.predict(test.x())) {
                    step = KernelPredictionRun.atStep(k, y, eta, trainSpec.steps(), u0Train, u0Test);
                }
                Json.putNumber(s, "ntk_lambda_max", step.lambdaMax());
                if (step.prediction() == null) s.put("ntk_step_diverges", "eta >= 2 / lambda_max(Theta)");
                else try (KernelPrediction.Prediction p = step.prediction(); KernelPrediction.Prediction twin = step.twin()) {
                    put(s, "ntk_step", KernelPredictionRun.Scores.of(p.values(), yTest, classIndices), p.relativeResidual());
                    put(s, "ntk_twin", KernelPredictionRun.Scores.of(twin.values(), yTest, classIndices), twin.relativeResidual());
                    twinTest = twin.values().copy();
                }
            }
        }
        s.put("kernel_prediction_seconds", (System.nanoTime() - t0) / 1e9);
        return new Result(s, twinTest);
    }

    /**
     * The converged NTK and the NNGP posterior mean, scored: in memory when the stacked fold fits and --kernel-memory is not
     * given, else tile by tile ({@link TiledPrediction}, the kernel command's out-of-core solve) with the tiles in the cache
     * entry's folder, or in a temporary folder beside the run's when there is no cache; the tiles are deleted once solved.
     */
    private record Converged(RunPlan plan, NetworkSpec spec, TrainedLayers trained, Matrix x, Matrix xTest, Matrix y, Matrix yTest, Matrix classIndices,
                             KernelPredictionRun.Progress progress) implements Function<Path, ObjectNode> {
        @Override public ObjectNode apply(Path entry) {
            ObjectNode s = Json.object();
            long t0 = System.nanoTime();
            if (!tiled(plan, x.rows(), xTest.rows(), spec.pixels())) {
                try (CrossKernels k = CrossKernels.of(spec, xTest, x, trained)) {
                    inMemory(s, k, y, yTest, classIndices, plan.kernelRidge());
                }
            } else {
                String samples = "n = " + x.rows() + " training and n* = " + xTest.rows() + " test samples";
                TiledPrediction.requireTileable(spec, plan.kernelMemory() != null ? "--kernel-memory" : "--kernel-predict with " + samples, plan.kernelMemory() != null,
                        "or fewer samples.");
                Path dir = entry;
                try {
                    if (dir == null) {                                             // the tiles (tens of GB at 60k) go on the run's disk
                        Path parent = plan.requireOut().toAbsolutePath().getParent();
                        Files.createDirectories(parent);
                        dir = Files.createTempDirectory(parent, ".kernel-tiles-");
                    }
                } catch (IOException e) {
                    throw new BadInputException("--out " + plan.out() + ": cannot make a folder for the kernel tiles beside it (" + e.getMessage() + "). Give a writable --out.");
                }
                long memory = plan.kernelMemory() != null ? plan.kernelMemory() : (long) (0.9 * Memory.availableBytes());
                String job = "run kernel prediction of " + spec.arch() + " depth " + spec.depth() + " " + spec.activation().name() + ", trained " + trained.names(spec)
                        + ", " + samples + (entry != null ? ", cache entry " + entry.getFileName() : "");
                try (TiledPrediction.Solved solved = TiledPrediction.solve(spec, trained, x, xTest, y, plan.kernelRidge(), "--kernel-ridge", TiledPrediction.defaultTile(x.rows()),
                        memory, dir, job, progress, TileExecutor.Factory.IN_PROCESS)) {
                    put(s, "ntk", KernelPredictionRun.Scores.of(solved.ntk(), yTest, classIndices), solved.residualNtk());
                    put(s, "nngp", KernelPredictionRun.Scores.of(solved.nngp(), yTest, classIndices), solved.residualNngp());
                    s.set("tiled", KernelPredictionRun.tilingJson(solved.tiling()));
                    TiledPrediction.deleteTiles(dir);                          // solved: a failure keeps them, to resume from
                } finally {
                    if (entry == null) deleteQuietly(dir);                     // a temporary folder: nothing to resume into
                }
            }
            s.put("converged_seconds", (System.nanoTime() - t0) / 1e9);
            return s;
        }
    }

    /**
     * The tiled solve's progress as the run's listener takes it: the work done so far of the total. The solver reports
     * increments, from the tile executor's threads as tiles arrive, hence the lock.
     */
    private static KernelPredictionRun.Progress progress(TrainingListener listener) {
        return new KernelPredictionRun.Progress() {
            private double total, done;

            @Override public synchronized void start(double totalWork, String what) {
                total = totalWork;
                done = 0;
                listener.onKernelPrediction(0, total, "kernel tiles");
            }

            @Override public synchronized void advance(double work, String phase) {
                done += work;
                listener.onKernelPrediction(Math.min(done, total), total, phase);   // the total is an estimate
            }
        };
    }

    /** The converged NTK and the NNGP posterior mean from the stacked fold's kernels, scored into s. */
    private static void inMemory(ObjectNode s, CrossKernels k, Matrix y, Matrix yTest, Matrix classIndices, double ridge) {
        try (KernelPrediction.Prediction ntk = KernelPrediction.converged(k.ntk(), k.ntkCross(), y, ridge);
             KernelPrediction.Posterior nngp = KernelPrediction.nngpPosterior(k.nngp(), k.nngpCross(), k.nngpTest(), y, ridge)) {
            put(s, "ntk", KernelPredictionRun.Scores.of(ntk.values(), yTest, classIndices), ntk.relativeResidual());
            put(s, "nngp", KernelPredictionRun.Scores.of(nngp.mean(), yTest, classIndices), nngp.relativeResidual());
        } catch (KernelPrediction.NotPositiveDefinite e) {
            throw new BadInputException("--kernel-ridge " + ridge + ": " + e.getMessage() + " on the run's training inputs; add a small ridge, e.g. "
                    + "--kernel-ridge 1e-6, or remove duplicated inputs.");
        }
    }

    /**
     * Whether the converged predictions are made tile by tile: --kernel-memory asks for it, or the stacked fold of n + n*
     * samples does not fit in memory; never when the prediction after the run's steps applies (it needs Theta in memory).
     */
    static boolean tiled(RunPlan plan, int n, int nTest, int pixels) {
        return !stepsApply(plan) && (plan.kernelMemory() != null || !MemoryCheck.kernelFits(n + nTest, pixels));
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            // a temporary folder left behind holds no result; the run goes on
        }
    }

    /** After training: ntk_twin_test_distance, the RMS over the test outputs of the trained network minus its twin (nothing without a twin). */
    static void finish(Result r, Network network, Dataset test) {
        if (r.twinTest() == null) return;
        try (Matrix finite = network.predict(test.x())) {
            double sq = 0;
            for (int i = 0; i < finite.size(); i++) sq += Math.pow(finite.get(i) - r.twinTest().get(i), 2);
            Json.putNumber(r.json(), "ntk_twin_test_distance", Math.sqrt(sq / finite.size()));
        }
    }

    private static void put(ObjectNode s, String prefix, KernelPredictionRun.Scores scores, double residual) {
        Json.putNumber(s, prefix + "_test_accuracy", scores.accuracy());
        Json.putNumber(s, prefix + "_test_loss", scores.loss());
        Json.putNumber(s, prefix + "_residual", residual);
    }

    /**
     * Whether the run is the gradient descent whose infinite-width twin the closed form at step K describes: the squared loss
     * or the one-hot squared loss (sums, so the step is u - eta G (u - y) on each target column), full batch, plain gradient descent (not Adam), no momentum, weight decay, schedule, clipping or noise, no start phase, no mask (a
     * pruned network's kernel is not the dense limit's).
     */
    static boolean stepsApply(RunPlan plan) {
        TrainPlan t = plan.train();
        return (t.loss() == Loss.SQUARED || t.loss() == Loss.ONE_HOT_SQUARED) && t.batchSize() == 0 && t.momentum() == 0 && t.weightDecay() == 0
                && t.adam() == null && t.mask() == null
                && t.schedule() == Optimizer.Schedule.CONSTANT && t.shaping().isNone() && t.gdStart() == 0 && !plan.data().freshSamples();
    }
}
