package overparam.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import overparam.core.nn.RunStatus;
import overparam.lab.check.Verdict;
import overparam.lab.experiment.Catalog;
import overparam.lab.experiment.Reporting;
import overparam.lab.report.VerdictsTex;

@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Evaluate an experiment's checks again and rewrite its report.html and its figures (DIR/figures: PNG, SVG, PDF, caption).",
        footer = {"", "Exit codes: 0 no check FAILS (each HOLDS or is INCONCLUSIVE), 1 a check FAILS, 2 bad input.",
            "",
            "Examples:",
            "  # Theorems 5.1 and 6.1, 64 training runs (slow: a few minutes on 2 idle cores; for a quick look, lower steps: in a copy from catalog --show):",
            "  ./overparam run du2019-depth",
            "  ./overparam report runs/du2019-depth",
            "  ./overparam report runs/du2019-depth --latex"})
final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "An experiment's folder.")
    Path dir;
    @Option(names = "--latex", description = "Also write DIR/verdicts.tex: the verdicts as a LaTeX (booktabs) table.")
    boolean latex;

    @Override public Integer call() {
        Reporting.Outcome o = Reporting.rewrite(dir, Main.typed(spec));
        var w = spec.commandLine().getOut();
        long interrupted = o.results().unfinished(RunStatus.INTERRUPTED), running = o.results().unfinished(RunStatus.RUNNING);
        if (interrupted > 0) {
            String name = o.results().experiment(), it = interrupted == 1 ? "it" : "them";
            String spec = Catalog.names().contains(name) ? name : "SPEC.yaml";               // the file it ran from is not stored
            w.printf("%s: %d cell%s interrupted (the process running %s was killed) and counted as missing; ./overparam run %s --out %s --resume"
                    + " reruns %s%n", dir, interrupted, interrupted == 1 ? " was" : "s were", it, spec, dir, it);
        }
        if (running > 0)
            w.printf("%s: %d cell%s running in another process now; this report shows the experiment part way%n", dir, running, running == 1 ? " is" : "s are");
        for (Verdict v : o.verdicts()) w.println(v);
        w.printf("report: %s%n", o.report());
        if (latex) w.printf("latex: %s%n", VerdictsTex.write(dir, o.results().experiment(), o.verdicts()));
        return o.verdicts().stream().anyMatch(Verdict::fails) ? Main.DIVERGED : 0;
    }
}
