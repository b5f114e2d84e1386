package overparam.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.Optimizer;

/**
 * ./overparam bench: the benchmark harness of issue 3. Prints numbers and asserts nothing. float64.
 *
 * <pre>
 *   ./overparam bench            our numbers only (about 2 minutes)
 *   ./overparam bench --torch    plus the PyTorch reference (bench/torch_reference.py) in the same run, and ratios
 *   ./overparam bench --quick    shorter timing windows
 *   ./overparam bench --epoch [--torch] [--quick]   one epoch of SGD on Fashion-MNIST ({@link EpochBench})
 *   ./overparam bench --epoch --check               its cross-check against PyTorch's SGD
 * </pre>
 * {@link #USAGE} is what --help prints; {@link #parse} refuses what it does not list.
 */
public final class Bench {
    record Size(String name, int n, int d, int width, int depth) {}

    static final Size LARGE = new Size("large", 1000, 100, 4096, 3), SMALL = new Size("small", 64, 10, 512, 3);
    static final ObjectMapper JSON = new ObjectMapper();

    private final boolean quick;
    private final Map<String, Double> ours = new LinkedHashMap<>();

    private Bench(boolean quick) { this.quick = quick; }

    /** What ./overparam bench --help prints (the launcher runs this class for bench); it ends with examples. */
    public static final String USAGE = String.join("\n",
            "Usage: ./overparam bench [--torch] [--quick]",
            "       ./overparam bench --kernels [--numpy] [--quick]",
            "       ./overparam bench --conv [--torch] [--quick]",
            "       ./overparam bench --epoch [--torch] [--quick]",
            "       ./overparam bench --epoch --check",
            "Prints numbers and asserts nothing; each benchmark takes minutes and wants the machine to itself.",
            "  (no mode)  Gradient-descent steps/s of fc and resnet at a large (n=1000, d=100, m=4096, H=3) and a small",
            "             (n=64, d=10, m=512, H=3) size with 1 and 2 BLAS threads, achieved GFLOP/s against dgemm's, the",
            "             time of a full Gram + extreme-eigenvalue measurement, and peak memory (about 2 minutes).",
            "  --kernels  K^(H) and lambda_min of a depth-10 fc net on n = 2000 points, relu and softplus, unit-norm and",
            "             unequal-norm inputs; --numpy adds bench/kernel_reference.py on the same inputs (python3 with numpy).",
            "  --conv     A gradient step and a Gram measurement of the convolutional ResNet (n = 256 8x8x3 images and",
            "             32-pixel signals, m = 256, H = 3).",
            "  --epoch    One epoch (469 steps) of minibatch SGD on the 60000 Fashion-MNIST training images (./overparam",
            "             setup installs them), fc m = 1024, relu, 10-class softmax, batch 128, momentum 0.9, weight decay",
            "             5e-4, at 1 and 2 threads, and the load time. --epoch --check trains a tiny problem here and in",
            "             bench/torch_epoch_reference.py from the same weights and batches and compares the results.",
            "  --torch    Also runs the PyTorch reference of that benchmark (installing Debian's python3-torch if missing)",
            "             in the same run, and prints the ratios.",
            "  --quick    Shorter timing windows (--epoch: half an epoch).",
            "",
            "Examples:",
            "  ./overparam bench --quick",
            "  ./overparam bench --kernels --quick",
            "  ./overparam bench --conv --quick",
            "  # with PyTorch's numbers from the same machine (installs Debian's python3-torch if missing):",
            "  ./overparam bench --torch --quick");

    /** A parsed command line: the benchmark and its flags. */
    public record Mode(String benchmark, boolean torch, boolean quick, boolean numpy, boolean check) {}

    static final List<String> MODES = List.of("--kernels", "--conv", "--epoch"), FLAGS = List.of("--torch", "--quick", "--numpy", "--check");

    /** The benchmark these arguments ask for ("steps" when no mode is given); a bad argument is an IllegalArgumentException. */
    public static Mode parse(List<String> args) {
        List<String> known = new ArrayList<>(MODES);
        known.addAll(FLAGS);
        known.addAll(List.of("--help", "-h"));
        String benchmark = "steps";
        for (String arg : args) {
            if (!known.contains(arg))
                throw new IllegalArgumentException("unknown argument " + arg + overparam.core.Spelling.didYouMean(arg, known));
            if (MODES.contains(arg)) {
                if (!benchmark.equals("steps") && !benchmark.equals(arg.substring(2)))
                    throw new IllegalArgumentException("--" + benchmark + " and " + arg + " are two benchmarks; give one");
                benchmark = arg.substring(2);
            }
        }
        boolean torch = args.contains("--torch"), quick = args.contains("--quick"), numpy = args.contains("--numpy"), check = args.contains("--check");
        if (numpy && !benchmark.equals("kernels")) throw new IllegalArgumentException("--numpy goes with --kernels");
        if (torch && benchmark.equals("kernels")) throw new IllegalArgumentException("--kernels compares with numpy (--numpy), not --torch");
        if (check && !benchmark.equals("epoch")) throw new IllegalArgumentException("--check goes with --epoch");
        return new Mode(benchmark, torch, quick, numpy, check);
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        if (a.contains("--help") || a.contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Mode mode;
        try {
            mode = parse(a);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage() + (e.getMessage().endsWith("?") ? "" : ".") + " See ./overparam bench --help.");
            System.exit(2);
            return;
        }
        switch (mode.benchmark()) {
            case "epoch" -> {
                if (mode.check()) EpochBench.check();
                else EpochBench.run(mode.torch(), mode.quick());
            }
            case "conv" -> ConvBench.run(mode.torch(), mode.quick());
            case "kernels" -> KernelBench.run(mode.numpy(), mode.quick());
            default -> new Bench(mode.quick()).run(mode.torch());
        }
    }

    private void run(boolean torch) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("overparam bench: %s, Java %s, %d cores, float64%n%n", Linalg.blasVersion(), System.getProperty("java.version"), cores);
        Map<String, JsonNode> reference = torch ? Torch.run(quick) : Map.of();

        System.out.println("dgemm (1000 x 4096) (4096 x 4096)");
        for (int threads : new int[] {1, 2}) {
            double gflops = dgemm(threads);
            ours.put("dgemm/" + threads, gflops);
            JsonNode t = reference.get("dgemm/" + threads);
            System.out.printf("  %d thread%s  %6.1f GFLOP/s%s%n", threads, threads == 1 ? " " : "s", gflops,
                    t == null ? "" : String.format("   (torch.matmul %.1f GFLOP/s)", t.get("gflops").asDouble()));
        }

        System.out.println();
        System.out.println("Gradient-descent step (forward, loss, backward, update; full batch), medians");
        System.out.println("  arch    size   activation threads   ms/step    steps/s   GFLOP/s  of dgemm" + (torch ? "   torch ms/step  speed-up" : ""));
        for (Size size : List.of(LARGE, SMALL))
            for (String activation : List.of("softplus", "relu"))
                for (String arch : List.of("fc", "resnet"))
                    for (int threads : new int[] {1, 2}) {
                        if (size == LARGE && activation.equals("relu") && quick) continue;
                        stepLine(size, arch, activation, threads, reference);
                    }
        for (Size size : List.of(SMALL))
            for (String activation : List.of("softplus", "relu"))
                for (String arch : List.of("fc", "resnet")) bestThreadsLine(size, arch, activation, reference);

        System.out.println();
        System.out.println("Gram matrices of every layer, the NTK, and their extreme eigenvalues (2 threads), medians");
        for (Size size : List.of(LARGE, SMALL))
            for (String arch : List.of("fc", "resnet")) gramLine(size, arch, reference);

        System.out.println();
        System.out.printf("Peak memory of this benchmark process: %s resident (VmHWM)%n", peakResident());
        if (!torch) System.out.println("(./overparam bench --torch adds PyTorch's numbers from the same machine and the ratios)");
    }

    private double dgemm(int threads) {
        Linalg.setThreads(threads);
        try (Matrix a = Matrix.zeros(1000, 4096); Matrix b = Matrix.zeros(4096, 4096); Matrix c = Matrix.zeros(1000, 4096)) {
            a.fill(0.5);
            b.fill(0.25);
            double[] seconds = new double[quick ? 3 : 5];
            Linalg.multTransB(1, a, b, 0, c);
            for (int r = 0; r < seconds.length; r++) {
                long t0 = System.nanoTime();
                Linalg.multTransB(1, a, b, 0, c);
                seconds[r] = (System.nanoTime() - t0) / 1e9;
            }
            return 2.0 * 1000 * 4096 * 4096 / median(seconds) / 1e9;
        }
    }

    /** FLOP of one step: per hidden layer a forward product, a weight-gradient product and (above layer 1) a backward product. */
    static double flopsPerStep(NetworkSpec spec, int n) {
        double flops = 0;
        for (int h = 1; h <= spec.depth(); h++) flops += 2.0 * n * spec.width() * spec.fanIn(h) * (h == 1 ? 2 : 3);
        return flops + 4.0 * n * spec.width();               // u = X^(H) a and the gradient of a
    }

    private void stepLine(Size size, String arch, String activation, int threads, Map<String, JsonNode> reference) {
        Linalg.setThreads(threads);
        NetworkSpec spec = new NetworkSpec(Arch.parse(arch), size.d, size.width, size.depth, Activation.parse(activation, 0), 0.5);
        double seconds = medianStepSeconds(spec, size);
        double gflops = flopsPerStep(spec, size.n) / seconds / 1e9;
        ours.put(key("step", arch, size.name, activation, threads), seconds);
        JsonNode t = reference.get(key("step", arch, size.name, activation, threads));
        String torch = t == null ? "" : String.format("   %13.2f  %7.2fx", 1e3 * t.get("seconds_per_step").asDouble(),
                t.get("seconds_per_step").asDouble() / seconds);
        System.out.printf("  %-7s %-6s %-10s %7d   %7.2f   %8.2f   %7.1f   %5.0f %%%s%n", arch, size.name, activation, threads, 1e3 * seconds,
                1 / seconds, gflops, 100 * gflops / ours.get("dgemm/" + threads), torch);
    }

    /** The small size against PyTorch's best thread setting (the target: at least 2x). */
    private void bestThreadsLine(Size size, String arch, String activation, Map<String, JsonNode> reference) {
        double best = Math.min(ours.get(key("step", arch, size.name, activation, 1)), ours.get(key("step", arch, size.name, activation, 2)));
        JsonNode t1 = reference.get(key("step", arch, size.name, activation, 1)), t2 = reference.get(key("step", arch, size.name, activation, 2));
        if (t1 == null || t2 == null) return;
        double torchBest = Math.min(t1.get("seconds_per_step").asDouble(), t2.get("seconds_per_step").asDouble());
        System.out.printf("  best thread setting, %s %s %s: overparam %.2f ms, torch %.2f ms: %.2fx%n", arch, size.name, activation,
                1e3 * best, 1e3 * torchBest, torchBest / best);
    }

    private double medianStepSeconds(NetworkSpec spec, Size size) {
        try (Dataset data = data(size)) {
            return medianStepSeconds(spec, data, size == LARGE ? 1 : 200, size == LARGE ? 2 : 100,
                    (size == LARGE ? 8 : 3) * (quick ? 0.4 : 1), size == LARGE ? 3 : 50);
        }
    }

    /**
     * The median time of one full-batch gradient step (forward, backward, update) over runs of stepsPerRun steps,
     * after warmup steps, for at least window seconds and minIntervals steps.
     */
    static double medianStepSeconds(NetworkSpec spec, Dataset data, int warmup, int stepsPerRun, double window, int minIntervals) {
        try (Network net = Network.initialize(spec, 1)) {
            TrainedLayers all = TrainedLayers.all(spec);
            Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(1e-6), warmup, 1 << 30, all, 0), List.of(), TrainingListener.NONE);
            List<Double> intervals = new ArrayList<>();
            long start = System.nanoTime();
            while (intervals.isEmpty() || (System.nanoTime() - start) / 1e9 < window || intervals.size() < minIntervals) {
                long[] last = {0};
                Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(1e-6), stepsPerRun, 1 << 30, all, 0), List.of(),
                        new TrainingListener() {
                            @Override public void onStep(int step, double loss) {      // step k's forward is done; the gap is one full step
                                long now = System.nanoTime();
                                if (step > 0) intervals.add((now - last[0]) / 1e9);
                                last[0] = now;
                            }
                        });
            }
            return median(intervals.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    private void gramLine(Size size, String arch, Map<String, JsonNode> reference) {
        Linalg.setThreads(2);
        NetworkSpec spec = new NetworkSpec(Arch.parse(arch), size.d, size.width, size.depth, Activation.parse("softplus", 0), 0.5);
        double ours;
        try (Dataset data = data(size)) {
            ours = gramSeconds(spec, data, quick ? 2 : 3);
        }
        JsonNode best = null;
        for (String route : List.of("vmap", "autograd_loop")) {
            JsonNode t = reference.get(key("gram", arch, size.name, "softplus", 2) + "/" + route);
            if (t != null && (best == null || torchGramSeconds(t) < torchGramSeconds(best))) best = t;
        }
        String torch = best == null ? "" : String.format("   torch per-sample (%s%s): %.1f s, %.0fx", best.get("route").asText(),
                best.get("extrapolated").asBoolean() ? ", extrapolated from " + best.get("samples_timed").asInt() + " samples" : "",
                torchGramSeconds(best), torchGramSeconds(best) / ours);
        System.out.printf("  %-7s %-6s n = %4d, m = %4d, H = %d:  %7.3f s%s%n", arch, size.name, size.n, size.width, size.depth, ours, torch);
    }

    /** PyTorch's full per-sample Gram time; for extrapolated runs the blockwise estimate, the more favourable to it. */
    /**
     * The median time of one Gram measurement at initialization (every layer's G^(h), the NTK, the extreme
     * eigenvalues of G^(H) and G) over repeats, after one warm-up.
     */
    static double gramSeconds(NetworkSpec spec, Dataset data, int repeats) {
        TrainedLayers all = TrainedLayers.all(spec);
        double[] seconds = new double[repeats];
        try (Network net = Network.initialize(spec, 1)) {
            for (int r = 0; r <= repeats; r++) {
                try (GramInstrument gram = new GramInstrument(spec, data.n(), all)) {
                    var result = Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(1e-6), 0, 1, all, 0),
                            List.of(gram), TrainingListener.NONE);
                    if (r > 0) seconds[r - 1] = result.instrumentSeconds();           // the first is a warm-up
                }
            }
        }
        return median(seconds);
    }

    private static double torchGramSeconds(JsonNode t) {
        return t.has("seconds_blockwise") ? t.get("seconds_blockwise").asDouble() : t.get("seconds").asDouble();
    }

    private static Dataset data(Size size) {
        return new Dataset(Synthetic.sphere(size.n, size.d, 0), Synthetic.gaussianLabels(size.n, 0), "bench");
    }

    static String key(String kind, String arch, String size, String activation, int threads) {
        return String.join("/", kind, arch, size, activation, String.valueOf(threads));
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Peak resident memory of this process, from /proc/self/status. */
    static String peakResident() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmHWM:")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.2f GB", kb / 1048576.0);
            }
        return "unknown";
    }
}
