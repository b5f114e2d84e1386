package overparam.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import overparam.cli.Main;
import overparam.lab.experiment.CellExecutor;
import overparam.lab.experiment.ExperimentRun;
import overparam.lab.experiment.ExperimentSpec;
import overparam.lab.experiment.InProcessExecutor;
import overparam.lab.experiment.SpecParser;

/**
 * run --executor spark against the in-process executor on a tiny experiment (4 cells, 300 steps each): every value the
 * store holds is the same double, bit for bit, and every run folder the same bytes (wall-clock timings aside); --resume on
 * Spark reruns only the cells a killed driver left unfinished; an unreachable master is refused in one line, quickly,
 * before anything is written. Spark runs with local[2], in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkExecutorTest {
    static final String SPEC = "name: spark-tiny\n"
            + "base: {arch: fc, depth: 2, synthetic: sphere, n: 16, d: 4, eta: auto, steps: 300, record_every: 50, threads: 1}\n"
            + "sweep:\n  width: [16, 32]\n  seed: [0, 1]\n";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path tmp;
    Path local, spark;
    ExperimentSpec spec;

    @BeforeAll void runBothWays() {
        spec = SpecParser.parse(SPEC, "spark-tiny.yaml");
        local = tmp.resolve("local");
        spark = tmp.resolve("spark");
        long t0 = System.nanoTime();
        ExperimentRun.Outcome a = ExperimentRun.execute(spec, SPEC, local, false, false, ExperimentRun.Listener.NONE, "run", InProcessExecutor::new);
        long t1 = System.nanoTime();
        ExperimentRun.Outcome b = ExperimentRun.execute(spec, SPEC, spark, false, false, ExperimentRun.Listener.NONE, "run",
                CellExecutor.choose("spark", "local[2]"));
        long t2 = System.nanoTime();
        System.out.printf("SparkExecutorTest: in-process %.1f s, Spark local[2] %.1f s (with its start) for %d cells%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, a.cells());
        assertEquals(4, a.cells());
        assertEquals(4, b.cells());
    }

    @Test void everyStoredValueAndRunFolderIsTheInProcessExecutors() throws Exception {
        sameRows(store(local, local), store(spark, spark));
        List<String> cells = folders(local);
        assertEquals(4, cells.size());
        assertEquals(cells, folders(spark));
        for (String cell : cells) sameRunFolder(local.resolve("cells").resolve(cell), spark.resolve("cells").resolve(cell));
    }

    @Test void resumeOnSparkRerunsOnlyTheCellsLeftUnfinished() throws Exception {
        Path resumed = tmp.resolve("resumed");
        ExperimentRun.execute(spec, SPEC, resumed, false, false, ExperimentRun.Listener.NONE, "run", CellExecutor.choose("spark", "local[2]"));
        // a driver killed mid-job: two cells still "running" in the store, their folders never written
        List<String> unfinished = List.of("width=32,seed=0", "width=32,seed=1");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + resumed.resolve("results.sqlite"));
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE runs SET status = 'running', finished_at = NULL WHERE cell IN ('width=32,seed=0', 'width=32,seed=1')");
        }
        for (String key : unfinished) CellReturn.deleteRecursively(resumed.resolve("cells").resolve(key));
        Path kept = resumed.resolve("cells").resolve("width=16,seed=0").resolve("weights_final.npz");
        Object keptFile = Files.readAttributes(kept, BasicFileAttributes.class).fileKey();
        long keptTime = Files.getLastModifiedTime(kept).toMillis();

        List<String> started = Collections.synchronizedList(new ArrayList<>());
        int[] counts = new int[2];
        ExperimentRun.Listener listener = new ExperimentRun.Listener() {
            @Override public void onStart(int cells, int alreadyDone) { counts[0] = cells; counts[1] = alreadyDone; }
            @Override public void onCellStart(String key) { started.add(key); }
        };
        ExperimentRun.Outcome o = ExperimentRun.execute(spec, SPEC, resumed, true, false, listener, "run --resume",
                CellExecutor.choose("spark", "local[2]"));
        assertEquals(4, counts[0]);
        assertEquals(2, counts[1]);
        assertEquals(2, o.reused());
        assertEquals(unfinished, started.stream().sorted().toList());
        assertEquals(keptFile, Files.readAttributes(kept, BasicFileAttributes.class).fileKey(), "a finished cell's files are never rewritten");
        assertEquals(keptTime, Files.getLastModifiedTime(kept).toMillis());
        sameRows(store(local, local), store(resumed, resumed));
        for (String cell : folders(local)) sameRunFolder(local.resolve("cells").resolve(cell), resumed.resolve("cells").resolve(cell));
    }

    @Test void anUnreachableMasterIsRefusedInOneLineBeforeAnythingIsWritten() throws IOException {
        Path out = tmp.resolve("unreachable");
        Path file = Files.writeString(tmp.resolve("spark-tiny.yaml"), SPEC);
        long t0 = System.nanoTime();
        String[] r = cli("run", file.toString(), "--out", out.toString(), "--executor", "spark", "--master", "spark://127.0.0.1:1", "--quiet");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("2", r[0], r[1]);
        List<String> lines = r[1].lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r[1]);
        assertTrue(lines.get(0).startsWith("run: --master spark://127.0.0.1:1: no Spark master answers at 127.0.0.1:1"), lines.get(0));
        assertTrue(lines.get(0).contains("fix --master"), lines.get(0));
        assertFalse(Files.exists(out), "nothing written");
        System.out.printf("SparkExecutorTest: the unreachable master refused in %.2f s%n", seconds);
    }

    @Test void aPortThatIsNoSparkMasterIsRefusedOnceTheWaitForAnExecutorEnds() throws Exception {
        Path out = tmp.resolve("not-a-master");
        Path file = Files.writeString(tmp.resolve("spark-fake.yaml"), SPEC);
        try (java.net.ServerSocket fake = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {                                   // accepts and never answers
                List<java.net.Socket> held = new ArrayList<>();
                try { while (true) held.add(fake.accept()); } catch (IOException closed) { /* the test is over */ }
            });
            accept.setDaemon(true);
            accept.start();
            String master = "spark://127.0.0.1:" + fake.getLocalPort();
            System.setProperty(SparkContexts.EXECUTOR_WAIT, "2");
            String[] r;
            try {
                r = cli("run", file.toString(), "--out", out.toString(), "--executor", "spark", "--master", master, "--quiet");
            } finally {
                System.clearProperty(SparkContexts.EXECUTOR_WAIT);
            }
            assertEquals("2", r[0], r[1]);
            List<String> lines = r[1].lines().filter(l -> !l.isBlank() && !l.matches("^\\d\\d/\\d\\d/\\d\\d .*")).toList();   // Spark's own log lines aside
            assertEquals(1, lines.size(), r[1]);
            assertTrue(lines.get(0).startsWith("run: --master " + master + ": accepts connections but gave this run no executor within 2 s"), lines.get(0));
        }
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test void sparkThroughTheCommandLineFindsItsModuleAndMasterAloneIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("spark-cli.yaml"), SPEC);
        String[] master = cli("run", file.toString(), "--out", tmp.resolve("m").toString(), "--master", "local[2]");
        assertEquals("2", master[0], master[1]);
        assertTrue(master[1].startsWith("run: --master local[2]: applies only to --executor spark"), master[1]);
        String[] bad = cli("run", file.toString(), "--out", tmp.resolve("b").toString(), "--executor", "spark", "--master", "yarn");
        assertEquals("2", bad[0], bad[1]);
        assertTrue(bad[1].startsWith("run: --master yarn: not a master this build runs on"), bad[1]);
        assertFalse(Files.exists(tmp.resolve("m")) || Files.exists(tmp.resolve("b")));
    }

    /** The same rows; a failure lists the first rows that differ rather than both stores whole. */
    static void sameRows(Map<String, String> expected, Map<String, String> actual) {
        List<String> differ = new ArrayList<>();
        for (String k : expected.keySet()) if (!expected.get(k).equals(actual.get(k))) differ.add(k + ": " + expected.get(k) + " vs " + actual.get(k));
        for (String k : actual.keySet()) if (!expected.containsKey(k)) differ.add(k + ": only in the second");
        assertTrue(differ.isEmpty(), differ.size() + " rows differ, e.g. " + differ.subList(0, Math.min(5, differ.size())));
        assertEquals(expected.size(), actual.size());
    }

    /** Runs ./overparam's Main in-process: its exit code and its error output. */
    static synchronized String[] cli(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new String[] {String.valueOf(exit), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(oldErr);
        }
    }

    /** Wall-clock values, which differ between any two runs of the same cell. */
    static boolean isTiming(String name) {
        return name.contains("seconds") || name.contains("per_second") || name.endsWith("_at");
    }

    /**
     * Every row the store holds for the cells, as text with each double written by its bits: the runs' status, seed and
     * configuration (the experiment's folder written as DIR), the metrics at every step, the run values (timings aside).
     */
    static Map<String, String> store(Path dir, Path folder) throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("results.sqlite"));
             Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT cell, status, seed, config, version FROM runs")) {
                while (r.next()) rows.put("run " + r.getString(1), r.getString(2) + " " + r.getLong(3) + " "
                        + r.getString(4).replace(folder.toString(), "DIR") + " " + r.getString(5));
            }
            int metrics = 0;
            try (ResultSet r = s.executeQuery("SELECT cell, step, name, value FROM metrics JOIN runs USING (run_id)")) {
                while (r.next()) {
                    if (isTiming(r.getString(3))) continue;
                    rows.put("metric " + r.getString(1) + " " + r.getInt(2) + " " + r.getString(3), bits(r, 4));
                    metrics++;
                }
            }
            assertTrue(metrics > 100, "metrics stored: " + metrics);
            try (ResultSet r = s.executeQuery("SELECT cell, name, value FROM run_values JOIN runs USING (run_id)")) {
                while (r.next()) if (!isTiming(r.getString(2))) rows.put("value " + r.getString(1) + " " + r.getString(2), bits(r, 3));
            }
        }
        return rows;
    }

    static String bits(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? "null" : Long.toHexString(Double.doubleToRawLongBits(v));
    }

    static List<String> folders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("cells"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The same files, the same bytes; summary.json the same JSON once its timings are left out and its folder named DIR. */
    static void sameRunFolder(Path a, Path b) throws IOException {
        List<String> names = files(a);
        assertEquals(names, files(b), a + " against " + b);
        assertTrue(names.containsAll(List.of("summary.json", "metrics.jsonl", "weights_final.npz")), names.toString());
        for (String name : names) {
            if (name.equals("summary.json")) assertEquals(summary(a), summary(b), a + "/summary.json");
            else if (name.equals("metrics.jsonl")) assertEquals(records(a), records(b), a + "/metrics.jsonl");
            else assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), a + "/" + name);
        }
    }

    static List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }

    static JsonNode summary(Path folder) throws IOException {
        String text = Files.readString(folder.resolve("summary.json")).replace(folder.toString(), "DIR");
        return withoutTimings(JSON.readTree(text));
    }

    /** metrics.jsonl's records, each without its wall-clock entries (elapsed_seconds). */
    static List<JsonNode> records(Path folder) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(folder.resolve("metrics.jsonl"))) records.add(withoutTimings(JSON.readTree(line)));
        assertTrue(records.size() >= 7, folder + ": " + records.size() + " records");
        return records;
    }

    static JsonNode withoutTimings(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> drop = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                // provenance.date: when the cell ran (provenance.machine is the same here: both executors run on this machine)
                if (isTiming(name) || name.equals("timings") || name.equals("date")) drop.add(name);
                else withoutTimings(o.get(name));
            }
            o.remove(drop);
        } else if (node.isArray()) for (JsonNode x : node) withoutTimings(x);
        return node;
    }
}
