package overparam.lab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.data.Npy;
import overparam.core.linalg.Matrix;

/** The kernel command's prediction options: what they mean, and each refusal in one line naming its option. */
class KernelPlanTest {
    @TempDir Path tmp;

    static RunConfig synthetic() {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("synthetic", "sphere").with("n", 8).with("d", 3);
    }

    static KernelPlan.PredictionOptions predict(Double ridge, Integer steps, String eta) {
        return new KernelPlan.PredictionOptions(true, ridge, steps, eta);
    }

    static String refusal(RunConfig c, KernelPlan.PredictionOptions o) {
        BadInputException e = assertThrows(BadInputException.class, () -> KernelPlan.parse(c, "gram", null, o));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void predictionDefaultsToConvergedWithoutRidge() {
        KernelPlan p = KernelPlan.parse(synthetic().with("test_n", 4).with("out", tmp.resolve("p").toString()), "gram", null, predict(null, null, null));
        assertTrue(p.predicts());
        assertEquals(0.0, p.prediction().ridge());
        assertTrue(p.prediction().converged());
        KernelPlan k = KernelPlan.parse(synthetic().with("out", tmp.resolve("K.npy").toString()), "gram", null);
        assertNull(k.prediction());
        KernelPlan s = KernelPlan.parse(synthetic().with("test_n", 4).with("out", tmp.resolve("q").toString()), "gram", null, predict(0.5, 10, "0.01"));
        assertEquals(10, s.prediction().steps());
        assertEquals(0.01, s.prediction().eta());
        assertEquals(0.5, s.prediction().ridge());
    }

    @Test
    void memoryAndTileSizeAskForTilesAndAreChecked() {
        RunConfig ok = synthetic().with("test_n", 4).with("out", tmp.resolve("p").toString());
        KernelPlan p = KernelPlan.parse(ok, "gram", null, new KernelPlan.PredictionOptions(true, null, null, null, "1.5G", 100));
        assertEquals(1.5 * (1L << 30), p.prediction().memory(), 0.0);
        assertEquals(100, p.prediction().tile());
        assertTrue(p.prediction().tilesAsked());
        assertEquals(512L << 20, KernelPlan.parse(ok, "gram", null, new KernelPlan.PredictionOptions(true, null, null, null, "512m", null)).prediction().memory());
        assertEquals(123456789L, KernelPlan.parse(ok, "gram", null, new KernelPlan.PredictionOptions(true, null, null, null, "123456789", null)).prediction().memory());
        assertFalse(KernelPlan.parse(ok, "gram", null, predict(null, null, null)).prediction().tilesAsked());
        for (String bad : new String[] {"lots", "-1G", "0", "12Q"})
            assertTrue(refusal(ok, new KernelPlan.PredictionOptions(true, null, null, null, bad, null)).startsWith("--memory " + bad), bad);
        assertTrue(refusal(ok, new KernelPlan.PredictionOptions(true, null, null, null, null, 0)).startsWith("--tile-size 0"));
        assertTrue(refusal(ok, new KernelPlan.PredictionOptions(true, null, 10, "0.1", "1G", null)).startsWith("--steps 10: the prediction after K steps needs"));
        assertTrue(refusal(synthetic().with("out", tmp.resolve("K.npy").toString()), new KernelPlan.PredictionOptions(false, null, null, null, "1G", null))
                .startsWith("--memory 1G: only for predictions"));
    }

    @Test
    void refusalsNameTheirOption() throws IOException {
        RunConfig ok = synthetic().with("test_n", 4).with("out", tmp.resolve("p").toString());
        assertTrue(refusal(ok, predict(-1.0, null, null)).startsWith("--ridge"));
        assertTrue(refusal(ok, predict(Double.NaN, null, null)).startsWith("--ridge"));
        assertTrue(refusal(ok, predict(null, 10, null)).startsWith("--steps 10: needs --eta"));
        assertTrue(refusal(ok, predict(null, null, "0.1")).startsWith("--eta 0.1"));
        assertTrue(refusal(ok, predict(null, 10, "0")).startsWith("--eta 0"));
        assertTrue(refusal(ok, predict(null, 10, "-0.1")).startsWith("--eta -0.1"));
        assertTrue(refusal(ok, predict(null, 10, "auto")).startsWith("--eta auto"));
        assertTrue(refusal(ok, predict(null, -1, "0.1")).startsWith("--steps -1"));
        assertTrue(refusal(synthetic().with("out", "p"), predict(null, null, null)).contains("--test-n"));
        assertTrue(refusal(synthetic().with("test_n", 4).with("out", "K.npy"), new KernelPlan.PredictionOptions(false, 0.1, null, null)).startsWith("--ridge"));
        // files: test labels need test inputs (DataPlan's refusal), the dimensions must agree, training labels are needed
        Path x = tmp.resolve("X.npy"), wide = tmp.resolve("W.npy"), y = tmp.resolve("y.npy");
        try (Matrix a = Matrix.zeros(4, 3); Matrix b = Matrix.zeros(2, 5); Matrix c = Matrix.vector(4)) {
            Npy.write(x, a);
            Npy.write(wide, b);
            Npy.write(y, c, 4);
        }
        RunConfig files = RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("data", x.toString()).with("labels", y.toString()).with("out", "p");
        assertTrue(refusal(files.with("test_labels", y.toString()), predict(null, null, null)).startsWith("--test-labels"));
        assertTrue(refusal(files.with("test_data", wide.toString()), predict(null, null, null)).startsWith("--test-data " + wide));
        assertTrue(refusal(files.with("labels", null).with("test_data", x.toString()), predict(null, null, null)).contains("--labels"));
        // --out: an existing non-empty folder is never written into; one holding only .partial debris counts as empty
        Path taken = tmp.resolve("taken");
        Files.createDirectories(taken);
        Files.writeString(taken.resolve("debris.npy.123.partial"), "");
        KernelPlan.parse(files.with("test_data", x.toString()).with("out", taken.toString()), "gram", null, predict(null, null, null));
        Files.writeString(taken.resolve("summary.json"), "{}");
        assertTrue(refusal(files.with("test_data", x.toString()).with("out", taken.toString()), predict(null, null, null)).startsWith("--out"));
    }
}
