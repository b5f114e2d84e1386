package overparam.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import overparam.lab.reproduce.Verification;

@Command(name = "verify", mixinStandardHelpOptions = true, header = "Rerun a run folder from what it recorded and check that the result is bit-identical.",
        description = {
            "Reruns DIR (a train run's folder, or an experiment's cell folder under",
            "DIR/cells/) from its config.json, with the data copied into DIR/data/ or",
            "the files whose SHA-256 summary.json records, into a temporary folder",
            "(under TMPDIR; deleted when identical, kept and named when not), then",
            "compares weights_final.npz and metrics.jsonl bit for bit. The same",
            "thread count as the run is used (config.json's threads).",
            ""},
        footer = {"", "Exit codes: 0 bit-identical, 1 the rerun differs (the first difference is printed: file, key or metric, step, both values),",
            "2 bad input (not a finished run folder, or a data file whose SHA-256 differs from the recorded one).",
            "",
            "Examples:",
            "  ./overparam train --arch fc --depth 2 --width 64 --synthetic sphere --n 16 --d 5 --eta auto --steps 50 --out runs/small",
            "  # the same run again by the one command it recorded: bash runs/small/reproduce.sh runs/small-again",
            "  ./overparam verify runs/small"})
final class VerifyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A run folder (./overparam train --out DIR, or an experiment's DIR/cells/CELL).")
    Path dir;

    @Override public Integer call() {
        Verification.Outcome o = Verification.verify(dir);
        var out = spec.commandLine().getOut();
        if (o.identical()) {
            out.printf("bit-identical: %s reran from its config.json and data into a temporary folder; weights_final.npz (%d arrays) and "
                    + "metrics.jsonl (%d records, all but their wall-clock elapsed_seconds) are the same bits%n", dir, o.arrays(), o.records());
            return 0;
        }
        out.printf("differs: %s%n", o.difference().orElseThrow());
        out.printf("the rerun is kept in %s for a look%n", o.rerun());
        return Main.DIVERGED;
    }
}
