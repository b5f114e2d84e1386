package overparam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Linalg;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Patches;

/**
 * ./overparam bench --conv [--torch] [--quick]: the convolutional ResNet of seed 004, Section 3.3, softplus, c_res 0.5:
 * a full-batch gradient step at 1 and 2 threads, and a Gram measurement (every layer's G^(h), the NTK and the extreme
 * eigenvalues of G^(H) and G) at 2 threads. With --torch, bench/torch_conv_reference.py on the same sizes in the same
 * run (F.conv1d/conv2d; per-sample gradients for the Grams) and the ratios.
 *
 * <p>Sizes: "image", n = 256 images of 8 x 8 with 3 channels, 3 x 3 patches, m = 256, H = 3 (a CIFAR-like input cut
 * to a size whose per-sample Jacobians still fit in memory for PyTorch's route: 256 x 600k doubles); "signal", n = 256
 * signals of 32 pixels, 3 channels, 3-pixel patches (seed 004's q = 3 example), m = 256, H = 3.
 */
final class ConvBench {
    record Size(String name, int n, int channels, int rows, int cols, int width, int depth) {
        NetworkSpec spec() {
            return new NetworkSpec(Arch.CONV_RESNET, channels * rows * cols, width, depth, Activation.parse("softplus", 0), 0.5,
                    Patches.of(rows, cols, 3));
        }
    }

    static final List<Size> SIZES = List.of(new Size("image", 256, 3, 8, 8, 256, 3), new Size("signal", 256, 3, 1, 32, 256, 3));

    private ConvBench() {}

    static void run(boolean torch, boolean quick) throws Exception {
        Map<String, JsonNode> reference = torch ? torchReference(quick) : Map.of();
        System.out.println("conv-resnet, softplus, float64, " + Linalg.blasVersion());
        for (Size size : SIZES) {
            NetworkSpec spec = size.spec();
            System.out.printf("%s: n = %d, %d channels, %s, m = %d, H = %d%n", size.name, size.n, size.channels, spec.patches().describe(), size.width, size.depth);
            for (int threads : new int[] {1, 2}) {
                Linalg.setThreads(threads);
                double seconds;
                try (Dataset data = data(size)) {
                    seconds = Bench.medianStepSeconds(spec, data, 2, quick ? 5 : 12, 0, 1);
                }
                double gflops = flopsPerStep(spec, size.n) / seconds / 1e9;
                JsonNode t = reference.get("conv-step/" + size.name + "/" + threads);
                String vs = t == null ? "" : String.format("   torch %8.1f ms   speed-up %.2fx", 1e3 * t.get("seconds_per_step").asDouble(),
                        t.get("seconds_per_step").asDouble() / seconds);
                System.out.printf("  step, %d thread%s: %8.1f ms  (%.1f GFLOP/s)%s%n", threads, threads == 1 ? " " : "s", 1e3 * seconds, gflops, vs);
            }
            Linalg.setThreads(2);
            double gram;
            try (Dataset data = data(size)) {
                gram = Bench.gramSeconds(spec, data, quick ? 2 : 3);
            }
            JsonNode best = null;
            for (String route : List.of("vmap", "autograd_loop")) {
                JsonNode t = reference.get("conv-gram/" + size.name + "/2/" + route);
                if (t != null && (best == null || t.get("seconds").asDouble() < best.get("seconds").asDouble())) best = t;
            }
            String vs = best == null ? "" : String.format("   torch per-sample (%s): %.2f s   speed-up %.1fx", best.get("route").asText(),
                    best.get("seconds").asDouble(), best.get("seconds").asDouble() / gram);
            System.out.printf("  Gram of every layer + NTK + extreme eigenvalues, 2 threads: %.3f s%s%n", gram, vs);
        }
        if (!torch) System.out.println("(./overparam bench --conv --torch adds PyTorch's numbers from the same machine and the ratios)");
    }

    /** FLOP of one step: per layer the forward product on phi(X), the weight gradient and (above layer 1) the backward product. */
    static double flopsPerStep(NetworkSpec spec, int n) {
        double flops = 0, rows = (double) n * spec.pixels();
        for (int h = 1; h <= spec.depth(); h++) flops += 2.0 * rows * spec.width() * spec.fanIn(h) * (h == 1 ? 2 : 3);
        return flops + 4.0 * rows * spec.width();
    }

    private static Dataset data(Size size) {
        int d = size.channels * size.rows * size.cols;
        return new Dataset(Synthetic.sphere(size.n, d, 3), Synthetic.gaussianLabels(size.n, 3), "bench",
                size.rows == 1 ? new int[] {size.channels, size.cols} : new int[] {size.channels, size.rows, size.cols});
    }

    private static Map<String, JsonNode> torchReference(boolean quick) throws Exception {
        Path script = Path.of(System.getProperty("overparam.home", "."), "bench", "torch-reference.sh");
        List<String> command = List.of("bash", script.toString(), "--conv", "--sizes", "image,signal", "--budget-seconds", quick ? "3" : "8");
        System.out.println("running the PyTorch reference: " + String.join(" ", command) + " (a few minutes) ...");
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode j = Bench.JSON.readTree(line);
                String kind = j.path("kind").asText();
                if (kind.equals("conv-step")) out.put("conv-step/" + j.get("size").asText() + "/" + j.get("threads").asInt(), j);
                else if (kind.equals("conv-gram"))
                    out.put("conv-gram/" + j.get("size").asText() + "/" + j.get("threads").asInt() + "/" + j.get("route").asText(), j);
            }
        }
        if (p.waitFor() != 0) System.out.println("(the PyTorch reference exited with " + p.exitValue() + "; its numbers may be missing)");
        return out;
    }
}
