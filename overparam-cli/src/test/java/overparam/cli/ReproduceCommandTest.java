package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;
import overparam.lab.plan.RunConfig;
import overparam.lab.reproduce.Sha256;
import overparam.lab.reproduce.ShellWords;

/**
 * A run folder redoes and checks itself: reproduce.sh (executed by bash, with the launcher it names replaced through its
 * OVERPARAM variable by a script that runs this test's own classes, so that the test needs no packaged build) gives the
 * same bits; verify says bit-identical on an intact folder, names the first difference in a tampered one (exit 1) and
 * refuses changed data (exit 2); provenance and the command log are recorded.
 */
class ReproduceCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path tmp;
    static Path x, y, run;
    static String[] args;

    @BeforeAll
    static void trainOnce() {
        x = tmp.resolve("inputs/X.npy");
        y = tmp.resolve("inputs/y.npy");
        try (Matrix xs = Matrix.zeros(10, 3); Matrix ys = Matrix.vector(10)) {
            for (int i = 0; i < 10; i++) {
                for (int j = 0; j < 3; j++) xs.set(i, j, Math.sin(1.7 * i + j));
                ys.set(i, Math.cos(i));
            }
            assertTrue(x.getParent().toFile().mkdirs());
            Npy.write(x, xs);
            Npy.write(y, ys);
        }
        run = tmp.resolve("run");
        args = tiny(run);
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exit(), r.err());
    }

    static String[] tiny(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--arch", "fc", "--depth", "2", "--width", "16", "--data", x.toString(), "--labels", y.toString(),
                "--eta", "0.05", "--steps", "12", "--record-every", "4", "--threads", "1", "--quiet", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void reproduceShRedoesTheRunBitForBitFromAnotherFolder() throws Exception {
        Path script = run.resolve("reproduce.sh");
        assertTrue(Files.getPosixFilePermissions(script).contains(PosixFilePermission.OWNER_EXECUTE));
        List<String> lines = Files.readAllLines(script);
        assertEquals("#!/usr/bin/env bash", lines.get(0));
        assertTrue(lines.get(1).startsWith("# Redoes this run bit for bit"), lines.get(1));
        Path again = tmp.resolve("again"), elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Process p = withLauncher(new ProcessBuilder("bash", script.toString(), again.toString())).directory(elsewhere.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals(-1, Files.mismatch(run.resolve("weights_final.npz"), again.resolve("weights_final.npz")), "weights_final.npz differs");
        assertEquals(-1, Files.mismatch(run.resolve("weights_init.npz"), again.resolve("weights_init.npz")), "weights_init.npz differs");
        assertEquals(withoutClock(run), withoutClock(again));
        JsonNode data = JSON.readTree(again.resolve("summary.json").toFile()).get("data");
        assertEquals(run.resolve("data/X.npy").toAbsolutePath().normalize().toString(), data.get("files").get(0).get("absolute").asText(),
                "the reproduction reads the run's copy of X");
    }

    /** The launcher reproduce.sh runs is overridden (OVERPARAM) by one running this JVM's classes. */
    static ProcessBuilder withLauncher(ProcessBuilder b) throws IOException {
        Path launcher = tmp.resolve("launcher.sh");
        if (!Files.exists(launcher)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Files.writeString(launcher, "#!/usr/bin/env bash\nexec " + ShellWords.join(List.of(java, "-Xss4m", "-Dorg.bytedeco.openblas.load=",
                    "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", tmp.resolve("javacpp").toString()),
                    "-cp", System.getProperty("java.class.path"), "overparam.cli.Main")) + " \"$@\"\n");
            assertTrue(launcher.toFile().setExecutable(true));
        }
        b.environment().put("OVERPARAM", launcher.toString());
        return b;
    }

    static List<String> withoutClock(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("metrics.jsonl")).stream().map(l -> l.replaceAll(",\"elapsed_seconds\":[0-9.Ee-]+", "")).toList();
    }

    @Test
    void weightsInitIsTheInitializationEvenWhenAStartPhaseMovesTheNetwork() throws IOException {
        Path moved = tmp.resolve("gd-start"), still = tmp.resolve("steps0");
        assertEquals(0, CliRun.of(tiny(moved, "--gd-start", "3")).exit());
        assertEquals(0, CliRun.of(tiny(still, "--steps", "0")).exit());
        assertEquals(-1, Files.mismatch(run.resolve("weights_init.npz"), moved.resolve("weights_init.npz")), "same seed, same initialization");
        assertEquals(-1, Files.mismatch(still.resolve("weights_init.npz"), still.resolve("weights_final.npz")), "0 steps end where they start");
        assertNotEquals(-1, Files.mismatch(run.resolve("weights_init.npz"), run.resolve("weights_final.npz")), "12 steps move the weights");
        Map<String, NdArray> init = Npz.read(run.resolve("weights_init.npz")), fin = Npz.read(run.resolve("weights_final.npz"));
        assertEquals(List.copyOf(fin.keySet()), List.copyOf(init.keySet()));
        init.values().forEach(a -> a.data().close());
        fin.values().forEach(a -> a.data().close());
    }

    @Test
    void verifySaysBitIdenticalOnAnIntactFolder() {
        CliRun r = CliRun.of("verify", run.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().startsWith("bit-identical: "), r.out());
    }

    @Test
    void verifyNamesTheFirstDifferenceOfTamperedWeights() throws IOException {
        Path copy = copyOf(run, "tampered-weights");
        Map<String, NdArray> w = Npz.read(copy.resolve("weights_final.npz"));
        double before = w.get("W2").data().get(3, 5);
        w.get("W2").data().set(3, 5, Math.nextUp(before));                          // one ulp
        Npz.write(copy.resolve("weights_final.npz"), w);
        w.values().forEach(a -> a.data().close());
        CliRun r = CliRun.of("verify", copy.toString());
        assertEquals(1, r.exit(), r.err() + r.out());
        assertTrue(r.out().startsWith("differs: weights_final.npz[W2] at (3, 5): " + Math.nextUp(before) + " (original) vs " + before + " (rerun)"), r.out());
        deleteKeptRerun(r.out());
    }

    @Test
    void verifyNamesTheFirstDifferenceOfTamperedMetrics() throws IOException {
        Path copy = copyOf(run, "tampered-metrics");
        List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve("metrics.jsonl")));
        ObjectNode step8 = (ObjectNode) JSON.readTree(lines.get(2));
        assertEquals(8, step8.get("step").asInt());
        double loss = step8.get("loss").asDouble();
        step8.put("loss", 2 * loss);
        lines.set(2, JSON.writeValueAsString(step8));
        Files.write(copy.resolve("metrics.jsonl"), lines);
        CliRun r = CliRun.of("verify", copy.toString());
        assertEquals(1, r.exit(), r.err() + r.out());
        assertTrue(r.out().startsWith("differs: metrics.jsonl step 8, loss: " + 2 * loss + " (original) vs " + loss + " (rerun)"), r.out());
        deleteKeptRerun(r.out());
    }

    @Test
    void verifyRefusesADataFileThatChangedAndAFolderThatIsNoRun() throws IOException {
        Path copy = copyOf(run, "changed-data");
        NdArray xs = Npy.read(copy.resolve("data/X.npy"));
        xs.data().set(0, 0, xs.data().get(0, 0) + 1e-9);
        Npy.write(copy.resolve("data/X.npy"), xs.data());
        xs.data().close();
        CliRun r = CliRun.of("verify", copy.toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().contains("X.npy: its SHA-256 ") && r.err().contains("differs from the"), r.err());
        CliRun none = CliRun.of("verify", tmp.resolve("inputs").toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("not a run folder"), none.err());
    }

    @Test
    void theSummaryRecordsProvenanceAndWhatTheRunRead() throws IOException {
        JsonNode s = JSON.readTree(run.resolve("summary.json").toFile());
        JsonNode p = s.get("provenance");
        assertEquals("./overparam " + ShellWords.join(List.of(args)), p.get("command").asText());
        assertTrue(p.get("git_commit").asText().matches("[0-9a-f]{40}|unknown"), p.toString());
        assertEquals(Runtime.getRuntime().availableProcessors(), p.get("machine").get("cores").asInt());
        assertFalse(p.get("machine").get("cpu").asText().isBlank());
        Instant date = Instant.parse(p.get("date").asText()), end = Instant.parse(p.get("finished_at").asText());
        assertEquals(java.time.Duration.between(date, end).toNanos() / 1e9, p.get("elapsed_seconds").asDouble(), 1e-9);
        assertTrue(p.get("elapsed_seconds").asDouble() > 0);
        JsonNode files = s.get("data").get("files");
        assertEquals(2, files.size());
        assertEquals("data/X.npy", files.get(0).get("copy").asText());
        assertEquals(Sha256.ofFile(x), files.get(0).get("sha256").asText());
        assertEquals(Sha256.ofFile(y), files.get(1).get("sha256").asText());
        assertEquals(-1, Files.mismatch(x, run.resolve("data/X.npy")));
        NdArray xs = Npy.read(x);
        assertEquals(Sha256.ofMatrix(xs.data()), s.get("data").get("sha256").get("train_x").asText(), "the matrix trained on is X as read");
        xs.data().close();
        assertEquals(RunConfig.read(run.resolve("config.json")), RunConfig.read(run.resolve("config.json")).withDefaults(),
                "config.json is the resolved configuration");
    }

    @Test
    void reproduceShCanWriteEveryConfigurationFieldAsATrainOption() {
        CommandLine.Model.CommandSpec train = new CommandLine(new Main()).getSubcommands().get("train").getCommandSpec();
        for (String field : RunConfig.fieldNames())
            assertTrue(train.findOption("--" + field.replace('_', '-')) != null, "train has no option for config field " + field);
        CommandLine cli = new CommandLine(new Main());
        CommandLine.ParseResult parsed = cli.parseArgs("train", "--dump-gram=false", "--normalized=true", "--fixup-scalars=false", "--kernel-predict=false",
                "--unit-norm=true", "--out=x");
        CommandLine.ParseResult sub = parsed.subcommand();
        assertEquals(false, sub.matchedOptionValue("--dump-gram", null));
        assertEquals(true, sub.matchedOptionValue("--normalized", null));
        assertEquals(true, new CommandLine(new Main()).parseArgs("train", "--dump-gram", "--out", "x").subcommand().matchedOptionValue("--dump-gram", null),
                "a flag without a value still means true");
    }

    @Test
    void reportAppendsToTheCommandLogAndTheStoreKeepsTheRunsProvenance() throws Exception {
        Path spec = tmp.resolve("tiny.yaml"), out = tmp.resolve("tiny-run");
        Files.writeString(spec, ExperimentCommandsTest.SPEC);
        CliRun first = CliRun.of("run", spec.toString(), "--out", out.toString(), "--quiet");
        assertTrue(first.exit() <= 1, first.err());
        String runCommand = "./overparam run " + ShellWords.join(List.of(spec.toString(), "--out", out.toString(), "--quiet"));
        assertEquals(0, CliRun.of("verify", out.resolve("cells/width=32,seed=1").toString()).exit(), "verify works on a cell folder");
        for (int i = 0; i < 2; i++) assertTrue(CliRun.of("report", out.toString()).exit() <= 1);
        List<String> log = Files.readAllLines(out.resolve("commands.log"));
        String report = "./overparam report " + ShellWords.quote(out.toString());
        assertEquals(List.of(runCommand, report, report), log.stream().map(l -> l.substring(l.indexOf("  ") + 2)).toList());
        for (String line : log) Instant.parse(line.substring(0, line.indexOf("  ")));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<dt>Command</dt><dd><code>" + runCommand + "</code>"), "the command that computed the results stays");
        assertEquals(3, html.split("<li><code>", -1).length - 1, "the report lists the whole log");
        assertTrue(html.contains("<ul id=\"provenance\""), "the report names the lab, commit and machine");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + out.resolve("results.sqlite"));
             Statement st = db.createStatement();
             ResultSet r = st.executeQuery("SELECT command, git_commit, cores, elapsed_seconds FROM provenance")) {
            assertTrue(r.next());
            assertEquals(runCommand, r.getString(1));
            assertTrue(r.getString(2).matches("[0-9a-f]{40}|unknown"));
            assertEquals(Runtime.getRuntime().availableProcessors(), r.getInt(3));
            assertTrue(r.getDouble(4) > 0);
            assertFalse(r.next(), "report adds no provenance row: it computes no results");
        }
    }

    /** verify keeps a differing rerun for a look ("the rerun is kept in DIR for a look"): the test removes it. */
    static void deleteKeptRerun(String out) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("the rerun is kept in (.*)/run for a look").matcher(out);
        assertTrue(m.find(), out);
        try (Stream<Path> all = Files.walk(Path.of(m.group(1)))) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    static Path copyOf(Path from, String name) throws IOException {
        Path to = tmp.resolve(name);
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return to;
    }
}
