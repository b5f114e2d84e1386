package overparam.lab.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import overparam.core.BadInputException;
import overparam.core.curvature.HessianNoise;
import overparam.core.curvature.SgdMatchedNoise;
import overparam.core.optim.NoiseShape;
import overparam.core.data.Dataset;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;
import overparam.core.instruments.EndToEndInstrument;
import overparam.core.instruments.GramInstrument;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.optim.Optimizer;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.lab.data.FreshSamples;
import overparam.lab.data.RunData;
import overparam.lab.data.RunDataLoader;
import overparam.lab.plan.DataPlan.SyntheticInputs;
import overparam.lab.plan.Instruments;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunPlan;
import overparam.lab.plan.StepSize;
import overparam.lab.plan.TrainPlan;
import overparam.lab.reproduce.DataManifest;
import overparam.lab.reproduce.ReproduceScript;

/**
 * One training run from its {@link RunPlan} to a finished run folder, in the order a run happens: data, network,
 * the checks that need both (instruments that apply, memory), the infinite-width kernels, the step size, then
 * training with the observers, the weights and the summary. Everything that can be refused is refused before anything
 * long starts or anything is written: a refused run leaves no folder behind.
 */
public final class TrainRun {
    /** The run's initial weights, beside weights_final.npz (same keys). */
    public static final String INIT_WEIGHTS = "weights_init.npz";

    /** The initialization's weights when a start phase will move the network before the folder exists (null: the network is still there). */
    private record Initial(java.util.Map<String, NdArray> weights) {}

    /** What the command line prints at the end. */
    public record Outcome(Path folder, TrainResult result, double eta, int n, int d, double stepsPerSecond) {}

    private TrainRun() {}

    /**
     * Refuses a plan whose memory (or one of whose matrices) exceeds what this machine can give, from the plan alone:
     * an experiment checks every cell so before running any.
     */
    public static void requireResources(RunPlan plan) {
        MemoryCheck.requirePlan(plan);
    }

    /** Parses the configuration (the command line's or a cell's) and runs it. */
    public static Outcome execute(RunConfig config, TrainingListener progress) {
        return execute(RunPlan.parse(config), progress);
    }

    public static Outcome execute(RunPlan plan, TrainingListener progress) {
        return execute(plan, progress, null);
    }

    /** As above, recording the command line that started the run (as typed) in its provenance; null for a cell of an experiment. */
    public static Outcome execute(RunPlan plan, TrainingListener progress, String command) {
        return execute(plan, progress, command, note -> {});
    }

    /**
     * As above; with --prune-rounds the rounds of iterative magnitude pruning ({@link PruningRun}), each training a run folder
     * under --out/rounds/, and notes receives a line per finished training (its fraction of weights remaining and results).
     */
    public static Outcome execute(RunPlan plan, TrainingListener progress, String command, java.util.function.Consumer<String> notes) {
        if (plan.prune() != null) return PruningRun.execute(plan, progress, command, notes);
        Provenance provenance = Provenance.now(command);
        long t0 = System.nanoTime();
        Path out = plan.requireOut();
        RunFolder.requireUsable(out);
        MemoryCheck.requirePlan(plan);                                        // before the data are drawn or read
        Linalg.setThreads(plan.threads());
        Loss loss = plan.train().loss();
        try (RunData data = RunDataLoader.load(plan.data(), plan.network(), loss)) {
            Dataset train = data.train();
            int outputs = loss.outputs(loss.takesClasses() ? classCount(loss, train, data.test()) : 1);
            NetworkSpec spec = plan.network().spec(train.d(), train.sampleShape(), train.source(), outputs);
            TrainedLayers trained = plan.network().trained().of(spec);
            Instruments instruments = plan.instruments().applicableTo(spec, trained, loss.classifies(train.y()), plan,
                    References.teacherBeta(spec, data) != null);
            boolean limit = limitKernel(plan, spec, train.n());
            if (plan.train().eta() instanceof StepSize.Auto && !spec.hasDenseGram())
                throw new BadInputException("--eta auto: 1 / lambda_max(G(0)) needs the NTK of a one-output network with dense hidden layers"
                        + (spec.fixupScalars() ? " and no trained scalars (--fixup-scalars: the per-layer Gram does not cover them)" : "") + "; give --eta.");
            if (plan.dumpGram() && !instruments.has(Instruments.Instrument.GRAM))
                throw new BadInputException("--dump-gram needs the gram instrument: add gram to --instruments.");
            if (instruments.has(Instruments.Instrument.GRADIENT_NOISE)) plan.train().noise().requireBelow(train.n());
            plan.train().shaping().requireMatchBelow(train.n());
            TrainPlan.Shaping.LangevinPlan langevin = plan.train().shaping().langevin();
            if (langevin != null && langevin.matchesSgd() && !overparam.core.nn.ParameterVector.supports(spec))
                throw new BadInputException("--noise-match-sgd: SGD's noise trace comes from per-sample gradients of every trained parameter, and "
                        + (spec.hasBiases() ? "the biases of --bias-scale " + spec.biasScale() : "a learned PReLU slope") + " are not among them; give --noise-trace T instead.");
            if (plan.train().shaping().hessian() != null) {
                var unsupported = overparam.core.nn.HessianVectorProduct.unsupported(spec);
                if (unsupported.isPresent())
                    throw new BadInputException("--langevin hessian: its noise follows Hessian eigenvectors from exact Hessian-vector products, and "
                            + unsupported.get() + "; use --langevin isotropic, or another --arch.");
            }
            MemoryCheck.require(plan, spec, data, instruments, limit);
            try (Theory theory = limit ? Theory.of(spec, train, trained, progress) : null;
                 Network network = plan.network().init() != null ? loadInit(plan.network().init(), spec)
                                                                 : Network.initialize(spec, plan.train().seed(), plan.network().initScheme(),
                                                                                      plan.network().initScale());
                 RunMask mask = plan.train().mask() == null ? null : RunMask.read(plan.train().mask(), network, spec)) {
                if (mask != null) mask.weights().applyToWeights();            // pruned from the start: auto eta and step 0 see the ticket
                double eta = plan.train().eta() instanceof StepSize.Fixed f ? f.eta() : autoEta(network, train, trained);
                // weights_init.npz is the initialization: a start phase (--gd-start) moves the network, so its weights are kept first
                Initial initial = new Initial(plan.train().gdStart() > 0 ? network.weightArrays() : null);
                StartPoint start = StartPoint.reach(plan.train().gdStart(), network, train, loss, eta, trained, plan.train().seed());
                if (start.diverged()) {               // recorded as diverged, with the optimizer that ran: GD of the start phase
                    TrainSpec gd = new TrainSpec(loss, Optimizer.gradientDescent(eta), start.steps(), start.steps(), trained, plan.train().seed());
                    return train(plan, spec, data, network, gd, instruments, theory, out, progress, provenance, (System.nanoTime() - t0) / 1e9, start, Double.NaN, initial);
                }
                try (RunNoise noise = RunNoise.of(plan.train().shaping().langevin(), network, trained, loss, train, plan.train().seed())) {
                    double startTrace = noise == null || noise.matched() == null ? Double.NaN : noise.matched().trace();
                    if (noise != null && noise.matched() != null && !(startTrace > 0 && Double.isFinite(startTrace)))
                        throw new BadInputException("--noise-match-sgd " + plan.train().shaping().langevin().matchSgdBatch() + ": SGD's noise at the start point has"
                                + " trace " + startTrace + " (every per-sample gradient equal, e.g. at an interpolating minimum of a realizable problem): there is"
                                + " no noise to match; give --noise-trace T instead.");
                    TrainSpec trainSpec = new TrainSpec(loss, plan.train().optimizer(eta, noise == null ? null : noise.shape(), startTrace)
                                    .masked(mask == null ? null : mask.weights()),
                            plan.train().steps(), plan.train().recordEvery(), trained, plan.train().seed());
                    double setupSeconds = (System.nanoTime() - t0) / 1e9;
                    return train(plan, spec, data, network, trainSpec, instruments, theory, out, progress, provenance, setupSeconds, start, startTrace, initial);
                }
            }
        }
    }

    /**
     * Where training starts: the initialization, or (--gd-start K) the point K steps of plain full-batch gradient descent
     * at the run's eta reach from it, unrecorded (Zhu et al. 2019 start each dynamics from a minimum GD found: the same
     * point for every optimizer of the same seed, bit for bit). With --noise-match-sgd the Langevin noise takes SGD's trace
     * there ({@link SgdMatchedNoise}, made at this point). loss NaN: no start phase; divergedAt >= 0: the start phase
     * diverged at that step.
     */
    record StartPoint(int steps, double loss, double seconds, int divergedAt) {
        static final StartPoint NONE = new StartPoint(0, Double.NaN, 0, -1);

        boolean diverged() { return divergedAt >= 0; }

        static StartPoint reach(int steps, Network network, Dataset train, Loss loss, double eta, TrainedLayers trained, long seed) {
            if (steps == 0) return NONE;
            TrainResult gd = Trainer.train(network, train, new TrainSpec(loss, Optimizer.gradientDescent(eta), steps, steps, trained, seed), List.of(),
                    new TrainingListener() {});
            return gd.diverged() ? new StartPoint(steps, Double.NaN, gd.trainSeconds(), gd.divergedStep())
                                 : new StartPoint(steps, gd.finalLoss(), gd.trainSeconds(), -1);
        }
    }

    /**
     * The noise shape a run makes from its network and data (--langevin hessian, --noise-match-sgd), closed with the run (the
     * optimizer's chain does not own it); null when the plan's own isotropic shape of a fixed trace serves.
     */
    private record RunNoise(NoiseShape shape, HessianNoise hessian, SgdMatchedNoise matched) implements AutoCloseable {
        static RunNoise of(TrainPlan.Shaping.LangevinPlan l, Network network, TrainedLayers trained, Loss loss, Dataset train, long seed) {
            if (l == null || !l.runSupplied()) return null;
            HessianNoise hessian = l.hessian() ? new HessianNoise(network, trained, loss, train, l.top(), l.every(), seed) : null;
            NoiseShape inner = hessian != null ? hessian : NoiseShape.ISOTROPIC;
            SgdMatchedNoise matched = l.matchesSgd() ? new SgdMatchedNoise(inner, network, trained, loss, train, l.matchSgdBatch(), l.every()) : null;
            return new RunNoise(matched != null ? matched : inner, hessian, matched);
        }

        @Override public void close() {
            if (hessian != null) hessian.close();
            if (matched != null) matched.close();
        }
    }

    /** The direction of --synthetic line's path (its inputs in order), or null for other inputs. */
    private static double[] linePath(RunPlan plan, NetworkSpec spec) {
        return plan.data().inputs() instanceof overparam.lab.plan.DataPlan.SyntheticInputs s && s.kind() == overparam.core.data.Synthetic.Kind.LINE
                ? overparam.core.data.Synthetic.Kind.lineDirection(spec.inputDim()) : null;
    }

    private static Outcome train(RunPlan plan, NetworkSpec spec, RunData data, Network network, TrainSpec trainSpec, Instruments instruments,
                                 Theory theory, Path out, TrainingListener progress, Provenance provenance, double setupSeconds,
                                 StartPoint start, double startTrace, Initial initial) {
        double alpha = plan.network().init() == null && plan.network().initScheme() == overparam.core.nn.Init.STANDARD ? plan.network().initScale() : 0;
        // --kernel-predict: once, before anything is written (a singular kernel is refused leaving nothing), on the data alone
        // --fit min-norm: likewise once, before anything is written, on the network's frozen features at initialization
        Map<String, String> matrixHashes = DataManifest.matrixHashes(data);     // once: the manifest and the kernel cache's key both use them
        try (RunKernelPrediction.Result kernelPrediction = plan.kernelPredict() ? RunKernelPrediction.of(plan, data, trainSpec, network, matrixHashes, progress) : null;
             RunReadoutFit.Result fit = plan.fit() != null ? RunReadoutFit.of(plan, data, network, trainSpec.loss()) : null;
             RunObservers observers = RunObservers.of(spec, data, network, trainSpec, instruments, theory, alpha, plan.data().labelNoiseSd(),
                linePath(plan, spec));
             RunFolder folder = RunFolder.create(out)) {
            // what redoing and checking the run needs, before training starts: the inputs (hashed, small files copied), the
            // initial weights, the resolved configuration and the one command that redoes it
            DataManifest manifest = DataManifest.record(plan, data, folder.dir(), matrixHashes);
            long i0 = System.nanoTime();
            if (initial.weights() != null) folder.writeArrays(initial.weights(), INIT_WEIGHTS);
            else folder.writeWeights(network, INIT_WEIGHTS);
            double initSeconds = (System.nanoTime() - i0) / 1e9;
            ReproduceScript.write(folder.dir(), plan.config(), manifest);
            RunSummary summary = RunSummary.start(plan, spec, data, trainSpec, theory, manifest, provenance);
            summary.initWritten(initSeconds);
            if (kernelPrediction != null) summary.json().set(RunKernelPrediction.KEY, kernelPrediction.json());
            if (fit != null) {
                summary.json().set(RunReadoutFit.KEY, fit.json());
                folder.writeMatrix("fit_a.npy", fit.a());
            }
            if (start != StartPoint.NONE || !Double.isNaN(startTrace))
                summary.startPoint(start.steps(), start.loss(), start.seconds(), start.divergedAt(), startTrace);
            folder.writeSummary(summary.json());
            if (start.diverged()) {                                                   // the GD start phase diverged: so did the run
                TrainResult diverged = new TrainResult(TrainResult.DIVERGED, 0, 0, Double.NaN, start.seconds(), 0);
                folder.finish();
                summary.finish(diverged, setupSeconds, 0);
                folder.writeSummary(summary.json());
                return new Outcome(folder.dir(), diverged, trainSpec.optimizer().eta(), data.train().n(), data.train().d(), Double.NaN);
            }
            if (instruments.has(Instruments.Instrument.GRADIENT_NOISE)) observers.gradientNoise(network, data, trainSpec, plan.train().noise());
            if (plan.dumpGram()) observers.dumpGram(folder);
            EarlyStopping earlyStopping = data.validation() != null ? new EarlyStopping() : null;
            TrainingListener both = new TrainingListener() {
                @Override public void onStep(int step, double loss) {
                    // theta(step): after its forward pass, before its update; written once (--rewind-step), so no allocation per step
                    if (step == plan.train().rewindStep()) folder.writeWeights(network, TrainPlan.rewindFile(step));
                    progress.onStep(step, loss);
                }
                @Override public void onRecord(StepRecord record) {
                    folder.onRecord(record);
                    if (earlyStopping != null) earlyStopping.onRecord(record);
                    progress.onRecord(record);
                }
            };
            TrainResult result;
            try (FreshSamples fresh = plan.data().freshSamples() ? new FreshSamples(((SyntheticInputs) plan.data().inputs()).kind(),
                    data.teacher(), plan.train().batchSize(), plan.data().seed(), trainSpec.loss()) : null) {
                result = Trainer.train(network, data.train(), trainSpec, observers.list(), both, fresh);
            }
            long w0 = System.nanoTime();
            if (!result.diverged()) folder.writeWeights(network, "weights_final.npz");
            if (!result.diverged() && kernelPrediction != null) RunKernelPrediction.finish(kernelPrediction, network, data.test());
            if (!result.diverged() && EndToEndInstrument.applies(spec)) writeEndToEnd(folder, spec, network);
            folder.finish();                                                        // metrics.jsonl complete, before the summary says so
            if (earlyStopping != null) summary.json().set(EarlyStopping.KEY, earlyStopping.json());
            double stepsPerSecond = summary.finish(result, setupSeconds, (System.nanoTime() - w0) / 1e9);
            folder.writeSummary(summary.json());
            return new Outcome(folder.dir(), result, trainSpec.optimizer().eta(), data.train().n(), data.train().d(), stepsPerSecond);
        }
    }

    /** end_to_end.npy: the map W_e (k x d) a network linear in x ends at, W_N ... W_1 (or w_+^2 - w_-^2), for numpy. */
    private static void writeEndToEnd(RunFolder folder, NetworkSpec spec, Network network) {
        try (EndToEndInstrument e = new EndToEndInstrument(spec, List.of()); Matrix wt = Matrix.zeros(spec.inputDim(), spec.outputs());
             Matrix w = Matrix.zeros(spec.outputs(), spec.inputDim())) {
            e.endToEndTransposed(network, wt);
            for (int j = 0; j < spec.inputDim(); j++) for (int c = 0; c < spec.outputs(); c++) w.set(c, j, wt.get(j, c));
            folder.writeMatrix("end_to_end.npy", w);
        }
    }

    /** k for a loss on class labels (cross-entropy, one-hot squared): the classes the labels name (training and test sets together). */
    private static int classCount(Loss loss, Dataset train, Dataset test) {
        loss.checkLabels(train.y(), train.source());
        int k = Loss.classCount(train.y());
        if (test != null) {
            loss.checkLabels(test.y(), test.source());
            k = Math.max(k, Loss.classCount(test.y()));
        }
        if (k < 2)
            throw BadInputException.of(train.source() + " labels", "one class", "labels of at least two classes for --loss " + loss.cliName(),
                    "Check the labels, or choose more --classes.");
        return k;
    }

    /** Whether to compute the infinite-width kernels; asking for them where the network has no limit is refused with the reason. */
    private static boolean limitKernel(RunPlan plan, NetworkSpec spec, int n) {
        if (spec.hasLimit()) return plan.limitKernel().wanted(n, spec.pixels());
        if (plan.limitKernel() == overparam.lab.plan.LimitMode.ON)
            throw new BadInputException("--limit-kernel on: --arch " + spec.arch() + (spec.outputs() > 1 ? " with " + spec.outputs() + " outputs" : "")
                    + " has no infinite-width limit (" + spec.noLimitReason().orElseThrow() + "). Use --limit-kernel off.");
        return false;
    }

    private static Network loadInit(Path path, NetworkSpec spec) {
        if (!java.nio.file.Files.isRegularFile(path))
            throw new BadInputException("--init " + path + ": no such file. Give a .npz with keys W1..W" + spec.depth() + " and a.");
        var arrays = Npz.read(path);
        try {
            var weights = new java.util.LinkedHashMap<String, Matrix>();
            arrays.forEach((k, v) -> weights.put(k, v.data()));
            return Network.fromWeights(spec, weights, "--init " + path);
        } finally {
            for (NdArray a : arrays.values()) a.data().close();
        }
    }

    /** eta = 1 / lambda_max(G(0)) ({@link StepSize.Auto}), from one recorded step 0 of the Gram instrument. */
    private static double autoEta(Network network, Dataset data, TrainedLayers trained) {
        try (GramInstrument gram = new GramInstrument(network.spec(), data.n(), trained)) {
            double[] top = new double[1];
            Trainer.train(network, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(1), 0, 1, trained, 0), List.of(gram),
                    new TrainingListener() {
                        @Override public void onRecord(StepRecord r) { top[0] = r.number("ntk_lambda_max"); }
                    });
            return 1 / top[0];
        }
    }
}
