package overparam.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import overparam.core.BadInputException;
import overparam.lab.check.Verdict;
import overparam.lab.experiment.Catalog;
import overparam.lab.experiment.CellExecutor;
import overparam.lab.experiment.ExperimentRun;
import overparam.lab.experiment.ExperimentSpec;
import overparam.lab.experiment.SpecParser;

@Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        header = "Run an experiment (a catalogue entry or a YAML spec): its sweep, results store, report and verdicts.",
        description = {
            "Writes into --out (default runs/NAME): results.sqlite (SQLite, WAL), one run",
            "folder per cell under cells/, and report.html; prints each check's verdict",
            "(HOLDS, FAILS or INCONCLUSIVE) with its estimate and 95%% interval. Killed at any moment, it finishes with --resume: finished",
            "cells are kept, the ones it was in the middle of are redone.",
            "With --executor spark the cells run as Apache Spark tasks (--master URL,",
            "default local[*]; ./overparam builds the Spark module on first use). Each",
            "cell's folder and results come back to this process, which keeps the store,",
            "so --resume works the same. E.g. --executor spark --master 'local[2]'.",
            ""},
        footer = {"", "Exit codes: 0 no check FAILS (each HOLDS or is INCONCLUSIVE), 1 a check FAILS, 2 bad input (e.g. a malformed spec), 3 internal error.",
            "",
            "Examples:",
            "  ./overparam catalog",
            "  # Theorems 5.1 and 6.1, 64 training runs (slow: a few minutes on 2 idle cores; for a quick look, lower steps: in a copy from catalog --show):",
            "  ./overparam run du2019-depth",
            "  # interrupted (Ctrl-C)? The same command with --resume finishes it (slow: the cells left):",
            "  ./overparam run du2019-depth --resume",
            "  # your own experiment: a catalogue entry's spec, to edit",
            "  ./overparam catalog --show du2019-depth > my-experiment.yaml",
            "  # then run it (slow as it stands, as above):",
            "  ./overparam run my-experiment.yaml --out runs/mine"})
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "EXPERIMENT", description = "A catalogue name (./overparam catalog) or a YAML file.")
    String experiment;
    @Option(names = "--out", paramLabel = "DIR", description = "The experiment's folder. Default: runs/NAME.")
    String out;
    @Option(names = "--resume", description = "Finish an interrupted run in --out.")
    boolean resume;
    @Option(names = "--yes", description = "Run a sweep of more than 10000 cells (refused without it).")
    boolean yes;
    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;
    @Option(names = "--debug", description = "Stack traces with errors.")
    boolean debug;
    @Mixin ExecutorOptions executor;

    @Override public Integer call() throws Exception {
        CellExecutor.Factory executors = CellExecutor.choose(executor.name, executor.master);          // refused before anything is read or run
        Path file = Path.of(experiment);
        boolean isFile = experiment.endsWith(".yaml") || experiment.endsWith(".yml") || Files.isRegularFile(file);
        if (isFile && !Files.isRegularFile(file))
            throw new BadInputException(experiment + ": no such file. Give a YAML spec or a catalogue name (./overparam catalog).");
        String text = isFile ? Files.readString(file, StandardCharsets.UTF_8) : Catalog.text(experiment);
        ExperimentSpec parsed = SpecParser.parse(text, isFile ? experiment : "catalogue entry " + experiment);
        Path dir = Path.of(out != null ? out : "runs/" + parsed.name());
        String command = Main.typed(spec);                                  // as typed: the report and the store keep it
        ExperimentRun.Outcome o;
        try (SweepProgress progress = new SweepProgress(parsed.name(), quiet)) {
            o = ExperimentRun.execute(parsed, text, dir, resume, yes, progress, command, executors);
        }
        var w = spec.commandLine().getOut();
        w.printf("%s: %d cells (%d from before, %d diverged) in %s%n", parsed.name(), o.cells(), o.reused(), o.diverged(), o.dir());
        for (Verdict v : o.verdicts()) w.println(v);
        w.printf("report: %s%n", o.report());
        w.printf("wrote %s: %s (the store), %s, cells/ (%d run folder%s)%n", o.dir(), overparam.lab.store.Store.FILE, o.report().getFileName(),
                o.cells(), o.cells() == 1 ? "" : "s");
        return o.anyFails() ? Main.DIVERGED : 0;
    }
}
