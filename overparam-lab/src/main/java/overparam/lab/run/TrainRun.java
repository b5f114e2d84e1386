package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import overparam.core.BadInputException;
import overparam.core.Seeds;
import overparam.core.data.Dataset;
import overparam.core.data.Npz;
import overparam.core.data.NdArray;
import overparam.core.data.Subsets;
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.instruments.MovementInstrument;
import overparam.core.instruments.PatternInstrument;
import overparam.core.instruments.PredictionInstrument;
import overparam.core.instruments.TeacherDistance;
import overparam.core.instruments.TestInstrument;
import overparam.core.instruments.TheoremTwin;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Init;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.nn.Workspace;
import overparam.core.nn.Evaluator;
import overparam.core.optim.Optimizer;

/**
 * One training run from its {@link RunConfig} to a finished run folder. Every input is checked before
 * anything long starts or anything is written: a refused run leaves no folder behind.
 */
public final class TrainRun {
    /** The instruments a run can carry (--instruments). */
    public static final List<String> INSTRUMENTS = List.of("gram", "movement", "pattern", "predictions");

    /** What the command line prints at the end. */
    public record Outcome(Path folder, TrainResult result, double eta, int n, int d, double stepsPerSecond) {}

    private TrainRun() {}

    /**
     * Checks a configuration as far as it can without reading data or allocating (options, their ranges, and the
     * network's shape when the data is synthetic): experiments refuse a bad cell before any cell runs.
     */
    public static void validate(RunConfig config) {
        RunConfig c = config.withDefaults();
        Arch arch = Arch.parse(c.arch());
        Activation activation = Activation.parse(c.activation(), c.leakySlope());
        Loss.parse(c.loss());
        parseInstruments(c.instruments());
        limitKernelWanted(c.limitKernel(), 1);
        if (c.eta() == null) throw new BadInputException("eta: missing. Give the step size, e.g. eta: 0.05, or eta: auto.");
        if (!c.eta().equalsIgnoreCase("auto")) optimizer(c, parseEta(c.eta()));
        Init.parse(c.initScheme());
        if (c.labelNoise() != null) Subsets.corruptedSamples(0, c.labelNoise(), 0);        // refuses a fraction outside [0, 1]
        TrainSpec.requireSchedule(c.steps(), c.recordEvery());
        if ((c.data() == null) == (c.synthetic() == null))
            throw new BadInputException("data: give data (with labels) or synthetic, exactly one of them.");
        if (c.synthetic() != null) {
            int[] shape = InputShape.synthetic(arch, c.d(), c.pixels());
            int d = InputShape.size(shape);
            NetworkSpec spec = new NetworkSpec(arch, d, arch.isSeed002() ? d : c.width(), c.depth(), activation, c.cRes(),
                    InputShape.patches(arch, shape, "synthetic", c.patch()), 1);
            TrainedLayers.parse(c.trainLayers(), spec);
        }
    }

    public static Outcome execute(RunConfig config, TrainingListener progress) {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        RunConfig c = config.withDefaults();
        if (c.out() == null) throw new BadInputException("--out: missing. Name a new folder for the run, e.g. --out runs/r1");
        Path out = Path.of(c.out());
        RunFolder.requireUsable(out);
        if (c.threads() < 1) throw BadInputException.of("--threads " + c.threads(), c.threads(), "at least 1", "e.g. --threads 2");
        Linalg.setThreads(c.threads());

        Arch arch = Arch.parse(c.arch());
        Activation activation = Activation.parse(c.activation(), c.leakySlope());
        Loss loss = Loss.parse(c.loss());
        Set<String> instruments = parseInstruments(c.instruments());
        if (c.eta() == null)
            throw new BadInputException("--eta: missing. Give the step size, e.g. --eta 0.05, or --eta auto for 1 / lambda_max(G(0)).");
        boolean autoEta = c.eta().equalsIgnoreCase("auto");
        Optimizer givenOptimizer = autoEta ? null : optimizer(c, parseEta(c.eta()));
        if (autoEta) optimizer(c, 1);                                                    // checks the other settings now
        Init init = Init.parse(c.initScheme());
        TrainSpec.requireSchedule(c.steps(), c.recordEvery());

        try (RunData runData = loadData(c, arch, activation, loss)) {
            Dataset data = runData.train();
            int outputs = loss.outputs(loss == Loss.CROSS_ENTROPY ? classCount(data, runData.test()) : 1);
            NetworkSpec spec = InputShape.spec(arch, data, c.width(), c.depth(), activation, c.cRes(), c.patch(), outputs);
            TrainedLayers trained = TrainedLayers.parse(c.trainLayers(), spec);
            instruments = applicable(instruments, spec, c.instruments());
            boolean limit = spec.hasLimit() ? limitKernelWanted(c.limitKernel(), data.n() * Math.max(1L, (long) spec.pixels() * spec.pixels() / 64))
                                            : refuseLimit(c.limitKernel(), spec);
            if (c.freshSamples()) requireFreshSamples(c, runData);
            if (autoEta && !spec.hasSampleSignals())
                throw new BadInputException("--eta auto: 1 / lambda_max(G(0)) needs the NTK of a one-output network of seed 004; give --eta.");
            requireMemory(c, spec, runData, instruments, limit);
            try (Theory theory = limit ? Theory.of(spec, data, trained) : null;
                 Network network = c.init() != null ? loadInit(c.init(), spec) : Network.initialize(spec, c.seed(), init)) {
                double eta = givenOptimizer != null ? givenOptimizer.eta() : autoEta(network, data, trained);
                TrainSpec trainSpec = new TrainSpec(loss, optimizer(c, eta), c.steps(), c.recordEvery(), trained, c.seed());
                double setupSeconds = (System.nanoTime() - t0) / 1e9;
                return train(c, spec, runData, network, trainSpec, instruments, theory, out, progress, startedAt, setupSeconds);
            }
        }
    }

    /** --fresh-samples: online SGD on new draws of a synthetic distribution, labelled by its teacher. */
    private static void requireFreshSamples(RunConfig c, RunData data) {
        if (c.synthetic() == null || data.teacher() == null)
            throw new BadInputException("--fresh-samples: needs --synthetic data with --labels-from teacher (the teacher labels each new sample).");
        if (c.batchSize() < 1)
            throw new BadInputException("--fresh-samples: needs --batch-size B, the number of new samples a step (SGD on the population loss).");
    }

    private static Optimizer optimizer(RunConfig c, double eta) {
        if (!(eta > 0) || !Double.isFinite(eta))
            throw BadInputException.of("--eta " + eta, eta, "a positive step size", "e.g. --eta 0.05");
        if (c.batchSize() < 0)
            throw BadInputException.of("--batch-size " + c.batchSize(), c.batchSize(), "a positive batch size (or none for full-batch GD)", "e.g. --batch-size 32");
        if (!(c.momentum() >= 0 && c.momentum() < 1))
            throw BadInputException.of("--momentum " + c.momentum(), c.momentum(), "a momentum in [0, 1)", "e.g. --momentum 0.9");
        if (!(c.weightDecay() >= 0) || !Double.isFinite(c.weightDecay()))
            throw BadInputException.of("--weight-decay " + c.weightDecay(), c.weightDecay(), "a weight decay >= 0", "e.g. --weight-decay 5e-4");
        return new Optimizer(eta, c.batchSize(), c.momentum(), c.weightDecay(), schedule(c.lrSchedule()));
    }

    /** --lr-schedule: constant, cosine, or step:S:G (times G every S steps). */
    private static Optimizer.Schedule schedule(String text) {
        String t = text == null ? "constant" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("constant")) return Optimizer.Schedule.constant();
        if (t.equals("cosine")) return Optimizer.Schedule.cosine();
        String[] parts = t.split(":");
        if (parts.length == 3 && parts[0].equals("step")) {
            try {
                int every = Integer.parseInt(parts[1]);
                double gamma = Double.parseDouble(parts[2]);
                if (every >= 1 && gamma > 0 && gamma <= 1) return Optimizer.Schedule.step(every, gamma);
            } catch (NumberFormatException ignored) {
                // refused below
            }
        }
        throw BadInputException.of("--lr-schedule " + text, "'" + text + "'", "constant, cosine, or step:S:G (times G in (0, 1] every S >= 1 steps)",
                "e.g. --lr-schedule step:1000:0.1");
    }

    /** k for cross-entropy: the classes the labels name (training and test sets together). */
    private static int classCount(Dataset train, Dataset test) {
        Loss.CROSS_ENTROPY.checkLabels(train.y(), train.source());
        int k = Loss.classCount(train.y());
        if (test != null) {
            Loss.CROSS_ENTROPY.checkLabels(test.y(), test.source());
            k = Math.max(k, Loss.classCount(test.y()));
        }
        if (k < 2)
            throw BadInputException.of(train.source() + " labels", "one class", "labels of at least two classes for --loss cross-entropy",
                    "Check the labels, or choose more --classes.");
        return k;
    }

    /** "all" means every instrument that applies to the network; a named one that does not apply is refused. */
    private static Set<String> applicable(Set<String> wanted, NetworkSpec spec, String asked) {
        if (spec.hasSampleSignals() || !wanted.contains("gram")) return wanted;
        if (!asked.trim().equalsIgnoreCase("all"))
            throw new BadInputException("--instruments " + asked + ": gram needs per-sample signals of one output and a fixed activation; this network has "
                    + spec.outputs() + " outputs and " + spec.activation().name() + ". Drop gram from --instruments.");
        Set<String> rest = new LinkedHashSet<>(wanted);
        rest.remove("gram");
        return rest;
    }

    private static boolean refuseLimit(String mode, NetworkSpec spec) {
        if (mode.trim().equalsIgnoreCase("on"))
            throw new BadInputException("--limit-kernel on: --arch " + spec.arch() + (spec.outputs() > 1 ? " with " + spec.outputs() + " outputs" : "")
                    + " has no infinite-width limit (seed 002's networks are as wide as their input; the limits are of one-output networks). Use --limit-kernel off.");
        limitKernelWanted(mode, 1);
        return false;
    }

    private static Outcome train(RunConfig c, NetworkSpec spec, RunData runData, Network network, TrainSpec trainSpec,
                                 Set<String> instruments, Theory theory, Path out, TrainingListener progress, Instant startedAt,
                                 double setupSeconds) {
        Dataset data = runData.train();
        List<Observer> observers = observers(spec, data.n(), trainSpec.trained(), instruments);
        if (runData.test() != null) observers.add(new TestInstrument(spec, runData.test(), trainSpec.loss()));
        if (runData.teacher() != null && TeacherDistance.comparable(runData.teacher(), network)) observers.add(new TeacherDistance(runData.teacher()));
        if (theory != null && trainSpec.loss() == Loss.SQUARED)
            observers.add(new TheoremTwin(theory.limitNtk(), theory.lambda0(), trainSpec.optimizer().eta()));
        try (RunFolder folder = RunFolder.create(out)) {
            ObjectNode summary = summary(c, spec, runData, trainSpec, "running", startedAt);
            if (theory != null) summary.set("theory", theory.json(trainSpec.optimizer().eta()));
            else summary.putObject("theory").put("skipped", "limit kernel off (--limit-kernel auto computes it for n <= " + LIMIT_KERNEL_AUTO_MAX + ")");
            folder.writeSummary(summary);
            GramInstrument gram = observers.stream().filter(o -> o instanceof GramInstrument).map(o -> (GramInstrument) o).findFirst().orElse(null);
            if (c.dumpGram()) {
                if (gram == null) throw new BadInputException("--dump-gram needs the gram instrument: add gram to --instruments.");
                observers.add(new GramDump(gram, folder));
            }
            TrainingListener both = new TrainingListener() {
                @Override public void onStep(int step, double loss) { progress.onStep(step, loss); }
                @Override public void onRecord(StepRecord record) { folder.onRecord(record); progress.onRecord(record); }
            };
            TrainResult result;
            try (FreshSamples fresh = c.freshSamples()
                    ? new FreshSamples(c.synthetic(), runData.teacher(), c.batchSize(), c.dataSeed(), trainSpec.loss()) : null) {
                result = Trainer.train(network, data, trainSpec, observers, both, fresh);
            }
            long w0 = System.nanoTime();
            if (!result.diverged()) folder.writeWeights(network, "weights_final.npz");
            double writeSeconds = (System.nanoTime() - w0) / 1e9;

            summary.put("status", result.status());
            if (result.diverged()) summary.put("diverged_at_step", result.divergedStep());
            ObjectNode fin = summary.putObject("final");
            fin.put("steps", result.stepsDone());
            Json.putNumber(fin, "loss", result.finalLoss());
            ObjectNode timings = summary.putObject("timings");
            timings.put("setup_seconds", setupSeconds);
            timings.put("train_seconds", result.trainSeconds());
            timings.put("instrument_seconds", result.instrumentSeconds());
            timings.put("write_seconds", writeSeconds);
            double stepSeconds = result.trainSeconds() - result.instrumentSeconds();
            double stepsPerSecond = stepSeconds > 0 ? (result.stepsDone() + 1) / stepSeconds : Double.NaN;
            Json.putNumber(timings, "steps_per_second", stepsPerSecond);
            summary.put("finished_at", Instant.now().toString());
            folder.writeSummary(summary);
            return new Outcome(folder.dir(), result, trainSpec.optimizer().eta(), data.n(), data.d(), stepsPerSecond);
        } finally {
            for (Observer o : observers) o.close();
        }
    }

    private static ObjectNode summary(RunConfig c, NetworkSpec spec, RunData runData, TrainSpec t, String status, Instant startedAt) {
        Dataset data = runData.train();
        ObjectNode s = Json.object();
        s.put("status", status);
        ObjectNode config = c.toJson();
        config.put("eta", t.optimizer().eta());
        if (c.eta().equalsIgnoreCase("auto")) config.put("eta_rule", "auto: 1 / lambda_max(G(0))");
        s.set("config", config);
        s.put("seed", c.seed());
        ObjectNode d = s.putObject("data");
        d.put("source", data.source());
        d.put("n", data.n());
        d.put("d", data.d());
        if (runData.test() != null) {
            d.put("test_source", runData.test().source());
            d.put("n_test", runData.test().n());
        }
        if (runData.classNames() != null) {
            ArrayNode names = d.putArray("classes");
            for (String name : runData.classNames()) names.add(name);
        }
        if (spec.outputs() > 1) d.put("outputs", spec.outputs());
        if (spec.isConvolutional()) {
            ArrayNode shape = d.putArray("sample_shape");
            for (int v : data.sampleShape()) shape.add(v);
        }
        ObjectNode net = s.putObject("network");
        if (spec.isConvolutional()) net.put("patches", spec.patches().describe());
        net.put("c_sigma", spec.cSigma());
        ArrayNode scales = net.putArray("layer_scales");
        for (int h = 1; h <= spec.depth(); h++) scales.add(spec.layerScale(h));
        ObjectNode shapes = net.putObject("parameters");
        long count = 0;
        for (int h = 1; h <= spec.parameterCount(); h++) {
            int[] shape = spec.parameterShape(h);
            ArrayNode dims = shapes.putArray(spec.parameterName(h)).add(shape[0]);
            if (h <= spec.depth() || spec.isConvolutional() || spec.outputs() > 1) dims.add(shape[1]);       // a is 1-D, as in weights_final.npz (m x p for conv)
            count += (long) shape[0] * shape[1];
        }
        net.put("parameter_count", count);
        if (spec.activation() instanceof Activation.PRelu) net.put("parameter_count_slopes", spec.depth());
        ArrayNode trained = net.putArray("trained");
        t.trained().names(spec).forEach(trained::add);
        s.put("optimizer", t.optimizer().name(data.n()) + (c.freshSamples() ? ", fresh samples every step" : ""));
        s.set("versions", Versions.json());
        s.put("started_at", startedAt.toString());
        return s;
    }

    private static RunData loadData(RunConfig c, Arch arch, Activation activation, Loss loss) {
        boolean files = c.data() != null, synthetic = c.synthetic() != null;
        if (files == synthetic)
            throw new BadInputException(files ? "--data and --synthetic: both given; choose one source of inputs."
                    : "no data: give --data X.npy --labels y.npy, --data fashion-mnist, or --synthetic sphere --n N --d D.");
        if (files && c.pixels() != null)
            throw new BadInputException("--pixels " + c.pixels() + ": only for --synthetic data; a --data file's own shape gives the pixels.");
        double noise = c.labelNoise() == null ? 0 : c.labelNoise();
        Subsets.corruptedSamples(0, noise, 0);                                    // refuses a fraction outside [0, 1] before any reading
        boolean teacher = "teacher".equalsIgnoreCase(c.labelsFrom());
        RunData loaded = files && ImageData.names(c.data()) ? ImageData.load(c, arch, loss) : fromFilesOrSynthetic(c, arch, activation, loss, teacher);
        try {
            loaded = split(loaded, c);
            if (noise > 0) {
                Dataset t = loaded.train();
                corruptLabels(t, loss, noise, c.dataSeed());
                Dataset relabelled = new Dataset(t.x(), t.y(), t.source() + ", " + noise + " of labels random", t.sampleShape());   // the same matrices
                loaded = new RunData(relabelled, loaded.test(), loaded.teacher(), loaded.classNames());
            }
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    private static RunData fromFilesOrSynthetic(RunConfig c, Arch arch, Activation activation, Loss loss, boolean teacher) {
        boolean files = c.data() != null, synthetic = c.synthetic() != null;
        if (c.classes() != null || c.perClass() != null || c.testPerClass() != null)
            throw new BadInputException("--classes/--per-class/--test-per-class: only for image data sets (--data fashion-mnist or an IDX folder).");
        if (!teacher && !"gaussian".equalsIgnoreCase(c.labelsFrom()))
            throw BadInputException.of("--labels-from " + c.labelsFrom(), "an unknown label source", "gaussian or teacher", "e.g. --labels-from teacher");
        if (files && (c.labels() != null || !teacher)) {
            Dataset train = DataLoader.fromFiles(c.data(), c.labels());
            Dataset test = null;
            try {
                if (c.testData() != null) test = DataLoader.fromFiles(c.testData(), c.testLabels());
            } catch (RuntimeException e) {
                train.close();
                throw e;
            }
            return new RunData(train, test, null, null);
        }
        DataLoader.Inputs inputs = files ? DataLoader.inputs(c.data()) : null;
        int[] shape = files ? inputs.sampleShape() : InputShape.synthetic(arch, c.d(), c.pixels());
        Matrix x = files ? inputs.matrix() : DataLoader.syntheticInputs(c.synthetic(), c.n(), shape, c.dataSeed());
        Network teacherNet = teacher ? teacherNetwork(x.cols(), shape, c, arch, activation) : null;
        Matrix y = teacher ? teacherNet.predict(x) : Synthetic.gaussianLabels(x.rows(), c.dataSeed());
        if (loss == Loss.LOGISTIC) signs(y);
        String labelled = ", labels " + (teacher ? "teacher (width " + teacherNet.width() + (c.teacherNorm() != null ? ", ||W*||_2 = " + c.teacherNorm() : "") + ")"
                : "N(0, 1)") + (loss == Loss.LOGISTIC ? " signs" : "");
        Dataset train = new Dataset(x, y, (files ? c.data() : "synthetic " + c.synthetic()) + labelled, shape);
        Dataset test = null;
        if (synthetic && c.testN() != null && c.testN() > 0) {                 // fresh samples of the same distribution
            long testSeed = Seeds.derive(c.dataSeed(), "test");
            Matrix xt = DataLoader.syntheticInputs(c.synthetic(), c.testN(), shape, testSeed);
            Matrix yt = teacher ? teacherNet.predict(xt) : Synthetic.gaussianLabels(c.testN(), testSeed);
            if (loss == Loss.LOGISTIC) signs(yt);
            test = new Dataset(xt, yt, "synthetic " + c.synthetic() + " (fresh test samples)" + labelled, shape);
        }
        return new RunData(train, test, teacherNet, null);
    }

    private static void signs(Matrix y) {
        for (int i = 0; i < y.rows(); i++) y.set(i, y.get(i) >= 0 ? 1 : -1);       // the labels' signs
    }

    /** --test-fraction: a seeded random part of the training set held out as the test set. */
    private static RunData split(RunData data, RunConfig c) {
        if (c.testFraction() == null || c.testFraction() == 0) return data;
        if (data.test() != null)
            throw new BadInputException("--test-fraction " + c.testFraction() + ": the run already has a test set (--test-data, --test-n or the image files' own); give one of them.");
        Dataset all = data.train();
        int[][] parts = Subsets.trainTestSplit(all.n(), c.testFraction(), c.dataSeed());
        Dataset train = new Dataset(Subsets.gatherRows(all.x(), parts[0]), Subsets.gatherRows(all.y(), parts[0]), all.source() + ", train part", all.sampleShape());
        Dataset test = new Dataset(Subsets.gatherRows(all.x(), parts[1]), Subsets.gatherRows(all.y(), parts[1]),
                all.source() + ", held out (" + c.testFraction() + ")", all.sampleShape());
        all.close();
        return new RunData(train, test, data.teacher(), data.classNames());
    }

    /** --label-noise on labels that are classes: -1/+1 signs, or class indices for cross-entropy. */
    private static void corruptLabels(Dataset data, Loss loss, double noise, long seed) {
        Matrix y = data.y();
        boolean signs = Loss.labelsAreSigns(y);
        if (!signs && loss != Loss.CROSS_ENTROPY)
            throw new BadInputException("--label-noise " + noise + ": needs class labels (-1/+1, or class indices with --loss cross-entropy); "
                    + data.source() + " has real-valued labels.");
        if (!signs) Loss.CROSS_ENTROPY.checkLabels(y, data.source());
        int[] labels = new int[y.rows()];
        for (int i = 0; i < labels.length; i++) labels[i] = signs ? (y.get(i) > 0 ? 1 : 0) : (int) y.get(i);
        int[] noisy = Subsets.corruptLabels(labels, signs ? 2 : Loss.classCount(y), noise, seed);
        for (int i = 0; i < labels.length; i++) y.set(i, signs ? 2 * noisy[i] - 1 : noisy[i]);
    }

    /**
     * The teacher: a network of the same architecture and activation, width --teacher-width (seed 002's: width d), its
     * own seed; with --teacher-norm each W*^(h) is scaled to that spectral norm (seed 002's bounded ||W*||_2).
     */
    private static Network teacherNetwork(int d, int[] shape, RunConfig c, Arch arch, Activation activation) {
        NetworkSpec teacherSpec = new NetworkSpec(arch, d, arch.isSeed002() ? d : c.teacherWidth(), c.depth(), activation, c.cRes(),
                InputShape.patches(arch, shape, "teacher", c.patch()), 1);
        Network teacher = Network.initialize(teacherSpec, Seeds.derive(c.dataSeed(), "teacher"));
        if (c.teacherNorm() != null) {
            if (!(c.teacherNorm() >= 0) || !Double.isFinite(c.teacherNorm()))
                throw BadInputException.of("--teacher-norm " + c.teacherNorm(), c.teacherNorm(), "a spectral norm >= 0", "e.g. --teacher-norm 0.1");
            for (int h = 1; h <= teacherSpec.depth(); h++) {
                Matrix w = teacher.parameter(h);
                Linalg.scale(c.teacherNorm() / Spectrum.norm2(w), w);
            }
        }
        return teacher;
    }

    private static Network loadInit(String path, NetworkSpec spec) {
        if (!java.nio.file.Files.isRegularFile(Path.of(path)))
            throw new BadInputException("--init " + path + ": no such file. Give a .npz with keys W1..W" + spec.depth() + " and a.");
        var arrays = Npz.read(Path.of(path));
        try {
            var weights = new java.util.LinkedHashMap<String, Matrix>();
            arrays.forEach((k, v) -> weights.put(k, v.data()));
            return Network.fromWeights(spec, weights, "--init " + path);
        } finally {
            for (NdArray a : arrays.values()) a.data().close();
        }
    }

    private static double parseEta(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw BadInputException.of("--eta " + text, "'" + text + "'", "a positive number or auto", "e.g. --eta 0.05");
        }
    }

    /** eta = 1 / lambda_max(G(0)): inside gradient descent's stable range (eta < 2 / lambda_max) with room to drift. */
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

    static Set<String> parseInstruments(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("all")) return new LinkedHashSet<>(INSTRUMENTS);
        Set<String> set = new LinkedHashSet<>();
        if (t.equals("none")) return set;
        for (String part : t.split(",")) {
            String name = part.trim();
            if (!INSTRUMENTS.contains(name))
                throw BadInputException.of("--instruments " + text, "'" + name + "'", "all, none, or a list from " + INSTRUMENTS, "e.g. --instruments gram,movement");
            set.add(name);
        }
        return set;
    }

    private static List<Observer> observers(NetworkSpec spec, int n, TrainedLayers trained, Set<String> names) {
        List<Observer> list = new ArrayList<>();
        if (names.contains("gram")) list.add(new GramInstrument(spec, n, trained));
        if (names.contains("movement")) list.add(new MovementInstrument(spec));
        if (names.contains("pattern")) list.add(new PatternInstrument(spec));
        if (names.contains("predictions")) list.add(new PredictionInstrument());
        return list;
    }

    /**
     * --limit-kernel auto computes the infinite-width kernels up to this many samples (six n x n matrices); a
     * convolutional net of p > 8 pixels counts n p^2 / 64 (its p same-pixel slices, each with patch sums over p pixels), so 28 x 28
     * images stay off unless asked for: their limit takes minutes even for a handful of images.
     */
    static final int LIMIT_KERNEL_AUTO_MAX = 4000;

    private static boolean limitKernelWanted(String mode, long n) {
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> n <= LIMIT_KERNEL_AUTO_MAX;
            case "on" -> true;
            case "off" -> false;
            default -> throw BadInputException.of("--limit-kernel " + mode, "'" + mode + "'", "auto, on or off", "e.g. --limit-kernel on");
        };
    }

    /** Refuses a run whose buffers exceed the memory the JVM can get, with the numbers, before allocating them. */
    private static void requireMemory(RunConfig c, NetworkSpec spec, RunData data, Set<String> instruments, boolean limitKernel) {
        int n = data.train().n();
        int rows = c.batchSize() > 0 && c.batchSize() < n ? c.batchSize() : n;
        long need = Network.bytes(spec) + Workspace.bytes(spec, rows);
        boolean wholePass = instruments.contains("gram") || instruments.contains("pattern") || instruments.contains("predictions");
        if (rows < n) need += Evaluator.bytes(spec, n) + Matrix.bytes(rows, spec.inputDim() + 1) + (wholePass ? Workspace.bytes(spec, n) : 0);
        if (data.test() != null) need += TestInstrument.bytes(spec, data.test().n());
        if (c.momentum() > 0 || c.weightDecay() > 0) need += Network.bytes(spec);          // the momentum trace: a copy of the weights
        if (instruments.contains("gram")) need += GramInstrument.bytes(spec, n);
        if (c.eta().equalsIgnoreCase("auto") && !instruments.contains("gram")) need += GramInstrument.bytes(spec, n);
        if (instruments.contains("movement")) need += MovementInstrument.bytes(spec);
        if (instruments.contains("pattern")) need += PatternInstrument.bytes(spec, n);
        if (c.init() != null) need += Network.bytes(spec);                      // the file's arrays while they are copied
        if (limitKernel) need += Theory.bytes(n, spec.pixels());
        long available = Memory.availableBytes();
        if (need > available)
            throw new BadInputException("--width " + spec.width() + ": this run needs " + Memory.format(need) + " of memory (weights, "
                    + "activations for n = " + n + ", depth " + spec.depth() + (instruments.contains("gram") ? ", Gram matrices" : "")
                    + ") but only " + Memory.format(available) + " is available. Use a smaller --width, --depth or n"
                    + (instruments.contains("gram") ? ", or --instruments without gram" : "") + ".");
    }

    /** --dump-gram: G^(H)(k) and G(k) of every record as gram_step{k}.npy and ntk_step{k}.npy. */
    private record GramDump(GramInstrument gram, RunFolder folder) implements Observer {
        @Override public void onRecord(RunView view, StepRecord record) {
            folder.writeMatrix("gram_step" + view.step() + ".npy", gram.gram());
            folder.writeMatrix("ntk_step" + view.step() + ".npy", gram.ntk());
        }
    }
}
