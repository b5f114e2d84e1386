package overparam.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import overparam.lab.plan.KernelPlan;
import overparam.lab.run.KernelRun;

@Command(name = "kernel", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        defaultValueProvider = ConfigDefaults.class,
        header = "Compute an infinite-width kernel of a network on a data set: K^(H), the NTK Theta or the NNGP.",
        description = {
            "Writes the n x n matrix as .npy and prints n, lambda_min, lambda_max and the",
            "time; with --labels also y^T K^-1 y and Arora et al.'s sqrt(2 y^T K^-1 y / n).",
            "Inputs may have any norms: your own data is --data X.npy (n rows of d inputs,",
            "as numpy.save writes them), with --labels y.npy.",
            ""},
        footer = {"", "Exit codes: 0 done, 2 bad input, 3 internal error.",
            "",
            "Examples:",
            "  ./overparam kernel --arch fc --depth 5 --activation softplus --kind gram --synthetic sphere --n 200 --d 10 --out K.npy",
            "  ./overparam kernel --arch resnet --depth 4 --c-res 0.5 --activation relu --kind ntk --synthetic sphere --n 200 --d 10 --out ntk.npy",
            "  ./overparam kernel --arch conv-resnet --depth 3 --activation relu --synthetic sphere --n 64 --d 3 --pixels 8x8 --out conv.npy"})
final class KernelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NetworkOptions network;
    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "gram", description = "gram (K^(H), seed 004 Defs. 5.1/6.1/7.1), ntk (Theta) or nngp. Default: ${DEFAULT-VALUE}.")
    String kind;
    @Option(names = "--layer", paramLabel = "h", description = "With --kind gram: the limit of G^(h)(0) for this layer (1..H, H+1 = a) instead of K^(H).")
    Integer layer;
    @Mixin InputOptions inputs;
    @Option(names = "--out", paramLabel = "K.npy", required = true, description = "Where to write the matrix (a new file).")
    String out;
    @Mixin MachineOptions machine;

    @Override public Integer call() {
        KernelRun.Result r = KernelRun.execute(KernelPlan.parse(TrainCommand.fromOptions(spec), kind, layer));
        var o = spec.commandLine().getOut();
        o.printf("%s on n = %d points (d = %d): %.2f s%n", r.description(), r.n(), r.d(), r.seconds());
        var extremes = new overparam.core.linalg.Spectrum.Extremes(r.lambdaMin(), r.lambdaMax());
        if (extremes.resolvesMin(r.n())) o.printf("n = %d   lambda_min = %.10e   lambda_max = %.10e%n", r.n(), r.lambdaMin(), r.lambdaMax());
        else o.printf("n = %d   lambda_min below round-off (computed %.3e; |lambda| < n eps ||K|| = %.3e is indistinguishable from 0)   lambda_max = %.10e%n",
                r.n(), r.lambdaMin(), extremes.roundoff(r.n()), r.lambdaMax());
        if (inputs.labels != null) o.printf("y^T K^-1 y = %.10e   sqrt(2 y^T K^-1 y / n) = %.10e%n", r.labelComplexity(), r.aroraBound());
        if (r.singularWarning() != null) spec.commandLine().getErr().println("warning: " + r.singularWarning());
        o.printf("wrote %s%n", r.written());
        return 0;
    }
}
