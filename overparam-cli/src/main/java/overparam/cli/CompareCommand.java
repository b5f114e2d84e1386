package overparam.cli;

import java.io.IOException;
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
import overparam.lab.compare.Comparison;
import overparam.lab.compare.ComparisonFiles;
import overparam.lab.compare.ComparisonTables;
import overparam.lab.compare.MetricDiff;

@Command(name = "compare", mixinStandardHelpOptions = true, header = "Two or more experiments or runs side by side: configs, metrics, verdicts, overlays.",
        description = {
            "Each DIR is an experiment's folder (results.sqlite) or a run's (summary.json; an",
            "experiment's cells/KEY folders are runs); they may be mixed. The first DIR is",
            "the reference: differences are each other DIR minus it, and relative ones over |it|.",
            "",
            "Cells meet across folders when they agree on every field an experiment sweeps,",
            "seed aside: a run meets an experiment's cells that ran its configuration. An",
            "experiment's number for such a cell is the mean over its seeds.",
            "",
            "Prints three tables: the config fields that differ (an experiment's sweep axes,",
            "and cells finished in one experiment but not another, too); the final value of",
            "every shared metric and every per-run value, listing those that are not",
            "bit-identical (and the timings); each experiment's verdicts, flagging those",
            "that differ. Writes one overlay per shared step metric (SVG, PNG, caption) into",
            "--out, with each folder's curve and, for several seeds, a 95%% t-interval band."},
        footer = {"",
            "Examples:",
            "  ./overparam train --arch fc --depth 2 --width 64 --synthetic sphere --n 16 --d 5 --eta auto --steps 200 --out runs/w64",
            "  ./overparam train --arch fc --depth 2 --width 1024 --synthetic sphere --n 16 --d 5 --eta auto --steps 200 --out runs/w1024",
            "  ./overparam compare runs/w64 runs/w1024 --metric loss --metric gram_change_relative --out runs/w64-vs-w1024"})
final class CompareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "DIR", description = "Experiment or run folders, two or more; the first is the reference.")
    List<Path> dirs = new ArrayList<>();
    @Option(names = "--metric", paramLabel = "NAME", description = "Only this metric or per-run value (repeatable); default: every shared one.")
    List<String> metrics = new ArrayList<>();
    @Option(names = "--out", paramLabel = "DIR", description = "Where the overlays (and CSV files) go, a new or empty folder."
            + " Default: ./compare-A-vs-B.")
    Path out;
    @Option(names = "--csv", description = "Write the tables as configs.csv, metrics.csv and verdicts.csv into --out instead of printing them.")
    boolean csv;

    @Override public Integer call() throws IOException {
        Comparison c = Comparison.of(dirs, metrics);
        Path folder = out != null ? out : Path.of("compare-" + String.join("-vs-", c.names()).replaceAll("[^A-Za-z0-9=,._-]", "_"));
        boolean writes = ComparisonFiles.writesAnything(c, csv);
        if (writes) ComparisonFiles.requireUsable(folder);             // refused before anything is printed
        PrintWriter w = spec.commandLine().getOut();
        if (!csv) printTables(c, w);
        if (writes)
            for (Path f : ComparisonFiles.write(c, folder, csv)) {
                String name = f.getFileName().toString();
                if (name.endsWith(".svg")) w.println("wrote " + f + " (and " + name.replaceFirst("\\.svg$", "") + ".png, .pdf, .caption.txt)");
                else if (!name.endsWith(".png") && !name.endsWith(".pdf") && !name.endsWith(ComparisonFiles.CAPTION)) w.println("wrote " + f);
            }
        else w.println("no overlay: the folders share no metric recorded over steps" + (metrics.isEmpty() ? "." : " among --metric."));
        w.flush();
        return 0;
    }

    private static void printTables(Comparison c, PrintWriter w) {
        int width = SqlCommand.terminalWidth();
        int fields = c.configs().rows().size();
        w.println("configs that differ (" + String.join(", ", c.names()) + "):");
        if (fields == 0) w.println("none: every config field is the same.");
        else SqlCommand.print(ComparisonTables.configs(c), w, width);

        MetricDiff m = c.metrics();
        long compared = m.compared().size(), identical = m.identicalCount();
        w.println();
        w.println("metrics that differ: the final value of each metric recorded over steps, and each per-run value"
                + (c.matching().fields().isEmpty() ? "" : "; per cell (" + String.join(", ", c.matching().fields())
                        + "), an experiment's number is the mean over its seeds") + ":");
        SqlCommand.print(ComparisonTables.metrics(c, false), w, width);
        w.println(identical + " of " + compared + " values bit-identical in every folder" + (identical > 0 ? " (not listed)." : ".")
                + (m.rows().size() > compared ? " Timings are listed apart: they measure the machine." : ""));

        w.println();
        if (c.verdicts().folders().size() < 2) {
            w.println("verdicts: fewer than two experiments (runs have no checks); nothing to compare.");
        } else {
            w.println("verdicts (estimate [95% interval]); " + c.verdicts().differing() + " of " + c.verdicts().rows().size() + " differ:");
            SqlCommand.print(ComparisonTables.verdicts(c, false), w, width);
        }
        w.println();
    }
}
