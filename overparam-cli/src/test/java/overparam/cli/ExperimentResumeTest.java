package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety for real: a child JVM runs a sweep and is killed with SIGKILL mid-sweep (twice); --resume finishes
 * it. Finished cells are neither lost nor recomputed, the cells in flight are redone, the store stays intact.
 */
class ExperimentResumeTest {
    @TempDir Path tmp;

    static final String SPEC = """
            name: resume-test
            title: "Resume after kill -9"
            base:
              arch: two-layer
              activation: relu
              synthetic: sphere
              n: 8
              d: 4
              eta: 0.2
              steps: 600
              record_every: 50
              instruments: gram,movement
            sweep:
              width: [64, 128, 256, 512, 1024, 2048]
              seed: [0, 1, 2]
            checks:
              - name: every cell converges
                type: converges
                ratio: 0.5
            """;

    @Test
    void killedTwiceMidSweepThenResumedEveryCellOnce() throws Exception {
        Path spec = tmp.resolve("resume.yaml"), out = tmp.resolve("run");
        Files.writeString(spec, SPEC);
        Map<String, String> before = killWhenDone(spec, out, 4, false);
        Map<String, String> later = killWhenDone(spec, out, before.size() + 4, true);
        for (var e : before.entrySet()) assertEquals(e.getValue(), later.get(e.getKey()), "cell " + e.getKey() + " was recomputed");
        CliRun resumed = CliRun.of("run", spec.toString(), "--out", out.toString(), "--resume", "--quiet");
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        Map<String, String> after = finished(out);
        assertEquals(18, after.size(), "every cell, once");
        for (var e : later.entrySet()) assertEquals(e.getValue(), after.get(e.getKey()), "cell " + e.getKey() + " was recomputed");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out.resolve("results.sqlite")); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) { r.next(); assertEquals("ok", r.getString(1)); }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM runs WHERE status <> 'done'")) { r.next(); assertEquals(0, r.getInt(1)); }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM metrics WHERE run_id NOT IN (SELECT run_id FROM runs)")) {
                r.next(); assertEquals(0, r.getInt(1), "no metrics of a forgotten attempt survive");
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(DISTINCT run_id) FROM metrics WHERE name = 'loss'")) { r.next(); assertEquals(18, r.getInt(1)); }
        }
        ObjectMapper json = new ObjectMapper();
        try (var cells = Files.list(out.resolve("cells"))) {
            List<Path> dirs = cells.toList();
            assertEquals(18, dirs.size());
            for (Path d : dirs) assertEquals("done", json.readTree(d.resolve("summary.json").toFile()).get("status").asText(), d.toString());
        }
        assertTrue(Files.exists(out.resolve("report.html")));
    }

    /** Starts (or resumes) the sweep in a child JVM, kills it with SIGKILL once `target` cells are done; returns cell -> run_id|started_at. */
    private Map<String, String> killWhenDone(Path spec, Path out, int target, boolean resume) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        // the child unpacks nothing anew: it uses this JVM's native cache (the build's, under target/) when one is set
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) command.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        command.addAll(List.of("overparam.cli.Main", "run", spec.toString(), "--out", out.toString(), "--quiet"));
        if (resume) command.add("--resume");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("child" + target + ".log").toFile()).start();
        // wait for progress, not for a deadline: a busy machine makes cells slower, a hung child makes none finish
        int seen = -1;
        long lastProgress = System.nanoTime();
        while (child.isAlive()) {
            int done = Files.exists(out.resolve("results.sqlite")) ? finished(out).size() : 0;
            if (done >= target) break;
            if (done > seen) { seen = done; lastProgress = System.nanoTime(); }
            assertTrue(System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(300),
                    "no cell finished in 300 s after " + done + ": the child hangs. Log: " + Files.readString(tmp.resolve("child" + target + ".log")));
            Thread.sleep(20);
        }
        assertTrue(child.isAlive(), "the child finished before it could be killed; make its cells slower. Log: "
                + Files.readString(tmp.resolve("child" + target + ".log")));
        child.destroyForcibly();                                     // SIGKILL: no shutdown hook, no cleanup
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        Map<String, String> done = finished(out);
        assertTrue(done.size() >= target && done.size() < 18, "killed mid-sweep: " + done.size() + " of 18 done");
        return done;
    }

    static Map<String, String> finished(Path out) throws Exception {
        Map<String, String> m = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + out.resolve("results.sqlite") + "?mode=ro");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT cell, run_id, started_at FROM runs WHERE status = 'done'")) {
            while (r.next()) m.put(r.getString(1), r.getLong(2) + "|" + r.getString(3));
        } catch (java.sql.SQLException e) {
            if (!String.valueOf(e.getMessage()).contains("no such table")) throw e;
        }
        return m;
    }
}
