package overparam.lab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.nn.RunStatus;

/** The store under misuse: a corrupt file, a row cleared under a running cell, cells a killed process left running. */
class StoreMisuseTest {
    @TempDir Path tmp;

    /** A store of `cells` finished cells with 200 recorded steps of 3 metrics each (enough pages to truncate). */
    static void write(Path dir, int cells) throws Exception {
        Files.createDirectories(dir);
        try (Store store = Store.open(dir)) {
            store.recordExperiment("misuse", "name: misuse", "test");
            for (int c = 0; c < cells; c++) {
                long id = store.startCell("misuse", "width=" + (16 << c), "{\"width\":" + (16 << c) + "}", 0, "test");
                List<Store.StepRow> rows = new ArrayList<>();
                for (int step = 0; step < 200; step++) rows.add(new Store.StepRow(step, Map.of("loss", 1.0 / (step + 1), "gram_change", 0.01 * step, "pattern_change", 0.5)));
                store.finishCell(id, RunStatus.DONE, rows, Map.of("lambda_0", 0.3));
            }
        }
    }

    static long count(Path dir, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Store.FILE)); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    static void assertCorruptRefusal(Path file, Runnable open) {
        BadInputException e = assertThrows(BadInputException.class, open::run);
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("corrupt"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aCorruptOrTruncatedStoreIsRefusedNamingItsFileByEveryReader() throws Exception {
        Path good = tmp.resolve("good");
        write(good, 4);
        byte[] bytes = Files.readAllBytes(good.resolve(Store.FILE));
        assertTrue(bytes.length > 8 * 4096, "a store of several pages: " + bytes.length);
        byte[] garbage = new byte[bytes.length];
        new java.util.Random(7).nextBytes(garbage);
        byte[] middle = bytes.clone();                                    // header intact, the pages after the first overwritten
        System.arraycopy(garbage, 0, middle, 4096, bytes.length - 4096);
        Map<String, byte[]> damaged = Map.of("garbage", garbage, "truncated", Arrays.copyOf(bytes, bytes.length / 3), "empty", new byte[0],
                "pages overwritten", middle);
        for (var d : damaged.entrySet()) {
            Path dir = tmp.resolve(d.getKey().replace(' ', '-')), file = dir.resolve(Store.FILE);
            Files.createDirectories(dir);
            Files.write(file, d.getValue());
            assertCorruptRefusal(file, () -> Store.open(dir).close());
            assertCorruptRefusal(file, () -> Query.run(dir, "SELECT COUNT(*) FROM metrics"));
            assertCorruptRefusal(file, () -> Query.exportCsv(dir));
            assertFalse(Files.exists(dir.resolve("export")), d.getKey() + ": export wrote nothing");
            assertTrue(Arrays.equals(d.getValue(), Files.readAllBytes(file)), d.getKey() + ": the corrupt file is left as it was, for recovery");
        }
    }

    @Test
    void aCellWhoseRowWasClearedMeanwhileWritesNoMetrics() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cleared"));
        try (Store store = Store.open(dir)) {
            store.recordExperiment("misuse", "name: misuse", "test");
            long id = store.startCell("misuse", "width=16", "{}", 0, "test");
            store.forgetUnfinished();                                    // what a second process's --resume did before the lock
            List<Store.StepRow> rows = List.of(new Store.StepRow(0, Map.of("loss", 1.0)), new Store.StepRow(10, Map.of("loss", 0.5)));
            assertThrows(RuntimeException.class, () -> store.finishCell(id, RunStatus.DONE, rows, Map.of("lambda_0", 0.3)));
            long other = store.startCell("misuse", "width=32", "{}", 0, "test");
            store.finishCell(other, RunStatus.DONE, rows, Map.of());
            assertThrows(RuntimeException.class, () -> store.finishCell(other, RunStatus.DONE, rows, Map.of()), "a cell is finished once");
        }
        assertEquals(0, count(dir, "SELECT COUNT(*) FROM metrics WHERE run_id NOT IN (SELECT run_id FROM runs)"), "no orphan metric rows");
        assertEquals(0, count(dir, "SELECT COUNT(*) FROM run_values WHERE run_id NOT IN (SELECT run_id FROM runs)"));
        assertEquals(2, count(dir, "SELECT COUNT(*) FROM metrics"), "the finished cell's rows, once");
    }

    /** A store written before foreign keys were on can hold metric rows of no run (issue 14 found 1260): resume clears them. */
    @Test
    void orphanRowsOfAnOlderStoreAreClearedOnResume() throws Exception {
        Path dir = tmp.resolve("orphans");
        write(dir, 1);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Store.FILE)); Statement s = c.createStatement()) {
            s.execute("INSERT INTO metrics(run_id, step, name, value) VALUES (777, 0, 'loss', 1.0), (777, 10, 'loss', 0.5)");
            s.execute("INSERT INTO run_values(run_id, name, value) VALUES (777, 'lambda_0', 0.3)");
        }
        try (Store store = Store.open(dir)) {
            store.forgetUnfinished();
        }
        assertEquals(0, count(dir, "SELECT COUNT(*) FROM metrics WHERE run_id NOT IN (SELECT run_id FROM runs)"));
        assertEquals(0, count(dir, "SELECT COUNT(*) FROM run_values WHERE run_id NOT IN (SELECT run_id FROM runs)"));
        assertEquals(600, count(dir, "SELECT COUNT(*) FROM metrics"), "the finished cell's rows are kept");
    }

    @Test
    void runningRowsAreInterruptedForTheLockHolderAndForgottenOnResume() throws Exception {
        Path dir = tmp.resolve("killed");
        write(dir, 1);
        try (Store store = Store.open(dir)) {                              // a process that is then killed: its cell stays running
            long id = store.startCell("misuse", "width=999", "{}", 0, "test");
            assertEquals(RunStatus.RUNNING, store.unfinishedCells().get("width=999"));
            assertTrue(id > 0);
        }
        try (ExperimentLock lock = ExperimentLock.acquire(dir, "test"); Store store = Store.open(dir)) {
            assertEquals(List.of("width=999"), store.markInterrupted(lock));
            Results results = Results.read(store);
            assertEquals(Map.of("width=999", RunStatus.INTERRUPTED), results.unfinished());
            assertEquals(1, results.cells().size(), "the interrupted cell is no result: checks and figures count it as missing");
            assertEquals(List.of("width=999"), store.forgetUnfinished());
            assertEquals(List.of("width=16"), store.finishedCells());
        }
        assertEquals(0, count(dir, "SELECT COUNT(*) FROM runs WHERE status <> 'done'"));
    }
}
