package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.data.Npy;
import overparam.core.linalg.Matrix;
import overparam.lab.plan.KernelPlan;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;

/**
 * The tiled, out-of-core prediction against the in-memory one (the stacked fold and LAPACK's whole-matrix Cholesky, an
 * independent route): the same predictions, posterior variance and residuals with most of L spilled to disk; a killed job
 * resumed from its finished tiles to the same bits; another job's tiles, too little memory and too little disk refused.
 */
class TiledPredictionTest {
    @TempDir Path tmp;

    static final int N = 40, N_TEST = 15, D = 4, TILE = 7;

    static RunConfig config(Path out, int depth) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", depth).with("activation", "relu").with("synthetic", "gaussian").with("n", N)
                .with("d", D).with("test_n", N_TEST).with("labels_from", "teacher").with("out", out.toString());
    }

    /** Memory for the fixed part and three of L's 21 tiles: the rest spills to disk. */
    static String tightMemory() {
        return Long.toString(TiledPrediction.fixedBytes(N + 0, N_TEST, D, 1, TILE) + 3L * TILE * TILE * Double.BYTES);
    }

    static KernelPlan tiled(Path out, int depth, String memory) {
        return KernelPlan.parse(config(out, depth), "gram", null, new KernelPlan.PredictionOptions(true, null, null, null, memory, TILE));
    }

    static double[] read(Path p) {
        try (Matrix m = Npy.read(p).data()) {
            return m.toArray();
        }
    }

    @Test
    void tilesOnDiskGiveTheInMemoryPredictions() throws IOException {
        Path whole = tmp.resolve("whole"), tiles = tmp.resolve("tiles");
        KernelPredictionRun.Result a = KernelPredictionRun.execute(KernelPlan.parse(config(whole, 3), "gram", null, new KernelPlan.PredictionOptions(true, null, null, null)));
        KernelPredictionRun.Result b = KernelPredictionRun.execute(tiled(tiles, 3, tightMemory()));
        assertEquals(null, a.tiling());
        assertTrue(b.tiling().spilled() > 0, "L's tiles went to disk: " + b.tiling());
        for (String f : List.of("predictions_ntk.npy", "predictions_nngp.npy", "nngp_variance.npy", "ntk_test_diagonal.npy", "nngp_test_diagonal.npy")) {
            double[] x = read(whole.resolve(f)), y = read(tiles.resolve(f));
            double scale = 0;
            for (double v : x) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-10 * scale, f + " entry " + i);
        }
        assertEquals(a.testLossNtk(), b.testLossNtk(), 1e-10 * a.testLossNtk());
        assertTrue(b.residualNtk() < 1e-10 && b.residualNngp() < 1e-10, b.residualNtk() + " " + b.residualNngp());
        try (Stream<Path> files = Files.list(tiles)) {
            assertEquals(6, files.count(), "five outputs and summary.json; the tiles are gone");
        }
        JsonNode s = Json.MAPPER.readTree(tiles.resolve("summary.json").toFile());
        assertEquals(TILE, s.get("tiled").get("tile").asInt());
        assertEquals(2 * 21 + 2 * 3 * 6, s.get("tiled").get("tiles_computed").asInt() * 2, "21 lower and 18 cross tiles");
    }

    @Test
    void aKilledJobResumesFromItsFinishedTilesToTheSameBits() throws IOException {
        Path killed = tmp.resolve("killed"), straight = tmp.resolve("straight");
        KernelPredictionRun.Progress killer = new KernelPredictionRun.Progress() {
            int tiles;

            @Override public void start(double totalWork, String what) {}

            @Override public void advance(double work, String phase) {
                if (phase.equals("kernel tiles") && ++tiles == 5) throw new IllegalStateException("killed");
            }
        };
        assertThrows(IllegalStateException.class, () -> KernelPredictionRun.execute(tiled(killed, 3, null), killer));
        assertFalse(Files.exists(killed.resolve("summary.json")));
        try (Stream<Path> files = Files.list(killed.resolve("tiles"))) {
            assertEquals(10 + 1, files.count(), "five tiles of each kernel and job.txt");
        }
        KernelPredictionRun.Result resumed = KernelPredictionRun.execute(tiled(killed, 3, null));
        assertEquals(5, resumed.tiling().tilesResumed());
        assertEquals(21 + 18 - 5, resumed.tiling().tilesComputed());
        KernelPredictionRun.execute(tiled(straight, 3, null));
        for (String f : List.of("predictions_ntk.npy", "predictions_nngp.npy", "nngp_variance.npy"))
            assertEquals(java.util.Arrays.toString(read(straight.resolve(f))), java.util.Arrays.toString(read(killed.resolve(f))), f);
    }

    @Test
    void anotherJobsTilesAreRefused() {
        Path out = tmp.resolve("p");
        KernelPredictionRun.Progress killer = new KernelPredictionRun.Progress() {
            @Override public void start(double totalWork, String what) {}

            @Override public void advance(double work, String phase) { throw new IllegalStateException("killed"); }
        };
        assertThrows(IllegalStateException.class, () -> KernelPredictionRun.execute(tiled(out, 3, null), killer));
        String m = assertThrows(BadInputException.class, () -> KernelPredictionRun.execute(tiled(out, 2, null))).getMessage();
        assertTrue(m.startsWith("--out " + out + ": holds the kernel tiles of another job") && m.contains("depth 3"), m);
    }

    @Test
    void diskAndFactorBytesCountTheLowerTilesByHand() {
        overparam.core.kernel.TiledCholesky.Grid g = new overparam.core.kernel.TiledCholesky.Grid(N, TILE), t = new overparam.core.kernel.TiledCholesky.Grid(N_TEST, TILE);
        // tiles 7, 7, 7, 7, 7, 5: the lower triangle with its diagonal holds (40^2 + 5 * 7^2 + 5^2) / 2 = 935 entries
        assertEquals(935L * Double.BYTES, TiledPrediction.factorBytes(g));
        assertEquals(2L * (935 + N_TEST * N) * Double.BYTES, TiledPrediction.kernelDiskBytes(g, t), "both kernels' lower tiles and cross tiles");
    }

    @Test
    void tooLittleMemoryOrDiskAndNetworksWithoutTilesAreRefusedBeforeAnythingIsWritten() {
        Path out = tmp.resolve("p");
        String m = assertThrows(BadInputException.class, () -> KernelPredictionRun.execute(tiled(out, 3, "1M"))).getMessage();
        assertTrue(m.startsWith("--memory 1.0 MB: the tiled solve of n = 40 needs at least"), m);
        RunConfig huge = config(out, 2).with("n", 400_000).with("d", 2).with("labels_from", "gaussian");
        m = assertThrows(BadInputException.class, () -> KernelPredictionRun.execute(KernelPlan.parse(huge, "gram", null,
                new KernelPlan.PredictionOptions(true, null, null, null, "64G", 2000)))).getMessage();
        assertTrue(m.startsWith("--out " + out + ": the kernel tiles of n = 400000 and n* = 15 need") && m.contains("free there"), m);
        m = assertThrows(BadInputException.class, () -> KernelPredictionRun.execute(KernelPlan.parse(config(out, 3).with("arch", "resnet"), "gram", null,
                new KernelPlan.PredictionOptions(true, null, null, null, "1G", null)))).getMessage();
        assertTrue(m.startsWith("--memory: the kernels are made tile by tile, but hidden layer 2 is"), m);
        assertFalse(Files.exists(out), "nothing written");
    }
}
