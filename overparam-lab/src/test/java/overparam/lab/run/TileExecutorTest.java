package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TiledKernels;
import overparam.lab.plan.KernelPlan;

/**
 * The seam between a tiled prediction and whatever computes its kernel tiles: an executor that computes each tile alone and
 * delivers them in reverse order leaves the same tile files and predictions as the in-process one (the driver writes by
 * name, whatever the order); an executor is opened only when tiles are missing, and refused outside the tiled path before
 * anything is written; kernel --executor's names are checked.
 */
class TileExecutorTest {
    @TempDir Path tmp;

    /** Copies the tiles folder when the first factorization starts (every kernel tile is then on disk), and lets the job go on. */
    static final class Snapshot implements KernelPredictionRun.Progress {
        final Path tiles, into;
        boolean taken;

        Snapshot(Path out, Path into) {
            this.tiles = out.resolve("tiles");
            this.into = into;
        }

        @Override public void start(double totalWork, String what) {}

        @Override public void advance(double work, String phase) {
            if (taken || !phase.startsWith("factorization")) return;
            taken = true;
            try (Stream<Path> files = Files.list(tiles)) {
                Files.createDirectories(into);
                for (Path f : files.toList()) Files.copy(f, into.resolve(f.getFileName()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Each tile in matrices of its own, computed alone, delivered last to first. */
    static final class Reversed implements TileExecutor {
        @Override public void computeAll(TileInputs inputs, List<KernelTile> tiles, Delivery delivery) {
            TiledKernels maps = TiledKernels.of(inputs.maps());
            List<KernelTile> order = new ArrayList<>(tiles);
            java.util.Collections.reverse(order);
            for (KernelTile t : order) {
                try (Matrix g = Matrix.zeros(t.rows(), t.cols()); Matrix ntk = Matrix.zeros(t.rows(), t.cols()); Matrix nngp = Matrix.zeros(t.rows(), t.cols())) {
                    t.compute(maps, inputs, g, ntk, nngp);
                    delivery.accept(t, ntk, nngp);
                }
            }
        }
    }

    static KernelPlan tiled(Path out) {
        return TiledPredictionTest.tiled(out, 3, null);
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anotherExecutorsTilesInAnotherOrderAreTheSameFilesAndPredictions() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), tilesA = tmp.resolve("tiles-a"), tilesB = tmp.resolve("tiles-b");
        KernelPredictionRun.execute(tiled(a), new Snapshot(a, tilesA));
        KernelPredictionRun.Result r = KernelPredictionRun.execute(tiled(b), new Snapshot(b, tilesB), new TileExecutor.Factory("reversed", Reversed::new));
        assertEquals(21 + 18, r.tiling().tilesComputed());
        List<String> names = names(tilesA);
        assertEquals(2 * (21 + 18) + 1, names.size(), "both kernels' tiles and job.txt: " + names);
        assertEquals(names, names(tilesB));
        for (String f : names) assertEquals(-1, Files.mismatch(tilesA.resolve(f), tilesB.resolve(f)), f);
        for (String f : List.of("predictions_ntk.npy", "predictions_nngp.npy", "nngp_variance.npy"))
            assertEquals(-1, Files.mismatch(a.resolve(f), b.resolve(f)), f);
    }

    @Test
    void anExecutorIsOpenedOnlyWhenTilesAreMissing() {
        Path out = tmp.resolve("p");
        KernelPredictionRun.Progress killer = new KernelPredictionRun.Progress() {
            @Override public void start(double totalWork, String what) {}

            @Override public void advance(double work, String phase) {
                if (phase.startsWith("factorization")) throw new IllegalStateException("killed");
            }
        };
        assertThrows(IllegalStateException.class, () -> KernelPredictionRun.execute(tiled(out), killer));
        KernelPredictionRun.Result r = KernelPredictionRun.execute(tiled(out), KernelPredictionRun.Progress.NONE,
                new TileExecutor.Factory("spark", () -> fail("opened with every tile on disk")));
        assertEquals(0, r.tiling().tilesComputed());
        assertEquals(21 + 18, r.tiling().tilesResumed());
    }

    @Test
    void anExecutorElsewhereIsRefusedWithoutTilesAndARefusedOneLeavesNothing() {
        Path out = tmp.resolve("q");
        KernelPlan whole = KernelPlan.parse(TiledPredictionTest.config(out, 2), "gram", null, new KernelPlan.PredictionOptions(true, null, null, null));
        String m = assertThrows(BadInputException.class, () -> KernelPredictionRun.execute(whole, KernelPredictionRun.Progress.NONE,
                new TileExecutor.Factory("spark", () -> fail("opened for kernels made in one piece")))).getMessage();
        assertTrue(m.startsWith("--executor spark: computes kernel tiles, but the kernels of n = 40 training and n* = 15 test samples fit in memory"), m);
        m = assertThrows(BadInputException.class, () -> KernelPredictionRun.execute(tiled(out), KernelPredictionRun.Progress.NONE,
                new TileExecutor.Factory("spark", () -> { throw new BadInputException("--master spark://nowhere:7077: no Spark master answers"); }))).getMessage();
        assertTrue(m.startsWith("--master spark://nowhere:7077"), m);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void executorNamesAreChecked() {
        assertTrue(TileExecutor.choose(null, null).inProcess());
        assertTrue(TileExecutor.choose("local", null).inProcess());
        String m = assertThrows(BadInputException.class, () -> TileExecutor.choose("yarn", null)).getMessage();
        assertEquals("--executor yarn: unknown executor; expected one of local, spark.", m);
        m = assertThrows(BadInputException.class, () -> TileExecutor.choose(null, "local[2]")).getMessage();
        assertTrue(m.startsWith("--master local[2]: applies only to --executor spark"), m);
        m = assertThrows(BadInputException.class, () -> TileExecutor.choose("spark", null)).getMessage();
        assertTrue(m.startsWith("--executor spark: the Spark executor is not built here"), m);
    }
}
