package overparam.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import overparam.core.BadInputException;
import overparam.lab.store.Query;

@Command(name = "export", mixinStandardHelpOptions = true, header = "Write each table of an experiment's store as a file (DIR/export/TABLE.csv).",
        footer = {"",
            "Examples:",
            "  # Theorems 5.1 and 6.1, 64 training runs (slow: a few minutes on 2 idle cores; for a quick look, lower steps: in a copy from catalog --show):",
            "  ./overparam run du2019-depth",
            "  ./overparam export runs/du2019-depth --format csv"})
final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "An experiment's folder.")
    Path dir;
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv. Default: ${DEFAULT-VALUE}.")
    String format;

    @Override public Integer call() {
        if (!format.equalsIgnoreCase("csv")) throw BadInputException.of("--format " + format, "'" + format + "'", "csv", "e.g. --format csv");
        for (Path f : Query.exportCsv(dir)) spec.commandLine().getOut().println("wrote " + f);
        SqlCommand.staleNote(spec, dir);
        return 0;
    }
}
