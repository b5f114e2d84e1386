package overparam.lab.data;

import overparam.core.BadInputException;
import overparam.core.Seeds;
import overparam.core.data.Dataset;
import overparam.core.data.Subsets;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.DataPlan.FileInputs;
import overparam.lab.plan.DataPlan.ImageInputs;
import overparam.lab.plan.DataPlan.LabelSource;
import overparam.lab.plan.DataPlan.SyntheticInputs;
import overparam.lab.plan.DataPlan.TabularInputs;
import overparam.lab.plan.NetworkPlan;

/**
 * A run's data from its plan, the one place that reads files, image sets and generators for training and for the
 * kernels: the training set, its test set (files, image files' own, fresh synthetic samples or a held-out
 * fraction), the teacher that labelled synthetic inputs, and label noise, applied once for every source. Every
 * refusal names the input; what was read is closed when a later step refuses.
 */
public final class RunDataLoader {
    private RunDataLoader() {}

    /** The training data (and test set, teacher) for a run of this network trained with this loss. */
    public static RunData load(DataPlan plan, NetworkPlan network, Loss loss) {
        RunData loaded = plan.inputs() instanceof ImageInputs images ? ImageData.load(images, network.arch(), loss)
                : plan.inputs() instanceof TabularInputs tabular ? TabularData.load(tabular, loss)
                : fromFilesOrSynthetic(plan, network, loss);
        try {
            loaded = split(loaded, plan);
            loaded = holdOutValidation(loaded, plan);
            if (plan.inputs() instanceof TabularInputs tabular)            // on the training part only, after the splits
                TabularData.standardize(loaded.train().x(), others(loaded), tabular.unitNorm(), loaded.train().source());
            if (plan.labelNoise() > 0) {
                Dataset t = loaded.train();
                corruptLabels(t, loss, plan.labelNoise(), plan.seed());
                Dataset relabelled = new Dataset(t.x(), t.y(), t.source() + ", " + plan.labelNoise() + " of labels random", t.sampleShape());   // the same matrices
                loaded = new RunData(relabelled, loaded.test(), loaded.teacher(), loaded.classNames(), loaded.validation());
            }
            if (plan.labelNoiseSd() > 0) {
                Dataset t = loaded.train();
                addGaussianNoise(t.y(), plan.labelNoiseSd(), plan.noiseSeed());
                Dataset noisy = new Dataset(t.x(), t.y(), t.source() + ", plus N(0, " + plan.labelNoiseSd() + "^2) noise", t.sampleShape());
                loaded = new RunData(noisy, loaded.test(), loaded.teacher(), loaded.classNames(), loaded.validation());
            }
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /** Inputs alone, with labels when the plan names a labels file (else zeros): what the kernel command reads. */
    public static Dataset inputs(DataPlan plan) {
        if (plan.inputs() instanceof SyntheticInputs s) {
            Matrix x = DataLoader.syntheticInputs(s, s.n(), plan.seed(), plan.seed());
            return new Dataset(x, Matrix.vector(x.rows()), "synthetic " + s.describe(), s.sampleShape());
        }
        if (plan.inputs() instanceof TabularInputs t)
            throw new BadInputException("--data " + t.set().cliName() + ": the kernel command reads .npy or .csv inputs; train with --kernel-predict "
                    + "and --test-fraction F for the infinite network's predictions on a random test part.");
        if (!(plan.inputs() instanceof FileInputs f))
            throw new BadInputException("--data " + ((ImageInputs) plan.inputs()).set() + ": the kernel command reads .npy or .csv inputs; "
                    + "save the images you want as X.npy (n x 784), or add --predict for the infinite network's predictions on its test images.");
        DataLoader.Inputs in = DataLoader.inputs(f.data());
        Matrix y;
        try {
            y = f.labels() != null ? DataLoader.labels(f.labels()) : Matrix.vector(in.matrix().rows());
        } catch (RuntimeException e) {
            in.matrix().close();
            throw e;
        }
        return new Dataset(in.matrix(), y, f.data(), in.sampleShape());
    }

    private static RunData fromFilesOrSynthetic(DataPlan plan, NetworkPlan network, Loss loss) {
        boolean teacher = plan.labelsFrom().hasTeacher();
        if (plan.inputs() instanceof FileInputs f && (f.labels() != null || !teacher)) {
            Dataset train = DataLoader.fromFiles(f.data(), f.labels());
            Dataset test = null;
            try {
                if (plan.test().data() != null) test = DataLoader.testFromFiles(plan.test().data(), plan.test().labels());
            } catch (RuntimeException e) {
                train.close();
                throw e;
            }
            return new RunData(train, test, null, null);
        }
        DataLoader.Inputs inputs = plan.inputs() instanceof FileInputs f ? DataLoader.inputs(f.data()) : null;
        SyntheticInputs synthetic = plan.inputs() instanceof SyntheticInputs s ? s : null;
        int[] shape = inputs != null ? inputs.sampleShape() : synthetic.sampleShape();
        Matrix x = inputs != null ? inputs.matrix() : DataLoader.syntheticInputs(synthetic, synthetic.n(), plan.seed(), plan.seed());
        Network teacherNet = teacher ? teacherNetwork(x.cols(), shape, plan, network) : null;
        Matrix y = teacher ? teacherNet.predict(x) : Synthetic.gaussianLabels(x.rows(), plan.seed());
        if (loss.takesSigns()) signs(y);
        String labelled = ", labels " + (teacher ? "teacher (width " + teacherNet.width() + (plan.teacher().norm() != null ? ", ||W*||_2 = " + plan.teacher().norm() : "") + ")"
                : "N(0, 1)") + (loss.takesSigns() ? " signs" : "");
        String source = synthetic != null ? "synthetic " + synthetic.describe() : ((FileInputs) plan.inputs()).data();
        Dataset train = new Dataset(x, y, source + labelled, shape);
        Dataset test = null;
        if (synthetic != null && plan.test().n() > 0) {                  // fresh samples of the same distribution
            long testSeed = Seeds.derive(plan.seed(), "test");
            Matrix xt = DataLoader.syntheticInputs(synthetic, plan.test().n(), testSeed, plan.seed());
            Matrix yt = teacher ? teacherNet.predict(xt) : Synthetic.gaussianLabels(plan.test().n(), testSeed);
            if (loss.takesSigns()) signs(yt);
            test = new Dataset(xt, yt, source + " (fresh test samples)" + labelled, shape);
        }
        return new RunData(train, test, teacherNet, null);
    }

    /**
     * The sparse linear teacher beta* (Woodworth et al. 2020's sparse regression): R coordinates drawn without replacement,
     * each 1 / sqrt(R), so ||beta*|| = 1; as a linear model (no hidden layer, a = beta*), so the end-to-end instrument can
     * measure the student's distance to it.
     */
    static Network sparseTeacher(int d, int sparsity, long seed) {
        NetworkSpec spec = new NetworkSpec(overparam.core.nn.Arch.LINEAR, d, d, 0, new overparam.core.nn.Activation.Identity(), 1, overparam.core.nn.Patches.NONE, 1);
        java.util.random.RandomGenerator random = Seeds.stream(seed, "teacher/support");
        int[] order = java.util.stream.IntStream.range(0, d).toArray();
        try (Matrix beta = Matrix.vector(d)) {
            for (int i = 0; i < sparsity; i++) {                          // Fisher-Yates: order[0..i] is a uniform subset
                int j = i + random.nextInt(d - i), t = order[i];
                order[i] = order[j];
                order[j] = t;
                beta.set(order[i], 1 / Math.sqrt(sparsity));
            }
            return Network.fromWeights(spec, java.util.Map.of("a", beta), "the sparse teacher");
        }
    }

    private static void signs(Matrix y) {
        for (int i = 0; i < y.rows(); i++) y.set(i, y.get(i) >= 0 ? 1 : -1);       // the labels' signs
    }

    /** The test and validation inputs that tabular standardization scales by the training part's statistics. */
    private static java.util.List<Matrix> others(RunData data) {
        java.util.List<Matrix> others = new java.util.ArrayList<>();
        if (data.test() != null) others.add(data.test().x());
        if (data.validation() != null) others.add(data.validation().x());
        return others;
    }

    /**
     * --validation-n N: N samples of the training set, drawn by the data seed on a stream of their own, become the validation
     * set and are never trained on. Held out before label noise (the validation labels stay clean, as the test set's do) and
     * before tabular standardization (whose statistics are the trained part's). The rest keep their order.
     */
    private static RunData holdOutValidation(RunData data, DataPlan plan) {
        int count = plan.validationN();
        if (count == 0) return data;
        Dataset all = data.train();
        if (count >= all.n())
            throw BadInputException.of("--validation-n " + count, count, "fewer than the " + all.n() + " training samples of " + all.source(),
                    "e.g. --validation-n " + Math.max(1, all.n() / 10));
        int[][] parts = Subsets.holdOut(all.n(), count, plan.seed(), "data/validation");
        Dataset train = new Dataset(Subsets.gatherRows(all.x(), parts[0]), Subsets.gatherRows(all.y(), parts[0]), all.source(), all.sampleShape());
        Dataset validation = new Dataset(Subsets.gatherRows(all.x(), parts[1]), Subsets.gatherRows(all.y(), parts[1]),
                all.source() + ", validation (" + count + " held out)", all.sampleShape());
        all.close();
        return new RunData(train, data.test(), data.teacher(), data.classNames(), validation);
    }

    /** --test-fraction: a seeded random part of the training set held out as the test set. */
    private static RunData split(RunData data, DataPlan plan) {
        Double fraction = plan.test().fraction();
        if (fraction == null || fraction == 0) return data;
        if (data.test() != null)
            throw new BadInputException("--test-fraction " + fraction + ": the run already has a test set (--test-data, --test-n or the image files' own); give one of them.");
        Dataset all = data.train();
        int[][] parts;
        try {
            parts = Subsets.trainTestSplit(all.n(), fraction, plan.seed());
        } catch (BadInputException e) {
            throw new BadInputException("--test-fraction: " + e.getMessage());
        }
        Dataset train = new Dataset(Subsets.gatherRows(all.x(), parts[0]), Subsets.gatherRows(all.y(), parts[0]), all.source() + ", train part", all.sampleShape());
        Dataset test = new Dataset(Subsets.gatherRows(all.x(), parts[1]), Subsets.gatherRows(all.y(), parts[1]),
                all.source() + ", held out (" + fraction + ")", all.sampleShape());
        all.close();
        return new RunData(train, test, data.teacher(), data.classNames(), data.validation());
    }

    /**
     * --label-noise-sd: y_i += sigma N(0, 1) on the training labels, after the teacher labelled them (and after a held-out
     * test set was split off, which keeps the clean labels), from a stream of its own seeded by the run's seed: a sweep of
     * seeds over one data seed keeps X and the teacher and draws new noise.
     */
    static void addGaussianNoise(Matrix y, double sigma, long seed) {
        java.util.random.RandomGenerator random = Seeds.stream(seed, "labels/gaussian-noise");
        for (int i = 0; i < y.rows(); i++)
            for (int j = 0; j < y.cols(); j++) y.set(i, j, y.get(i, j) + sigma * random.nextGaussian());
    }

    /** --label-noise on labels that are classes: -1/+1 signs, or class indices for a loss that takes them (cross-entropy, one-hot squared). */
    private static void corruptLabels(Dataset data, Loss loss, double noise, long seed) {
        Matrix y = data.y();
        boolean signs = Loss.labelsAreSigns(y);
        if (!signs && !loss.takesClasses())
            throw new BadInputException("--label-noise " + noise + ": needs class labels (-1/+1, or class indices with --loss cross-entropy or "
                    + Loss.ONE_HOT_SQUARED.cliName() + "); " + data.source() + " has real-valued labels.");
        if (!signs) loss.checkLabels(y, data.source());
        int[] labels = new int[y.rows()];
        for (int i = 0; i < labels.length; i++) labels[i] = signs ? (y.get(i) > 0 ? 1 : 0) : (int) y.get(i);
        int[] noisy = Subsets.corruptLabels(labels, signs ? 2 : Loss.classCount(y), noise, seed);
        for (int i = 0; i < labels.length; i++) y.set(i, signs ? 2 * noisy[i] - 1 : noisy[i]);
    }

    /**
     * The teacher: a network of the same architecture and activation, width --teacher-width (seed 002's: width d, by
     * the width rule), its own seed; with --teacher-norm each W*^(h) is scaled to that spectral norm (seed 002's bounded ||W*||_2).
     */
    private static Network teacherNetwork(int d, int[] shape, DataPlan plan, NetworkPlan network) {
        if (plan.labelsFrom() == LabelSource.SPARSE) return sparseTeacher(d, plan.teacher().sparsity(), Seeds.derive(plan.seed(), "teacher"));
        NetworkPlan shaped = new NetworkPlan(network.arch(), network.depth(), plan.teacher().width(), network.activation(), network.cRes(),
                network.patch(), network.initScheme(), network.initScale(), null, network.trained(), null);
        NetworkSpec teacherSpec = shaped.spec(d, shape, "teacher", 1);
        Network teacher = Network.initialize(teacherSpec, Seeds.derive(plan.seed(), "teacher"));
        if (plan.teacher().norm() != null)
            for (int h = 1; h <= teacherSpec.depth(); h++) {
                Matrix w = teacher.parameter(h);
                Linalg.scale(plan.teacher().norm() / Spectrum.norm2(w), w);
            }
        return teacher;
    }
}
