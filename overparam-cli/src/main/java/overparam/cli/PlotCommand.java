package overparam.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import overparam.lab.report.Band;
import overparam.lab.report.FigureFiles;
import overparam.lab.report.Plot;
import overparam.lab.report.PlotSource;

@Command(name = "plot", mixinStandardHelpOptions = true,
        header = "Draw a metric of an experiment or a run folder as PNG, SVG and PDF (with a caption file); print their paths.",
        footer = {"", "Exit codes: 0 written, 2 bad input (an unknown metric or field, no cell left by --where, a folder that is neither).",
            "",
            "Examples:",
            "  # Theorems 5.1 and 6.1, 64 training runs (slow: a few minutes on 2 idle cores; for a quick look, lower steps: in a copy from catalog --show):",
            "  ./overparam run du2019-depth",
            "  ./overparam plot runs/du2019-depth loss --by depth --where arch=fc --logy",
            "  ./overparam plot runs/du2019-depth final:loss --x depth --by arch --logx --logy --band minmax"})
final class PlotCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "An experiment's folder (results.sqlite) or a run's folder (summary.json, metrics.jsonl).")
    Path dir;
    @Parameters(index = "1", paramLabel = "METRIC", description = "A recorded metric (loss, gram_change, ...) or per-run value (lambda_0, ...); "
            + "against a field also final:M, max:M, initial:M, relative:M, steps_to:M<=V, log10:Y.")
    String metric;
    @Option(names = "--x", paramLabel = "step|FIELD", defaultValue = Plot.STEP,
            description = "step (the metric over training), or a configuration field (one number per run against it). Default: ${DEFAULT-VALUE}.")
    String x;
    @Option(names = "--by", paramLabel = "FIELD", description = "One line per value of this configuration field (e.g. width).")
    String by;
    @Option(names = "--where", paramLabel = "FIELD=V", description = "Only cells whose field has this value; repeat for more fields.")
    List<String> where;
    @Option(names = "--logx", description = "Logarithmic x axis.")
    boolean logX;
    @Option(names = "--logy", description = "Logarithmic y axis.")
    boolean logY;
    @Option(names = "--band", paramLabel = "ci95|minmax", defaultValue = "ci95",
            description = "The band over seeds: the mean's 95%% t-interval, or the smallest to the largest run. Default: ${DEFAULT-VALUE}.")
    String band;
    @Option(names = "--out", paramLabel = "DIR2", description = "Folder for the files. Default: DIR/plots.")
    Path out;

    @Override public Integer call() {
        Plot.Request request = new Plot.Request(metric, x, by, Plot.where(where), logX, logY, Band.parse(band));
        FigureFiles.Written written = Plot.write(PlotSource.read(dir), request, out);
        for (Path p : written.all()) spec.commandLine().getOut().println(p);
        return 0;
    }
}
