package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import overparam.bench.Bench;
import overparam.lab.experiment.Catalog;
import overparam.lab.experiment.SpecParser;

/**
 * Help that works when pasted (issue 14, part 4): every --help ends with an "Examples:" block, and every example in it
 * runs as printed. An example is a line of that block starting with "./overparam " (after its indentation); a line
 * starting with "#" is a comment about the example under it. Each help text's examples run in order, in-process
 * ({@link CliRun}), in a fresh temporary folder, and each must exit 0 and leave the files it promises.
 *
 * <p>What the test changes, and nothing else:
 * <ol>
 * <li>Paths. A test cannot change the JVM's working folder, so every argument that names a file or folder of the example
 *     (a relative path starting with runs/, or ending in .npy, .npz, .yaml or .yml) is resolved against the temporary
 *     folder, and `run NAME` without --out gets --out TMP/runs/NAME (its default folder, runs/NAME).</li>
 * <li>Shell: `> FILE` writes the command's standard output to FILE; quotes '...' and "..." group words. Anything else
 *     a shell would interpret (a backslash, $, `, |, ;, &amp;, &lt;) fails the test: an example is one plain command.</li>
 * <li>Reduced size, only for an example whose comment line says "slow": train's --steps K becomes min(K, 20) and
 *     --width M min(M, 64), and train or kernel with --data fashion-mnist gets --per-class 20 --test-per-class 10 (the help says a
 *     smaller --steps, --width or --per-class is fine); run's spec (the catalogue entry's or the file's) gets
 *     steps: min(K, 10) and record_every: min(R, 5) in its base. Such a run may end with a check that fails at 10
 *     steps, so run (and report after it) may exit 1, a verdict, but never 2 or 3. The fashion-mnist example is
 *     skipped, with a message, where ./overparam setup has not installed the data.</li>
 * <li>Reuse: a train or run example that an earlier help text already ran, line for line (run du2019-depth appears in
 *     five, the first train example in two), is copied from that run's folder instead of being trained again.</li>
 * </ol>
 * The launcher's own commands cannot run in-process: setup's examples must use only flags that scripts/setup-data.sh
 * accepts (its help text is read by running the script with --help, which does nothing else), and bench's examples must be
 * accepted by {@link Bench#parse}; bench's examples are NOT run here (each takes minutes and loads the machine).
 */
class HelpExamplesTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();     // surefire runs in overparam-cli/
    static final int STEPS = 20, WIDTH = 64, PER_CLASS = 20, TEST_PER_CLASS = 10, RUN_STEPS = 10, RUN_RECORD_EVERY = 5;
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir static Path tmp;
    static final Map<String, Path> ran = new HashMap<>();            // rule 4: an example's line -> the folder it wrote
    static final List<Path> reducedRuns = new ArrayList<>();
    static long started;

    @BeforeAll static void clock() { started = System.nanoTime(); }

    @AfterAll static void time() {
        System.out.printf("HelpExamplesTest: %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** The program's help texts: the top level ("") and every subcommand, found from Main (a new command is included). */
    static Stream<String> commands() {
        List<String> names = new ArrayList<>(List.of(""));
        names.addAll(new CommandLine(new Main()).getSubcommands().keySet());
        return names.stream();
    }

    static String help(String command) {
        CliRun r = command.isEmpty() ? CliRun.of("--help") : CliRun.of(command, "--help");
        assertEquals(0, r.exit(), r.err());
        // picocli formats descriptions with String.format: a bare '%' (e.g. "95% interval") is printed raw with a warning
        assertFalse(r.err().contains("[picocli WARN]"), (command.isEmpty() ? "overparam" : command) + " --help: write % as %% in a description:\n" + r.err());
        return r.out();
    }

    record Example(String line, boolean slow) {}

    /** The examples of a help text, after checking that it ends with them and that each is one line. */
    static List<Example> examples(String name, String help) {
        List<String> lines = help.lines().toList();
        int heading = lines.lastIndexOf("Examples:");
        assertTrue(heading >= 0, name + ": no Examples: heading in\n" + help);
        List<Example> found = new ArrayList<>();
        boolean slow = false;
        for (String raw : lines.subList(heading + 1, lines.size())) {
            String line = raw.strip();
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {
                slow = line.contains("slow");
                continue;
            }
            assertTrue(line.startsWith("./overparam "), name + ": the Examples block ends the help, and this line is neither an example nor a"
                    + " # comment (a wrapped example?): '" + raw + "'");
            assertFalse(line.endsWith("\\"), name + ": a continuation does not paste: " + line);
            found.add(new Example(line, slow));
            slow = false;
        }
        assertFalse(found.isEmpty(), name + ": the Examples block has no example");
        return found;
    }

    @ParameterizedTest(name = "./overparam {0} --help")
    @MethodSource("commands")
    void everyExampleRunsAsPrinted(String command) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(command.isEmpty() ? "top" : command));
        for (Example e : examples(command.isEmpty() ? "overparam" : command, help(command))) runExample(e, dir);
    }

    static void runExample(Example e, Path dir) throws IOException {
        List<String> args = words(e.line());
        assertEquals("./overparam", args.remove(0));
        Path redirect = null;
        int arrow = args.indexOf(">");
        if (arrow >= 0) {
            assertEquals(arrow + 2, args.size(), e.line() + ": > FILE ends the command");
            redirect = dir.resolve(args.get(arrow + 1));
            args = new ArrayList<>(args.subList(0, arrow));
        }
        for (int i = 0; i < args.size(); i++) if (isPath(args.get(i))) args.set(i, dir.resolve(args.get(i)).toString());
        String command = args.get(0);
        if (command.equals("run") && !args.contains("--out")) args.addAll(List.of("--out", dir.resolve("runs").resolve(args.get(1)).toString()));
        if (e.slow()) reduce(args);
        if (args.contains("fashion-mnist") && !Files.isDirectory(FASHION_MNIST)) {
            System.out.println("  skipped (Fashion-MNIST is not installed; ./overparam setup installs it): " + e.line());
            return;
        }

        boolean verdicts = command.equals("run") && e.slow() || command.equals("report") && reducedRunIn(args);
        String key = e.line() + "|" + e.slow();
        boolean reusable = (command.equals("run") || command.equals("train")) && args.contains("--out") && !args.contains("--resume");
        CliRun r;
        if (reusable && ran.containsKey(key)) {
            copy(ran.get(key), Path.of(value(args, "--out")));
            r = new CliRun(0, "", "");
        } else {
            long t0 = System.nanoTime();
            r = CliRun.of(args.toArray(String[]::new));
            System.out.printf("  %5.1f s  %s%n", (System.nanoTime() - t0) / 1e9, e.line());
            if (reusable && r.exit() <= 1) ran.put(key, Path.of(value(args, "--out")));
        }
        if (command.equals("run") && e.slow()) reducedRuns.add(Path.of(value(args, "--out")));
        if (verdicts) assertTrue(r.exit() == 0 || r.exit() == 1, e.line() + " (reduced) exited " + r.exit() + ": " + r.err() + r.out());
        else assertEquals(0, r.exit(), e.line() + ": " + r.err() + r.out());
        if (redirect != null) Files.writeString(redirect, r.out(), StandardCharsets.UTF_8);
        promised(command, args, r, redirect, e.line());
    }

    /** The files (or output) that the help text says each command leaves. */
    static void promised(String command, List<String> args, CliRun r, Path redirect, String line) throws IOException {
        if (args.contains("--help")) {
            assertTrue(r.out().contains("Usage:"), line);
            return;
        }
        switch (command) {
            case "train" -> {
                Path out = Path.of(value(args, "--out"));
                List<String> files = new ArrayList<>(List.of("summary.json", "metrics.jsonl", "weights_init.npz", "weights_final.npz", "config.json",
                        "reproduce.sh"));
                if (args.contains("--dump-gram")) files.addAll(List.of("gram_step0.npy", "ntk_step0.npy"));
                for (String f : files) assertTrue(Files.size(out.resolve(f)) > 0, line + ": no " + f);
            }
            case "kernel" -> assertTrue(args.contains("--predict") ? Files.isRegularFile(Path.of(value(args, "--out")).resolve("summary.json"))
                    : Files.size(Path.of(value(args, "--out"))) > 0, line);
            case "run" -> {
                Path out = Path.of(value(args, "--out"));
                for (String f : List.of("results.sqlite", "report.html")) assertTrue(Files.size(out.resolve(f)) > 0, line + ": no " + f);
            }
            case "report" -> {
                assertTrue(Files.size(Path.of(args.get(1)).resolve("report.html")) > 0, line);
                if (args.contains("--latex")) assertTrue(Files.size(Path.of(args.get(1)).resolve("verdicts.tex")) > 0, line + ": no verdicts.tex");
            }
            case "plot" -> {
                List<String> written = r.out().lines().toList();
                assertEquals(4, written.size(), line + ": prints the PNG, SVG, PDF and caption paths:\n" + r.out());
                for (String f : written) assertTrue(Files.size(Path.of(f)) > 0, line + ": empty " + f);
            }
            case "export" -> {
                for (String t : List.of("runs", "metrics", "checks"))
                    assertTrue(Files.size(Path.of(args.get(1)).resolve("export").resolve(t + ".csv")) > 0, line + ": no " + t + ".csv");
            }
            case "compare" -> {
                Path out = Path.of(value(args, "--out"));
                assertTrue(r.out().contains("configs that differ") && Files.size(out.resolve("loss.svg")) > 0 && Files.size(out.resolve("loss.png")) > 0,
                        line + ":\n" + r.out());
            }
            case "sql" -> assertTrue(args.contains("--csv") ? r.out().lines().count() >= 2 : !r.out().contains("(0 rows)"),
                    line + ": no rows:\n" + r.out());
            case "catalog" -> {
                if (args.contains("--show")) SpecParser.parse(redirect == null ? r.out() : Files.readString(redirect), line);
                else assertTrue(r.out().contains(Catalog.names().get(0)), line);
            }
            case "help" -> assertTrue(r.out().contains("Usage:"), line);
            case "verify" -> assertTrue(r.out().startsWith("bit-identical: "), line + ": " + r.out());
            default -> fail(line + ": the test does not know what " + command + " promises; add it to promised()");
        }
    }

    static String value(List<String> args, String option) {
        int i = args.indexOf(option);
        assertTrue(i >= 0 && i + 1 < args.size(), option + " missing in " + args);
        return args.get(i + 1);
    }

    /** A path the example reads or writes, relative to where it is pasted. */
    static boolean isPath(String arg) {
        return !arg.startsWith("-") && !arg.startsWith("/") && (arg.startsWith("runs/") || arg.matches("[\\w./-]+\\.(npy|npz|yaml|yml)"));
    }

    /** Rule 3 of the class comment. */
    static void reduce(List<String> args) throws IOException {
        switch (args.get(0)) {
            case "train" -> {
                cap(args, "--steps", STEPS);
                cap(args, "--width", WIDTH);
                if (args.contains("fashion-mnist") && !args.contains("--per-class"))
                    args.addAll(List.of("--per-class", String.valueOf(PER_CLASS), "--test-per-class", String.valueOf(TEST_PER_CLASS)));
            }
            case "kernel" -> {
                if (args.contains("fashion-mnist") && !args.contains("--per-class"))
                    args.addAll(List.of("--per-class", String.valueOf(PER_CLASS), "--test-per-class", String.valueOf(TEST_PER_CLASS)));
            }
            case "run" -> {
                String experiment = args.get(1);
                boolean file = experiment.endsWith(".yaml") || experiment.endsWith(".yml");
                ObjectNode spec = (ObjectNode) YAML.readTree(file ? Files.readString(Path.of(experiment)) : Catalog.text(experiment));
                ObjectNode base = (ObjectNode) spec.get("base");
                base.put("steps", Math.min(base.path("steps").asInt(RUN_STEPS), RUN_STEPS));
                base.put("record_every", Math.min(base.path("record_every").asInt(RUN_RECORD_EVERY), RUN_RECORD_EVERY));
                Path reduced = Path.of(args.get(args.indexOf("--out") + 1) + "-reduced.yaml");
                Files.createDirectories(reduced.getParent());
                YAML.writeValue(reduced.toFile(), spec);
                args.set(1, reduced.toString());
            }
            default -> { }
        }
    }

    static void cap(List<String> args, String option, int most) {
        int i = args.indexOf(option);
        if (i >= 0) args.set(i + 1, String.valueOf(Math.min(Integer.parseInt(args.get(i + 1)), most)));
    }

    /** report, sql and export on a folder that a reduced run wrote. */
    static boolean reducedRunIn(List<String> args) {
        return args.size() > 1 && reducedRuns.contains(Path.of(args.get(1)));
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    /** A pasted line's words as a POSIX shell splits them, for the plain commands examples may be (rule 2). */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else word.append(c);
                continue;
            }
            if ("\\$`|;&<(){}*?".indexOf(c) >= 0) fail(line + ": '" + c + "' is shell syntax; an example is one plain command");
            if (c == '#' && word == null) break;
            if (Character.isWhitespace(c)) {
                if (word != null) words.add(word.toString());
                word = null;
                continue;
            }
            if (word == null) word = new StringBuilder();
            if (c == '\'' || c == '"') quote = c;
            else word.append(c);
        }
        assertEquals(0, quote, line + ": unclosed quote");
        if (word != null) words.add(word.toString());
        return words;
    }

    /** The extraction itself can fail: on a continuation, a wrapped example, shell syntax, a help without examples. */
    @Test
    void whatDoesNotPasteIsRefused() {
        for (String help : List.of("Examples:\n  ./overparam train --arch fc \\\n      --out runs/a\n",
                "Examples:\n  ./overparam train --arch fc --synthetic\nsphere --out runs/a\n",
                "Usage: overparam x\n", "Examples:\n  # only a comment\n"))
            org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class, () -> examples("x", help), help);
        for (String line : List.of("./overparam train --out $HOME/a", "./overparam sql runs/a 'SELECT 1", "./overparam catalog | head"))
            org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class, () -> words(line), line);
        assertEquals(List.of("./overparam", "sql", "runs/a", "SELECT 'x' FROM t", "--csv"), words("./overparam sql runs/a \"SELECT 'x' FROM t\" --csv"));
    }

    // ---------------------------------------------------------------------------------- the launcher's own commands

    @Test
    void theLauncherRunsBenchAndSetupAndTheTopLevelHelpNamesThem() throws IOException {
        String script = Files.readString(ROOT.resolve("overparam"));
        assertTrue(script.contains("main=overparam.bench.Bench"), "./overparam runs bench's main class");
        assertTrue(script.contains("exec bash \"$root/scripts/setup-data.sh\" --verbose \"$@\""), "./overparam setup runs scripts/setup-data.sh");
        String top = help("");
        assertTrue(top.contains("./overparam bench --help") && top.contains("./overparam setup --help"), top);
    }

    @Test
    void benchExamplesParseAndAreNotRun() {
        List<Example> examples = examples("bench", Bench.USAGE);
        for (Example e : examples) {
            List<String> args = words(e.line());
            assertEquals(List.of("./overparam", "bench"), args.subList(0, 2), e.line());
            Bench.parse(args.subList(2, args.size()));          // throws on anything the harness does not take
        }
        assertTrue(examples.size() >= 2, "bench has several modes to show");
    }

    @Test
    void benchRefusesWhatItDoesNotTake() {
        for (List<String> bad : List.of(List.of("--qiuck"), List.of("--numpy"), List.of("--conv", "--epoch"), List.of("--check")))
            assertThrowsIllegal(bad);
    }

    static void assertThrowsIllegal(List<String> args) {
        try {
            Bench.parse(args);
            fail("bench accepted " + args);
        } catch (IllegalArgumentException expected) {
            assertFalse(expected.getMessage().contains("\n"), expected.getMessage());
        }
    }

    @Test
    void setupExamplesUseOnlyTheScriptsFlags() throws Exception {
        Process p = new ProcessBuilder("bash", ROOT.resolve("scripts/setup-data.sh").toString(), "--help").redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), help);
        List<String> flags = new ArrayList<>();                 // the patterns of its case over the arguments: -v|--verbose) ...
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*(-[-\\w|]+)\\)").matcher(Files.readString(ROOT.resolve("scripts/setup-data.sh")));
        while (m.find()) flags.addAll(List.of(m.group(1).split("\\|")));
        assertTrue(flags.containsAll(List.of("--verbose", "--help")), flags.toString());
        for (Example e : examples("setup", help)) {
            List<String> args = words(e.line());
            assertEquals(List.of("./overparam", "setup"), args.subList(0, 2), e.line());
            for (String flag : args.subList(2, args.size())) assertTrue(flags.contains(flag), e.line() + ": setup-data.sh takes no " + flag);
        }
    }

}
