package overparam.lab.data;

import java.util.Arrays;
import overparam.core.BadInputException;
import overparam.core.data.Dataset;
import overparam.core.data.ImageSet;
import overparam.core.data.Subsets;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.lab.plan.DataPlan.ImageInputs;

/**
 * Fashion-MNIST (Debian's dataset-fashion-mnist) or a folder of MNIST-format IDX files as a run's data: the chosen
 * classes (first --per-class of each, in file order), optionally centred (the training subset's mean image subtracted
 * from training and test images: fewer near-parallel inputs, so a better-conditioned kernel), each image scaled to unit norm (the theorems' ||x_i|| = 1) or
 * to [0, 1], flattened, or kept 28 x 28 with one channel for conv-resnet; labels as class indices 0..k-1 for
 * cross-entropy, or -1 / +1 for a two-class problem with one output (the first class listed is -1). The test set is the
 * files' own (t10k), same classes. Label noise is the run's, as for any class labels ({@link RunDataLoader}).
 */
final class ImageData {
    private ImageData() {}

    static RunData load(ImageInputs in, Arch arch, Loss loss) {
        int[] chosen = in.classes();
        Dataset train = null, test = null;
        try (ImageSet set = ImageSet.load(in.set(), true)) {
            if (chosen.length == 0) chosen = Arrays.stream(set.labels()).distinct().sorted().toArray();
            int k = chosen.length;
            boolean signs = loss.outputs(k) == 1;
            if (signs && k != 2)
                throw BadInputException.of("--classes " + (in.classes().length == 0 ? "(all)" : classList(in.classes())), k + " classes", "two classes for --loss " + loss
                        + " (one output, labels -1 and +1)", "Choose two, e.g. --classes 0,6, or use --loss cross-entropy for k classes.");
            train = subset(set, chosen, in.perClass(), arch, signs);
        }
        double[] mean = in.center() ? center(train.x(), null) : null;  // the training images' mean, for both sets
        normalize(train.x(), in.unitNorm(), train.source());
        if (in.testPerClass() == null || in.testPerClass() > 0) {
            try (ImageSet set = ImageSet.load(in.set(), false)) {
                test = subset(set, chosen, in.testPerClass(), arch, loss.outputs(chosen.length) == 1);
                if (mean != null) center(test.x(), mean);
                normalize(test.x(), in.unitNorm(), test.source());
            } catch (RuntimeException e) {
                train.close();
                throw e;
            }
        }
        String[] names = new String[chosen.length];
        for (int i = 0; i < chosen.length; i++)
            names[i] = in.set().equalsIgnoreCase(ImageSet.FASHION_MNIST_NAME) && chosen[i] < ImageSet.FASHION_MNIST_CLASSES.size()
                    ? chosen[i] + " " + ImageSet.FASHION_MNIST_CLASSES.get(chosen[i]) : String.valueOf(chosen[i]);
        return new RunData(train, test, null, names);
    }

    private static String classList(int[] classes) {
        return Arrays.stream(classes).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    /** The chosen classes' first perClass images (raw pixels) with their labels. */
    private static Dataset subset(ImageSet set, int[] chosen, Integer perClass, Arch arch, boolean signs) {
        int[] indices;
        try {
            indices = Subsets.firstPerClass(set.labels(), chosen, perClass == null ? 0 : perClass, set.source());
        } catch (BadInputException e) {
            throw new BadInputException("--classes: " + e.getMessage());          // the selection the user gave names the option
        }
        Matrix x = Subsets.gatherRows(set.images(), indices);
        int[] labels = Subsets.gather(set.labels(), indices);
        for (int i = 0; i < labels.length; i++) labels[i] = position(chosen, labels[i]);
        Matrix y = Matrix.vector(labels.length);
        for (int i = 0; i < labels.length; i++) y.set(i, signs ? 2 * labels[i] - 1 : labels[i]);
        int[] shape = arch == Arch.CONV_RESNET ? new int[] {1, set.rows(), set.cols()} : new int[] {set.rows() * set.cols()};
        String source = set.source() + ", classes " + Arrays.toString(chosen) + (perClass == null || perClass <= 0 ? "" : ", first " + perClass + " per class");
        return new Dataset(x, y, source, shape);
    }

    private static void normalize(Matrix x, boolean unitNorm, String source) {
        if (unitNorm) Subsets.scaleToUnitNorm(x, source);
        else overparam.core.linalg.Linalg.scale(1.0 / 255, x);
    }

    /** Subtracts the given mean row (or the rows' own mean when null) from every row; returns the mean. */
    private static double[] center(Matrix x, double[] given) {
        int n = x.rows(), d = x.cols();
        double[] mean = given;
        java.nio.DoubleBuffer e = x.buffer();
        if (mean == null) {
            mean = new double[d];
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += e.get(i * d + j);
            for (int j = 0; j < d; j++) mean[j] /= n;
        }
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) e.put(i * d + j, e.get(i * d + j) - mean[j]);
        return mean;
    }

    private static int position(int[] chosen, int label) {
        for (int i = 0; i < chosen.length; i++) if (chosen[i] == label) return i;
        throw new IllegalStateException("label " + label + " outside the chosen classes");
    }
}
