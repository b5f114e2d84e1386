package overparam.core.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * A labelled image data set in the layout of MNIST (LeCun, http://yann.lecun.com/exdb/mnist/): an IDX file of
 * n x rows x cols images and an IDX file of n labels, for the training set ("train-") and the test set ("t10k-").
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) uses the same file names and shapes.
 *
 * @param images n x (rows * cols), one image per row in C order, the raw pixel values as doubles
 * @param labels the class of each image (copied, never shared)
 * @param source what the set is, for messages and provenance, e.g. "fashion-mnist train"
 */
public record ImageSet(Matrix images, int[] labels, int rows, int cols, String source) implements AutoCloseable {
    /** Where the Debian package dataset-fashion-mnist puts its files (unless {@link #FASHION_MNIST_PROPERTY} says otherwise). */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /**
     * A system property naming another folder to look for "fashion-mnist" in, instead of {@link #FASHION_MNIST}: a copy of
     * the files elsewhere, or (in tests) a missing folder to see what a machine without the package does. Read at each use.
     */
    public static final String FASHION_MNIST_PROPERTY = "overparam.fashion-mnist";
    /** The data name that means {@link #FASHION_MNIST}. */
    public static final String FASHION_MNIST_NAME = "fashion-mnist";
    /** Fashion-MNIST's classes, label 0 to 9, as its README names them. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public ImageSet {
        Objects.requireNonNull(images, "images");
        labels = labels.clone();   // records do not copy: a caller's later edit must not change the set
        if (images.rows() != labels.length || (long) rows * cols != images.cols()) {
            throw new IllegalArgumentException(images + " is not " + labels.length + " images of " + rows + " x " + cols);
        }
    }

    /** The labels (a copy). */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    /** Number of images. */
    public int n() {
        return labels.length;
    }

    @Override
    public void close() {
        images.close();
    }

    /**
     * The folder "fashion-mnist" is read from: the system property {@value #FASHION_MNIST_PROPERTY} when set (and not blank),
     * else {@link #FASHION_MNIST}.
     */
    public static Path fashionMnistFolder() {
        String override = System.getProperty(FASHION_MNIST_PROPERTY);
        if (override == null || override.isBlank()) return FASHION_MNIST;
        try {
            return Path.of(override.trim());
        } catch (InvalidPathException e) {
            throw BadInputException.of("-D" + FASHION_MNIST_PROPERTY + "=" + override, "not a path (" + e.getReason() + ")",
                    "the folder that holds the Fashion-MNIST files", "Give a folder, or leave the property unset for " + FASHION_MNIST + ".");
        }
    }

    /**
     * Whether the four Fashion-MNIST files are in {@link #fashionMnistFolder()} (the Debian package's folder unless the
     * property says otherwise); tests that need them skip otherwise.
     */
    public static boolean fashionMnistInstalled() {
        Path folder;
        try {
            folder = fashionMnistFolder();
        } catch (BadInputException e) {
            return false;
        }
        return IdxFiles.find(folder, true) != null && IdxFiles.find(folder, false) != null;
    }

    /**
     * The training ({@code train}) or test set of {@code dataName}: "fashion-mnist" (any case) for the Debian package's
     * files (in {@link #fashionMnistFolder()}), or a folder holding MNIST-named IDX files (train-images-idx3-ubyte, ...,
     * each gzipped or not).
     */
    public static ImageSet load(String dataName, boolean train) {
        return load(dataName, train, dataName.equalsIgnoreCase(FASHION_MNIST_NAME) ? fashionMnistFolder() : FASHION_MNIST);
    }

    /** As {@link #load(String, boolean)}, with "fashion-mnist" looked for in {@code fashionMnistFolder} (for tests). */
    static ImageSet load(String dataName, boolean train, Path fashionMnistFolder) {
        boolean fashion = dataName.equalsIgnoreCase(FASHION_MNIST_NAME);
        Path folder;
        try {
            folder = fashion ? fashionMnistFolder : Path.of(dataName);
        } catch (InvalidPathException e) {
            throw BadInputException.of(dataName, "not a path (" + e.getReason() + ")", "\"" + FASHION_MNIST_NAME + "\" or a folder",
                    "Give the folder that holds the IDX files.");
        }
        IdxFiles files = IdxFiles.find(folder, train);
        if (files == null) throw fashion ? fashionMnistMissing(folder, train) : folderWithoutFiles(dataName, folder, train);
        String source = (fashion ? FASHION_MNIST_NAME : dataName) + (train ? " train" : " test");
        NdArray images = Idx.read(files.images());
        try {
            long[] shape = images.shape();
            if (shape.length != 3) {
                throw BadInputException.of(files.images().toString(), images.shapeString(), "a 3-D array of images (n, rows, cols)",
                        "Give the images file of an MNIST-style data set.");
            }
            int[] labels = readLabels(files.labels());
            if (labels.length != shape[0]) {
                throw BadInputException.of(source, shape[0] + " images in " + files.images().getFileName() + " and " + labels.length
                        + " labels in " + files.labels().getFileName(), "one label per image", "Give an images and a labels file of the same set.");
            }
            return new ImageSet(images.data(), labels, (int) shape[1], (int) shape[2], source);
        } catch (RuntimeException e) {
            images.data().close();
            throw e;
        }
    }

    /** The labels file as class numbers: a 1-D array of non-negative integers. */
    private static int[] readLabels(Path file) {
        NdArray array = Idx.read(file);
        try (Matrix values = array.data()) {
            if (array.dims() != 1) {
                throw BadInputException.of(file.toString(), array.shapeString(), "a 1-D array of labels (n,)",
                        "Give the labels file of an MNIST-style data set.");
            }
            int[] labels = new int[values.rows()];
            for (int i = 0; i < labels.length; i++) {
                double v = values.get(i);
                if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
                    throw BadInputException.of(file.toString(), "label " + v + " at index " + i, "class numbers 0, 1, 2, ...",
                            "Give labels as non-negative integers.");
                }
                labels[i] = (int) v;
            }
            return labels;
        }
    }

    /** The images and labels files of one split in a folder, by MNIST's names: the plain file if present, else the .gz. */
    private record IdxFiles(Path images, Path labels) {
        static IdxFiles find(Path folder, boolean train) {
            String prefix = train ? "train" : "t10k";
            Path images = either(folder, prefix + "-images-idx3-ubyte");
            Path labels = either(folder, prefix + "-labels-idx1-ubyte");
            return images == null || labels == null ? null : new IdxFiles(images, labels);
        }

        static String names(boolean train) {
            String prefix = train ? "train" : "t10k";
            return prefix + "-images-idx3-ubyte and " + prefix + "-labels-idx1-ubyte";
        }

        private static Path either(Path folder, String name) {
            for (String candidate : new String[] {name, name + ".gz"}) {
                Path file = folder.resolve(candidate);
                if (Files.isRegularFile(file)) return file;
            }
            return null;
        }
    }

    private static BadInputException fashionMnistMissing(Path folder, boolean train) {
        String found = Files.isDirectory(folder) ? "the folder without " + IdxFiles.names(train) : "no such folder";
        return BadInputException.of(FASHION_MNIST_NAME, found, "the Fashion-MNIST files in " + folder,
                "They come from the Debian package dataset-fashion-mnist: install it with"
                        + " `apt-get install dataset-fashion-mnist` (as root, or with sudo) or run `./overparam setup`.");
    }

    private static BadInputException folderWithoutFiles(String dataName, Path folder, boolean train) {
        String found = Files.isDirectory(folder) ? "a folder without them" : "no such folder";
        return BadInputException.of(dataName, found, "\"" + FASHION_MNIST_NAME + "\" or a folder holding " + IdxFiles.names(train)
                + " (each may end in .gz)", "Check the path, or rename the files to the MNIST names.");
    }
}
