package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.ImageSet;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.data.Npz;
import overparam.core.data.Subsets;
import overparam.core.linalg.Matrix;

/**
 * `train --data fashion-mnist` (Debian's dataset-fashion-mnist; those tests skip without it) and `--data FOLDER` of
 * MNIST-format IDX files made here, in-process: the run folders they write, and their refusals (exit 2, one line
 * naming the input, nothing written to --out).
 */
class ImageDataCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    // ---------------------------------------------------------------- Fashion-MNIST (the Debian package)

    /**
     * Two classes under the squared loss: labels -1 (the first class listed) and +1, checked against the run's own
     * numbers: its step-0 loss is 1/2 sum (u_i - y_i)^2 of its step-0 predictions with exactly those labels, and its
     * training accuracy is the fraction of sign(u_i) = y_i.
     */
    @Test
    void twoClassesUnderTheSquaredLossAreLabelledMinusAndPlusOne() throws IOException {
        assumeFashionMnist();
        Path out = tmp.resolve("two");
        CliRun r = CliRun.of(fashion(out, "--classes", "0,6", "--per-class", "20", "--test-per-class", "10", "--loss", "squared",
                "--arch", "two-layer", "--activation", "relu", "--width", "64", "--eta", "0.1", "--steps", "20", "--record-every", "10"));
        assertEquals(0, r.exit(), r.err());
        JsonNode data = summary(out).get("data");
        assertEquals(40, data.get("n").asInt());
        assertEquals(20, data.get("n_test").asInt());
        assertEquals(784, data.get("d").asInt());
        assertEquals(List.of("0 T-shirt/top", "6 Shirt"), strings(data.get("classes")));

        List<JsonNode> lines = metrics(out);
        assertEquals(List.of(0, 10, 20), lines.stream().map(l -> l.get("step").asInt()).toList());
        double[] y = signs(fashionClasses(new int[] {0, 6}, 20));
        JsonNode first = lines.get(0);
        double[] u = doubles(first.get("predictions"));
        assertEquals(40, u.length);
        assertEquals(halfSquaredError(u, y), first.get("loss").asDouble(), 1e-12 * first.get("loss").asDouble());
        assertEquals(signAccuracy(u, y), first.get("train_accuracy").asDouble(), 0.0);
        for (JsonNode line : lines) {
            assertAccuracy(line.get("train_accuracy"), 40);
            assertAccuracy(line.get("test_accuracy"), 20);
            assertTrue(line.get("test_loss").asDouble() > 0, line.toString());
        }
        assertTrue(lines.get(2).get("loss").asDouble() < first.get("loss").asDouble(), "gradient descent lowers the loss");
    }

    /** Three classes, cross-entropy, one hidden layer, SGD with momentum: k = 3 outputs, so 'a' is m x 3. */
    @Test
    void threeClassesUnderCrossEntropyWithSgdAndMomentum() throws IOException {
        assumeFashionMnist();
        Path out = tmp.resolve("three");
        CliRun r = CliRun.of(fashion(out, "--classes", "0,1,6", "--per-class", "20", "--test-per-class", "10", "--loss", "cross-entropy",
                "--arch", "fc", "--depth", "1", "--width", "32", "--eta", "0.05", "--batch-size", "10", "--momentum", "0.9",
                "--steps", "12", "--record-every", "6"));
        assertEquals(0, r.exit(), r.err());
        JsonNode s = summary(out);
        assertEquals(60, s.get("data").get("n").asInt());
        assertEquals(30, s.get("data").get("n_test").asInt());
        assertEquals(3, s.get("data").get("outputs").asInt());
        assertEquals(List.of("0 T-shirt/top", "1 Trouser", "6 Shirt"), strings(s.get("data").get("classes")));
        assertEquals(10, s.get("config").get("batch_size").asInt());
        assertEquals(0.9, s.get("config").get("momentum").asDouble(), 0.0);
        Map<String, NdArray> weights = Npz.read(out.resolve("weights_final.npz"));
        assertArrayEquals(new long[] {32, 784}, weights.get("W1").shape());
        assertArrayEquals(new long[] {32, 3}, weights.get("a").shape());
        for (JsonNode line : metrics(out)) {
            assertAccuracy(line.get("train_accuracy"), 60);
            assertAccuracy(line.get("test_accuracy"), 30);
        }
    }

    /** Seed 002's identity-mapping network with a learned PReLU slope: recorded as prelu_slope, saved as alpha1. */
    @Test
    void identityMappingWithPreluRecordsAndSavesTheLearnedSlope() throws IOException {
        assumeFashionMnist();
        Path out = tmp.resolve("prelu");
        CliRun r = CliRun.of(fashion(out, "--classes", "0,1,6", "--per-class", "20", "--test-per-class", "10", "--loss", "cross-entropy",
                "--arch", "identity-mapping", "--activation", "prelu", "--leaky-slope", "0.25", "--eta", "0.05", "--steps", "6",
                "--record-every", "3", "--limit-kernel", "off"));
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> lines = metrics(out);
        for (JsonNode line : lines) assertEquals(1, line.get("prelu_slope").size(), line.toString());
        double start = lines.get(0).get("prelu_slope").get(0).asDouble(), end = lines.get(lines.size() - 1).get("prelu_slope").get(0).asDouble();
        assertEquals(0.25, start, 0.0);
        assertNotEquals(start, end, "the slope is trained");
        Map<String, NdArray> weights = Npz.read(out.resolve("weights_final.npz"));
        assertArrayEquals(new long[] {1}, weights.get("alpha1").shape());
        try (Matrix alpha = weights.get("alpha1").data()) {
            assertEquals(end, alpha.get(0), 0.0, "alpha1 is the slope of the last record (the final step)");
        }
        assertArrayEquals(new long[] {784, 3}, weights.get("a").shape());
    }

    /** conv-resnet keeps each image 28 x 28 with one channel (tiny: the point is the shapes, not the training). */
    @Test
    void convResnetKeepsImagesTwoDimensional() throws IOException {
        assumeFashionMnist();
        Path out = tmp.resolve("conv");
        // --limit-kernel off: the infinite-width kernel over 784 pixels takes ~35 s even for n = 10
        CliRun r = CliRun.of(fashion(out, "--classes", "0,6", "--per-class", "5", "--test-per-class", "5", "--arch", "conv-resnet",
                "--width", "8", "--depth", "2", "--eta", "1e-4", "--steps", "2", "--limit-kernel", "off", "--instruments", "none"));
        assertEquals(0, r.exit(), r.err());
        JsonNode data = summary(out).get("data");
        assertEquals(List.of(1, 28, 28), ints(data.get("sample_shape")));
        assertEquals(10, data.get("n").asInt());
        Map<String, NdArray> weights = Npz.read(out.resolve("weights_final.npz"));
        assertArrayEquals(new long[] {8, 9}, weights.get("W1").shape(), "3 x 3 patches of 1 channel");
        assertArrayEquals(new long[] {8, 28, 28}, weights.get("a").shape());
    }

    /**
     * --label-noise 0.5: the same seed gives the same run; another seed other labels. The labels each run trained on
     * are read off its step-0 loss and predictions (1/2 sum (u_i - y_i)^2) and compared with Subsets.corruptLabels.
     */
    @Test
    void labelNoiseIsSeeded() throws IOException {
        assumeFashionMnist();
        Path a = tmp.resolve("a"), again = tmp.resolve("again"), b = tmp.resolve("b");
        String[] common = {"--classes", "0,6", "--per-class", "20", "--test-per-class", "10", "--loss", "squared", "--label-noise", "0.5",
                "--arch", "two-layer", "--width", "32", "--eta", "0.1", "--steps", "3", "--record-every", "1"};
        assertEquals(0, CliRun.of(fashion(a, concat(common, "--seed", "1"))).exit());
        assertEquals(0, CliRun.of(fashion(again, concat(common, "--seed", "1"))).exit());
        assertEquals(0, CliRun.of(fashion(b, concat(common, "--seed", "2"))).exit());
        assertEquals(withoutTimes(metrics(a)), withoutTimes(metrics(again)), "same seed, same numbers");

        int[] clean = fashionClasses(new int[] {0, 6}, 20);
        int[] noisy1 = Subsets.corruptLabels(clean, 2, 0.5, 1), noisy2 = Subsets.corruptLabels(clean, 2, 0.5, 2);
        assertFalse(Arrays.equals(noisy1, clean));
        assertFalse(Arrays.equals(noisy1, noisy2));
        for (Object[] run : new Object[][] {{a, noisy1}, {b, noisy2}}) {
            JsonNode first = metrics((Path) run[0]).get(0);
            double loss = first.get("loss").asDouble();
            double[] u = doubles(first.get("predictions"));
            assertEquals(halfSquaredError(u, signs((int[]) run[1])), loss, 1e-12 * loss, run[0] + " trained on its seed's noisy labels");
            assertTrue(Math.abs(halfSquaredError(u, signs(clean)) - loss) > 1e-6 * loss, run[0] + " did not train on the clean labels");
        }
        assertTrue(summary(a).get("data").get("source").asText().contains("0.5 of labels random"));
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void missingPackageIsRefusedWithHowToInstallIt() {
        Path absent = tmp.resolve("no-package/fashion-mnist");
        Path out = tmp.resolve("missing");
        String before = System.getProperty(ImageSet.FASHION_MNIST_PROPERTY);
        try {
            System.setProperty(ImageSet.FASHION_MNIST_PROPERTY, absent.toString());
            CliRun r = CliRun.of(fashion(out, "--classes", "0,6", "--per-class", "20", "--arch", "two-layer", "--width", "16",
                    "--eta", "0.1", "--steps", "2"));
            assertRefused(r, "fashion-mnist", out);
            assertTrue(r.err().contains(absent.toString()), r.err());
            assertTrue(r.err().contains("dataset-fashion-mnist") && r.err().contains("./overparam setup"), r.err());
        } finally {
            if (before == null) System.clearProperty(ImageSet.FASHION_MNIST_PROPERTY);
            else System.setProperty(ImageSet.FASHION_MNIST_PROPERTY, before);
        }
    }

    /** A folder made here trains (the control); a truncated images file, gzipped or plain, is refused by its name. */
    @Test
    void corruptImagesFileIsRefusedByName() throws IOException {
        Path folder = idxFolder(tmp.resolve("idx"));
        CliRun ok = CliRun.of(folderRun(folder, tmp.resolve("ok"), "--classes", "0,1"));
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(4, summary(tmp.resolve("ok")).get("data").get("n").asInt());

        Path gz = folder.resolve("train-images-idx3-ubyte.gz");
        byte[] whole = Files.readAllBytes(gz);
        Files.write(gz, Arrays.copyOf(whole, whole.length / 2));
        assertRefused(CliRun.of(folderRun(folder, tmp.resolve("gz"), "--classes", "0,1")), gz.toString(), tmp.resolve("gz"));

        Files.delete(gz);
        Path plain = folder.resolve("train-images-idx3-ubyte");
        byte[] raw = idx(new int[] {6, 4, 4}, pixels(6 * 16));
        Files.write(plain, Arrays.copyOf(raw, raw.length - 20));
        CliRun r = CliRun.of(folderRun(folder, tmp.resolve("plain"), "--classes", "0,1"));
        assertRefused(r, plain.toString(), tmp.resolve("plain"));
        assertTrue(r.err().contains("truncated"), r.err());
    }

    /**
     * kernel takes the image options train does, --center among them: its cross kernel Theta(X*, X) on a centred folder
     * equals that of the same images centred and scaled to unit norm by hand here (the training images' mean subtracted
     * from training and test images, then each row normalised), and differs from the uncentred one (the default).
     */
    @Test
    void kernelCentresTheImagesAsTrainDoes() throws IOException {
        Path folder = idxFolder(tmp.resolve("idx"));
        double[][] x = rows(pixels(6 * 16), 6), xt = rows(pixels(3 * 16), 3);
        double[] mean = new double[16];
        for (double[] row : x) for (int j = 0; j < 16; j++) mean[j] += row[j] / x.length;
        Path hand = tmp.resolve("X.npy"), handTest = tmp.resolve("Xt.npy"), labels = tmp.resolve("y.npy");
        try (Matrix m = Matrix.of(centredUnitRows(x, mean)); Matrix t = Matrix.of(centredUnitRows(xt, mean)); Matrix y = Matrix.vectorOf(1, -1, 1, 1, -1, 1)) {
            Npy.write(hand, m);
            Npy.write(handTest, t);
            Npy.write(labels, y);
        }
        String[] predict = {"kernel", "--arch", "fc", "--depth", "2", "--activation", "relu", "--predict", "--quiet"};
        for (String[] args : List.of(concat(predict, "--data", folder.toString(), "--center", "true", "--out", tmp.resolve("centred").toString()),
                concat(predict, "--data", folder.toString(), "--out", tmp.resolve("raw").toString()),
                concat(predict, "--data", hand.toString(), "--labels", labels.toString(), "--test-data", handTest.toString(), "--out", tmp.resolve("hand").toString()))) {
            CliRun r = CliRun.of(args);
            assertEquals(0, r.exit(), r.err());
        }
        try (Matrix centred = Npy.read(tmp.resolve("centred/ntk_cross.npy")).data(); Matrix raw = Npy.read(tmp.resolve("raw/ntk_cross.npy")).data();
             Matrix byHand = Npy.read(tmp.resolve("hand/ntk_cross.npy")).data()) {
            assertEquals(byHand.size(), centred.size());
            double largest = 0, apart = 0;
            for (int k = 0; k < byHand.size(); k++) {
                largest = Math.max(largest, Math.abs(centred.get(k) - byHand.get(k)));
                apart = Math.max(apart, Math.abs(raw.get(k) - byHand.get(k)));
            }
            assertTrue(largest < 1e-13, "centred by kernel against by hand: " + largest);    // a few roundings of entries of order 1
            assertTrue(apart > 1e-2, "the uncentred kernel differs: " + apart);
        }
    }

    /** count images of 16 pixels from raw unsigned bytes. */
    private static double[][] rows(byte[] pixels, int count) {
        double[][] x = new double[count][16];
        for (int i = 0; i < count; i++) for (int j = 0; j < 16; j++) x[i][j] = pixels[16 * i + j] & 0xff;
        return x;
    }

    /** Each row minus the mean, scaled to norm 1. */
    private static double[][] centredUnitRows(double[][] x, double[] mean) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = new double[mean.length];
            double norm = 0;
            for (int j = 0; j < mean.length; j++) norm += Math.pow(x[i][j] - mean[j], 2);
            for (int j = 0; j < mean.length; j++) c[i][j] = (x[i][j] - mean[j]) / Math.sqrt(norm);
        }
        return c;
    }

    @Test
    void aClassThatIsNotInTheDataIsRefused() throws IOException {
        Path folder = idxFolder(tmp.resolve("idx"));
        Path out = tmp.resolve("c");
        CliRun r = CliRun.of(folderRun(folder, out, "--classes", "0,11"));
        assertRefused(r, "--classes", out);
        assertTrue(r.err().contains("11"), r.err());
    }

    @Test
    void aClassThatFashionMnistDoesNotHaveIsRefused() {
        assumeFashionMnist();
        Path out = tmp.resolve("c11");
        CliRun r = CliRun.of(fashion(out, "--classes", "0,11", "--per-class", "20", "--arch", "two-layer", "--width", "16",
                "--eta", "0.1", "--steps", "2"));
        assertRefused(r, "--classes", out);
        assertTrue(r.err().contains("11"), r.err());
    }

    @Test
    void labelNoiseOutsideZeroToOneIsRefused() throws IOException {
        Path folder = idxFolder(tmp.resolve("idx"));
        for (String p : new String[] {"1.5", "-0.1"}) {
            Path out = tmp.resolve("noise" + p);
            CliRun r = CliRun.of(folderRun(folder, out, "--classes", "0,1", "--label-noise", p));
            assertRefused(r, "--label-noise", out);
            assertTrue(r.err().contains(p), r.err());
        }
    }

    @Test
    void threeClassesUnderTheSquaredLossAreRefused() throws IOException {
        Path folder = idxFolder(tmp.resolve("idx"));
        Path out = tmp.resolve("three");
        CliRun r = CliRun.of(folderRun(folder, out, "--classes", "0,1,2", "--loss", "squared"));
        assertRefused(r, "--classes", out);
        assertTrue(r.err().contains("two classes"), r.err());
    }

    @Test
    void classesWithArrayDataAreRefused() throws IOException {
        Path x = tmp.resolve("X.npy"), y = tmp.resolve("y.npy");
        try (Matrix xs = Matrix.of(new double[][] {{1, 0}, {0, 1}, {0.6, 0.8}}); Matrix ys = Matrix.vectorOf(1, -1, 1)) {
            Npy.write(x, xs);
            Npy.write(y, ys, 3);
        }
        Path out = tmp.resolve("npy");
        CliRun r = CliRun.of("train", "--data", x.toString(), "--labels", y.toString(), "--classes", "0,1", "--arch", "two-layer",
                "--width", "16", "--eta", "0.1", "--steps", "2", "--quiet", "--out", out.toString());
        assertRefused(r, "--classes", out);
        assertTrue(r.err().contains("only for image data"), r.err());
    }

    // ---------------------------------------------------------------- helpers

    private static void assumeFashionMnist() {
        assumeTrue(ImageSet.fashionMnistInstalled(), "dataset-fashion-mnist is not installed (scripts/setup-data.sh, ./overparam setup)");
    }

    private static String[] fashion(Path out, String... options) {
        List<String> a = new ArrayList<>(List.of("train", "--data", "fashion-mnist", "--quiet", "--out", out.toString()));
        a.addAll(Arrays.asList(options));
        return a.toArray(String[]::new);
    }

    private static String[] folderRun(Path folder, Path out, String... options) {
        List<String> a = new ArrayList<>(List.of("train", "--data", folder.toString(), "--per-class", "2", "--arch", "two-layer",
                "--width", "16", "--eta", "0.1", "--steps", "2", "--quiet", "--out", out.toString()));
        a.addAll(Arrays.asList(options));
        return a.toArray(String[]::new);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Exit 2, one line naming the input, no stack trace, and no --out folder. */
    private static void assertRefused(CliRun r, String named, Path out) {
        assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
        assertEquals(1, r.errorLines(), "one line: " + r.err());
        assertTrue(r.err().contains(named), "the message names '" + named + "': " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(out), "a refused run writes nothing: " + out);
    }

    private static void assertAccuracy(JsonNode value, int n) {
        assertTrue(value != null && value.isNumber(), "accuracy recorded");
        double a = value.asDouble();
        assertTrue(a >= 0 && a <= 1, "accuracy " + a);
        assertEquals(Math.rint(a * n), a * n, 1e-9, "a fraction of " + n + " samples: " + a);
    }

    /** Fashion-MNIST's training labels (read from the labels file), positions 0..k-1 in classes, first perClass of each in file order. */
    private static int[] fashionClasses(int[] classes, int perClass) throws IOException {
        byte[] labels;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(ImageSet.fashionMnistFolder().resolve("train-labels-idx1-ubyte.gz")));
             DataInputStream data = new DataInputStream(in)) {
            assertEquals(0x801, data.readInt(), "IDX magic of unsigned bytes, 1-D");
            labels = data.readNBytes(data.readInt());
        }
        int[] taken = new int[classes.length];
        List<Integer> out = new ArrayList<>();
        for (byte label : labels) {
            for (int c = 0; c < classes.length; c++) {
                if (label == classes[c] && taken[c] < perClass) {
                    taken[c]++;
                    out.add(c);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] signs(int[] positions) {
        return Arrays.stream(positions).mapToDouble(p -> 2 * p - 1).toArray();
    }

    private static double halfSquaredError(double[] u, double[] y) {
        assertEquals(y.length, u.length);
        double sum = 0;
        for (int i = 0; i < u.length; i++) sum += (u[i] - y[i]) * (u[i] - y[i]);
        return sum / 2;
    }

    private static double signAccuracy(double[] u, double[] y) {
        int right = 0;
        for (int i = 0; i < u.length; i++) if (u[i] * y[i] > 0) right++;
        return (double) right / u.length;
    }

    /** A folder of MNIST-named IDX files: 6 training images of 4 x 4 (labels 0, 1, 2, 0, 1, 2), 3 test images (2, 1, 0). */
    private static Path idxFolder(Path folder) throws IOException {
        Files.createDirectories(folder);
        write(folder.resolve("train-images-idx3-ubyte.gz"), idx(new int[] {6, 4, 4}, pixels(6 * 16)));
        write(folder.resolve("train-labels-idx1-ubyte"), idx(new int[] {6}, new byte[] {0, 1, 2, 0, 1, 2}));
        write(folder.resolve("t10k-images-idx3-ubyte"), idx(new int[] {3, 4, 4}, pixels(3 * 16)));
        write(folder.resolve("t10k-labels-idx1-ubyte.gz"), idx(new int[] {3}, new byte[] {2, 1, 0}));
        return folder;
    }

    private static byte[] pixels(int count) {
        byte[] p = new byte[count];
        for (int k = 0; k < count; k++) p[k] = (byte) (1 + (37 * k) % 251);   // non-zero: every image has a norm
        return p;
    }

    /** An IDX file of unsigned bytes (LeCun's format: 0, 0, type 0x08, dims, then each dimension as a big-endian int). */
    private static byte[] idx(int[] dims, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) out.writeInt(d);
            out.write(values);
        }
        return bytes.toByteArray();
    }

    private static void write(Path file, byte[] content) throws IOException {
        try (OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
    }

    private static JsonNode summary(Path run) throws IOException {
        return JSON.readTree(run.resolve("summary.json").toFile());
    }

    private static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) lines.add(JSON.readTree(line));
        return lines;
    }

    private static List<JsonNode> withoutTimes(List<JsonNode> lines) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode line : lines) {
            ObjectNode copy = line.deepCopy();
            copy.remove("elapsed_seconds");
            out.add(copy);
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) v[i] = array.get(i).asDouble();
        return v;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> v = new ArrayList<>();
        array.forEach(e -> v.add(e.asInt()));
        return v;
    }

    private static List<String> strings(JsonNode array) {
        List<String> v = new ArrayList<>();
        array.forEach(e -> v.add(e.asText()));
        return v;
    }
}
