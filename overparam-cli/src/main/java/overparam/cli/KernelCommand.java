package overparam.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import overparam.lab.run.KernelRun;

@Command(name = "kernel", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Compute an infinite-width kernel of a network on a data set: K^(H), the NTK Theta or the NNGP.",
        description = {
            "Writes the n x n matrix as .npy and prints n, lambda_min, lambda_max and the time; with --labels",
            "also y^T K^-1 y and Arora et al.'s sqrt(2 y^T K^-1 y / n). Inputs may have any norms.",
            "",
            "Example:",
            "  ./overparam kernel --arch fc --depth 5 --activation softplus --kind gram \\\\",
            "      --data X.npy --out K.npy",
            "  ./overparam kernel --arch conv-resnet --depth 3 --activation relu \\",
            "      --synthetic sphere --n 64 --d 3 --pixels 8x8 --out K.npy",
            ""},
        footer = {"", "Exit codes: 0 done, 2 bad input, 3 internal error."})
final class KernelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "fc", description = "fc, resnet, two-layer or conv-resnet. Default: ${DEFAULT-VALUE}.")
    String arch;
    @Option(names = "--depth", paramLabel = "H", description = "Hidden layers H. Default: 3 (two-layer: 1).")
    Integer depth;
    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "softplus", description = "relu, leaky-relu, softplus, sigmoid, tanh, erf, identity, quadratic. Default: ${DEFAULT-VALUE}.")
    String activation;
    @Option(names = "--leaky-slope", paramLabel = "SLOPE", defaultValue = "0.01", description = "Slope of leaky-relu for z < 0. Default: ${DEFAULT-VALUE}.")
    double leakySlope;
    @Option(names = "--c-res", paramLabel = "C", defaultValue = "0.5", description = "ResNet branch scale c_res. Default: ${DEFAULT-VALUE}.")
    double cRes;
    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "gram", description = "gram (K^(H), seed 004 Defs. 5.1/6.1/7.1), ntk (Theta) or nngp. Default: ${DEFAULT-VALUE}.")
    String kind;
    @Option(names = "--layer", paramLabel = "h", description = "With --kind gram: the limit of G^(h)(0) for this layer (1..H, H+1 = a) instead of K^(H).")
    Integer layer;
    @Option(names = "--train-layers", paramLabel = "LIST", defaultValue = "all", description = "The parameters Theta sums over (all, or e.g. W1,a). Default: ${DEFAULT-VALUE}.")
    String trainLayers;
    @Option(names = "--data", paramLabel = "X.npy", description = "Inputs, n x d (.npy or .csv); n x channels x pixels or n x channels x rows x cols for conv-resnet.")
    String data;
    @Option(names = "--labels", paramLabel = "y.npy", description = "Labels, for y^T K^-1 y.")
    String labels;
    @Option(names = "--synthetic", paramLabel = "KIND", description = "sphere or gaussian inputs instead of --data.")
    String synthetic;
    @Option(names = "--n", paramLabel = "N", defaultValue = "64", description = "Samples of --synthetic data. Default: ${DEFAULT-VALUE}.")
    int n;
    @Option(names = "--d", paramLabel = "D", defaultValue = "10", description = "Dimension of --synthetic data. Default: ${DEFAULT-VALUE}.")
    int d;
    @Option(names = "--pixels", paramLabel = "P|RxC", description = "conv-resnet on --synthetic data: pixels of a signal (16) or an image (8x8); --d is then the channels.")
    String pixels;
    @Option(names = "--patch", paramLabel = "K", defaultValue = "3", description = "conv-resnet: patch size, K pixels of a signal or K x K of an image (odd). Default: ${DEFAULT-VALUE}.")
    int patch;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of --synthetic data. Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--threads", paramLabel = "T", description = "Threads. Default: the cores.")
    Integer threads;
    @Option(names = "--out", paramLabel = "K.npy", required = true, description = "Where to write the matrix (a new file).")
    String out;
    @Option(names = "--debug", description = "Stack traces with errors.")
    boolean debug;

    @Override public Integer call() {
        KernelRun.Result r = KernelRun.execute(new KernelRun.Request(arch, depth, activation, leakySlope, cRes, kind, layer, data, labels,
                synthetic, n, d, pixels, patch, seed, trainLayers, threads != null ? threads : Runtime.getRuntime().availableProcessors(), out));
        var o = spec.commandLine().getOut();
        o.printf("%s on n = %d points (d = %d): %.2f s%n", r.description(), r.n(), r.d(), r.seconds());
        o.printf("n = %d   lambda_min = %.10e   lambda_max = %.10e%n", r.n(), r.lambdaMin(), r.lambdaMax());
        if (labels != null) o.printf("y^T K^-1 y = %.10e   sqrt(2 y^T K^-1 y / n) = %.10e%n", r.labelComplexity(), r.aroraBound());
        if (r.singularWarning() != null) spec.commandLine().getErr().println("warning: " + r.singularWarning());
        o.printf("wrote %s%n", r.written());
        return 0;
    }
}
