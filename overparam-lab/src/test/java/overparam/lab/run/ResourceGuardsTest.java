package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;
import overparam.core.instruments.GramInstrument;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.KernelPlan;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;

/**
 * Sizes no machine can hold are refused before anything is allocated, with the estimate and the limit, and a run
 * that fails leaves nothing that looks complete and nothing that blocks running it again.
 */
class ResourceGuardsTest {
    @TempDir Path tmp;

    RunConfig run(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 16).with("synthetic", "sphere")
                .with("n", 10).with("d", 3).with("eta", "0.05").with("steps", 2).with("record_every", 1).with("out", tmp.resolve(out).toString());
    }

    private BadInputException refused(RunConfig c) {
        BadInputException e = assertThrows(BadInputException.class, () -> TrainRun.execute(c, TrainingListener.NONE));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(Files.exists(Path.of(c.out())), "a refused run leaves no folder");
        return e;
    }

    @Test void estimatesDoNotOverflowAtAWidthOf1e9OrNOf2e9() {
        NetworkSpec wide = new NetworkSpec(Arch.FC, 3, 1_000_000_000, 2, Activation.parse("relu", 0), 0.5);
        // W1 (1e9 x 3), W2 (1e9 x 1e9) and a: 8 (3e9 + 1e18 + 1e9) bytes, which a long holds only barely and a sum of two of them not at all
        assertEquals(8 * (3e9 + 1e18 + 1e9), Network.bytes(wide), 1e6);
        NetworkSpec small = new NetworkSpec(Arch.FC, 3, 16, 2, Activation.parse("relu", 0), 0.5);
        assertTrue(GramInstrument.bytes(small, 2_000_000_000L) >= 8 * 8 * 4e18, "(H + 6) n x n matrices, positive and huge");
        assertEquals(8.0 * 4e18, Matrix.bytes(2e9, 2e9));
    }

    @Test void aWidthOf1e9AtDepth2IsRefusedWithTheEstimateAndTheLimit() {
        String m = refused(run("wide").with("width", 1_000_000_000)).getMessage();
        assertTrue(m.startsWith("--width 1000000000 at --depth 2: this run needs 13.9 EB of memory (weights 13.9 EB"), m);
        assertTrue(m.contains("but only ") && m.contains(" is available"), m);
    }

    @Test void nOf2e9IsRefusedBeforeTheDataAreDrawn() {
        String m = refused(run("many").with("n", 2_000_000_000)).getMessage();
        assertTrue(m.startsWith("--n 2000000000: this run needs "), m);
        assertTrue(m.contains("Gram matrices 249.8 EB") && m.contains("data 59.6 GB"), m);
    }

    @Test void aMatrixOfMoreThan2GiBIsRefusedEvenWhereMemoryWouldHoldIt() {
        // W2 is 20000 x 20000 = 4e8 values (3.2 GB): past the 2^28 values one buffer addresses; a machine with less
        // than that free refuses it for memory first
        String m = refused(run("big-matrix").with("width", 20_000).with("instruments", "none")).getMessage();
        long free = Memory.availableBytes();
        if (free > 4e9) assertTrue(m.startsWith("--width 20000 at --depth 2: W2 would be 20000 x 20000 = 4.00e+08 values, more than the 268435455 (2 GiB)"), m);
        else assertTrue(m.contains("this run needs"), m);
    }

    @Test void theKernelOfNOf2e9IsRefusedBeforeTheInputsAreDrawn() {
        RunConfig c = RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("synthetic", "sphere").with("n", 2_000_000_000).with("d", 3)
                .with("out", tmp.resolve("K.npy").toString());
        BadInputException e = assertThrows(BadInputException.class, () -> KernelRun.execute(KernelPlan.parse(c, "gram", null)));
        assertTrue(e.getMessage().startsWith("--n 2000000000: the kernels need 222.0 EB of memory (eight 2000000000 x 2000000000 matrices)"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("K.npy")));
    }

    @Test void debrisOfAKilledWriteDoesNotMakeTheFolderAnExistingRun() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("again"));
        Path debris = Files.writeString(out.resolve("weights_final.npz.4242.partial"), "half an archive");
        TrainRun.execute(run("again"), TrainingListener.NONE);
        assertFalse(Files.exists(debris), "a new run deletes the debris first");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("config.json", "metrics.jsonl", "reproduce.sh", "summary.json", "weights_final.npz", "weights_init.npz"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // the folder of a finished run is still refused
        BadInputException e = assertThrows(BadInputException.class, () -> TrainRun.execute(run("again"), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("already holds files"), e.getMessage());
    }

    @Test void aRunThatFailsRemovesWhatItWroteSoTheSameCommandRunsAgain() throws IOException {
        Path out = tmp.resolve("failed");
        StepRecord record = new StepRecord(0);
        record.put("loss", 1.0);
        try (RunFolder folder = RunFolder.create(out)) {
            folder.writeSummary(Json.object().put("status", "running"));
            folder.onRecord(record);
            assertFalse(Files.exists(out.resolve("metrics.jsonl")), "metrics.jsonl takes its name only when the run ends");
            // ... the disk fills up while weights_final.npz is written: the run never calls finish()
        }
        assertFalse(Files.exists(out), "nothing left: neither a summary saying running nor a partial metrics file");
        TrainRun.execute(run("failed"), TrainingListener.NONE);
        assertTrue(Files.exists(out.resolve("weights_final.npz")));
    }

    @Test void aRunThatFailsInAFolderItDidNotMakeKeepsTheFolder() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("given"));
        try (RunFolder folder = RunFolder.create(out)) {
            folder.writeSummary(Json.object().put("status", "running"));
        }
        assertTrue(Files.isDirectory(out));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(0, files.count());
        }
    }

    @Test void partialFilesAreRecognisedAsDebrisOnly() {
        assertTrue(AtomicFile.isPartial(Path.of("runs/r1/summary.json.123.partial")));
        assertFalse(AtomicFile.isPartial(Path.of("runs/r1/summary.json")));
    }
}
