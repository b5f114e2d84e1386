package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run, catalog, sql, export and report on one small experiment; a failing check makes run exit 1. */
class ExperimentCommandsTest {
    @TempDir static Path tmp;
    static Path out;
    static CliRun first;

    static final String SPEC = """
            name: tiny
            title: "A tiny sweep"
            paper: "none"
            claim: "the loss falls; and a check made to fail"
            base:
              arch: two-layer
              activation: relu
              synthetic: sphere
              data_seed: 0
              n: 6
              d: 3
              eta: 0.2
              steps: 50
              record_every: 10
            sweep:
              width: [32, 128]
              seed: [0, 1]
            figures:
              - type: curves
                title: "loss"
                y: loss
                group: width
                log_y: true
            checks:
              - name: "the loss falls"
                type: converges
                ratio: 0.9
              - name: "made to fail: the loss reaches 1e-30 of its start"
                type: converges
                ratio: 1.0e-30
              - name: "no evidence: width 64 was not run"
                type: compare
                y: final_loss
                group: width
                first: "64"
                second: "32"
            """;

    @BeforeAll
    static void runOnce() throws Exception {
        Path spec = tmp.resolve("tiny.yaml");
        Files.writeString(spec, SPEC);
        out = tmp.resolve("tiny-run");
        first = CliRun.of("run", spec.toString(), "--out", out.toString(), "--quiet");
    }

    @Test
    void runPrintsVerdictsAndExitsOneWhenACheckFails() {
        assertEquals(1, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("HOLDS  the loss falls"), first.out());
        assertTrue(first.out().contains("FAILS  made to fail"), first.out());
        assertTrue(first.out().contains("INCONCLUSIVE  no evidence: width 64 was not run"), first.out());
        assertTrue(first.out().contains("report: " + out.resolve("report.html")), first.out());
        assertTrue(first.out().contains("wrote " + out + ": results.sqlite (the store), report.html, cells/ ("), first.out());
        assertTrue(Files.exists(out.resolve("results.sqlite")) && Files.exists(out.resolve("report.html")));
    }

    @Test
    void sqlAndExport() throws Exception {
        CliRun table = CliRun.of("sql", out.toString(), "SELECT cell, status FROM runs ORDER BY cell");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("width=128,seed=0") && table.out().contains("(4 rows)"), table.out());
        CliRun csv = CliRun.of("sql", out.toString(), "SELECT name, verdict FROM checks ORDER BY name", "--csv");
        assertTrue(csv.out().startsWith("name,verdict"), csv.out());
        assertTrue(csv.out().contains("made to fail: the loss reaches 1e-30 of its start,FAILS"), csv.out());
        CliRun numbers = CliRun.of("sql", out.toString(), "SELECT name, verdict, estimate IS NOT NULL, ci_low <= estimate AND estimate <= ci_high,"
                + " cells_used, cells_expected, seeds_needed IS NULL FROM checks ORDER BY name", "--csv");
        assertTrue(numbers.out().contains("the loss falls,HOLDS,1,1,4,4,1"), numbers.out());
        assertTrue(numbers.out().contains("no evidence: width 64 was not run,INCONCLUSIVE,0,,2,2,1"), numbers.out());
        CliRun export = CliRun.of("export", out.toString(), "--format", "csv");
        assertEquals(0, export.exit(), export.err());
        for (String t : new String[] {"experiment", "runs", "metrics", "run_values", "checks"})
            assertTrue(Files.size(out.resolve("export").resolve(t + ".csv")) > 0, t);
        String metrics = Files.readString(out.resolve("export/metrics.csv"));
        assertTrue(metrics.startsWith("run_id,step,name,value") && metrics.contains(",loss,"));
    }

    @Test
    void reportRewritesThePageFromTheStore() throws Exception {
        Files.delete(out.resolve("report.html"));
        CliRun r = CliRun.of("report", out.toString());
        assertEquals(1, r.exit());
        assertTrue(Files.readString(out.resolve("report.html")).contains("A tiny sweep"));
    }

    @Test
    void catalogListsTheBuiltInExperiments() {
        CliRun c = CliRun.of("catalog");
        assertEquals(0, c.exit());
        for (String name : new String[] {"du2019-depth", "du2019-width", "du2018-two-layer", "width-threshold", "random-labels", "cs260-prelu",
                "cs260-identity", "cs260-zero-init", "cs260-teacher-student", "sgd-ridge", "kernel-vs-rich", "linear-acceleration", "balancedness",
                "margin-maximization", "matrix-sensing", "linear-convergence"}) assertTrue(c.out().contains(name), name);
        assertTrue(CliRun.of("catalog", "--show", "du2019-depth").out().contains("sweep:"));
    }

    @Test
    void refusals() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, SPEC.replace("  eta: 0.2", "  eta: 0.2\n  wdith: 3"));
        CliRun r = CliRun.of("run", bad.toString(), "--out", tmp.resolve("bad-run").toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.errorLines(), r.err());
        assertTrue(r.err().contains("line 13") && r.err().contains("'wdith'"), r.err());
        assertFalse(Files.exists(tmp.resolve("bad-run")), "a refused spec runs nothing");
        CliRun again = CliRun.of("run", tmp.resolve("tiny.yaml").toString(), "--out", out.toString(), "--quiet");
        assertEquals(2, again.exit(), "an existing experiment is not overwritten without --resume");
        assertTrue(again.err().contains("--resume"), again.err());
        assertEquals(2, CliRun.of("run", "no-such-experiment").exit());
        CliRun query = CliRun.of("sql", out.toString(), "SELECT width FROM nowhere");
        assertEquals(2, query.exit());
        assertEquals(1, query.errorLines(), query.err());
        assertTrue(query.err().contains("nowhere") && query.err().contains("runs(run_id"), "names the fault and the columns: " + query.err());
        assertEquals(2, CliRun.of("sql", tmp.resolve("empty").toString(), "SELECT 1").exit());
    }
}
