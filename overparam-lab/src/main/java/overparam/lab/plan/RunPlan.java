package overparam.lab.plan;

import java.nio.file.Path;
import overparam.core.BadInputException;

/**
 * One training run, typed and checked: what `./overparam train` and every cell of an experiment run. It is made
 * once, at the edge, from the flat {@link RunConfig} that the command line and the YAML specs both produce
 * ({@link #parse}); every refusal names the field and the fix, and nothing below sees an option name or a string
 * to parse. {@link #config} keeps the resolved configuration it came from, for summary.json and the store.
 */
public record RunPlan(NetworkPlan network, DataPlan data, TrainPlan train, Instruments instruments, LimitMode limitKernel,
                      Path out, int threads, boolean dumpGram, RunConfig config) {

    /** Checks every field that needs no data (and no memory): a bad cell of an experiment is refused before any runs. */
    public static RunPlan parse(RunConfig raw) {
        RunConfig c = raw.withDefaults();
        NetworkPlan network = NetworkPlan.parse(c);
        TrainPlan train = TrainPlan.parse(c);
        Instruments instruments = Instruments.parse(c.instruments()).withHessian(c);
        LimitMode limit = LimitMode.parse(c.limitKernel());
        DataPlan data = DataPlan.parse(c, network.arch(), train);
        if (c.threads() < 1) throw BadInputException.of("--threads " + c.threads(), c.threads(), "at least 1", "e.g. --threads 2");
        return new RunPlan(network, data, train, instruments, limit, c.out() == null ? null : Path.of(c.out()), c.threads(),
                Boolean.TRUE.equals(c.dumpGram()), c);
    }

    /** The run folder, which a run needs and an experiment's validation does not. */
    public Path requireOut() {
        if (out == null) throw new BadInputException("--out: missing. Name a new folder for the run, e.g. --out runs/r1");
        return out;
    }
}
