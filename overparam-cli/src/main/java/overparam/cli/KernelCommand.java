package overparam.cli;

import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import overparam.core.BadInputException;
import overparam.core.linalg.Memory;
import overparam.lab.plan.KernelPlan;
import overparam.lab.run.KernelPredictionRun;
import overparam.lab.run.KernelRun;
import overparam.lab.run.TileExecutor;

@Command(name = "kernel", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        defaultValueProvider = KernelCommand.Defaults.class,
        header = "Compute an infinite-width kernel of a network on a data set: K^(H), the NTK Theta or the NNGP.",
        description = {
            "Writes the n x n matrix as .npy and prints n, lambda_min, lambda_max and the",
            "time; with --labels also y^T K^-1 y and Arora et al.'s sqrt(2 y^T K^-1 y / n).",
            "Inputs may have any norms: your own data is --data X.npy (n rows of d inputs,",
            "as numpy.save writes them), with --labels y.npy.",
            "",
            "--predict (implied by --test-data): what the infinitely wide network predicts on a",
            "test set (--test-data X_test.npy, --test-n N fresh samples of --synthetic data, or",
            "--data fashion-mnist's own test images). --out is then a new folder holding",
            "ntk_cross.npy and nngp_cross.npy (Theta(X*, X), K(X*, X), n* x n), the test",
            "points' own ntk_test_diagonal.npy and nngp_test_diagonal.npy, predictions_ntk.npy",
            "(gradient descent on the squared loss, converged: Theta(X*, X) Theta^-1 y; or",
            "after --steps K discrete steps of size --eta E), predictions_nngp.npy and",
            "nngp_variance.npy (the NNGP posterior), and summary.json, written last, with the",
            "solves' relative residuals and, with test labels, the test loss (mean squared",
            "error) and accuracy, and the provenance (command, build, machine, elapsed time).",
            "Predictions are the mean over initializations: the zero-mean",
            "outputs at initialization drop out. Image classes are fitted by regression on",
            "one-hot targets 0.9 / -0.1 (Lee et al. 2018, Arora et al. 2019: zero-sum over 10",
            "classes, like the network's zero prior mean); the predicted class is the largest",
            "output. Memory: about eight (n + n*)^2 doubles in memory. Larger sets (fc and",
            "two-layer networks, closed-form activations) are made in tiles held on disk and",
            "solved by a tiled Cholesky factorization within --memory; a killed run resumes from",
            "its finished tiles when the same command is given again. With --executor spark",
            "(--master URL, default local[*]; ./overparam builds the Spark module on first use)",
            "the tiles are computed as Apache Spark tasks and written here, the same files;",
            "e.g. add --executor spark --master 'local[2]' to the tiled example below.",
            ""},
        footer = {"", "Exit codes: 0 done, 2 bad input, 3 internal error.",
            "",
            "Examples:",
            "  ./overparam kernel --arch fc --depth 5 --activation softplus --kind gram --synthetic sphere --n 200 --d 10 --out K.npy",
            "  ./overparam kernel --arch resnet --depth 4 --c-res 0.5 --activation relu --kind ntk --synthetic sphere --n 200 --d 10 --out ntk.npy",
            "  ./overparam kernel --arch conv-resnet --depth 3 --activation relu --synthetic sphere --n 64 --d 3 --pixels 8x8 --out conv.npy",
            "  # the infinite network's predictions on 50 fresh test samples, converged and after 100 steps of size 0.005 (below 2 / lambda_max(Theta)):",
            "  ./overparam kernel --arch fc --depth 3 --activation relu --synthetic sphere --n 100 --d 5 --labels-from teacher --test-n 50 --predict --out runs/pred",
            "  ./overparam kernel --arch fc --depth 3 --activation relu --synthetic sphere --n 100 --d 5 --labels-from teacher --test-n 50 --predict --steps 100 --eta 0.005 --out runs/pred100",
            "  # Fashion-MNIST classes 0 and 6, 100 training and 50 test images each (one-hot targets, test accuracy):",
            "  ./overparam kernel --arch fc --depth 3 --activation relu --data fashion-mnist --classes 0,6 --per-class 100 --test-per-class 50 --predict --ridge 1e-8 --out runs/fm-pred",
            "  # tiled: kernels on disk in 50 x 50 tiles, the factorization within 1 GB (a killed run resumes when given again):",
            "  ./overparam kernel --arch fc --depth 3 --activation erf --synthetic sphere --n 300 --d 5 --labels-from teacher --test-n 100 --predict --memory 1G --tile-size 50 --out runs/pred-tiled",
            "  # slow (about 45 minutes): all of Fashion-MNIST (60,000 training, 10,000 test images), out of core within 18 GB of memory:",
            "  ./overparam kernel --arch fc --depth 3 --activation relu --data fashion-mnist --predict --memory 18G --out runs/fm-full"})
final class KernelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NetworkOptions network;
    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "gram", description = "gram (K^(H), seed 004 Defs. 5.1/6.1/7.1), ntk (Theta) or nngp. Default: ${DEFAULT-VALUE}.")
    String kind;
    @Option(names = "--layer", paramLabel = "h", description = "With --kind gram: the limit of G^(h)(0) for this layer (1..H, H+1 = a) instead of K^(H).")
    Integer layer;
    @Mixin InputOptions inputs;
    @Mixin ImageOptions images;
    @Option(names = "--labels-from", paramLabel = "SOURCE", description = "Synthetic data: gaussian (y_i ~ N(0,1)) or teacher (a random network of the same kind). Default: ${DEFAULT-VALUE}.")
    String labelsFrom;
    @Option(names = "--predict", description = "Predict on a test set with the infinitely wide network (see above); --out is then a new folder.")
    boolean predict;
    @Option(names = "--test-data", paramLabel = "X.npy", description = "Test inputs to predict on (implies --predict); same dimension as --data.")
    String testData;
    @Option(names = "--test-labels", paramLabel = "y.npy", description = "Test labels (as --labels): adds the test loss and accuracy.")
    String testLabels;
    @Option(names = "--test-n", paramLabel = "N", description = "--synthetic data with --predict: N fresh test samples of the same distribution (and teacher).")
    Integer testN;
    @Option(names = "--ridge", paramLabel = "L", description = "With --predict: lambda >= 0 added to the kernels' diagonals, (Theta + lambda I)^-1 and the NNGP's observation noise. Default: 0.")
    Double ridge;
    @Option(names = "--steps", paramLabel = "K", description = "With --predict and --eta: the NTK prediction after K gradient steps (discrete, y - u(k) = (I - eta Theta)^k y). Default: converged.")
    Integer steps;
    @Option(names = "--eta", paramLabel = "E", description = "With --steps: the step size (below 2 / lambda_max(Theta)).")
    String eta;
    @Option(names = "--memory", paramLabel = "LIMIT", description = "With --predict: make the kernels tile by tile on disk and hold at most LIMIT in memory (e.g. 16G). Default: tiles only when the kernels do not fit in memory, then 90%% of the available memory.")
    String memory;
    @Option(names = "--tile-size", paramLabel = "B", description = "With --predict, tiled: the tiles' edge in samples. Default: 2000 (at most n / 2).")
    Integer tileSize;
    @Option(names = "--out", paramLabel = "K.npy", required = true, description = "Where to write the matrix (a new file); with --predict a new folder.")
    String out;
    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;
    @Mixin ExecutorOptions executor;
    @Mixin MachineOptions machine;

    /** The shared defaults, except that the prediction's --steps and --eta have none (absent: converged). */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        private static final Set<String> NONE = Set.of("--steps", "--eta", "--memory", "--tile-size");
        private final ConfigDefaults shared = new ConfigDefaults();

        @Override public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (arg instanceof CommandLine.Model.OptionSpec o && NONE.contains(o.longestName())) return null;
            return shared.defaultValue(arg);
        }
    }

    @Override public Integer call() {
        TileExecutor.Factory tiles = TileExecutor.choose(executor.name, executor.master);   // refused before anything is read or run
        KernelPlan plan = KernelPlan.parse(TrainCommand.fromOptions(spec), kind, layer, new KernelPlan.PredictionOptions(predict, ridge, steps, eta, memory, tileSize));
        if (!plan.predicts() && executor.elsewhere())
            throw new BadInputException("--executor " + executor.name + ": computes the tiles of kernel --predict only; a kernel alone is made in one piece in this "
                    + "process. Add --predict with a test set (and --memory or --tile-size for tiles), or drop --executor.");
        if (plan.predicts()) return predict(plan, tiles);
        KernelRun.Result r = KernelRun.execute(plan);
        var o = spec.commandLine().getOut();
        o.printf("%s on n = %d points (d = %d): %.2f s%n", r.description(), r.n(), r.d(), r.seconds());
        var extremes = new overparam.core.linalg.Spectrum.Extremes(r.lambdaMin(), r.lambdaMax());
        if (extremes.resolvesMin(r.n())) o.printf("n = %d   lambda_min = %.10e   lambda_max = %.10e%n", r.n(), r.lambdaMin(), r.lambdaMax());
        else o.printf("n = %d   lambda_min below round-off (computed %.3e; |lambda| < n eps ||K|| = %.3e is indistinguishable from 0)   lambda_max = %.10e%n",
                r.n(), r.lambdaMin(), extremes.roundoff(r.n()), r.lambdaMax());
        if (inputs.labels != null) o.printf("y^T K^-1 y = %.10e   sqrt(2 y^T K^-1 y / n) = %.10e%n", r.labelComplexity(), r.aroraBound());
        if (r.singularWarning() != null) spec.commandLine().getErr().println("warning: " + r.singularWarning());
        o.printf("wrote %s%n", r.written());
        return 0;
    }

    private int predict(KernelPlan plan, TileExecutor.Factory tiles) {
        KernelPredictionRun.Result r;
        try (KernelProgress progress = new KernelProgress(quiet)) {
            r = KernelPredictionRun.execute(plan, progress, tiles, overparam.lab.run.Provenance.now(Main.typed(spec)));
        }
        var o = spec.commandLine().getOut();
        o.printf("%s: n = %d training, n* = %d test points (d = %d, %d output%s): %.2f s%n", r.description(), r.n(), r.nTest(), r.d(), r.outputs(),
                r.outputs() == 1 ? "" : "s", r.seconds());
        o.printf("relative residual of the solve: NTK %.1e   NNGP %.1e%n", r.residualNtk(), r.residualNngp());
        if (!Double.isNaN(r.testLossNtk())) o.printf("test loss (mean squared error): NTK %.6g   NNGP %.6g%n", r.testLossNtk(), r.testLossNngp());
        if (!Double.isNaN(r.accuracyNtk())) o.printf("test accuracy: NTK %.4f   NNGP %.4f%n", r.accuracyNtk(), r.accuracyNngp());
        if (r.tiling() != null) {
            KernelPredictionRun.Tiling t = r.tiling();
            o.printf("tiled: %d x %d tiles (%d made, %d found from an earlier run), memory bound %s, %d factor tiles spilled to disk, peak resident %s%n",
                    t.tile(), t.tile(), t.tilesComputed(), t.tilesResumed(), Memory.format(t.memory()), t.spilled(), Memory.format(t.peakResidentBytes()));
            o.printf("seconds: kernel tiles %.1f   NTK factorization and solve %.1f   NNGP factorization, solve and variance %.1f%n",
                    t.kernelSeconds(), t.ntkSeconds(), t.nngpSeconds());
        }
        o.printf("wrote %s%n", r.folder());
        return 0;
    }
}
