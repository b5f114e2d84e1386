package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misuse of the experiment commands (issue 14, part 3), each ending in a one-line error and exit 2 with nothing lost:
 * two processes on one experiment, a killed run's cells, a corrupt store, writing SQL, names leaving runs/, export
 * into nowhere, bad YAML.
 */
class ExperimentMisuseTest {
    @TempDir static Path tmp;
    static Path done;

    static final String TINY = """
            name: misuse
            base:
              arch: two-layer
              activation: relu
              synthetic: sphere
              n: 6
              d: 3
              eta: 0.2
              steps: 20
              record_every: 10
            sweep:
              width: [16, 32]
            checks:
              - name: "the loss falls"
                type: converges
                ratio: 0.9
            """;

    @BeforeAll
    static void runOnce() throws Exception {
        Files.writeString(tmp.resolve("tiny.yaml"), TINY);
        done = tmp.resolve("done");
        CliRun r = CliRun.of("run", tmp.resolve("tiny.yaml").toString(), "--out", done.toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
    }

    static void assertRefused(CliRun r, String... expected) {
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.errorLines(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
        for (String e : expected) assertTrue(r.err().contains(e), "'" + e + "' in: " + r.err());
    }

    static long count(Path dir, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + dir.resolve("results.sqlite") + "?mode=ro");
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /**
     * A child JVM runs the sweep; while it runs, run --resume and run are refused naming it. Killed with SIGKILL, its
     * cells show as interrupted (sql notes it, report counts them as missing), and --resume reruns them into a
     * consistent store: no cell running, no metric row without its run.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aSecondProcessIsRefusedAndAKilledOnesCellsAreInterruptedThenRerun() throws Exception {
        Path spec = tmp.resolve("slow.yaml"), out = tmp.resolve("slow");
        Files.writeString(spec, TINY.replace("name: misuse", "name: slow").replace("n: 6", "n: 20").replace("steps: 20", "steps: 20000")
                .replace("record_every: 10", "record_every: 500").replace("width: [16, 32]", "width: [128, 256]"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("user.home") + File.separator + ".javacpp" + File.separator + "cache",
                "overparam.cli.Main", "run", spec.toString(), "--out", out.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && child.isAlive()
                    && !(Files.exists(out.resolve("results.sqlite")) && running(out) > 0)) Thread.sleep(50);
            assertTrue(child.isAlive() && running(out) > 0, "the child runs a cell: " + Files.readString(tmp.resolve("child.log")));

            CliRun resume = CliRun.of("run", spec.toString(), "--out", out.toString(), "--resume", "--quiet");
            assertRefused(resume, out + ": in use by another overparam process (pid " + child.pid(), "--resume");
            CliRun again = CliRun.of("run", spec.toString(), "--out", out.toString(), "--quiet");
            assertRefused(again, "in use by another overparam process (pid " + child.pid());
            assertTrue(child.isAlive(), "the refusals did not disturb the running process");
        } finally {
            child.destroyForcibly();                                          // SIGKILL, mid-cell
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        long stale = running(out);
        assertTrue(stale > 0, "the killed process left cells running");

        CliRun sql = CliRun.of("sql", out.toString(), "SELECT cell, status FROM runs");
        assertEquals(0, sql.exit(), sql.err());
        assertTrue(sql.err().contains("'running' but no process holds") && sql.err().contains("interrupted"), sql.err());

        CliRun report = CliRun.of("report", out.toString());
        assertTrue(report.out().contains(stale + (stale == 1 ? " cell was" : " cells were") + " interrupted") && report.out().contains("counted as missing"),
                report.out());
        assertTrue(Files.readString(out.resolve("report.html")).contains("<span id=\"cells-interrupted\">" + stale + "</span> interrupted"));
        assertEquals(stale, count(out, "SELECT COUNT(*) FROM runs WHERE status = 'interrupted'"));
        assertEquals(0, running(out));
        CliRun listed = CliRun.of("sql", out.toString(), "SELECT cell, status FROM runs WHERE status = 'interrupted'");
        assertTrue(listed.out().contains("interrupted") && listed.err().isBlank(), listed.out() + listed.err());

        CliRun finish = CliRun.of("run", spec.toString(), "--out", out.toString(), "--resume", "--quiet");
        assertEquals(0, finish.exit(), finish.out() + finish.err());
        assertTrue(finish.err().contains("interrupted (the process running"), "the rerun says which cells it redoes: " + finish.err());
        assertEquals(2, count(out, "SELECT COUNT(*) FROM runs WHERE status = 'done'"));
        assertEquals(0, count(out, "SELECT COUNT(*) FROM runs WHERE status <> 'done'"));
        assertEquals(0, count(out, "SELECT COUNT(*) FROM metrics WHERE run_id NOT IN (SELECT run_id FROM runs)"), "no orphan metric rows");
        assertEquals(2, count(out, "SELECT COUNT(DISTINCT run_id) FROM metrics WHERE name = 'loss'"));
    }

    private static long running(Path out) throws Exception {
        try {
            return count(out, "SELECT COUNT(*) FROM runs WHERE status = 'running'");
        } catch (java.sql.SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) return 0;
            throw e;
        }
    }

    /** Garbage, a truncated copy, an empty file: every command that opens the store names it and exits 2. */
    @Test
    void everyCommandRefusesACorruptStoreNamingTheFile() throws Exception {
        byte[] good = Files.readAllBytes(done.resolve("results.sqlite"));
        byte[] garbage = new byte[good.length];
        new java.util.Random(3).nextBytes(garbage);
        List<byte[]> damaged = List.of(garbage, Arrays.copyOf(good, good.length / 2), new byte[0]);
        for (int i = 0; i < damaged.size(); i++) {
            Path dir = tmp.resolve("corrupt" + i);
            copy(done, dir);
            Files.deleteIfExists(dir.resolve("results.sqlite-wal"));
            Files.deleteIfExists(dir.resolve("results.sqlite-shm"));
            Files.write(dir.resolve("results.sqlite"), damaged.get(i));
            String file = dir.resolve("results.sqlite").toString();
            assertRefused(CliRun.of("report", dir.toString()), file, "corrupt");
            assertRefused(CliRun.of("sql", dir.toString(), "SELECT COUNT(*) FROM metrics"), file, "corrupt");
            assertRefused(CliRun.of("sql", dir.toString(), "SELECT * FROM runs", "--csv"), file, "corrupt");
            assertRefused(CliRun.of("export", dir.toString()), file, "corrupt");
            assertRefused(CliRun.of("run", tmp.resolve("tiny.yaml").toString(), "--out", dir.toString(), "--resume", "--quiet"), file, "corrupt");
            assertTrue(Arrays.equals(damaged.get(i), Files.readAllBytes(dir.resolve("results.sqlite"))), "the damaged file is left for recovery");
        }
    }

    @Test
    void sqlWritesNothingAndCutsNoValue() throws Exception {
        Path copy = tmp.resolve("vacuumed.sqlite"), other = tmp.resolve("attached.sqlite");
        assertRefused(CliRun.of("sql", done.toString(), "VACUUM INTO '" + copy + "'"), "VACUUM is refused");
        assertRefused(CliRun.of("sql", done.toString(), "ATTACH '" + other + "' AS o"), "ATTACH is refused");
        assertRefused(CliRun.of("sql", done.toString(), "DELETE FROM metrics"), "DELETE is not a read");
        assertRefused(CliRun.of("sql", done.toString(), "SELECT 1; DROP TABLE runs"), "2 statements");
        assertFalse(Files.exists(copy) || Files.exists(other), "no file written");
        assertTrue(count(done, "SELECT COUNT(*) FROM metrics") > 0);

        String config = first(CliRun.of("sql", done.toString(), "SELECT config FROM runs ORDER BY run_id LIMIT 1", "--csv").out());
        assertTrue(config.length() > 200, "a long value: " + config);
        CliRun table = CliRun.of("sql", done.toString(), "SELECT cell, config FROM runs ORDER BY run_id");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains(config.replace("\"\"", "\"").replaceAll("^\"|\"$", "")), "the whole value, not cut at 60: " + table.out());
        assertFalse(table.out().contains("~"), table.out());
    }

    private static String first(String csv) {
        return csv.lines().skip(1).findFirst().orElse("");
    }

    @Test
    void aSpecNameThatLeavesRunsIsRefusedAndCreatesNothing() throws Exception {
        Path parent = Path.of("").toAbsolutePath().getParent();
        for (String name : List.of("../overparam-escape-test", "/tmp/overparam-escape-test", "..")) {
            Path bad = tmp.resolve("escape.yaml");
            Files.writeString(bad, TINY.replace("name: misuse", "name: \"" + name + "\""));
            assertRefused(CliRun.of("run", bad.toString(), "--quiet"), bad.toString() + " line 1", "name '" + name + "'", "runs/");
        }
        assertFalse(Files.exists(parent.resolve("overparam-escape-test")) || Files.exists(Path.of("/tmp/overparam-escape-test")));
    }

    @Test
    void exportIntoAFolderThatDoesNotExistIsRefusedAndCreatesNothing() {
        Path missing = tmp.resolve("nowhere/experiment");
        assertRefused(CliRun.of("export", missing.toString()), missing + ": no such folder");
        assertFalse(Files.exists(tmp.resolve("nowhere")));
    }

    @Test
    void emptyYamlDuplicateKeysAndAliasesAreRefusedNamingTheFile() throws Exception {
        String[][] cases = {
            {"empty.yaml", "", "empty spec"},
            {"duplicate.yaml", TINY.replace("  eta: 0.2", "  eta: 0.2\n  eta: 0.3"), "line 9: duplicate key 'eta'"},
            {"alias.yaml", TINY.replace("  eta: 0.2", "  eta: &e 0.2\n  data_seed: *e"), "line 8: YAML anchor '&e' is not supported"},
            {"alias-only.yaml", TINY.replace("  eta: 0.2", "  eta: 0.2\n  data_seed: *e"), "line 9: YAML alias '*e' is not supported"},
        };
        for (String[] c : cases) {
            Path file = tmp.resolve(c[0]);
            Files.writeString(file, c[1]);
            assertRefused(CliRun.of("run", file.toString(), "--out", tmp.resolve("yaml-" + c[0]).toString(), "--quiet"), file.toString(), c[2]);
            assertFalse(Files.exists(tmp.resolve("yaml-" + c[0])), "a refused spec runs nothing");
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(from)) { walk.forEach(all::add); }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) Files.createDirectories(target);
            else Files.copy(p, target);
        }
    }
}
