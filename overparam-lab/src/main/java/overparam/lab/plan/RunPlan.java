package overparam.lab.plan;

import java.nio.file.Path;
import overparam.core.BadInputException;

/**
 * One training run, typed and checked: what `./overparam train` and every cell of an experiment run. It is made
 * once, at the edge, from the flat {@link RunConfig} that the command line and the YAML specs both produce
 * ({@link #parse}); every refusal names the field and the fix, and nothing below sees an option name or a string
 * to parse. {@link #config} keeps the resolved configuration it came from, for summary.json and the store.
 */
public record RunPlan(NetworkPlan network, DataPlan data, TrainPlan train, Instruments instruments, LimitMode limitKernel,
                      Path out, int threads, boolean dumpGram, RunConfig config, boolean kernelPredict, double kernelRidge,
                      ReadoutFitPlan fit, PrunePlan prune, Long kernelMemory, Path kernelCache) {

    /** Checks every field that needs no data (and no memory): a bad cell of an experiment is refused before any runs. */
    public static RunPlan parse(RunConfig raw) {
        RunConfig c = raw.withDefaults();
        NetworkPlan network = NetworkPlan.parse(c);
        TrainPlan train = TrainPlan.parse(c);
        Instruments instruments = Instruments.parse(c.instruments()).withHessian(c);
        LimitMode limit = LimitMode.parse(c.limitKernel());
        DataPlan data = DataPlan.parse(c, network.arch(), train);
        if (c.threads() < 1) throw BadInputException.of("--threads " + c.threads(), c.threads(), "at least 1", "e.g. --threads 2");
        boolean kernelPredict = Boolean.TRUE.equals(c.kernelPredict());
        if (kernelPredict) requireKernelPrediction(network, data);
        double ridge = kernelRidge(c.kernelRidge(), kernelPredict);
        for (String[] option : new String[][]{{"--kernel-memory", c.kernelMemory()}, {"--kernel-cache", c.kernelCache()}})
            if (option[1] != null && !kernelPredict)
                throw new BadInputException(option[0] + " " + option[1] + ": an option of --kernel-predict's kernels; add --kernel-predict, or drop " + option[0] + ".");
        Long kernelMemory = c.kernelMemory() == null ? null : KernelPlan.bytes("--kernel-memory", c.kernelMemory());
        ReadoutFitPlan fit = ReadoutFitPlan.parse(c.fit(), c.fitRidge(), network, train);
        if (fit != null) {
            String missing = missingTestSet(data);
            if (missing != null) throw new BadInputException("--fit min-norm: reports the fit's test error, so needs a labelled test set; give " + missing + ", or drop --fit.");
        }
        PrunePlan prune = PrunePlan.parse(c);
        if (prune != null && fit != null)
            throw new BadInputException("--fit " + c.fit() + " with --prune-rounds: the closed-form readout fits frozen features, and pruning rounds"
                    + " train every layer; drop one of them.");
        return new RunPlan(network, data, train, instruments, limit, c.out() == null ? null : Path.of(c.out()), c.threads(),
                Boolean.TRUE.equals(c.dumpGram()), c, kernelPredict, ridge, fit, prune, kernelMemory,
                c.kernelCache() == null ? null : Path.of(c.kernelCache()));
    }

    /**
     * --kernel-predict needs a network whose every hidden layer has an infinite-width limit (the limits of
     * {@code core/nn/LimitKernel}) and a labelled test set to predict: --test-data with --test-labels, --test-fraction,
     * --test-n of synthetic data, or an image set's own test images.
     */
    private static void requireKernelPrediction(NetworkPlan network, DataPlan data) {
        int hidden = network.hiddenLayers();
        String noLimit = hidden < 1 ? "has no hidden layer" : null;
        for (int h = 1; h <= hidden && noLimit == null; h++)
            if (!network.arch().layerKind(h).hasLimit())
                noLimit = "hidden layer " + h + " is " + network.arch().layerKind(h) + ", " + network.arch().layerKind(h).noLimitReason().orElseThrow();
        if (noLimit != null)
            throw new BadInputException("--kernel-predict: --arch " + network.arch().cliName() + " " + noLimit
                    + ", so there is no infinitely wide network to predict with; use --arch fc, resnet, two-layer or conv-resnet, or drop --kernel-predict.");
        // the limit kernels are the standard draw's (NetworkSpec has no init scale): another scheme or scale changes Theta
        // layer by layer (uniformly only for a positively homogeneous activation), so its predictions would be another network's
        if (network.initScheme() != overparam.core.nn.Init.STANDARD || network.initScale() != 1.0)
            throw new BadInputException((network.initScheme() != overparam.core.nn.Init.STANDARD ? "--init-scheme " + network.initScheme().cliName()
                    : "--init-scale " + network.initScale()) + ": --kernel-predict's infinitely wide network is that of the standard initialization at scale 1, "
                    + "not this one's; drop it, or drop --kernel-predict.");
        String missing = missingTestSet(data);
        if (missing != null) throw new BadInputException("--kernel-predict: needs a labelled test set to predict on; give " + missing + ", or drop --kernel-predict.");
    }

    /**
     * Null when the plan has a labelled test set (--test-data with --test-labels, --test-fraction, --test-n of synthetic data,
     * or an image set's own test images), else the options that would give it.
     */
    private static String missingTestSet(DataPlan data) {
        DataPlan.TestSet t = data.test();
        DataPlan.Inputs in = data.inputs();
        boolean test = t.fraction() != null && t.fraction() > 0
                || in instanceof DataPlan.FileInputs && t.data() != null && t.labels() != null
                || in instanceof DataPlan.SyntheticInputs && t.n() > 0
                || in instanceof DataPlan.ImageInputs i && (i.testPerClass() == null || i.testPerClass() > 0);
        if (test) return null;
        return in instanceof DataPlan.SyntheticInputs ? "--test-n N (fresh samples), e.g. --test-n 200"
                : in instanceof DataPlan.ImageInputs ? "--test-per-class K > 0, or drop --test-per-class for all test images"
                : in instanceof DataPlan.TabularInputs ? "--test-fraction F, a seeded random test part, e.g. --test-fraction 0.5"
                : t.data() != null ? "--test-labels y_test.npy" : "--test-data X_test.npy --test-labels y_test.npy, or --test-fraction F";
    }

    /** --kernel-ridge LAMBDA: a finite lambda >= 0 on the kernels' diagonals, only with --kernel-predict; 0 when unset. */
    private static double kernelRidge(Double ridge, boolean kernelPredict) {
        if (ridge == null) return 0;
        if (!kernelPredict)
            throw new BadInputException("--kernel-ridge " + ridge + ": the ridge of --kernel-predict's kernels; add --kernel-predict, or drop --kernel-ridge.");
        if (!(ridge >= 0) || !Double.isFinite(ridge))
            throw BadInputException.of("--kernel-ridge " + ridge, ridge, "a finite lambda >= 0", "e.g. --kernel-ridge 1e-6 (0: the interpolating network)");
        return ridge;
    }

    /** The run folder, which a run needs and an experiment's validation does not. */
    public Path requireOut() {
        if (out == null) throw new BadInputException("--out: missing. Name a new folder for the run, e.g. --out runs/r1");
        return out;
    }
}
