package overparam.lab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;

/**
 * run --executor / --master, checked before anything runs: each refusal is one line naming the option and the fix. The
 * Spark executor itself (module overparam-spark, -Pspark) is tested in that module; here it is absent, as in the
 * default build, and asking for it says how to get it.
 */
class CellExecutorTest {
    @Test void localIsTheDefaultAndRunsInProcess() {
        assertInstanceOf(InProcessExecutor.class, CellExecutor.choose(null, null).open(1));
        assertInstanceOf(InProcessExecutor.class, CellExecutor.choose("local", null).open(2));
    }

    @Test void anUnknownExecutorIsRefusedWithTheChoices() {
        BadInputException e = assertThrows(BadInputException.class, () -> CellExecutor.choose("yarn", null));
        assertEquals("--executor yarn: unknown executor; expected one of local, spark.", e.getMessage());
    }

    @Test void masterWithoutTheSparkExecutorIsRefused() {
        for (String executor : new String[] {null, "local"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> CellExecutor.choose(executor, "local[2]"));
            assertTrue(e.getMessage().startsWith("--master local[2]: applies only to --executor spark"), e.getMessage());
            assertTrue(e.getMessage().contains("Add --executor spark, or drop --master."), e.getMessage());
        }
    }

    @Test void sparkWithoutItsModuleSaysHowToBuildIt() {
        BadInputException e = assertThrows(BadInputException.class, () -> CellExecutor.choose("spark", null));
        assertTrue(e.getMessage().startsWith("--executor spark: the Spark executor is not built here"), e.getMessage());
        assertTrue(e.getMessage().contains("mvn -Pspark package -DskipTests"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test void anEmptyMasterIsRefused() {
        BadInputException e = assertThrows(BadInputException.class, () -> CellExecutor.choose("spark", " "));
        assertTrue(e.getMessage().startsWith("--master: empty."), e.getMessage());
    }

    @TempDir Path tmp;

    static final String SPEC = "name: tiny\nbase: {arch: fc, depth: 2, width: 8, synthetic: sphere, n: 8, d: 3, eta: \"0.1\", steps: 2, threads: 1}\n"
            + "sweep:\n  seed: [0, 1, 2]\n";

    /** An executor that runs in-process and records what the experiment asked of it. */
    static final class Recording implements CellExecutor {
        final List<String> events = new ArrayList<>();
        final InProcessExecutor inner = new InProcessExecutor(1);

        @Override public void runAll(List<Cell> cells, Cells callbacks) {
            for (Cell c : cells) events.add("cell " + c.key() + " out=" + c.config().out() + " threads=" + c.config().threads());
            inner.runAll(cells, callbacks);
        }

        @Override public void close() { events.add("closed"); }
    }

    @Test void theExperimentHandsTheExecutorCompleteCellsAndClosesIt() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC, "tiny.yaml");
        Path dir = tmp.resolve("tiny");
        Recording r = new Recording();
        ExperimentRun.Outcome o = ExperimentRun.execute(spec, SPEC, dir, false, false, ExperimentRun.Listener.NONE, "run", threads -> r);
        assertEquals(3, o.cells());
        assertEquals(List.of("cell seed=0 out=" + dir.resolve("cells/seed=0") + " threads=1", "cell seed=1 out=" + dir.resolve("cells/seed=1") + " threads=1",
                "cell seed=2 out=" + dir.resolve("cells/seed=2") + " threads=1", "closed"), r.events);
        for (String key : List.of("seed=0", "seed=1", "seed=2")) assertTrue(Files.isRegularFile(dir.resolve("cells").resolve(key).resolve("summary.json")));
    }

    @Test void aFolderRefusedIsRefusedBeforeTheExecutorStarts() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC, "tiny.yaml");
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("other.txt"), "x");
        int[] opened = {0};
        BadInputException e = assertThrows(BadInputException.class, () -> ExperimentRun.execute(spec, SPEC, full, false, false,
                ExperimentRun.Listener.NONE, "run", threads -> { opened[0]++; return new InProcessExecutor(threads); }));
        assertTrue(e.getMessage().startsWith("--out " + full + ": already holds files"), e.getMessage());
        BadInputException resume = assertThrows(BadInputException.class, () -> ExperimentRun.execute(spec, SPEC, tmp.resolve("none"), true, false,
                ExperimentRun.Listener.NONE, "run", threads -> { opened[0]++; return new InProcessExecutor(threads); }));
        assertTrue(resume.getMessage().startsWith("--resume: "), resume.getMessage());
        assertEquals(0, opened[0], "no executor was started");
        assertFalse(Files.exists(tmp.resolve("none")));
    }

    @Test void everyStepOfAnInProcessCellReachesTheSweepsProgress() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC, "tiny.yaml");
        java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> steps = new java.util.concurrent.ConcurrentHashMap<>();
        ExperimentRun.Listener listener = new ExperimentRun.Listener() {
            @Override public overparam.core.nn.TrainingListener onCellProgress(String key, int total) {
                assertEquals(2, total, "the cell's steps");
                java.util.concurrent.atomic.AtomicInteger count = steps.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicInteger());
                return new overparam.core.nn.TrainingListener() {
                    @Override public void onStep(int step, double loss) { count.incrementAndGet(); }
                };
            }
        };
        ExperimentRun.execute(spec, SPEC, tmp.resolve("progress"), false, listener, "run");
        assertEquals(java.util.Set.of("seed=0", "seed=1", "seed=2"), steps.keySet());
        for (java.util.concurrent.atomic.AtomicInteger c : steps.values()) assertEquals(3, c.get(), "one onStep per loss evaluated: steps 0, 1 and 2");
    }
}
