package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.Npy;
import overparam.core.data.Synthetic;
import overparam.core.kernel.KernelPrediction;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.CrossKernels;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Patches;
import overparam.core.nn.TrainedLayers;

/** kernel --predict end to end on a small file data set: the folder's files are the core's predictions; bad input refused. */
class KernelPredictCommandTest {
    @TempDir Path tmp;

    static final int N = 12, N_TEST = 5, D = 3;

    Path write(String name, Matrix m, long... shape) {
        Path p = tmp.resolve(name);
        Npy.write(p, m, shape);
        return p;
    }

    /** Training inputs, +-1 training labels, test inputs and test labels; the labels are signs of a smooth function. */
    List<Path> files() {
        try (Matrix x = Synthetic.sphere(N, D, 61); Matrix xt = Synthetic.sphere(N_TEST, D, 62); Matrix y = Matrix.vector(N); Matrix yt = Matrix.vector(N_TEST)) {
            for (int i = 0; i < N; i++) y.set(i, x.get(i, 0) + 0.3 * x.get(i, 1) >= 0 ? 1 : -1);
            for (int i = 0; i < N_TEST; i++) yt.set(i, xt.get(i, 0) + 0.3 * xt.get(i, 1) >= 0 ? 1 : -1);
            return List.of(write("X.npy", x), write("y.npy", y, N), write("Xt.npy", xt), write("yt.npy", yt, N_TEST));
        }
    }

    static String[] args(String... rest) {
        List<String> a = new ArrayList<>(List.of("kernel", "--arch", "fc", "--depth", "2", "--activation", "softplus"));
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    static double[] read(Path p) {
        try (Matrix m = Npy.read(p).data()) {
            return m.toArray();
        }
    }

    @Test
    void writesTheCoresPredictionsAndTheSummary() throws IOException {
        List<Path> f = files();
        Path out = tmp.resolve("pred");
        CliRun r = CliRun.of(args("--data", f.get(0).toString(), "--labels", f.get(1).toString(), "--test-data", f.get(2).toString(),
                "--test-labels", f.get(3).toString(), "--ridge", "1e-9", "--out", out.toString()));
        assertEquals(0, r.exit(), r.err());
        for (String name : List.of("ntk_cross.npy", "nngp_cross.npy", "ntk_test_diagonal.npy", "nngp_test_diagonal.npy", "predictions_ntk.npy",
                "predictions_nngp.npy", "nngp_variance.npy", "summary.json"))
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        try (Stream<Path> all = Files.list(out)) {
            assertEquals(8, all.count());
        }
        assertArrayEquals(new long[] {N_TEST, N}, Npy.read(out.resolve("ntk_cross.npy")).shape());
        assertArrayEquals(new long[] {N_TEST, 1}, Npy.read(out.resolve("predictions_ntk.npy")).shape());
        // the same network's kernels and predictions, computed here through core
        NetworkSpec spec = new NetworkSpec(Arch.FC, D, 1, 2, Activation.parse("softplus", 0.1), 0.5, Patches.NONE, 1);
        try (Matrix x = Npy.read(f.get(0)).data(); Matrix xt = Npy.read(f.get(2)).data(); Matrix y = Npy.read(f.get(1)).data().reshaped(N, 1);
             CrossKernels k = CrossKernels.of(spec, xt, x, TrainedLayers.all(spec));
             KernelPrediction.Prediction ntk = KernelPrediction.converged(k.ntk(), k.ntkCross(), y, 1e-9);
             KernelPrediction.Posterior nngp = KernelPrediction.nngpPosterior(k.nngp(), k.nngpCross(), k.nngpTest(), y, 1e-9)) {
            double[] pNtk = read(out.resolve("predictions_ntk.npy")), pNngp = read(out.resolve("predictions_nngp.npy")),
                    var = read(out.resolve("nngp_variance.npy")), cross = read(out.resolve("ntk_cross.npy"));
            assertArrayEquals(ntk.values().toArray(), pNtk, 0.0);
            assertArrayEquals(nngp.mean().toArray(), pNngp, 0.0);
            assertArrayEquals(nngp.variance(), var, 0.0);
            assertArrayEquals(k.ntkCross().toArray(), cross, 0.0);
            JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            assertEquals(N, s.get("n").asInt());
            assertEquals(N_TEST, s.get("n_test").asInt());
            assertEquals(D, s.get("d").asInt());
            assertEquals("converged", s.get("steps").asText());
            assertEquals(1e-9, s.get("ridge").asDouble());
            assertEquals(ntk.relativeResidual(), s.get("residual_ntk").asDouble());
            double[] yt = read(f.get(3));
            double mse = 0;
            int right = 0;
            for (int i = 0; i < N_TEST; i++) {
                mse += Math.pow(pNtk[i] - yt[i], 2) / N_TEST;
                right += Math.signum(pNtk[i]) == yt[i] ? 1 : 0;
            }
            assertEquals(mse, s.get("test_loss_ntk").asDouble(), 1e-15 * Math.max(1, mse));
            assertEquals(right / (double) N_TEST, s.get("accuracy_ntk").asDouble());
            // where the result comes from, as a train run's summary.json says it: the command as typed, the build, the machine
            JsonNode prov = s.get("provenance");
            assertTrue(prov.get("command").asText().startsWith("./overparam kernel ") && prov.get("command").asText().contains("--ridge 1e-9"),
                    prov.toString());
            assertTrue(prov.get("machine").get("cores").asInt() >= 1 && prov.get("elapsed_seconds").asDouble() >= 0, prov.toString());
            assertFalse(prov.get("git_commit").asText().isEmpty());
        }
    }

    @Test
    void stepsAndEtaGiveTheTimeKPrediction() {
        List<Path> f = files();
        Path out = tmp.resolve("pred50");
        CliRun r = CliRun.of(args("--data", f.get(0).toString(), "--labels", f.get(1).toString(), "--test-data", f.get(2).toString(),
                "--steps", "50", "--eta", "0.05", "--out", out.toString()));
        assertEquals(0, r.exit(), r.err());
        NetworkSpec spec = new NetworkSpec(Arch.FC, D, 1, 2, Activation.parse("softplus", 0.1), 0.5, Patches.NONE, 1);
        try (Matrix x = Npy.read(f.get(0)).data(); Matrix xt = Npy.read(f.get(2)).data(); Matrix y = Npy.read(f.get(1)).data().reshaped(N, 1);
             CrossKernels k = CrossKernels.of(spec, xt, x, TrainedLayers.all(spec));
             KernelPrediction.Prediction ntk = KernelPrediction.atStep(k.ntk(), k.ntkCross(), y, 0.05, 50, null, null)) {
            assertArrayEquals(ntk.values().toArray(), read(out.resolve("predictions_ntk.npy")), 0.0);
        }
        assertFalse(r.out().contains("test loss"), "no test labels, no test loss: " + r.out());
    }

    /** The infinite network's GD diverges for eta >= 2 / lambda_max(Theta): 2.1 / lambda_max is refused, 1.9 / lambda_max runs. */
    @Test
    void etaAtOrPastTwoOverLambdaMaxIsRefused() {
        List<Path> f = files();
        NetworkSpec spec = new NetworkSpec(Arch.FC, D, 1, 2, Activation.parse("softplus", 0.1), 0.5, Patches.NONE, 1);
        double lambdaMax;
        try (Matrix x = Npy.read(f.get(0)).data(); overparam.core.nn.LimitKernel k = overparam.core.nn.LimitKernel.of(spec, x)) {
            lambdaMax = overparam.core.linalg.Spectrum.of(k.limitNtk()).max();
        }
        String[] common = {"--data", f.get(0).toString(), "--labels", f.get(1).toString(), "--test-data", f.get(2).toString(), "--steps", "20"};
        Path past = tmp.resolve("past"), below = tmp.resolve("below");
        List<String> a = new ArrayList<>(List.of(args(common)));
        a.addAll(List.of("--eta", String.valueOf(2.1 / lambdaMax), "--out", past.toString()));
        CliRun refused = CliRun.of(a.toArray(String[]::new));
        assertEquals(2, refused.exit(), refused.err());
        assertTrue(refused.err().contains("--eta") && refused.err().contains("2 / lambda_max"), refused.err());
        assertFalse(Files.exists(past));
        List<String> b = new ArrayList<>(List.of(args(common)));
        b.addAll(List.of("--eta", String.valueOf(1.9 / lambdaMax), "--out", below.toString()));
        assertEquals(0, CliRun.of(b.toArray(String[]::new)).exit());
    }

    /** Each refusal: exit 2, one line naming the option, and no folder. */
    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() throws IOException {
        List<Path> f = files();
        Path wide;
        try (Matrix m = Synthetic.sphere(4, D + 1, 63)) { wide = write("wide.npy", m); }
        Path taken = tmp.resolve("taken");
        Files.createDirectories(taken);
        Files.writeString(taken.resolve("keep.txt"), "keep");
        String data = f.get(0).toString(), labels = f.get(1).toString(), test = f.get(2).toString();
        Object[][] cases = {
            {"--test-data " + wide, new String[] {"--data", data, "--labels", labels, "--test-data", wide.toString()}},
            {"--ridge", new String[] {"--data", data, "--labels", labels, "--test-data", test, "--ridge", "-1"}},
            {"--steps", new String[] {"--data", data, "--labels", labels, "--test-data", test, "--steps", "10"}},
            {"--eta", new String[] {"--data", data, "--labels", labels, "--test-data", test, "--steps", "10", "--eta", "0"}},
            {"--eta", new String[] {"--data", data, "--labels", labels, "--test-data", test, "--eta", "0.1"}},
            {"--test-labels", new String[] {"--data", data, "--labels", labels, "--test-labels", labels}},
            {"--ridge", new String[] {"--data", data, "--labels", labels, "--ridge", "0.1"}},
            {"--labels", new String[] {"--data", data, "--test-data", test}},
            {"no infinite-width limit", new String[] {"--arch", "identity-mapping", "--data", data, "--labels", labels, "--test-data", test}},
            {"--out", new String[] {"--data", data, "--labels", labels, "--test-data", test, "--out", taken.toString()}},
            {"--test-n", new String[] {"--synthetic", "sphere", "--n", "8", "--d", "3", "--predict"}},
        };
        int i = 0;
        for (Object[] c : cases) {
            String[] rest = (String[]) c[1];
            List<String> a = new ArrayList<>(List.of(args(rest)));
            Path out = tmp.resolve("refused" + i++);
            if (!a.contains("--out")) { a.add("--out"); a.add(out.toString()); }
            CliRun r = CliRun.of(a.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", rest) + ": " + r.out() + r.err());
            assertEquals(1, r.errorLines(), r.err());
            assertTrue(r.err().contains((String) c[0]), "names " + c[0] + ": " + r.err());
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", rest));
        }
        assertEquals(List.of(taken.resolve("keep.txt")), Files.list(taken).toList());
    }

    /** Duplicated training inputs make Theta singular: refused with the fix (--ridge), and the folder removed; a ridge solves it. */
    @Test
    void singularKernelNamesTheRidge() {
        Path x, y;
        try (Matrix m = Matrix.of(new double[][] {{1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0.6, 0.8, 0}})) { x = write("dup.npy", m); }
        try (Matrix m = Matrix.vectorOf(1, -1, 1, 0.5)) { y = write("dupy.npy", m, 4); }
        Path test = files().get(2), out = tmp.resolve("dup-pred");
        CliRun r = CliRun.of(args("--data", x.toString(), "--labels", y.toString(), "--test-data", test.toString(), "--out", out.toString()));
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--ridge") && r.err().contains("not numerically positive definite"), r.err());
        assertFalse(Files.exists(out));
        assertEquals(0, CliRun.of(args("--data", x.toString(), "--labels", y.toString(), "--test-data", test.toString(), "--ridge", "1e-6",
                "--out", out.toString())).exit());
    }
    /**
     * kernel --executor and --master, the options run shares (one mixin): --executor local is this process, the same files;
     * without the Spark module (this build) --executor spark says how to get it; --master needs --executor spark; an
     * unknown name lists the choices. Each refusal one line, exit 2, nothing written.
     */
    @Test
    void executorOptionsAreCheckedBeforeAnythingRuns() throws IOException {
        List<Path> f = files();
        String[] data = {"kernel", "--arch", "fc", "--depth", "2", "--activation", "relu",     // tiles need a closed-form activation
            "--data", f.get(0).toString(), "--labels", f.get(1).toString(), "--test-data", f.get(2).toString(), "--ridge", "1e-9"};
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), refused = tmp.resolve("refused");
        assertEquals(0, CliRun.of(concat(data, "--memory", "1G", "--tile-size", "5", "--quiet", "--out", a.toString())).exit());
        CliRun local = CliRun.of(concat(data, "--memory", "1G", "--tile-size", "5", "--quiet", "--executor", "local", "--out", b.toString()));
        assertEquals(0, local.exit(), local.err());
        assertArrayEquals(Files.readAllBytes(a.resolve("predictions_ntk.npy")), Files.readAllBytes(b.resolve("predictions_ntk.npy")));
        String[][] cases = {
            {"--executor", "spark", "kernel: --executor spark: the Spark executor is not built here (it is the optional module overparam-spark)"},
            {"--master", "local[2]", "kernel: --master local[2]: applies only to --executor spark"},
            {"--executor", "dask", "kernel: --executor dask: unknown executor; expected one of local, spark."}};
        for (String[] c : cases) {
            CliRun r = CliRun.of(concat(data, c[0], c[1], "--out", refused.toString()));
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.errorLines(), r.err());
            assertTrue(r.err().startsWith(c[2]), r.err());
        }
        assertFalse(Files.exists(refused), "nothing written");
    }

    static String[] concat(String[] a, String... b) {
        List<String> c = new ArrayList<>(List.of(a));
        c.addAll(List.of(b));
        return c.toArray(String[]::new);
    }
}
