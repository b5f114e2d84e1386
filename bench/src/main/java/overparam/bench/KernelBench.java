package overparam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import overparam.core.data.Npy;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.LimitKernel;
import overparam.core.nn.NetworkSpec;

/**
 * ./overparam bench --kernels: K^(H) and its lambda_min for a depth-10 fc net on n = 2000 points (unit-norm and of
 * unequal norms), relu and softplus; with --numpy the straightforward numpy recursion (bench/kernel_reference.py)
 * on the same inputs, extrapolated from a time budget where it would take hours, and the ratios.
 */
final class KernelBench {
    private KernelBench() {}

    static void run(boolean numpy, boolean quick) throws Exception {
        Linalg.setThreads(Runtime.getRuntime().availableProcessors());
        int n = 2000, d = 10, depth = 10;
        Path dir = Files.createTempDirectory("overparam-kernel-bench");
        System.out.println("Infinite-width K^(H) of a depth-" + depth + " fc net on n = " + n + " points (d = " + d + "), with lambda_min");
        System.out.println("  activation inputs          overparam   lambda_min" + (numpy ? "          numpy (2-D Gauss-Hermite)   speed-up" : ""));
        for (String inputs : List.of("unit-norm", "unequal-norm")) {
            Path x = dir.resolve(inputs + ".npy");
            try (Matrix m = inputs.equals("unit-norm") ? Synthetic.sphere(n, d, 0) : Synthetic.gaussianPoints(n, d, 0)) { Npy.write(x, m); }
            for (String activation : List.of("relu", "softplus")) {
                NetworkSpec spec = new NetworkSpec(Arch.FC, d, 1, depth, Activation.parse(activation, 0), 0.5);
                double seconds = Double.NaN, lambdaMin = Double.NaN;
                try (Matrix data = Npy.read(x).data()) {
                    for (int rep = 0; rep < (quick ? 1 : 2); rep++) {                    // the second run, JIT warm
                        long t0 = System.nanoTime();
                        try (LimitKernel k = LimitKernel.of(spec, data)) {
                            lambdaMin = Spectrum.of(k.limitGram()).min();
                        }
                        seconds = (System.nanoTime() - t0) / 1e9;
                    }
                }
                String reference = "";
                if (numpy) {
                    JsonNode r = reference(x, activation, depth, quick ? 30 : 120);
                    double s = r.get("seconds").asDouble();
                    reference = String.format("   %8.1f s%s %s   %8.0fx", s, r.get("extrapolated").asBoolean() ? " (extrapolated)" : "              ",
                            r.has("lambda_min") && !r.get("lambda_min").isNull() ? String.format("%.10e", r.get("lambda_min").asDouble()) : "                ",
                            s / seconds);
                }
                System.out.printf("  %-10s %-13s %8.2f s   %.10e%s%n", activation, inputs, seconds, lambdaMin, reference);
            }
        }
        try (var files = Files.list(dir)) { for (Path p : files.toList()) Files.delete(p); }
        Files.delete(dir);
    }

    /** Runs bench/kernel_reference.py with a time budget and returns its JSON. */
    private static JsonNode reference(Path x, String activation, int depth, int budgetSeconds) throws Exception {
        Path script = Path.of(System.getProperty("overparam.home", "."), "bench", "kernel_reference.py");
        Process p = new ProcessBuilder("python3", script.toString(), "--data", x.toString(), "--depth", String.valueOf(depth),
                "--activation", activation, "--max-seconds", String.valueOf(budgetSeconds), "--json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String json;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            json = r.lines().reduce("", (a, b) -> b);
        }
        if (p.waitFor() != 0 || json.isBlank()) throw new IllegalStateException("the numpy reference failed (python3 with numpy needed)");
        return Bench.JSON.readTree(json);
    }
}
