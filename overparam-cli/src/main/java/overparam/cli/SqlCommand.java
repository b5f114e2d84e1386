package overparam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import overparam.lab.store.Query;

@Command(name = "sql", mixinStandardHelpOptions = true, header = "Query an experiment's results store (read-only SQL).",
        description = {
            "Runs one read: SELECT, WITH ... SELECT, VALUES, EXPLAIN, or PRAGMA",
            "table_info(TABLE) and the like. Anything that writes (INSERT, UPDATE, DELETE,",
            "CREATE, ATTACH, VACUUM INTO, ...) is refused (exit 2); the store is opened",
            "read-only. Values are never cut: a table wider than the terminal is shown one",
            "record per block; --csv prints every value whole.",
            "",
            "Tables: experiment(name, spec, started_at, version),",
            "runs(run_id, experiment, cell, config, seed, status, started_at, finished_at,",
            "version),",
            "metrics(run_id, step, name, value), run_values(run_id, name, value),",
            "checks(experiment, name, verdict, measured, expected, estimate, ci_low,",
            "ci_high, cells_used, cells_expected, seeds_needed, note): verdict is HOLDS,",
            "FAILS or INCONCLUSIVE; seeds_needed is null where decided."},
        footer = {"",
            "Examples:",
            "  # Theorems 5.1 and 6.1, 64 training runs (slow: a few minutes on 2 idle cores; for a quick look, lower steps: in a copy from catalog --show):",
            "  ./overparam run du2019-depth",
            "  ./overparam sql runs/du2019-depth \"SELECT cell, value FROM run_values JOIN runs USING (run_id) WHERE name = 'lambda_0'\"",
            "  ./overparam sql runs/du2019-depth \"SELECT name, verdict, estimate, ci_low, ci_high FROM checks\" --csv"})
final class SqlCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "An experiment's folder.")
    Path dir;
    @Parameters(index = "1", paramLabel = "SQL", description = "One read-only statement (SELECT ...).")
    String sql;
    @Option(names = "--csv", description = "CSV for machines instead of a table.")
    boolean csv;

    @Override public Integer call() throws Exception {
        Query.Table t = Query.run(dir, sql);
        PrintWriter w = spec.commandLine().getOut();
        if (csv) Query.writeCsv(t, w);
        else print(t, w, terminalWidth());
        w.flush();
        staleNote(spec, dir);
        return 0;
    }

    /** A note on stderr when the store lists cells as running that no process runs any more. */
    static void staleNote(CommandSpec spec, Path dir) {
        int stale = Query.staleRunning(dir);
        if (stale > 0)
            spec.commandLine().getErr().printf("%s: note: %d cell%s 'running' but no process holds %s: %s interrupted (killed);"
                    + " ./overparam report %s marks %s so, and run --resume reruns %s%n", spec.name(), stale, stale == 1 ? " says" : "s say",
                    dir.resolve(overparam.lab.store.ExperimentLock.FILE), stale == 1 ? "it was" : "they were", dir, stale == 1 ? "it" : "them",
                    stale == 1 ? "it" : "them");
    }

    /**
     * The answer as a table whose columns are as wide as their widest value (nothing is ever cut); when that is wider
     * than the terminal, one record per block instead, "column | value" per line, as psql's expanded display.
     */
    static void print(Query.Table t, PrintWriter w, int terminalWidth) {
        int[] widths = new int[t.columns().size()];
        List<List<String>> all = new ArrayList<>();
        all.add(t.columns());
        for (List<String> r : t.rows()) all.add(r.stream().map(v -> v == null ? "NULL" : v).toList());
        for (List<String> r : all) for (int i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], r.get(i).length());
        int total = Arrays.stream(widths).sum() + 2 * Math.max(0, widths.length - 1);
        if (total > terminalWidth && widths.length > 1) {
            int label = widths.length == 0 ? 0 : t.columns().stream().mapToInt(String::length).max().orElse(0);
            for (int k = 1; k < all.size(); k++) {
                w.println("-[ row " + k + " ]" + "-".repeat(Math.max(3, Math.min(terminalWidth, 40) - 10 - String.valueOf(k).length())));
                for (int i = 0; i < widths.length; i++) w.println(String.format("%-" + label + "s | %s", t.columns().get(i), all.get(k).get(i)).stripTrailing());
            }
        } else {
            for (int k = 0; k < all.size(); k++) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < widths.length; i++)
                    line.append(String.format("%-" + Math.max(1, widths[i]) + "s", all.get(k).get(i))).append(i + 1 < widths.length ? "  " : "");
                w.println(line.toString().stripTrailing());
                if (k == 0) {
                    StringBuilder rule = new StringBuilder();
                    for (int i = 0; i < widths.length; i++) rule.append("-".repeat(widths[i])).append(i + 1 < widths.length ? "  " : "");
                    w.println(rule);
                }
            }
        }
        w.printf("(%d row%s)%n", t.rows().size(), t.rows().size() == 1 ? "" : "s");
    }

    /** The terminal's columns when printing to one ($COLUMNS, else stty), else no limit: a pipe or a file gets whole lines. */
    static int terminalWidth() {
        if (System.console() == null) return Integer.MAX_VALUE;
        try {
            String columns = System.getenv("COLUMNS");
            if (columns != null && columns.matches("\\d+")) return Integer.parseInt(columns);
            Process p = new ProcessBuilder("stty", "size").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] size = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
            if (p.waitFor() == 0 && size.length == 2 && size[1].matches("\\d+") && Integer.parseInt(size[1]) > 0) return Integer.parseInt(size[1]);
        } catch (java.io.IOException | RuntimeException e) {
            // no stty: a terminal of unknown width
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 120;
    }
}
