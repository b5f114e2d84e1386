package overparam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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
            "Tables: experiment(name, spec, started_at, version),",
            "runs(run_id, experiment, cell, config, seed, status, started_at, finished_at,",
            "version),",
            "metrics(run_id, step, name, value), run_values(run_id, name, value),",
            "checks(experiment, name, verdict, measured, expected, estimate, ci_low,",
            "ci_high, cells_used, cells_expected, seeds_needed, note): verdict is HOLDS,",
            "FAILS or INCONCLUSIVE; seeds_needed is null where decided."},
        footer = {"",
            "Examples:",
            "  # Theorems 5.1 and 6.1, 24 training runs (slow: a minute or two on 2 idle cores; for a quick look, lower steps: in a copy from catalog --show):",
            "  ./overparam run du2019-depth",
            "  ./overparam sql runs/du2019-depth \"SELECT cell, value FROM run_values JOIN runs USING (run_id) WHERE name = 'lambda_0'\"",
            "  ./overparam sql runs/du2019-depth \"SELECT name, verdict FROM checks\" --csv"})
final class SqlCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "An experiment's folder.")
    Path dir;
    @Parameters(index = "1", paramLabel = "SQL", description = "A SELECT statement.")
    String sql;
    @Option(names = "--csv", description = "CSV for machines instead of a table.")
    boolean csv;

    @Override public Integer call() throws Exception {
        Query.Table t = Query.run(dir, sql);
        PrintWriter w = spec.commandLine().getOut();
        if (csv) {
            Query.writeCsv(t, w);
            w.flush();
            return 0;
        }
        int[] widths = new int[t.columns().size()];
        List<List<String>> all = new ArrayList<>();
        all.add(t.columns());
        for (List<String> r : t.rows()) all.add(r.stream().map(v -> v == null ? "NULL" : v).toList());
        for (List<String> r : all) for (int i = 0; i < widths.length; i++) widths[i] = Math.min(60, Math.max(widths[i], r.get(i).length()));
        for (int k = 0; k < all.size(); k++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String v = all.get(k).get(i);
                if (v.length() > widths[i]) v = v.substring(0, widths[i] - 1) + "~";
                line.append(String.format("%-" + widths[i] + "s", v)).append(i + 1 < widths.length ? "  " : "");
            }
            w.println(line.toString().stripTrailing());
            if (k == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < widths.length; i++) rule.append("-".repeat(widths[i])).append(i + 1 < widths.length ? "  " : "");
                w.println(rule);
            }
        }
        w.printf("(%d row%s)%n", t.rows().size(), t.rows().size() == 1 ? "" : "s");
        return 0;
    }
}
