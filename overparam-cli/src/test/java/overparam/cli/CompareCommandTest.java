package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare on tiny runs and experiments made here through the command line: the config fields that differ, the numbers
 * against values computed from the folders' own metrics.jsonl files, bit-identical runs, verdicts, overlays, refusals.
 */
class CompareCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path tmp;
    static Path a, b, same, wide, ea, eb;

    static final String EA = """
            name: ea
            base: {arch: fc, depth: 2, width: 8, synthetic: sphere, n: 8, d: 3, eta: "0.1", steps: 20, record_every: 5, threads: 1}
            sweep:
              seed: [0, 1, 2]
            checks:
              - name: "the loss falls"
                type: converges
                ratio: 0.9
              - name: "mean final loss"
                type: mean
                y: final_loss
                min: -1000
                max: 1000
            """;
    /** Another eta, a width axis, two seeds; its check of the same name asks the impossible, so it FAILS. */
    static final String EB = """
            name: eb
            base: {arch: fc, depth: 2, synthetic: sphere, n: 8, d: 3, eta: "0.2", steps: 20, record_every: 5, threads: 1}
            sweep:
              width: [8, 16]
              seed: [0, 1]
            checks:
              - name: "the loss falls"
                type: converges
                ratio: 1.0e-30
              - name: "mean final loss"
                type: mean
                y: final_loss
                min: -1000
                max: 1000
            """;

    static String[] train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--arch", "fc", "--depth", "2", "--width", "16", "--synthetic", "sphere", "--n", "8",
                "--d", "3", "--eta", "0.2", "--steps", "20", "--record-every", "5", "--threads", "1", "--out", out.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void makeFolders() throws IOException {
        a = tmp.resolve("a");
        b = tmp.resolve("b");
        same = tmp.resolve("same");
        wide = tmp.resolve("wide");
        assertEquals(0, CliRun.of(train(a)).exit());
        assertEquals(0, CliRun.of(train(b, "--width", "32")).exit());
        assertEquals(0, CliRun.of(train(same)).exit());
        assertEquals(0, CliRun.of(train(wide, "--width", "64")).exit());
        ea = tmp.resolve("ea");
        eb = tmp.resolve("eb");
        Files.writeString(tmp.resolve("ea.yaml"), EA);
        Files.writeString(tmp.resolve("eb.yaml"), EB);
        assertEquals(0, CliRun.of("run", tmp.resolve("ea.yaml").toString(), "--out", ea.toString(), "--quiet").exit());
        assertEquals(1, CliRun.of("run", tmp.resolve("eb.yaml").toString(), "--out", eb.toString(), "--quiet").exit(), "its check fails");
    }

    static CliRun compare(String... args) {
        CliRun r = CliRun.of(concat(new String[] {"compare"}, args));
        assertEquals(0, r.exit(), r.err() + r.out());
        return r;
    }

    static String[] concat(String[] x, String... y) {
        String[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    /** The table printed after a section's heading (its lines up to "(N rows)"). */
    static List<String> section(String out, String heading) {
        List<String> lines = out.lines().toList();
        int start = 0;
        while (!lines.get(start).startsWith(heading)) start++;
        List<String> table = new ArrayList<>();
        for (int i = start + 1; i < lines.size(); i++) {
            table.add(lines.get(i));
            if (lines.get(i).matches("\\(\\d+ rows?\\)") || lines.get(i).startsWith("none")) break;
        }
        return table;
    }

    /** CSV rows by their first columns (metric, or cell and metric), values as written. */
    static Map<String, List<String>> csv(Path file, int keyColumns) throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
            List<String> cells = Arrays.asList(line.split(",", -1));
            rows.put(String.join("|", cells.subList(0, keyColumns)), cells.subList(keyColumns, cells.size()));
        }
        return rows;
    }

    /** The last record of a run folder's metrics.jsonl. */
    static JsonNode lastRecord(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    @Test
    void twoRunsThatDifferInWidthShowExactlyThatFieldAndTheirDifferences() throws IOException {
        CliRun text = compare(a.toString(), b.toString(), "--out", tmp.resolve("ab").toString());
        assertEquals(List.of("field  a   b", "-----  --  --", "width  16  32", "(1 row)"), section(text.out(), "configs that differ"));

        compare(a.toString(), b.toString(), "--csv", "--out", tmp.resolve("ab-csv").toString());
        Map<String, List<String>> metrics = csv(tmp.resolve("ab-csv/metrics.csv"), 1);
        JsonNode endA = lastRecord(a), endB = lastRecord(b);
        Map<String, double[]> expected = Map.of("loss", new double[] {endA.get("loss").asDouble(), endB.get("loss").asDouble()},
                "weight_movement.W1", new double[] {endA.get("weight_movement").get(0).asDouble(), endB.get("weight_movement").get(0).asDouble()},
                "weight_movement.a", new double[] {endA.get("weight_movement").get(2).asDouble(), endB.get("weight_movement").get(2).asDouble()});
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            double x = e.getValue()[0], y = e.getValue()[1];
            assertEquals(List.of("final", Double.toString(x), Double.toString(y), Double.toString(y - x), Double.toString((y - x) / Math.abs(x)),
                    "1", "1", "no"), metrics.get(e.getKey()), e.getKey());
        }
        // the text table lists the same numbers, rounded
        assertTrue(text.out().lines().anyMatch(l -> l.matches("loss\\s+final\\s+\\S+\\s+\\S+\\s+-?[0-9.e+-]+\\s+-?[0-9.e+-]+")), text.out());
    }

    @Test
    void twoRunsWithTheSameConfigAndSeedAreBitIdentical() throws IOException {
        CliRun r = compare(a.toString(), same.toString(), "--out", tmp.resolve("a-same").toString());
        assertEquals(List.of("none: every config field is the same."), section(r.out(), "configs that differ"));
        List<String> listed = section(r.out(), "metrics that differ");
        for (String row : listed.subList(2, listed.size() - 1)) assertTrue(row.matches("\\S+\\s+timing\\s.*"), "only timings differ: " + row);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) of (\\d+) values bit-identical in every folder").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(m.group(2), m.group(1), r.out());
        assertTrue(Integer.parseInt(m.group(1)) > 40, "every instrument's final value and the per-run values: " + r.out());

        compare(a.toString(), same.toString(), "--csv", "--out", tmp.resolve("a-same-csv").toString());
        for (Map.Entry<String, List<String>> row : csv(tmp.resolve("a-same-csv/metrics.csv"), 1).entrySet()) {
            List<String> v = row.getValue();
            if (v.get(0).equals("timing")) continue;
            assertEquals("yes", v.get(v.size() - 1), row.getKey());
            assertEquals(v.get(1), v.get(2), row.getKey());
        }
    }

    @Test
    void twoExperimentsShowTheirSweepsCellsMeansAndVerdicts() throws IOException {
        CliRun r = compare(ea.toString(), eb.toString(), "--metric", "loss", "--out", tmp.resolve("ea-eb").toString());
        List<String> configs = section(r.out(), "configs that differ");
        for (String row : List.of("width\\s+8\\s+swept", "eta\\s+0.1\\s+0.2", "sweep width\\s+\\(not swept\\)\\s+\\[8, 16\\]",
                "sweep seed\\s+\\[0, 1, 2\\]\\s+\\[0, 1\\]", "cell seed=2\\s+finished\\s+absent", "cell width=16,seed=1\\s+absent\\s+finished"))
            assertTrue(configs.stream().anyMatch(l -> l.matches(row)), row + " in\n" + String.join("\n", configs));
        List<String> verdicts = section(r.out(), "verdicts");
        assertTrue(verdicts.stream().anyMatch(l -> l.matches("the loss falls\\s+HOLDS .*\\s+FAILS .*\\s+yes")), String.join("\n", verdicts));
        assertTrue(verdicts.stream().anyMatch(l -> l.matches("mean final loss\\s+HOLDS .*\\s+HOLDS [^\\]]*\\]")), String.join("\n", verdicts));
        assertTrue(r.out().contains("1 of 2 differ"), r.out());

        // width=8 is the one cell both have: ea's mean over seeds 0, 1, 2 against eb's over 0, 1, from the cells' own files
        compare(ea.toString(), eb.toString(), "--metric", "loss", "--csv", "--out", tmp.resolve("ea-eb-csv").toString());
        Map<String, List<String>> metrics = csv(tmp.resolve("ea-eb-csv/metrics.csv"), 2);
        assertEquals(List.of("width=8|loss"), List.copyOf(metrics.keySet()));
        double meanA = (lastLoss(ea, "seed=0") + lastLoss(ea, "seed=1") + lastLoss(ea, "seed=2")) / 3;
        double meanB = (lastLoss(eb, "width=8,seed=0") + lastLoss(eb, "width=8,seed=1")) / 2;
        assertEquals(List.of("final", Double.toString(meanA), Double.toString(meanB), Double.toString(meanB - meanA),
                Double.toString((meanB - meanA) / Math.abs(meanA)), "3", "2", "no"), metrics.get("width=8|loss"));
        String verdictCsv = Files.readString(tmp.resolve("ea-eb-csv/verdicts.csv"));
        assertTrue(verdictCsv.startsWith("check,ea verdict,ea estimate,ea ci_low,ea ci_high,eb verdict,"), verdictCsv);
        Map<String, List<String>> verdictRows = csv(tmp.resolve("ea-eb-csv/verdicts.csv"), 1);
        List<String> falls = verdictRows.get("the loss falls"), mean = verdictRows.get("mean final loss");
        assertEquals(List.of("HOLDS", "FAILS", "yes"), List.of(falls.get(0), falls.get(4), falls.get(8)), verdictCsv);
        assertEquals(List.of("HOLDS", "HOLDS", "no"), List.of(mean.get(0), mean.get(4), mean.get(8)), verdictCsv);
        for (int e = 0; e < 2; e++) {                   // each experiment's estimate and interval as its store has them (sql reads them too)
            CliRun sql = CliRun.of("sql", (e == 0 ? ea : eb).toString(), "SELECT name, estimate, ci_low, ci_high FROM checks", "--csv");
            for (String line : sql.out().lines().skip(1).toList()) {
                String[] stored = line.split(",");
                List<String> row = verdictRows.get(stored[0]);
                for (int k = 1; k <= 3; k++) assertEquals(Double.parseDouble(stored[k]), Double.parseDouble(row.get(4 * e + k)), 1e-12, line);
            }
        }
        assertTrue(Double.parseDouble(verdictRows.get("mean final loss").get(2)) < Double.parseDouble(verdictRows.get("mean final loss").get(1)),
                "a mean's interval is wider than its point");
    }

    static double lastLoss(Path experiment, String cell) throws IOException {
        return lastRecord(experiment.resolve("cells").resolve(cell)).get("loss").asDouble();
    }

    @Test
    void aRunMeetsTheExperimentCellsThatRanItsConfiguration() throws IOException {
        compare(eb.toString(), a.toString(), "--metric", "loss", "--csv", "--out", tmp.resolve("eb-a").toString());
        Map<String, List<String>> metrics = csv(tmp.resolve("eb-a/metrics.csv"), 2);
        assertEquals(List.of("width=16|loss"), List.copyOf(metrics.keySet()), "a has width 16");
        double mean = (lastLoss(eb, "width=16,seed=0") + lastLoss(eb, "width=16,seed=1")) / 2;
        assertEquals(Double.toString(mean), metrics.get("width=16|loss").get(1));
        assertEquals(Double.toString(lastRecord(a).get("loss").asDouble()), metrics.get("width=16|loss").get(2));
        // the cell that ran a's exact configuration holds a's very numbers
        CliRun same = compare(eb.resolve("cells/width=16,seed=0").toString(), a.toString(), "--out", tmp.resolve("cell-a").toString());
        assertTrue(same.out().contains("none: every config field is the same."), same.out());
        assertFalse(section(same.out(), "metrics that differ").stream().anyMatch(l -> l.matches("\\S+\\s+(final|per run)\\s.*")), same.out());
    }

    @Test
    void theOverlayNamesEveryFolderInItsLegend() throws IOException {
        Path out = tmp.resolve("overlay");
        CliRun r = compare(ea.toString(), eb.toString(), ea.resolve("cells/seed=0").toString(), "--metric", "loss", "--out", out.toString());
        assertTrue(r.out().contains("wrote " + out.resolve("loss.svg")), r.out());
        String svg = Files.readString(out.resolve("loss.svg"));
        for (String legend : List.of(">ea width=8 (mean of 3 seeds, 95% t-interval)<", ">eb width=8 (mean of 2 seeds, 95% t-interval)<", ">seed=0 width=8<"))
            assertTrue(svg.contains(legend), legend);
        assertFalse(svg.contains("eb width=16"), "the run has width 8: the overlay shows the one shared cell");
        BufferedImage png = ImageIO.read(out.resolve("loss.png").toFile());
        assertEquals(overparam.lab.report.FigureFiles.PNG_WIDTH, png.getWidth());
        assertEquals(overparam.lab.report.FigureFiles.PNG_HEIGHT, png.getHeight());
        assertTrue(Files.size(out.resolve("loss.pdf")) > 0, "the PDF beside the PNG and SVG");
        assertTrue(Files.readString(out.resolve("loss.caption.txt")).startsWith("loss against the step: ea, eb, seed=0."));
    }

    @Test
    void refusals() throws IOException {
        Path none = Files.createDirectories(tmp.resolve("nothing-here"));
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("keep.txt"), "x");
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of(a.toString()), "got 1 folder (" + a + "); compare needs two or more");
        cases.put(List.of(), "got 0 folders; compare needs two or more");
        cases.put(List.of(a.toString(), none.toString()), none + ": neither an experiment's folder");
        cases.put(List.of(a.toString(), b.toString(), "--metric", "los"), "--metric los: not a metric or per-run value of every folder compared;"
                + " they share arora_bound, elapsed_seconds, eta,");
        cases.put(List.of(eb.toString(), wide.toString()), "eb, wide: no condition is in every folder, so nothing is shared to compare (eb: width=8; width=16 | wide: width=64)");
        cases.put(List.of(a.toString(), b.toString(), "--out", used.toString()), "--out " + used + ": already holds files");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            Path out = tmp.resolve("refused");
            List<String> args = new ArrayList<>(List.of("compare"));
            args.addAll(c.getKey());
            if (!c.getKey().contains("--out")) args.addAll(List.of("--out", out.toString()));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, r.exit(), args + ": " + r.err());
            assertEquals(1, r.errorLines(), r.err());
            assertTrue(r.err().startsWith("compare: " + c.getValue()), args + ": " + r.err());
            assertEquals("", r.out(), "nothing printed before the refusal");
            assertFalse(Files.exists(out), "nothing written");
        }
        assertEquals(List.of("keep.txt"), Files.list(used).map(p -> p.getFileName().toString()).toList());
    }
}
