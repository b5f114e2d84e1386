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
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.instruments.MovementInstrument;
import overparam.core.instruments.PatternInstrument;
import overparam.core.instruments.PredictionInstrument;
import overparam.core.instruments.TheoremTwin;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.Optimizer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.nn.Workspace;

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
        if (!c.eta().equalsIgnoreCase("auto")) new Optimizer(parseEta(c.eta()), c.batchSize());
        TrainSpec.requireSchedule(c.steps(), c.recordEvery());
        if ((c.data() == null) == (c.synthetic() == null))
            throw new BadInputException("data: give data (with labels) or synthetic, exactly one of them.");
        if (c.synthetic() != null) {
            int[] shape = InputShape.synthetic(arch, c.d(), c.pixels());
            NetworkSpec spec = new NetworkSpec(arch, InputShape.size(shape), c.width(), c.depth(), activation, c.cRes(),
                    InputShape.patches(arch, shape, "synthetic", c.patch()));
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
        Optimizer givenOptimizer = autoEta ? null : new Optimizer(parseEta(c.eta()), c.batchSize());
        if (autoEta) new Optimizer(1, c.batchSize());                                   // checks the batch size now
        TrainSpec.requireSchedule(c.steps(), c.recordEvery());

        try (Dataset data = loadData(c, arch, activation, loss)) {
            NetworkSpec spec = InputShape.spec(arch, data, c.width(), c.depth(), activation, c.cRes(), c.patch());
            TrainedLayers trained = TrainedLayers.parse(c.trainLayers(), spec);
            boolean limit = limitKernelWanted(c.limitKernel(), data.n());
            requireMemory(c, spec, data.n(), instruments, limit);
            try (Theory theory = limit ? Theory.of(spec, data, trained) : null;
                 Network network = c.init() != null ? loadInit(c.init(), spec) : Network.initialize(spec, c.seed())) {
                double eta = givenOptimizer != null ? givenOptimizer.eta() : autoEta(network, data, trained);
                TrainSpec trainSpec = new TrainSpec(loss, new Optimizer(eta, c.batchSize()), c.steps(), c.recordEvery(), trained, c.seed());
                double setupSeconds = (System.nanoTime() - t0) / 1e9;
                return train(c, spec, data, network, trainSpec, instruments, theory, out, progress, startedAt, setupSeconds);
            }
        }
    }

    private static Outcome train(RunConfig c, NetworkSpec spec, Dataset data, Network network, TrainSpec trainSpec,
                                 Set<String> instruments, Theory theory, Path out, TrainingListener progress, Instant startedAt,
                                 double setupSeconds) {
        List<Observer> observers = observers(spec, data.n(), trainSpec.trained(), instruments);
        if (theory != null && trainSpec.loss() == Loss.SQUARED)
            observers.add(new TheoremTwin(theory.limitNtk(), theory.lambda0(), trainSpec.optimizer().eta()));
        try (RunFolder folder = RunFolder.create(out)) {
            ObjectNode summary = summary(c, spec, data, trainSpec, "running", startedAt);
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
            TrainResult result = Trainer.train(network, data, trainSpec, observers, both);
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

    private static ObjectNode summary(RunConfig c, NetworkSpec spec, Dataset data, TrainSpec t, String status, Instant startedAt) {
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
            if (h <= spec.depth() || spec.isConvolutional()) dims.add(shape[1]);       // a is 1-D, as in weights_final.npz (m x p for conv)
            count += (long) shape[0] * shape[1];
        }
        net.put("parameter_count", count);
        ArrayNode trained = net.putArray("trained");
        t.trained().names(spec).forEach(trained::add);
        s.put("optimizer", t.optimizer().name(data.n()));
        s.set("versions", Versions.json());
        s.put("started_at", startedAt.toString());
        return s;
    }

    private static Dataset loadData(RunConfig c, Arch arch, Activation activation, Loss loss) {
        boolean files = c.data() != null, synthetic = c.synthetic() != null;
        if (files == synthetic)
            throw new BadInputException(files ? "--data and --synthetic: both given; choose one source of inputs."
                    : "no data: give --data X.npy --labels y.npy, or --synthetic sphere --n N --d D.");
        boolean teacher = "teacher".equalsIgnoreCase(c.labelsFrom());
        if (!teacher && !"gaussian".equalsIgnoreCase(c.labelsFrom()))
            throw BadInputException.of("--labels-from " + c.labelsFrom(), "an unknown label source", "gaussian or teacher", "e.g. --labels-from teacher");
        if (files && c.pixels() != null)
            throw new BadInputException("--pixels " + c.pixels() + ": only for --synthetic data; a --data file's own shape gives the pixels.");
        if (files && (c.labels() != null || !teacher)) return DataLoader.fromFiles(c.data(), c.labels());
        DataLoader.Inputs inputs = files ? DataLoader.inputs(c.data()) : null;
        int[] shape = files ? inputs.sampleShape() : InputShape.synthetic(arch, c.d(), c.pixels());
        Matrix x = files ? inputs.matrix() : DataLoader.syntheticInputs(c.synthetic(), c.n(), shape, c.dataSeed());
        Matrix y = teacher ? teacherLabels(x, shape, c, arch, activation) : Synthetic.gaussianLabels(x.rows(), c.dataSeed());
        if (loss == Loss.LOGISTIC) for (int i = 0; i < y.rows(); i++) y.set(i, y.get(i) >= 0 ? 1 : -1);   // the labels' signs
        String source = (files ? c.data() : "synthetic " + c.synthetic()) + ", labels " + (teacher ? "teacher (width " + c.teacherWidth() + ")" : "N(0, 1)")
                + (loss == Loss.LOGISTIC ? " signs" : "");
        return new Dataset(x, y, source, shape);
    }

    /** Labels from a teacher: a network of the same architecture and activation, width --teacher-width, its own seed. */
    private static Matrix teacherLabels(Matrix x, int[] shape, RunConfig c, Arch arch, Activation activation) {
        NetworkSpec teacherSpec = new NetworkSpec(arch, x.cols(), c.teacherWidth(), c.depth(), activation, c.cRes(),
                InputShape.patches(arch, shape, "teacher", c.patch()));
        try (Network teacher = Network.initialize(teacherSpec, Seeds.derive(c.dataSeed(), "teacher"))) {
            return teacher.predict(x);
        }
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

    /** --limit-kernel auto computes the infinite-width kernels up to this many samples (six n x n matrices). */
    static final int LIMIT_KERNEL_AUTO_MAX = 4000;

    private static boolean limitKernelWanted(String mode, int n) {
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> n <= LIMIT_KERNEL_AUTO_MAX;
            case "on" -> true;
            case "off" -> false;
            default -> throw BadInputException.of("--limit-kernel " + mode, "'" + mode + "'", "auto, on or off", "e.g. --limit-kernel on");
        };
    }

    /** Refuses a run whose buffers exceed the memory the JVM can get, with the numbers, before allocating them. */
    private static void requireMemory(RunConfig c, NetworkSpec spec, int n, Set<String> instruments, boolean limitKernel) {
        int rows = c.batchSize() > 0 && c.batchSize() < n ? c.batchSize() : n;
        long need = Network.bytes(spec) + Workspace.bytes(spec, rows);
        if (rows < n) need += Workspace.bytes(spec, n) + Matrix.bytes(rows, spec.inputDim() + 1);
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
