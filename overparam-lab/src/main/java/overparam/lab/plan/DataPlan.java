package overparam.lab.plan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.data.ImageSet;
import overparam.core.data.Synthetic;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;

/**
 * What a run learns from: its inputs (files, an image data set, or a synthetic generator), where synthetic labels
 * come from (N(0, 1) or a teacher network), an optional test set, label noise, and the data's own seed.
 *
 * @param labelNoise --label-noise: the fraction of class labels replaced by random classes (drawn from the data seed)
 * @param labelNoiseSd --label-noise-sd: sigma of the Gaussian noise added to real-valued training labels, 0 for none
 * @param noiseSeed the seed of that Gaussian noise: the run's --seed, not --data-seed, so that a sweep of seeds over one
 *                  data seed keeps X and the teacher and draws fresh noise (the risk over label noise with X fixed)
 */
public record DataPlan(Inputs inputs, LabelSource labelsFrom, Teacher teacher, TestSet test, double labelNoise, long seed,
                       boolean freshSamples, double labelNoiseSd, long noiseSeed, int validationN) {

    /** Where the inputs come from. */
    public sealed interface Inputs {}

    /** --data X.npy|.csv (n x d, or n x channels x pixels for conv-resnet) with --labels, or labels from a teacher. */
    public record FileInputs(String data, String labels) implements Inputs {}

    /**
     * An image data set (fashion-mnist, or a folder of MNIST-format IDX files): the chosen classes (all when empty),
     * the first perClass training and testPerClass test images of each (null: all; testPerClass 0: no test set),
     * scaled to unit norm (else pixels / 255), optionally centred on the training images' mean.
     */
    public record ImageInputs(String set, int[] classes, Integer perClass, Integer testPerClass, boolean unitNorm, boolean center)
            implements Inputs {}

    /**
     * A small classification set of Debian's python3-sklearn ({@link TabularSet}): the chosen classes (all when empty); its
     * test set is a seeded random part (--test-fraction); features standardized on the training part, rows then scaled to
     * unit norm unless unitNorm is false.
     */
    public record TabularInputs(TabularSet set, int[] classes, boolean unitNorm) implements Inputs {
        /** The classes read: those chosen, or all of the set's. */
        public int[] chosen() { return classes.length == 0 ? java.util.stream.IntStream.range(0, set.classes()).toArray() : classes.clone(); }
    }

    /**
     * n samples from a generator, each of sampleShape ({d}, or {channels, pixels...} for conv-resnet); subspaceDim, when not
     * null, puts them on the unit sphere of a random subspace of that dimension ({@code --synthetic subspace}, kind SPHERE).
     */
    public record SyntheticInputs(Synthetic.Kind kind, int n, int[] sampleShape, Integer subspaceDim) implements Inputs {
        public int d() { return InputShape.size(sampleShape); }

        /** The generator as --synthetic names it. */
        public String cliName() { return subspaceDim != null ? "subspace" : kind.cliName(); }

        /** What the data are, for the run's description: "subspace (d' = 3)" or the kind. */
        public String describe() { return subspaceDim != null ? "subspace (d' = " + subspaceDim + ")" : kind.cliName(); }
    }

    /** Labels of synthetic (or unlabelled file) inputs: y_i ~ N(0, 1), or a random network of the student's kind. */
    /**
     * Where labels of synthetic or unlabelled inputs come from: N(0, 1), a random network of the student's kind, or a sparse
     * linear teacher y = <beta*, x> with R nonzero coordinates (the sparse regression of Woodworth et al. 2020).
     */
    public enum LabelSource {
        GAUSSIAN, TEACHER, SPARSE;

        /** Whether a teacher network labels the inputs (and labels fresh samples and test sets the same way). */
        public boolean hasTeacher() { return this != GAUSSIAN; }
    }

    /**
     * The teacher's width (seed 002's: d, by the width rule), optionally each W*^(h)'s spectral norm, and for a sparse
     * linear teacher its number of nonzero coordinates R (0 otherwise).
     */
    public record Teacher(int width, Double norm, int sparsity) {}

    /** A test set: files (data and labels), a seeded held-out fraction of the training set, or n fresh synthetic samples. */
    public record TestSet(String data, String labels, Double fraction, int n) {}

    public boolean images() { return inputs instanceof ImageInputs; }

    public boolean synthetic() { return inputs instanceof SyntheticInputs; }

    static DataPlan parse(RunConfig c, Arch arch, TrainPlan train) {
        boolean files = c.data() != null, synthetic = c.synthetic() != null;
        if (files == synthetic)
            throw new BadInputException(files ? "--data and --synthetic: both given; choose one source of inputs."
                    : "no data: give --data X.npy --labels y.npy, --data fashion-mnist, --data wine (breast-cancer, iris, digits), or --synthetic sphere --n N --d D.");
        if (files && c.pixels() != null)
            throw new BadInputException("--pixels " + c.pixels() + ": only for --synthetic data; a --data file's own shape gives the pixels.");
        double noise = c.labelNoise() == null ? 0 : c.labelNoise();
        if (!(noise >= 0 && noise <= 1))
            throw BadInputException.of("--label-noise", noise, "a fraction in [0, 1]", "For example, --label-noise 0.2 gives 20% of the samples a random label.");
        if (c.testFraction() != null && !(c.testFraction() >= 0 && c.testFraction() < 1))
            throw BadInputException.of("--test-fraction", c.testFraction(), "a fraction in [0, 1)",
                    "For example, --test-fraction 0.2 holds out 20% of the samples for testing.");
        Inputs inputs;
        TabularSet tabular = files ? TabularSet.named(c.data()) : null;
        if (tabular != null) {
            String other = c.labels() != null ? "--labels " + c.labels() : c.perClass() != null ? "--per-class " + c.perClass()
                    : c.testPerClass() != null ? "--test-per-class " + c.testPerClass() : c.testData() != null ? "--test-data " + c.testData() : null;
            if (other != null)
                throw new BadInputException(other + ": --data " + tabular.cliName() + " brings its own labels and takes its test set as a seeded random part; "
                        + "drop " + other.split(" ")[0] + " and give --test-fraction F (e.g. 0.5).");
            inputs = tabular(tabular, c, train == null ? null : train.loss());
        } else if (files && namesImageSet(c.data())) {
            if (c.labels() != null)
                throw new BadInputException("--labels " + c.labels() + ": " + c.data() + " brings its own labels; drop --labels.");
            inputs = new ImageInputs(c.data(), classes(c.classes()), c.perClass(), c.testPerClass(), c.unitNorm() == null || c.unitNorm(),
                    Boolean.TRUE.equals(c.center()));
        } else {
            if (c.classes() != null || c.perClass() != null || c.testPerClass() != null)
                throw new BadInputException((c.classes() != null ? "--classes " + c.classes() : c.perClass() != null ? "--per-class " + c.perClass()
                        : "--test-per-class " + c.testPerClass()) + ": only for image data sets (--data fashion-mnist or an IDX folder) and "
                        + "the small sets of python3-sklearn (--data breast-cancer, wine, iris or digits).");
            inputs = files ? new FileInputs(c.data(), c.labels()) : syntheticInputs(c, arch);
        }
        LabelSource labelsFrom = labelSource(c.labelsFrom(), inputs);
        if (c.teacherNorm() != null && (!(c.teacherNorm() >= 0) || !Double.isFinite(c.teacherNorm())))
            throw BadInputException.of("--teacher-norm " + c.teacherNorm(), c.teacherNorm(), "a spectral norm >= 0", "e.g. --teacher-norm 0.1");
        boolean fresh = Boolean.TRUE.equals(c.freshSamples());
        if (fresh && (!synthetic || !labelsFrom.hasTeacher()))
            throw new BadInputException("--fresh-samples: needs --synthetic data with --labels-from teacher (the teacher labels each new sample).");
        if (fresh && inputs instanceof SyntheticInputs s && s.subspaceDim() != null)
            throw new BadInputException("--fresh-samples: not with --synthetic subspace (fresh batches are drawn from the full-space generators); "
                    + "use a fixed training set, or --synthetic sphere.");
        if (fresh && train.batchSize() < 1)
            throw new BadInputException("--fresh-samples: needs --batch-size B, the number of new samples a step (SGD on the population loss).");
        if (c.testLabels() != null && c.testData() == null)
            throw new BadInputException("--test-labels " + c.testLabels() + ": labels of what? Give the test inputs with --test-data X_test.npy.");
        if (c.testData() != null && !(inputs instanceof FileInputs))
            throw new BadInputException("--test-data " + c.testData() + ": only with --data files; "
                    + (synthetic ? "--synthetic data take --test-n N fresh samples." : "an image set brings its own test images (--test-per-class)."));
        TestSet test = new TestSet(c.testData(), c.testLabels(), c.testFraction(), c.testN() == null ? 0 : c.testN());
        if (inputs instanceof SyntheticInputs s && s.kind() == Synthetic.Kind.LINE) requireWholeLine(c, fresh, test);
        int sparsity = labelsFrom == LabelSource.SPARSE ? sparsity(c.labelsFrom(), inputs) : 0;
        double sd = labelNoiseSd(c, inputs, train == null ? null : train.loss(), fresh);      // the kernel command has no training
        return new DataPlan(inputs, labelsFrom, new Teacher(c.teacherWidth(), c.teacherNorm(), sparsity), test, noise, c.dataSeed(), fresh,
                sd, c.seed(), validationN(c, inputs, fresh));
    }

    /**
     * --validation-n N: N training samples held out as a validation set (Frankle and Carbin 2019 hold out 5,000 of MNIST's
     * 60,000: a count, as the paper gives it, and exact whatever --per-class selects); 0 when unset. Fresh samples have no
     * fixed training set to hold samples out of, and --synthetic line's points are one path; both are refused. N below the
     * training set's size is checked with the data ({@code RunDataLoader}).
     */
    private static int validationN(RunConfig c, Inputs inputs, boolean fresh) {
        if (c.validationN() == null) return 0;
        int n = c.validationN();
        if (n < 1) throw BadInputException.of("--validation-n " + n, n, "a number of held-out training samples >= 1", "e.g. --validation-n 5000");
        if (fresh)
            throw new BadInputException("--validation-n " + n + ": --fresh-samples draws new training samples every step, so none can be held out; drop one of them.");
        if (inputs instanceof SyntheticInputs s && s.kind() == Synthetic.Kind.LINE)
            throw new BadInputException("--validation-n " + n + ": --synthetic line's inputs are one path, every point trained on; use another --synthetic kind.");
        if (inputs instanceof SyntheticInputs s && n >= s.n())
            throw BadInputException.of("--validation-n " + n, n, "fewer than the --n " + s.n() + " samples it is held out of", "e.g. --validation-n " + Math.max(1, s.n() / 10));
        return n;
    }

    /**
     * --label-noise-sd SIGMA: y_i += SIGMA N(0, 1) on real-valued training labels (a regression's noise); 0 when unset.
     * Class labels (image sets, signs for logistic or exponential, classes for cross-entropy and one-hot squared) take --label-noise instead, and
     * fresh samples are labelled by the teacher alone.
     */
    private static double labelNoiseSd(RunConfig c, Inputs inputs, Loss loss, boolean fresh) {
        if (c.labelNoiseSd() == null) return 0;
        double sd = c.labelNoiseSd();
        if (!(sd >= 0) || !Double.isFinite(sd))
            throw BadInputException.of("--label-noise-sd " + c.labelNoiseSd(), c.labelNoiseSd(), "a finite standard deviation >= 0", "e.g. --label-noise-sd 0.5");
        if (sd == 0) return 0;
        if (loss != null && (loss.takesSigns() || loss.takesClasses()) || inputs instanceof ImageInputs || inputs instanceof TabularInputs)
            throw new BadInputException("--label-noise-sd " + sd + ": adds Gaussian noise to real-valued labels; "
                    + (inputs instanceof ImageInputs || inputs instanceof TabularInputs ? "this data set's labels are classes" : "--loss " + loss.cliName() + " takes class labels")
                    + ". Use --label-noise P for class labels, or --loss squared.");
        if (fresh)
            throw new BadInputException("--label-noise-sd " + sd + ": --fresh-samples labels each new sample by the teacher without noise; drop one of them.");
        return sd;
    }

    /**
     * A small set of python3-sklearn with the chosen classes, each one of the set's, and for a loss on one output (squared,
     * logistic: labels -1 and +1) exactly two of them; the set's sizes are known (TabularSet), so this needs no file.
     */
    private static TabularInputs tabular(TabularSet set, RunConfig c, Loss loss) {
        TabularInputs in = new TabularInputs(set, classes(c.classes()), c.unitNorm() == null || c.unitNorm());
        String given = "--classes " + (c.classes() == null ? "(all)" : c.classes());
        for (int k : in.chosen())
            if (k < 0 || k >= set.classes())
                throw BadInputException.of(given, "class " + k, "classes 0.." + (set.classes() - 1) + " of " + set.cliName(), "e.g. --classes 0,1");
        if (loss != null && loss.outputs(in.chosen().length) == 1 && in.chosen().length != 2)
            throw BadInputException.of(given, in.chosen().length + " classes of " + set.cliName(), "two classes for --loss " + loss
                    + " (one output, labels -1 and +1)", "Choose two, e.g. --classes 0,1, or use --loss cross-entropy for k classes.");
        return in;
    }

    /** Whether the data field names an image data set rather than a file. */
    static boolean namesImageSet(String data) {
        return data != null && (data.equalsIgnoreCase(ImageSet.FASHION_MNIST_NAME) || Files.isDirectory(Path.of(data)));
    }

    /**
     * --synthetic line is one path, in order, every point a training input (input-gradient reads its autocorrelations along
     * it): no held-out fraction, fresh samples or fresh test points, which would be the same path again.
     */
    private static void requireWholeLine(RunConfig c, boolean fresh, TestSet test) {
        String option = fresh ? "--fresh-samples" : test.fraction() != null && test.fraction() > 0 ? "--test-fraction " + test.fraction()
                : test.n() > 0 ? "--test-n " + test.n() : null;
        if (option != null)
            throw new BadInputException(option + ": --synthetic line is one fixed path x(t) = t e_1 + e_2 over [-2, 2], every point a training input "
                    + "in order; drop " + option.split(" ")[0] + ", or use --synthetic sphere.");
    }

    private static SyntheticInputs syntheticInputs(RunConfig c, Arch arch) {
        boolean subspace = c.synthetic().trim().equalsIgnoreCase("subspace");
        Synthetic.Kind kind = subspace ? Synthetic.Kind.SPHERE : Synthetic.Kind.named(c.synthetic());
        if (kind == null)
            throw BadInputException.of("--synthetic " + c.synthetic(), "an unknown generator",
                    "sphere (x_i uniform on the unit sphere), gaussian (x_i ~ N(0, I/d)), normal (x_i ~ N(0, I), seed 002), subspace "
                            + "(the unit sphere of a random --subspace-dim D subspace) or line (x(t) = t e_1 + e_2, t in [-2, 2])", "e.g. --synthetic sphere");
        int[] shape = InputShape.synthetic(arch, c.d(), c.pixels());
        if (c.n() < 1) throw BadInputException.of("--n " + c.n(), c.n(), "a positive number of samples", "e.g. --n 64");
        if (c.d() < 1) throw BadInputException.of("--d " + c.d(), c.d(), "a positive input dimension", "e.g. --d 10");
        if (kind == Synthetic.Kind.LINE && (c.d() < 2 || c.pixels() != null))
            throw BadInputException.of(c.pixels() != null ? "--pixels " + c.pixels() : "--d " + c.d(), "--synthetic line",
                    "a dense input of d >= 2 values (x(t) = t e_1 + e_2: the constant e_2 plays the first layer's bias)", "e.g. --d 2");
        Integer dim = c.subspaceDim();
        if (subspace != (dim != null))
            throw new BadInputException(subspace ? "--synthetic subspace: needs --subspace-dim D, the subspace's dimension (1 to --d); e.g. --subspace-dim 3."
                    : "--subspace-dim " + dim + ": only for --synthetic subspace; drop it or use --synthetic subspace.");
        int d = InputShape.size(shape);
        if (subspace && (dim < 1 || dim > d))
            throw BadInputException.of("--subspace-dim " + dim, dim, "a dimension from 1 to the input dimension " + d, "e.g. --subspace-dim " + Math.min(3, d));
        return new SyntheticInputs(kind, c.n(), shape, dim);
    }

    /** Image data sets bring their labels; other inputs take N(0, 1) labels or a teacher's. */
    private static LabelSource labelSource(String text, Inputs inputs) {
        if (inputs instanceof ImageInputs || inputs instanceof TabularInputs) return LabelSource.GAUSSIAN;
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("teacher")) return LabelSource.TEACHER;
        if (t.equals("gaussian")) return LabelSource.GAUSSIAN;
        if (t.startsWith("sparse:")) return LabelSource.SPARSE;
        throw BadInputException.of("--labels-from " + text, "an unknown label source", "gaussian, teacher or sparse:R", "e.g. --labels-from teacher");
    }

    /** R of sparse:R: a number of nonzero coordinates from 1 to d. */
    private static int sparsity(String text, Inputs inputs) {
        String r = text.trim().substring("sparse:".length());
        int d = inputs instanceof SyntheticInputs s ? InputShape.size(s.sampleShape()) : Integer.MAX_VALUE;
        try {
            int value = Integer.parseInt(r);
            if (value >= 1 && value <= d) return value;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw BadInputException.of("--labels-from " + text, "'" + r + "'", "sparse:R with R nonzero coordinates, 1 <= R <= d", "e.g. --labels-from sparse:5");
    }

    /** "0,6" -> {0, 6}; null or "all" -> {} (every class). */
    static int[] classes(String text) {
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("all")) return new int[0];
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                int v = Integer.parseInt(part.trim());
                if (out.contains(v)) throw new NumberFormatException();
                out.add(v);
            } catch (NumberFormatException e) {
                throw BadInputException.of("--classes " + text, "'" + part.trim() + "'", "distinct class numbers separated by commas",
                        "e.g. --classes 0,6 (Fashion-MNIST: 0 T-shirt/top ... 9 Ankle boot)");
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
