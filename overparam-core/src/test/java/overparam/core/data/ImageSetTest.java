package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static overparam.core.data.NpyTest.assertRefused;

import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.linalg.Matrix;

/** MNIST-style folders made here, and the real Fashion-MNIST files of the Debian package when installed. */
class ImageSetTest {
    @TempDir Path tmp;

    // ---------------------------------------------------------------- the Debian package's files

    @Test
    void fashionMnistTrainingSetHas6000ImagesOfEachClass() {
        assumeTrue(ImageSet.fashionMnistInstalled(), "dataset-fashion-mnist is not installed");
        Matrix.zeros(1, 1).close();   // JavaCPP loads its natives on first use: a one-time cost of Matrix, not of reading
        long start = System.nanoTime();
        try (ImageSet train = ImageSet.load("fashion-mnist", true)) {
            double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf("fashion-mnist train: %d x %d images + labels loaded in %.0f ms%n", train.n(), train.images().cols(), ms);
            assertEquals(60000, train.n());
            assertEquals(28, train.rows());
            assertEquals(28, train.cols());
            assertEquals(784, train.images().cols());
            assertEquals("fashion-mnist train", train.source());
            assertArrayEquals(filled(10, 6000), classCounts(train.labels(), 10));
            assertPixelsAreBytes(train.images());
        }
    }

    @Test
    void fashionMnistTestSetHas1000ImagesOfEachClass() {
        assumeTrue(ImageSet.fashionMnistInstalled(), "dataset-fashion-mnist is not installed");
        try (ImageSet test = ImageSet.load("fashion-mnist", false)) {
            assertEquals(10000, test.n());
            assertEquals(784, test.images().cols());
            assertArrayEquals(filled(10, 1000), classCounts(test.labels(), 10));
            assertPixelsAreBytes(test.images());
        }
        assertEquals(10, ImageSet.FASHION_MNIST_CLASSES.size());
        assertEquals("Ankle boot", ImageSet.FASHION_MNIST_CLASSES.get(9));
    }

    static int[] classCounts(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int label : labels) counts[label]++;
        return counts;
    }

    static int[] filled(int length, int value) {
        int[] a = new int[length];
        Arrays.fill(a, value);
        return a;
    }

    static void assertPixelsAreBytes(Matrix images) {
        DoubleBuffer all = images.buffer();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < all.capacity(); k++) {
            double v = all.get(k);
            if (v != Math.rint(v)) throw new AssertionError("pixel " + k + " = " + v + " is not an integer");
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= 0 && max <= 255, "pixels in " + min + ".." + max);
        assertTrue(max > 200, "a real image set uses most of 0..255, max was " + max);
    }

    // ---------------------------------------------------------------- a folder made here

    /** 5 training and 3 test images of 2 x 3 pixels; pixel (i, k) = 10 i + k, label i % 3 (train) or 2 - i (test). */
    static Path mnistFolder(Path folder) {
        write(folder.resolve("train-images-idx3-ubyte.gz"), images(5), new long[] {5, 2, 3}, Idx.Type.UBYTE);
        write(folder.resolve("train-labels-idx1-ubyte"), new double[] {0, 1, 2, 0, 1}, new long[] {5}, Idx.Type.UBYTE);
        write(folder.resolve("t10k-images-idx3-ubyte"), images(3), new long[] {3, 2, 3}, Idx.Type.UBYTE);
        write(folder.resolve("t10k-labels-idx1-ubyte.gz"), new double[] {2, 1, 0}, new long[] {3}, Idx.Type.UBYTE);
        return folder;
    }

    static double[] images(int n) {
        double[] pixels = new double[n * 6];
        for (int i = 0; i < n; i++) for (int k = 0; k < 6; k++) pixels[6 * i + k] = 10 * i + k;
        return pixels;
    }

    static void write(Path file, double[] values, long[] shape, Idx.Type type) {
        try (Matrix m = IdxTest.array(shape, values).data()) {
            Idx.write(file, new NdArray(shape, m), type);
        }
    }

    @Test
    void loadsAnMnistStyleFolderGzippedOrNot() {
        Path folder = mnistFolder(tmp);
        try (ImageSet train = ImageSet.load(folder.toString(), true); ImageSet test = ImageSet.load(folder.toString(), false)) {
            assertEquals(5, train.n());
            assertEquals(2, train.rows());
            assertEquals(3, train.cols());
            assertArrayEquals(images(5), train.images().toArray());
            assertArrayEquals(new int[] {0, 1, 2, 0, 1}, train.labels());
            assertEquals(folder + " train", train.source());
            assertEquals(3, test.n());
            assertArrayEquals(images(3), test.images().toArray());
            assertArrayEquals(new int[] {2, 1, 0}, test.labels());
            assertEquals(folder + " test", test.source());
        }
    }

    @Test
    void labelsAreCopiedInAndOut() {
        int[] labels = {1, 2};
        try (ImageSet set = new ImageSet(Matrix.zeros(2, 4), labels, 2, 2, "two")) {
            labels[0] = 9;
            set.labels()[1] = 9;
            assertArrayEquals(new int[] {1, 2}, set.labels());
        }
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesAMissingFolder() {
        Path missing = tmp.resolve("no-such-mnist");
        String message = assertRefused(missing.toString(), () -> ImageSet.load(missing.toString(), true));
        assertTrue(message.contains("no such folder"), message);
    }

    @Test
    void refusesAFolderWithoutTheFilesListingTheNamesExpected() throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("pictures"));
        Files.writeString(folder.resolve("train-images.png"), "not idx");
        String message = assertRefused(folder.toString(), () -> ImageSet.load(folder.toString(), true));
        assertTrue(message.contains("train-images-idx3-ubyte") && message.contains("train-labels-idx1-ubyte"), message);
        String test = assertRefused(folder.toString(), () -> ImageSet.load(folder.toString(), false));
        assertTrue(test.contains("t10k-images-idx3-ubyte") && test.contains("t10k-labels-idx1-ubyte"), test);
    }

    @Test
    void missingFashionMnistSaysWhichDebianPackageToInstall() {
        Path absent = tmp.resolve("datasets/fashion-mnist");
        String message = assertRefused("fashion-mnist", () -> ImageSet.load("fashion-mnist", true, absent));
        assertTrue(message.contains(absent.toString()), message);
        assertTrue(message.contains("apt-get install dataset-fashion-mnist"), message);
        assertTrue(message.contains("sudo"), message);
        assertTrue(message.contains("./overparam setup"), message);
    }

    /** -Doverparam.fashion-mnist=DIR moves "fashion-mnist" to DIR, read at each load: a copy elsewhere, or no package. */
    @Test
    void thePropertyMovesFashionMnistAndIsReadAtEachLoad() throws Exception {
        Path copy = mnistFolder(Files.createDirectory(tmp.resolve("copy")));
        Path absent = tmp.resolve("absent/fashion-mnist");
        String before = System.getProperty(ImageSet.FASHION_MNIST_PROPERTY);
        try {
            System.setProperty(ImageSet.FASHION_MNIST_PROPERTY, copy.toString());
            assertEquals(copy, ImageSet.fashionMnistFolder());
            assertTrue(ImageSet.fashionMnistInstalled());
            try (ImageSet train = ImageSet.load("fashion-mnist", true); ImageSet upper = ImageSet.load("Fashion-MNIST", false)) {
                assertArrayEquals(new int[] {0, 1, 2, 0, 1}, train.labels());
                assertEquals("fashion-mnist train", train.source());
                assertArrayEquals(new int[] {2, 1, 0}, upper.labels());
                assertEquals("fashion-mnist test", upper.source());
            }
            System.setProperty(ImageSet.FASHION_MNIST_PROPERTY, absent.toString());
            assertEquals(absent, ImageSet.fashionMnistFolder());
            assertFalse(ImageSet.fashionMnistInstalled());
            String message = assertRefused("fashion-mnist", () -> ImageSet.load("fashion-mnist", true));
            assertTrue(message.contains(absent.toString()) && message.contains("no such folder"), message);
            assertTrue(message.contains("dataset-fashion-mnist") && message.contains("./overparam setup"), message);
            System.setProperty(ImageSet.FASHION_MNIST_PROPERTY, "bad\u0000path");
            assertFalse(ImageSet.fashionMnistInstalled());
            assertRefused(ImageSet.FASHION_MNIST_PROPERTY, () -> ImageSet.load("fashion-mnist", true));
            System.clearProperty(ImageSet.FASHION_MNIST_PROPERTY);
            assertEquals(ImageSet.FASHION_MNIST, ImageSet.fashionMnistFolder());
        } finally {
            if (before == null) System.clearProperty(ImageSet.FASHION_MNIST_PROPERTY);
            else System.setProperty(ImageSet.FASHION_MNIST_PROPERTY, before);
        }
    }

    @Test
    void refusesImagesThatAreNotThreeDimensional() {
        Path folder = mnistFolder(tmp);
        Path images = folder.resolve("train-images-idx3-ubyte.gz");
        write(images, images(5), new long[] {5, 6}, Idx.Type.UBYTE);
        assertTrue(assertRefused(images.toString(), () -> ImageSet.load(folder.toString(), true)).contains("3-D"));
    }

    @Test
    void refusesLabelsThatAreNotOneDimensional() {
        Path folder = mnistFolder(tmp);
        Path labels = folder.resolve("train-labels-idx1-ubyte");
        write(labels, new double[] {0, 1, 2, 0, 1, 2}, new long[] {3, 2}, Idx.Type.UBYTE);
        assertTrue(assertRefused(labels.toString(), () -> ImageSet.load(folder.toString(), true)).contains("1-D"));
    }

    @Test
    void refusesDifferentCountsOfImagesAndLabels() {
        Path folder = mnistFolder(tmp);
        write(folder.resolve("train-labels-idx1-ubyte"), new double[] {0, 1, 2, 0}, new long[] {4}, Idx.Type.UBYTE);
        String message = assertRefused(folder.toString(), () -> ImageSet.load(folder.toString(), true));
        assertTrue(message.contains("5 images") && message.contains("4 labels"), message);
    }

    @Test
    void refusesNegativeOrFractionalLabels() {
        Path folder = mnistFolder(tmp);
        Path labels = folder.resolve("train-labels-idx1-ubyte");
        write(labels, new double[] {0, 1, -1, 0, 1}, new long[] {5}, Idx.Type.BYTE);
        assertTrue(assertRefused(labels.toString(), () -> ImageSet.load(folder.toString(), true)).contains("index 2"));
        write(labels, new double[] {0, 1, 2, 0.5, 1}, new long[] {5}, Idx.Type.FLOAT);
        assertTrue(assertRefused(labels.toString(), () -> ImageSet.load(folder.toString(), true)).contains("index 3"));
    }
}
