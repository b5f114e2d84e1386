package overparam.cli;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;

/** The lottery-ticket run options: --optimizer adam and --mask (Frankle and Carbin 2019 train pruned networks with Adam). */
class LotteryOptionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    static String[] run(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--arch", "fc", "--depth", "2", "--width", "32", "--synthetic", "sphere",
                "--n", "16", "--d", "5", "--eta", "0.01", "--steps", "100", "--record-every", "50", "--instruments", "none",
                "--limit-kernel", "off", "--threads", "1", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    private static List<Double> losses(Path run) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) out.add(JSON.readTree(line).get("loss").asDouble());
        return out;
    }

    @Test
    void adamTrainsAndLowersTheLoss() throws IOException {
        Path out = tmp.resolve("adam");
        CliRun r = CliRun.of(run(out, "--optimizer", "adam"));
        assertEquals(0, r.exit(), r.err());
        List<Double> loss = losses(out);
        assertTrue(loss.get(2) < 0.5 * loss.get(0), "Adam at eta 0.01 for 100 steps: " + loss);
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("adam", summary.get("config").get("optimizer").asText());
        assertEquals("full-batch adam betas 0.9, 0.999 eps 1.0E-8", summary.get("optimizer").asText());
        Path gd = tmp.resolve("gd");
        assertEquals(0, CliRun.of(run(gd)).exit());
        List<Double> gdLoss = losses(gd);
        assertTrue(loss.get(2) < 0.5 * gdLoss.get(2), "Adam's steps of size ~eta per weight outrun GD's eta g here: " + loss + " against " + gdLoss);
    }

    /**
     * A random mask keeping about half of W1, W2 and a; after 100 steps of GD, momentum, weight decay and Adam every pruned
     * weight is exactly 0.0 (the starting weights were not), and the kept weights moved.
     */
    @Test
    void prunedWeightsStayExactlyZeroUnderEveryOptimizer() throws IOException {
        Path start = tmp.resolve("start");
        assertEquals(0, CliRun.of(run(start, "--steps", "0")).exit());
        Map<String, NdArray> initial = Npz.read(start.resolve("weights_final.npz"));
        Map<String, NdArray> masks = new LinkedHashMap<>();
        Random random = new Random(7);
        for (var e : initial.entrySet()) {
            Matrix w = e.getValue().data(), m = Matrix.zeros(w.rows(), w.cols());
            for (int i = 0; i < (int) w.size(); i++) m.set(i, random.nextBoolean() ? 1 : 0);
            masks.put(e.getKey(), new NdArray(e.getValue().shape(), m));
        }
        Path maskFile = tmp.resolve("mask.npz");
        Npz.write(maskFile, masks);
        Map<String, String[]> optimizers = Map.of("gd", new String[0], "momentum", new String[] {"--momentum", "0.9"},
                "weight-decay", new String[] {"--weight-decay", "0.01"}, "adam", new String[] {"--optimizer", "adam"});
        for (var o : optimizers.entrySet()) {
            Path out = tmp.resolve(o.getKey());
            List<String> extra = new ArrayList<>(List.of(o.getValue()));
            extra.addAll(List.of("--mask", maskFile.toString()));
            CliRun r = CliRun.of(run(out, extra.toArray(String[]::new)));
            assertEquals(0, r.exit(), r.err());
            Map<String, NdArray> last = Npz.read(out.resolve("weights_final.npz"));
            int pruned = 0, moved = 0;
            for (String key : initial.keySet()) {
                Matrix m = masks.get(key).data(), w0 = initial.get(key).data(), w = last.get(key).data();
                for (int i = 0; i < (int) m.size(); i++) {
                    if (m.get(i) == 0) {
                        assertTrue(w0.get(i) != 0, "the initial weight is not already 0");
                        assertEquals(0.0, w.get(i), 0, o.getKey() + ": pruned " + key + "[" + i + "]");
                        pruned++;
                    } else if (w.get(i) != w0.get(i)) moved++;
                }
            }
            assertTrue(pruned > 100 && moved > 100, o.getKey() + ": " + pruned + " pruned, " + moved + " kept weights moved");
        }
    }

    @Test
    void aMaskOfTheWrongShapeIsRefusedNamingTheKey() throws IOException {
        Path maskFile = tmp.resolve("mask.npz");
        Npz.write(maskFile, Map.of("W2", NdArray.of(Matrix.zeros(16, 32))));
        CliRun r = CliRun.of(run(tmp.resolve("bad"), "--mask", maskFile.toString()));
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.errorLines(), r.err());
        assertTrue(r.err().contains("--mask") && r.err().contains("'W2' is 16 x 32") && r.err().contains("is 32 x 32")
                && r.err().contains("--width"), r.err());
        assertFalse(Files.exists(tmp.resolve("bad").resolve("summary.json")), "nothing written");
    }

    @Test
    void badAdamAndMaskOptionsAreRefused() {
        Map<String, List<String>> named = new LinkedHashMap<>();          // the option the refusal names -> the options given
        named.put("--optimizer adamw", List.of("--optimizer", "adamw"));
        named.put("--adam-beta1", List.of("--adam-beta1", "0.5"));
        named.put("--adam-beta2 1", List.of("--optimizer", "adam", "--adam-beta2", "1"));
        named.put("--momentum 0.9 with --optimizer adam", List.of("--optimizer", "adam", "--momentum", "0.9"));
        named.put("--mask " + tmp.resolve("none.npz"), List.of("--mask", tmp.resolve("none.npz").toString()));
        for (var e : named.entrySet()) {
            CliRun r = CliRun.of(run(tmp.resolve("x"), e.getValue().toArray(String[]::new)));
            assertEquals(2, r.exit(), e + ": " + r.err());
            assertEquals(1, r.errorLines(), r.err());
            assertTrue(r.err().contains(e.getKey()), e.getKey() + " named: " + r.err());
        }
    }

    /** weights_step_K.npz holds theta(K): bit for bit the weights_final.npz of the same run stopped after K steps. */
    @Test
    void rewindStepSavesTheWeightsAfterKSteps() throws IOException {
        Path full = tmp.resolve("full"), at0 = tmp.resolve("k0"), at30 = tmp.resolve("k30"), again = tmp.resolve("again");
        CliRun r = CliRun.of(run(full, "--optimizer", "adam", "--rewind-step", "30"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("weights_step_30.npz"), r.out());
        assertEquals(0, CliRun.of(run(at30, "--optimizer", "adam", "--steps", "30")).exit());
        assertEquals(0, CliRun.of(run(again, "--optimizer", "adam", "--rewind-step", "0")).exit());
        assertEquals(0, CliRun.of(run(at0, "--steps", "0")).exit());
        assertSameWeights(at30.resolve("weights_final.npz"), full.resolve("weights_step_30.npz"));
        assertSameWeights(at0.resolve("weights_final.npz"), again.resolve("weights_step_0.npz"));
        assertFalse(Files.exists(full.resolve("weights_step_0.npz")));
        CliRun late = CliRun.of(run(tmp.resolve("late"), "--rewind-step", "101"));
        assertEquals(2, late.exit(), late.err());
        assertEquals(1, late.errorLines(), late.err());
        assertTrue(late.err().contains("--rewind-step 101"), late.err());
    }

    private static void assertSameWeights(Path expected, Path actual) {
        Map<String, NdArray> a = Npz.read(expected), b = Npz.read(actual);
        assertEquals(a.keySet(), b.keySet());
        for (String key : a.keySet())
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(key).data().toArray(), b.get(key).data().toArray(), 0, key);
    }
}
