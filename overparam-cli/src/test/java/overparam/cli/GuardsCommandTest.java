package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Misuse on the command line: one line, exit 2, no stack trace, nothing written; debris does not block a rerun. */
class GuardsCommandTest {
    @TempDir Path tmp;

    private static void assertRefused(CliRun r, String start) {
        assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
        assertEquals(1, r.errorLines(), "one line: " + r.err());
        assertTrue(r.err().startsWith(start), "the message starts with '" + start + "': " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test void aWidthOf1e9IsRefusedWithTheEstimate() {
        Path out = tmp.resolve("wide");
        assertRefused(CliRun.of("train", "--width", "1000000000", "--depth", "2", "--synthetic", "sphere", "--n", "10", "--d", "3",
                "--eta", "0.1", "--out", out.toString()), "train: --width 1000000000 at --depth 2: this run needs 13.9 EB of memory");
        assertFalse(Files.exists(out));
    }

    @Test void theKernelOfNOf2e9IsRefusedWithTheEstimate() {
        assertRefused(CliRun.of("kernel", "--arch", "fc", "--depth", "2", "--activation", "relu", "--synthetic", "sphere", "--n", "2000000000",
                "--d", "3", "--out", tmp.resolve("K.npy").toString()), "kernel: --n 2000000000: the kernels need 222.0 EB of memory");
    }

    @Test void aSweepOfAMillionCellsNeedsYes() throws IOException {
        String seeds = IntStream.range(0, 1000).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
        Path spec = Files.writeString(tmp.resolve("big.yaml"), "name: big\nbase: {arch: fc, depth: 2, width: 16, synthetic: sphere, n: 8, d: 3,"
                + " eta: \"0.1\", steps: 1}\nsweep:\n  seed: " + seeds + "\n  data_seed: " + seeds + "\n");
        Path out = tmp.resolve("big");
        assertRefused(CliRun.of("run", spec.toString(), "--out", out.toString(), "--quiet"),
                "run: big: the sweep has 1000000 cells (seed 1000 values x data_seed 1000 values), about 11.6 days at a second a cell");
        assertTrue(CliRun.of("run", spec.toString(), "--out", out.toString(), "--quiet").err().contains("Add --yes to run them all"));
        assertFalse(Files.exists(out));
    }

    @Test void aKilledKernelWritesDebrisThatDoesNotBlockTheRerun() throws IOException {
        Path k = tmp.resolve("K.npy");
        Files.writeString(tmp.resolve("K.npy.5f3k2.partial"), "half a matrix");
        CliRun r = CliRun.of("kernel", "--arch", "fc", "--depth", "2", "--activation", "relu", "--synthetic", "sphere", "--n", "5", "--d", "3",
                "--out", k.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isRegularFile(k));
    }
}
