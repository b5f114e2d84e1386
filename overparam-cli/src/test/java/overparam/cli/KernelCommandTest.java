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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

class KernelCommandTest {
    @TempDir Path tmp;

    Path inputs(String name, double[][] rows) {
        Path p = tmp.resolve(name);
        try (Matrix m = Matrix.of(rows)) { Npy.write(p, m); }
        return p;
    }

    static double printed(CliRun r, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + " = (\\S+)").matcher(r.out());
        assertTrue(m.find(), name + " not printed: " + r.out());
        return Double.parseDouble(m.group(1));
    }

    /** The linear fc network's K^(H) is X X^T: the written matrix and the printed eigenvalues say so. */
    @Test
    void writesTheKernelAndPrintsItsSpectrum() {
        double[][] x = {{1, 0, 0}, {0.6, 0.8, 0}, {0, 0.5, 2}, {1, 1, 1}};
        Path data = inputs("X.npy", x), out = tmp.resolve("K.npy");
        CliRun r = CliRun.of("kernel", "--arch", "fc", "--depth", "4", "--activation", "identity", "--kind", "gram",
                "--data", data.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        NdArray k = Npy.read(out);
        assertArrayEquals(new long[] {4, 4}, k.shape());
        try (Matrix xm = Matrix.of(x); Matrix xxT = Matrix.zeros(4, 4)) {
            Linalg.multOuter(xm, xxT);
            for (int i = 0; i < 16; i++) assertEquals(xxT.get(i), k.data().get(i), 1e-14);
            var e = overparam.core.linalg.Spectrum.of(xxT);
            // rank 3: lambda_min is 0 up to rounding, and said to be below round-off (n eps ||K||), not printed as a number
            assertTrue(r.out().contains("lambda_min below round-off") && !e.resolvesMin(4), r.out());
            assertEquals(e.max(), printed(r, "lambda_max"), 1e-10 * e.max());
        }
    }

    @Test
    void labelsAddTheirComplexityAndDuplicatesAreNamed() throws IOException {
        Path data = inputs("X.npy", new double[][] {{1, 0}, {0.6, 0.8}, {0, 1}, {0.6, 0.8}}), labels = tmp.resolve("y.npy");
        try (Matrix y = Matrix.vectorOf(1, -1, 0.5, 2)) { Npy.write(labels, y, 4); }
        CliRun r = CliRun.of("kernel", "--arch", "two-layer", "--activation", "relu", "--data", data.toString(), "--labels", labels.toString(),
                "--out", tmp.resolve("K.npy").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("inputs 1 and 3 are duplicates"), r.err());
        assertTrue(r.out().contains("y^T K^-1 y"), r.out());
    }

    /** A zero input has no features under relu (sigma(0) = 0): its row of K is zero, and the warning says which. */
    @Test
    void aZeroInputIsNamed() {
        Path data = inputs("Z.npy", new double[][] {{1, 0, 0}, {0, 0, 0}, {0.3, 0.4, 1.2}});
        CliRun r = CliRun.of("kernel", "--arch", "resnet", "--depth", "3", "--activation", "relu", "--data", data.toString(),
                "--out", tmp.resolve("K.npy").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("row 1 is zero"), r.err());
    }

    @Test
    void ntkAndNngpAndOneLayersGram() {
        Path data = inputs("X.npy", new double[][] {{1, 0}, {0.6, 0.8}, {0, 1}});
        for (List<String> kind : List.of(List.of("--kind", "ntk"), List.of("--kind", "nngp"), List.of("--kind", "gram", "--layer", "1"))) {
            Path out = tmp.resolve(String.join("", kind).replace("-", "") + ".npy");
            List<String> args = new java.util.ArrayList<>(List.of("kernel", "--arch", "resnet", "--depth", "3", "--activation", "tanh",
                    "--data", data.toString(), "--out", out.toString()));
            args.addAll(kind);
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.exit(), kind + ": " + r.err());
            assertTrue(Files.exists(out));
        }
    }

    @Test
    void badInputsAreRefused() throws IOException {
        Path data = inputs("X.npy", new double[][] {{1, 0}, {0, 1}}), existing = tmp.resolve("exists.npy");
        Files.writeString(existing, "keep");
        String[][] cases = {
            {"--kind", "hessian", "--out", tmp.resolve("a.npy").toString()},
            {"--out", existing.toString()},
            {"--kind", "gram", "--layer", "9", "--out", tmp.resolve("b.npy").toString()},
            {"--arch", "resnet", "--depth", "1", "--out", tmp.resolve("c.npy").toString()},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length + 3];
            args[0] = "kernel"; args[1] = "--data"; args[2] = data.toString();
            System.arraycopy(c, 0, args, 3, c.length);
            CliRun r = CliRun.of(args);
            assertEquals(2, r.exit(), String.join(" ", c) + ": " + r.err());
            assertEquals(1, r.errorLines(), r.err());
        }
        assertEquals("keep", Files.readString(existing));
        CliRun noData = CliRun.of("kernel", "--out", tmp.resolve("d.npy").toString());
        assertEquals(2, noData.exit());
        assertFalse(Files.exists(tmp.resolve("d.npy")));
    }

    /** train records lambda_0 of its own data (the kernel command's lambda_min), the loss bound and the infinite twin. */
    @Test
    void trainRecordsTheTheoryOfItsOwnData() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, CliRun.of("train", "--arch", "fc", "--depth", "2", "--width", "512", "--activation", "relu", "--synthetic", "sphere",
                "--n", "12", "--d", "4", "--eta", "auto", "--steps", "200", "--record-every", "20", "--out", run.toString()).exit());
        ObjectMapper json = new ObjectMapper();
        JsonNode theory = json.readTree(run.resolve("summary.json").toFile()).get("theory");
        double lambda0 = theory.get("lambda_0").asDouble();
        CliRun k = CliRun.of("kernel", "--arch", "fc", "--depth", "2", "--activation", "relu", "--synthetic", "sphere", "--n", "12", "--d", "4",
                "--out", tmp.resolve("K.npy").toString());
        assertEquals(lambda0, printed(k, "lambda_min"), 1e-10 * lambda0);                // printed to 11 digits
        assertTrue(theory.get("requirements").size() >= 2);
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        JsonNode first = json.readTree(lines.get(0)), last = json.readTree(lines.get(lines.size() - 1));
        assertEquals(first.get("loss").asDouble(), first.get("loss_bound").asDouble(), 1e-12 * first.get("loss").asDouble());
        assertEquals(first.get("loss").asDouble(), first.get("loss_infinite").asDouble(), 1e-9 * first.get("loss").asDouble());
        assertTrue(last.get("loss").asDouble() <= last.get("loss_bound").asDouble(), "the theorem's bound holds at m = 512");
        assertTrue(last.get("loss_infinite").asDouble() < 1e-3 * first.get("loss_infinite").asDouble());
    }
}
