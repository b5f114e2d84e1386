package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;

class TrainCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    static String[] small(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--arch", "resnet", "--depth", "3", "--width", "64", "--synthetic", "sphere",
                "--n", "8", "--d", "4", "--eta", "0.01", "--steps", "20", "--record-every", "5", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void aRunWritesItsFolderAsTheContractSays() throws IOException {
        Path out = tmp.resolve("r1");
        CliRun r = CliRun.of(small(out, "--dump-gram"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("done: 20 steps"), r.out());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("done", summary.get("status").asText());
        assertEquals(0, summary.get("seed").asLong());
        assertEquals("resnet", summary.get("config").get("arch").asText());
        assertTrue(summary.get("versions").has("blas") && summary.get("timings").has("train_seconds"));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) lines.add(JSON.readTree(line));
        assertEquals(List.of(0, 5, 10, 15, 20), lines.stream().map(l -> l.get("step").asInt()).toList());
        for (String field : List.of("loss", "gram_lambda_min", "ntk_lambda_min", "gram_change", "weight_movement", "pattern_change", "predictions"))
            assertTrue(lines.get(4).has(field), "metrics.jsonl lacks " + field);
        assertEquals(4, lines.get(4).get("weight_movement").size(), "W1..W3 and a");
        assertTrue(lines.get(4).get("loss").asDouble() < lines.get(0).get("loss").asDouble());
        Map<String, NdArray> weights = Npz.read(out.resolve("weights_final.npz"));
        assertEquals(List.of("W1", "W2", "W3", "a"), List.copyOf(weights.keySet()));
        assertArrayEquals(new long[] {64, 4}, weights.get("W1").shape());
        assertArrayEquals(new long[] {64, 64}, weights.get("W2").shape());
        assertArrayEquals(new long[] {64}, weights.get("a").shape());
        for (int k : new int[] {0, 5, 10, 15, 20}) {
            assertArrayEquals(new long[] {8, 8}, Npy.read(out.resolve("gram_step" + k + ".npy")).shape());
            assertArrayEquals(new long[] {8, 8}, Npy.read(out.resolve("ntk_step" + k + ".npy")).shape());
        }
    }

    /** --init from a run's weights_final.npz restarts exactly where that run ended (same predictions). */
    @Test
    void initFromFinalWeightsContinuesTheRun() throws IOException {
        Path first = tmp.resolve("first"), second = tmp.resolve("second");
        assertEquals(0, CliRun.of(small(first)).exit());
        assertEquals(0, CliRun.of(small(second, "--steps", "0", "--init", first.resolve("weights_final.npz").toString())).exit());
        JsonNode end = lastLine(first), start = lastLine(second);
        assertEquals(end.get("loss").asDouble(), start.get("loss").asDouble(), 1e-12 * end.get("loss").asDouble());
        for (int i = 0; i < 8; i++)
            assertEquals(end.get("predictions").get(i).asDouble(), start.get("predictions").get(i).asDouble(), 1e-12);
    }

    /** Instruments watch and never change the run: the same command with all of them or none writes the same bytes. */
    @Test
    void instrumentsOnOrOffGiveByteIdenticalWeights() throws IOException {
        Path on = tmp.resolve("on"), off = tmp.resolve("off");
        assertEquals(0, CliRun.of(small(on, "--dump-gram")).exit());
        assertEquals(0, CliRun.of(small(off, "--instruments", "none")).exit());
        assertArrayEquals(Files.readAllBytes(on.resolve("weights_final.npz")), Files.readAllBytes(off.resolve("weights_final.npz")));
        assertFalse(lastLine(off).has("gram_lambda_min"));
    }

    @Test
    void dataFromNpyAndCsvFiles() throws IOException {
        Path x = tmp.resolve("X.npy"), y = tmp.resolve("y.npy");
        try (Matrix xs = Matrix.of(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.6, 0.8, 0}}); Matrix ys = Matrix.vectorOf(1, -1, 0.5, 2)) {
            Npy.write(x, xs);
            Npy.write(y, ys, 4);
        }
        Path csvX = tmp.resolve("X.csv"), csvY = tmp.resolve("y.csv");
        Files.writeString(csvX, "a,b,c\n1,0,0\n0,1,0\n0,0,1\n0.6,0.8,0\n");
        Files.writeString(csvY, "1\n-1\n0.5\n2\n");
        CliRun fromNpy = CliRun.of("train", "--arch", "fc", "--depth", "2", "--width", "32", "--data", x.toString(), "--labels", y.toString(),
                "--eta", "0.05", "--steps", "10", "--out", tmp.resolve("npy").toString());
        CliRun fromCsv = CliRun.of("train", "--arch", "fc", "--depth", "2", "--width", "32", "--data", csvX.toString(), "--labels", csvY.toString(),
                "--eta", "0.05", "--steps", "10", "--out", tmp.resolve("csv").toString());
        assertEquals(0, fromNpy.exit(), fromNpy.err());
        assertEquals(0, fromCsv.exit(), fromCsv.err());
        assertEquals(lastLine(tmp.resolve("npy")).get("loss").asDouble(), lastLine(tmp.resolve("csv")).get("loss").asDouble(), 0.0);
    }

    /** The two losses scripts name, end to end: the run finishes, the loss falls and summary.json keeps the spelling. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lp:4", "exponential"})
    void lpAndExponentialLossesTrain(String loss) throws IOException {
        Path out = tmp.resolve(loss.replace(':', '-'));
        CliRun r = CliRun.of(small(out, "--loss", loss, "--eta", "0.005"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("done: 20 steps"), r.out());
        assertEquals(loss, JSON.readTree(out.resolve("summary.json").toFile()).get("config").get("loss").asText());
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertTrue(JSON.readTree(lines.get(lines.size() - 1)).get("loss").asDouble() < JSON.readTree(lines.get(0)).get("loss").asDouble(), loss);
    }

    @Test
    void aDivergingRunExitsOneAndKeepsItsMetrics() throws IOException {
        Path out = tmp.resolve("div");
        CliRun r = CliRun.of(small(out, "--eta", "50", "--record-every", "1"));
        assertEquals(1, r.exit(), r.out() + r.err());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("diverged", summary.get("status").asText());
        int step = summary.get("diverged_at_step").asInt();
        assertEquals(step, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "one metrics line per step before the divergence");
        assertFalse(Files.exists(out.resolve("weights_final.npz")));
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("unknown activation", List.of("--activation", "swish"), "--activation swish"),
                Arguments.of("eta zero", List.of("--eta", "0"), "--eta 0"),
                Arguments.of("eta negative", List.of("--eta", "-1"), "--eta -1"),
                Arguments.of("eta not a number", List.of("--eta", "fast"), "--eta fast"),
                Arguments.of("negative steps", List.of("--steps", "-3"), "--steps -3"),
                Arguments.of("record every zero", List.of("--record-every", "0"), "--record-every 0"),
                Arguments.of("resnet depth 1", List.of("--depth", "1"), "--depth 1"),
                Arguments.of("width beyond memory", List.of("--width", "2000000"), "--width 2000000"),
                Arguments.of("unknown arch", List.of("--arch", "transformer"), "--arch transformer"),
                Arguments.of("unknown option", List.of("--widht", "3"), "--widht"),
                Arguments.of("unknown synthetic", List.of("--synthetic", "cube"), "--synthetic cube"),
                Arguments.of("bad train layers", List.of("--train-layers", "W9"), "--train-layers W9"),
                Arguments.of("bad instruments", List.of("--instruments", "gram,magic"), "--instruments gram,magic"),
                Arguments.of("unknown loss", List.of("--loss", "hinge"), "--loss hinge"),
                Arguments.of("lp exponent below 2", List.of("--loss", "lp:1.5"), "--loss lp:1.5"),
                Arguments.of("lp exponent not a number", List.of("--loss", "lp:abc"), "--loss lp:abc"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badOptionsAreRefusedWithOneLineAndExitTwo(String what, List<String> options, String named) {
        Path out = tmp.resolve("bad");
        CliRun r = CliRun.of(small(out, options.toArray(String[]::new)));
        assertRefused(r, named);
        assertFalse(Files.exists(out), "a refused run writes nothing");
    }

    @Test
    void badFilesAreRefused() throws IOException {
        Path notNpy = tmp.resolve("X.npy"), nan = tmp.resolve("nan.npy"), y = tmp.resolve("y.npy"), y3 = tmp.resolve("y3.npy"), x1 = tmp.resolve("x1.npy");
        Files.writeString(notNpy, "this is not an array");
        try (Matrix m = Matrix.of(new double[][] {{1, 0}, {0, Double.NaN}, {1, 1}}); Matrix labels = Matrix.vectorOf(1, 2, 3, 4);
             Matrix three = Matrix.vectorOf(1, 2, 3)) {
            Npy.write(nan, m);
            Npy.write(y, labels, 4);
            Npy.write(y3, three, 3);
            Npy.write(x1, three, 3);
        }
        Path missing = tmp.resolve("missing.npy");
        assertRefused(train("--data", notNpy.toString(), "--labels", y.toString()), notNpy.toString());
        assertRefused(train("--data", nan.toString(), "--labels", y3.toString()), "row 1, column 1 is NaN");
        assertRefused(train("--data", missing.toString(), "--labels", y.toString()), "missing.npy");
        assertRefused(train("--data", x1.toString(), "--labels", y3.toString()), "2-D");
        try (Matrix ok = Matrix.of(new double[][] {{1, 0}, {0, 1}, {1, 1}})) { Npy.write(tmp.resolve("ok.npy"), ok); }
        assertRefused(train("--data", tmp.resolve("ok.npy").toString(), "--labels", y.toString()), "3 inputs and 4 labels");
    }

    private CliRun train(String... dataOptions) {
        List<String> a = new ArrayList<>(List.of("train", "--arch", "fc", "--depth", "2", "--width", "16", "--eta", "0.1", "--steps", "3",
                "--out", tmp.resolve("files").toString()));
        a.addAll(Arrays.asList(dataOptions));
        return CliRun.of(a.toArray(String[]::new));
    }

    /**
     * The convolutional ResNet reads n x channels x rows x cols arrays, writes seed 004's shapes (W1 m x q d0, Wh m x q m,
     * a m x rows x cols), restarts exactly from them, and refuses inputs without pixels and even patches.
     */
    @Test
    void aConvolutionalRunReadsImagesAndRestartsFromItsWeights() throws IOException {
        Path x = tmp.resolve("images.npy"), y = tmp.resolve("y.npy");
        try (Matrix xs = overparam.core.data.Synthetic.sphere(6, 2 * 3 * 3, 1); Matrix ys = Matrix.vectorOf(1, -1, 0.5, 2, 0, 1)) {
            Npy.write(x, xs, 6, 2, 3, 3);
            Npy.write(y, ys, 6);
        }
        Path first = tmp.resolve("conv"), second = tmp.resolve("conv2");
        List<String> base = List.of("train", "--arch", "conv-resnet", "--depth", "3", "--width", "16", "--eta", "0.001", "--record-every", "5",
                "--data", x.toString(), "--labels", y.toString());
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of("--steps", "10", "--out", first.toString()));
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        Map<String, NdArray> weights = Npz.read(first.resolve("weights_final.npz"));
        assertArrayEquals(new long[] {16, 18}, weights.get("W1").shape());
        assertArrayEquals(new long[] {16, 144}, weights.get("W2").shape());
        assertArrayEquals(new long[] {16, 3, 3}, weights.get("a").shape());
        List<String> b = new ArrayList<>(base);
        b.addAll(List.of("--steps", "0", "--init", first.resolve("weights_final.npz").toString(), "--out", second.toString()));
        assertEquals(0, CliRun.of(b.toArray(String[]::new)).exit());
        JsonNode end = lastLine(first), start = lastLine(second);
        for (int i = 0; i < 6; i++) assertEquals(end.get("predictions").get(i).asDouble(), start.get("predictions").get(i).asDouble(), 1e-12);
        JsonNode summary = JSON.readTree(first.resolve("summary.json").toFile());
        assertEquals("3x3 pixels, 3x3 patches", summary.get("network").get("patches").asText());
        assertTrue(summary.get("theory").get("lambda_0").asDouble() > 0);

        try (Matrix flat = Matrix.of(new double[][] {{1, 0}, {0, 1}, {1, 1}}); Matrix three = Matrix.vectorOf(1, 2, 3)) {
            Npy.write(tmp.resolve("flat.npy"), flat);
            Npy.write(tmp.resolve("y3.npy"), three, 3);
        }
        assertRefused(CliRun.of("train", "--arch", "conv-resnet", "--width", "8", "--eta", "0.1", "--data", tmp.resolve("flat.npy").toString(),
                "--labels", tmp.resolve("y3.npy").toString(), "--out", tmp.resolve("c1").toString()), "conv-resnet");
        assertRefused(CliRun.of("train", "--arch", "conv-resnet", "--width", "8", "--eta", "0.1", "--synthetic", "sphere", "--d", "3",
                "--out", tmp.resolve("c2").toString()), "--pixels");
        assertRefused(CliRun.of("train", "--arch", "conv-resnet", "--width", "8", "--eta", "0.1", "--synthetic", "sphere", "--d", "3",
                "--pixels", "4x4", "--patch", "2", "--out", tmp.resolve("c3").toString()), "--patch 2");
        assertRefused(CliRun.of("train", "--arch", "conv-resnet", "--width", "8", "--eta", "0.1", "--synthetic", "sphere", "--d", "3",
                "--pixels", "4xfour", "--out", tmp.resolve("c4").toString()), "--pixels 4xfour");
        assertFalse(Files.exists(tmp.resolve("c1")) || Files.exists(tmp.resolve("c2")) || Files.exists(tmp.resolve("c3")));
    }

    @Test
    void initWithWrongShapesIsRefused() throws IOException {
        Path first = tmp.resolve("w16");
        assertEquals(0, CliRun.of(small(first)).exit());
        CliRun r = CliRun.of(small(tmp.resolve("w32"), "--width", "32", "--init", first.resolve("weights_final.npz").toString()));
        assertRefused(r, "W1");
        assertTrue(r.err().contains("64 x 4") && r.err().contains("32 x 4"), r.err());
    }

    @Test
    void anExistingRunOrAFileIsNeverOverwritten() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, CliRun.of(small(run)).exit());
        byte[] summary = Files.readAllBytes(run.resolve("summary.json")), metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));
        assertRefused(CliRun.of(small(run, "--eta", "0.02")), "--out " + run);
        assertArrayEquals(summary, Files.readAllBytes(run.resolve("summary.json")));
        assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl")));
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "keep me");
        assertRefused(CliRun.of(small(file)), "is a file");
        assertEquals("keep me", Files.readString(file));
    }

    private static void assertRefused(CliRun r, String named) {
        assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
        assertEquals(1, r.errorLines(), "one line: " + r.err());
        assertTrue(r.err().contains(named), "the message names '" + named + "': " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static JsonNode lastLine(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        return JSON.readTree(lines.get(lines.size() - 1));
    }
}
