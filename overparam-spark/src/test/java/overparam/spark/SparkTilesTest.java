package overparam.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import overparam.lab.plan.KernelPlan;
import overparam.lab.plan.RunConfig;
import overparam.lab.run.KernelPredictionRun;
import overparam.lab.run.TileExecutor;

/**
 * kernel --predict --executor spark against the in-process executor on a small tiled problem (n = 300, n* = 100, 64-wide
 * tiles: 15 lower and 10 cross tiles of each kernel), fc depth 2 with relu and with erf: every tile file and every output
 * the same bytes; a job whose tiles were partly deleted recomputes only those on Spark and leaves the others untouched;
 * the refusals in one line, before anything is written. Spark runs with local[2], in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkTilesTest {
    static final String MASTER = "local[2]";
    static final List<String> OUTPUTS = List.of("predictions_ntk.npy", "predictions_nngp.npy", "nngp_variance.npy", "ntk_test_diagonal.npy",
            "nngp_test_diagonal.npy");

    @TempDir static Path tmp;
    Path local, spark;
    Snapshot localTiles, sparkTiles;
    KernelPredictionRun.Result localResult, sparkResult;

    /** Copies the tiles folder, and notes each file's identity, when the first factorization starts (every kernel tile is then on disk). */
    static final class Snapshot implements KernelPredictionRun.Progress {
        final Path tiles, into;
        final Map<String, Object> fileKeys = new HashMap<>();

        Snapshot(Path out, Path into) {
            this.tiles = out.resolve("tiles");
            this.into = into;
        }

        @Override public void start(double totalWork, String what) {}

        @Override public void advance(double work, String phase) {
            if (!fileKeys.isEmpty() || !phase.startsWith("factorization")) return;
            try (Stream<Path> files = Files.list(tiles)) {
                Files.createDirectories(into);
                for (Path f : files.toList()) {
                    fileKeys.put(f.getFileName().toString(), Files.readAttributes(f, BasicFileAttributes.class).fileKey());
                    Files.copy(f, into.resolve(f.getFileName()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<String> names() {
            return fileKeys.keySet().stream().sorted().toList();
        }
    }

    static KernelPlan plan(Path out) throws IOException {
        RunConfig c = new ObjectMapper().readValue("{\"arch\": \"fc\", \"depth\": 2, \"activation\": \"relu\", \"synthetic\": \"sphere\", \"n\": 300,"
                + " \"d\": 5, \"test_n\": 100, \"labels_from\": \"teacher\"}", RunConfig.class).with("out", out.toString());
        return KernelPlan.parse(c, "gram", null, new KernelPlan.PredictionOptions(true, null, null, null, "1G", 64));
    }

    @BeforeAll void reluBothWays() throws IOException {
        local = tmp.resolve("local");
        spark = tmp.resolve("spark");
        localTiles = new Snapshot(local, tmp.resolve("local-tiles"));
        sparkTiles = new Snapshot(spark, tmp.resolve("spark-tiles"));
        long t0 = System.nanoTime();
        localResult = KernelPredictionRun.execute(plan(local), localTiles);
        long t1 = System.nanoTime();
        sparkResult = KernelPredictionRun.execute(plan(spark), sparkTiles, TileExecutor.choose("spark", MASTER));
        long t2 = System.nanoTime();
        System.out.printf("SparkTilesTest: in-process %.1f s, Spark %s %.1f s (with its start)%n", (t1 - t0) / 1e9, MASTER, (t2 - t1) / 1e9);
    }

    @Test void everyTileFileAndOutputIsTheInProcessExecutorsBytes() {
        assertEquals(25, localResult.tiling().tilesComputed());
        assertEquals(25, sparkResult.tiling().tilesComputed());
        List<String> names = localTiles.names();
        assertEquals(2 * 25 + 1, names.size(), "both kernels' tiles and job.txt: " + names);
        assertEquals(names, sparkTiles.names());
        sameBytes(localTiles.into, sparkTiles.into, names);
        sameBytes(local, spark, OUTPUTS);
        assertEquals(localResult.residualNtk(), sparkResult.residualNtk(), 0.0);
    }

    @Test void aResumedJobRecomputesOnlyTheDeletedTiles() throws IOException {
        Path resumed = tmp.resolve("resumed"), tiles = resumed.resolve("tiles");
        Files.createDirectories(tiles);
        for (String f : sparkTiles.names()) Files.copy(sparkTiles.into.resolve(f), tiles.resolve(f));
        // a killed job: tile (4, 4) of both kernels, Theta's tile (2, 1) and the NNGP's cross tile (1, 3) never written
        List<String> deleted = List.of("ntk-4-4.tile", "nngp-4-4.tile", "ntk-2-1.tile", "nngpx-1-3.tile");
        for (String f : deleted) Files.delete(tiles.resolve(f));
        Map<String, Object> before = new HashMap<>();
        try (Stream<Path> files = Files.list(tiles)) {
            for (Path f : files.toList()) before.put(f.getFileName().toString(), Files.readAttributes(f, BasicFileAttributes.class).fileKey());
        }
        Snapshot after = new Snapshot(resumed, tmp.resolve("resumed-tiles"));
        KernelPredictionRun.Result r = KernelPredictionRun.execute(plan(resumed), after, TileExecutor.choose("spark", MASTER));
        assertEquals(3, r.tiling().tilesComputed(), "tiles (4, 4), (2, 1) and cross (1, 3)");
        assertEquals(22, r.tiling().tilesResumed());
        assertEquals(localTiles.names(), after.names());
        // a tile is one pair of files: the other halves of the half-deleted tiles are written again (with the same bytes)
        List<String> partners = List.of("nngp-2-1.tile", "ntkx-1-3.tile");
        for (String f : before.keySet())
            if (!partners.contains(f)) assertEquals(before.get(f), after.fileKeys.get(f), f + " was never rewritten");
        sameBytes(localTiles.into, after.into, localTiles.names());
        sameBytes(local, resumed, OUTPUTS);
    }

    @Test void erfThroughTheCommandLineGivesTheInProcessExecutorsBytes() throws IOException {
        Path a = tmp.resolve("erf-local"), b = tmp.resolve("erf-spark");
        String[] r = SparkExecutorTest.cli(erf(a));
        assertEquals("0", r[0], r[1]);
        r = SparkExecutorTest.cli(concat(erf(b), "--executor", "spark", "--master", MASTER));
        assertEquals("0", r[0], r[1]);
        sameBytes(a, b, OUTPUTS);
        assertEquals(SparkExecutorTest.JSON.readTree(a.resolve("summary.json").toFile()).get("tiled").get("tiles_computed"),
                SparkExecutorTest.JSON.readTree(b.resolve("summary.json").toFile()).get("tiled").get("tiles_computed"));
    }

    @Test void misuseIsRefusedInOneLineBeforeAnythingIsWritten() {
        Path out = tmp.resolve("refused");
        refused("kernel: --executor spark: computes the tiles of kernel --predict only", "kernel", "--arch", "fc", "--depth", "2", "--synthetic", "sphere",
                "--n", "20", "--d", "3", "--out", out.resolve("K.npy").toString(), "--executor", "spark");
        refused("kernel: --executor spark: computes kernel tiles, but the kernels of n = 300 training and n* = 100 test samples fit in memory",
                concat(erf(out), "--executor", "spark", "--master", MASTER),
                List.of("--memory", "1G", "--tile-size", "64"));
        refused("kernel: --executor yarn: unknown executor; expected one of local, spark.", concat(erf(out), "--executor", "yarn"));
        refused("kernel: --master spark://127.0.0.1:1: no Spark master answers at 127.0.0.1:1", concat(erf(out), "--executor", "spark", "--master", "spark://127.0.0.1:1"));
        refused("kernel: --master local[2]: applies only to --executor spark", concat(erf(out), "--master", MASTER));
        assertFalse(Files.exists(out), "nothing written");
    }

    static String[] erf(Path out) {
        return new String[] {"kernel", "--arch", "fc", "--depth", "2", "--activation", "erf", "--synthetic", "sphere", "--n", "300", "--d", "5",
            "--labels-from", "teacher", "--test-n", "100", "--predict", "--memory", "1G", "--tile-size", "64", "--quiet", "--out", out.toString()};
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** refused with the arguments less the given option-value pairs. */
    static void refused(String start, String[] args, List<String> drop) {
        List<String> kept = new java.util.ArrayList<>(List.of(args));
        for (int i = 0; i < drop.size(); i += 2) {
            int at = kept.indexOf(drop.get(i));
            kept.remove(at + 1);
            kept.remove(at);
        }
        refused(start, kept.toArray(String[]::new));
    }

    static void refused(String start, String... args) {
        String[] r = SparkExecutorTest.cli(args);
        assertEquals("2", r[0], r[1]);
        List<String> lines = r[1].lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r[1]);
        assertTrue(lines.get(0).startsWith(start), lines.get(0));
    }

    static void sameBytes(Path a, Path b, List<String> names) {
        for (String f : names) {
            try {
                assertEquals(-1, Files.mismatch(a.resolve(f), b.resolve(f)), f + " differs between " + a + " and " + b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
