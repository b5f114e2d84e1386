package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TrainingListener;
import overparam.lab.experiment.ExperimentRun;
import overparam.lab.experiment.ExperimentSpec;
import overparam.lab.experiment.SpecParser;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlan;

/**
 * --kernel-predict at scale: the converged predictions made tile by tile (--kernel-memory) are the in-memory ones, and
 * runs share them through --kernel-cache exactly when the kernel, ridge and data are the same: another width or seed reads
 * the entry, another ridge, test set or depth makes its own. An experiment's cells share one solve in its kernel-cache/.
 */
class KernelPredictionCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NUMBERS = {"ntk_test_accuracy", "ntk_test_loss", "ntk_residual", "nngp_test_accuracy", "nngp_test_loss", "nngp_residual"};
    @TempDir Path tmp;

    /** n points on the unit sphere of R^d, labelled by the sign of x_1 x_2 + 0.3 x_3 (RunKernelPredictionTest's). */
    private void sphere(String name, int n, int d, long seed) throws IOException {
        RunKernelPredictionTest.sphere(tmp, name, n, d, seed);
    }

    /** Minibatch SGD (no prediction after the run's steps, so the converged predictions alone: the shared, tiled ones). */
    private RunConfig sgd() throws IOException {
        sphere("train", 60, 5, 1);
        sphere("test", 30, 5, 2);
        sphere("other", 30, 5, 3);
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 32).with("activation", "relu")
                .with("data", tmp.resolve("train_X.npy").toString()).with("labels", tmp.resolve("train_y.npy").toString())
                .with("test_data", tmp.resolve("test_X.npy").toString()).with("test_labels", tmp.resolve("test_y.npy").toString())
                .with("batch_size", 20).with("eta", "0.05").with("steps", 6).with("record_every", 3).with("instruments", "none")
                .with("threads", 1).with("seed", 5L).with("kernel_predict", true);
    }

    private JsonNode run(RunConfig c, String name) throws IOException {
        Path out = tmp.resolve(name);
        TrainRun.execute(c.with("out", out.toString()), TrainingListener.NONE);
        return JSON.readTree(out.resolve("summary.json").toFile()).get("kernel_prediction");
    }

    private static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test void tiledPredictionsAreTheInMemoryOnesAndRunsOfOneKernelAndDataShareThem() throws IOException {
        RunConfig c = sgd();
        Path cache = tmp.resolve("cache");
        JsonNode inMemory = run(c, "in-memory");
        assertFalse(inMemory.has("tiled") || inMemory.has("cache"), inMemory.toString());
        // 64 MB is the tiled solve's fixed slack; 200 MB holds it and all of L (n = 60, tiles of 30)
        JsonNode tiled = run(c.with("kernel_memory", "200M").with("kernel_cache", cache.toString()), "tiled");
        assertTrue(tiled.get("tiled").get("tiles_computed").asInt() > 0, tiled.toString());
        assertTrue(tiled.get("cache").asText().startsWith("computed into " + cache.toAbsolutePath().normalize()), tiled.toString());
        for (String name : NUMBERS) {
            double a = inMemory.get(name).asDouble(), b = tiled.get(name).asDouble();
            if (name.endsWith("accuracy")) assertEquals(a, b, 0, name);
            else if (name.endsWith("loss")) assertEquals(a, b, 1e-9 * a, name);          // two factorizations of one kernel: rounding apart
            else assertTrue(a < 1e-9 && b < 1e-9, name + " " + a + " " + b);
        }
        assertTrue(inMemory.get("ntk_test_accuracy").asDouble() > 0.6, inMemory.toString());
        // another width and initialization: the same kernel and data, read bit for bit, tiles gone
        JsonNode read = run(c.with("kernel_memory", "200M").with("kernel_cache", cache.toString()).with("width", 8).with("seed", 9L), "read");
        assertTrue(read.get("cache").asText().startsWith("read from "), read.toString());
        for (String name : NUMBERS) assertEquals(tiled.get(name).asDouble(), read.get(name).asDouble(), 0, name);
        assertEquals(1, entries(cache).size());
        Path entry = entries(cache).get(0);
        assertFalse(Files.exists(entry.resolve("tiles")), "the tiles are deleted once solved");
        assertTrue(Files.readString(entry.resolve(KernelPredictionCache.KEY_TEXT)).contains("ridge: 0.0"));
        // without --kernel-memory in-memory, and the same entry (the numbers do not depend on how they were made)
        assertTrue(run(c.with("kernel_cache", cache.toString()).with("width", 16), "untiled-read").get("cache").asText().startsWith("read from "));
        // each of these changes the prediction, so each makes an entry of its own
        JsonNode ridged = run(c.with("kernel_cache", cache.toString()).with("kernel_ridge", 1e-2), "ridge");
        JsonNode otherTest = run(c.with("kernel_cache", cache.toString()).with("test_data", tmp.resolve("other_X.npy").toString())
                .with("test_labels", tmp.resolve("other_y.npy").toString()), "other-test");
        JsonNode deeper = run(c.with("kernel_cache", cache.toString()).with("depth", 3), "deeper");
        for (JsonNode other : List.of(ridged, otherTest, deeper)) {
            assertTrue(other.get("cache").asText().startsWith("computed into "), other.toString());
            assertNotEquals(tiled.get("ntk_test_loss").asDouble(), other.get("ntk_test_loss").asDouble(), other.toString());
        }
        assertEquals(4, entries(cache).size());
    }

    /**
     * A tiled solve tells the run's listener its progress, from 0 to the whole of its estimated work (exact here: the
     * estimate counts the training kernel's diagonal tiles as half full, true when the tile edge divides n, 30 and 60),
     * never backwards, through its phases; an in-memory solve and a read from the cache report nothing.
     */
    @Test void aTiledSolveReportsItsProgressToTheRunsListener() throws IOException {
        RunConfig c = sgd();
        List<double[]> calls = new java.util.ArrayList<>();
        java.util.Set<String> phases = new java.util.LinkedHashSet<>();                  // in the order they first appear
        TrainingListener listener = new TrainingListener() {
            @Override public void onKernelPrediction(double done, double total, String phase) {
                calls.add(new double[] {done, total});
                phases.add(phase);
            }
        };
        Path cache = tmp.resolve("cache");
        TrainRun.execute(c.with("out", tmp.resolve("in-memory").toString()), listener);
        assertEquals(List.of(), calls, "in memory: seconds, no progress");
        TrainRun.execute(c.with("kernel_memory", "200M").with("kernel_cache", cache.toString()).with("out", tmp.resolve("tiled").toString()), listener);
        assertEquals(0, calls.get(0)[0]);
        double total = calls.get(0)[1];
        for (int i = 1; i < calls.size(); i++) {
            assertTrue(calls.get(i)[0] >= calls.get(i - 1)[0], "never backwards");
            assertEquals(total, calls.get(i)[1]);
        }
        assertEquals(total, calls.get(calls.size() - 1)[0], 1e-9 * total, "the whole estimated work");
        assertEquals(List.of("kernel tiles", "cross-kernel tiles", "factorization of Theta", "factorization of the NNGP kernel", "posterior variance"),
                List.copyOf(phases));
        calls.clear();
        TrainRun.execute(c.with("kernel_memory", "200M").with("kernel_cache", cache.toString()).with("width", 8).with("out", tmp.resolve("read").toString()), listener);
        assertEquals(List.of(), calls, "read from the cache: nothing to show");
    }

    @Test void anEntryOfAnotherKeyIsRefusedNotReused() throws IOException {
        RunConfig c = sgd().with("kernel_cache", tmp.resolve("cache").toString());
        run(c, "first");
        Path entry = entries(tmp.resolve("cache")).get(0);
        Files.writeString(entry.resolve(KernelPredictionCache.KEY_TEXT), "something else\n");
        BadInputException e = assertThrows(BadInputException.class, () -> run(c, "second"));
        assertTrue(e.getMessage().startsWith("--kernel-cache: " + entry) && e.getMessage().endsWith("delete that folder.") && !e.getMessage().contains("\n"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("second")), "a refused run leaves no folder");
    }

    /**
     * A repeated training input makes the interpolating kernels singular: the cached tiled solve is refused naming train's
     * --kernel-ridge (not the kernel command's --ridge), leaves no run folder, and keeps the entry's finished kernel tiles.
     */
    @Test void aSingularTiledSolveNamesKernelRidgeAndKeepsItsTiles() throws IOException {
        RunConfig c = sgd();
        Path x = tmp.resolve("train_X.npy"), y = tmp.resolve("train_y.npy");
        try (Matrix xs = overparam.core.data.Npy.read(x).data(); Matrix ys = overparam.core.data.Npy.read(y).data()) {
            for (int j = 0; j < xs.cols(); j++) xs.set(1, j, xs.get(0, j));                 // row 1 repeats row 0
            ys.set(1, ys.get(0));
            overparam.core.data.Npy.write(tmp.resolve("rep_X.npy"), xs);
            overparam.core.data.Npy.write(tmp.resolve("rep_y.npy"), ys);
        }
        Path cache = tmp.resolve("cache");
        RunConfig singular = c.with("data", tmp.resolve("rep_X.npy").toString()).with("labels", tmp.resolve("rep_y.npy").toString())
                .with("kernel_memory", "200M").with("kernel_cache", cache.toString());
        String m = assertThrows(BadInputException.class, () -> run(singular, "singular")).getMessage();
        assertTrue(m.startsWith("--kernel-ridge 0.0: ") && m.contains("e.g. --kernel-ridge 1e-6") && !m.contains("\n"), m);
        assertFalse(Files.exists(tmp.resolve("singular")), "a refused run leaves no folder");
        Path tiles = entries(cache).get(0).resolve("tiles");
        try (Stream<Path> kept = Files.list(tiles)) {
            assertTrue(kept.findAny().isPresent(), "the finished kernel tiles stay for a rerun");
        }
        assertFalse(Files.exists(entries(cache).get(0).resolve(KernelPredictionCache.NUMBERS)));
    }

    /**
     * --kernel-memory is refused where it cannot apply: without --kernel-predict, as a size that is none, and for a run whose
     * prediction after its own steps needs Theta's eigendecomposition in memory (full-batch GD on the squared loss).
     */
    @Test void kernelMemoryIsRefusedWhereItCannotApply() throws IOException {
        RunConfig c = sgd();
        String without = assertThrows(BadInputException.class, () -> RunPlan.parse(c.with("kernel_predict", null).with("kernel_memory", "1G"))).getMessage();
        assertEquals("--kernel-memory 1G: an option of --kernel-predict's kernels; add --kernel-predict, or drop --kernel-memory.", without);
        String cacheAlone = assertThrows(BadInputException.class, () -> RunPlan.parse(c.with("kernel_predict", null).with("kernel_cache", "x"))).getMessage();
        assertTrue(cacheAlone.startsWith("--kernel-cache x: "), cacheAlone);
        String size = assertThrows(BadInputException.class, () -> RunPlan.parse(c.with("kernel_memory", "lots"))).getMessage();
        assertTrue(size.startsWith("--kernel-memory lots: ") && size.contains("e.g. --kernel-memory 16G"), size);
        RunConfig fullBatch = c.with("batch_size", 0).with("kernel_memory", "1G");
        String steps = assertThrows(BadInputException.class, () -> run(fullBatch, "full-batch")).getMessage();
        assertTrue(steps.startsWith("--kernel-memory 1") && steps.contains("drop --kernel-memory, or train with --batch-size."), steps);
        assertFalse(Files.exists(tmp.resolve("full-batch")));
        // a ResNet's kernels have a limit but no tiles: refused naming the option that asked for tiles, nothing written
        String resnet = assertThrows(BadInputException.class, () -> run(c.with("arch", "resnet").with("kernel_memory", "200M"), "resnet")).getMessage();
        assertTrue(resnet.startsWith("--kernel-memory: the kernels are made tile by tile, but hidden layer 2 is ") && resnet.endsWith(", or fewer samples.")
                && !resnet.contains("\n"), resnet);
        assertFalse(Files.exists(tmp.resolve("resnet")));
    }

    /** Adam on the squared loss, full batch: not the gradient descent the closed form describes, so no step prediction or twin. */
    @Test void adamGetsNoStepPrediction() throws IOException {
        JsonNode k = run(sgd().with("batch_size", 0).with("optimizer", "adam").with("eta", "0.01"), "adam");
        assertFalse(k.has("ntk_step") || k.has("ntk_twin_test_accuracy"), k.toString());
        JsonNode gd = run(sgd().with("batch_size", 0).with("eta", "0.01"), "gd");          // below 2 / lambda_max(Theta) = 2 / 50.5
        assertTrue(gd.has("ntk_step_test_accuracy") && gd.has("ntk_twin_test_distance"), gd.toString());
    }

    /**
     * The memory check counts the in-memory fold only when the predictions are made in one piece: 30,000 training and 1,000
     * test points (61.5 GB of fold) are refused for full-batch GD's step prediction and pass, tiled, for SGD.
     */
    @Test void aTiledPredictionIsNotCountedAsTheInMemoryFold() {
        RunConfig c = RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 8).with("synthetic", "sphere").with("n", 30000)
                .with("d", 5).with("test_n", 1000).with("eta", "0.1").with("steps", 1).with("instruments", "none").with("limit_kernel", "off")
                .with("kernel_predict", true).with("out", tmp.resolve("huge").toString());
        org.junit.jupiter.api.Assumptions.assumeTrue(8 * 8 * 31000.0 * 31000 > overparam.core.linalg.Memory.availableBytes(), "this machine has the memory for it");
        assertThrows(BadInputException.class, () -> TrainRun.requireResources(RunPlan.parse(c)));
        TrainRun.requireResources(RunPlan.parse(c.with("batch_size", 100)));
        TrainRun.requireResources(RunPlan.parse(c.with("batch_size", 100).with("kernel_memory", "2G")));
    }

    /**
     * The in-memory fold stacks the training and test inputs only: validation samples are held out of training and not
     * predicted on. A run refused for its width (10^9: activations of terabytes) lists the fold of 100 training + 100 test
     * samples (8 x 8 x 200^2 bytes), not of 300.
     */
    @Test void theFoldCountsNeitherValidationNorItsSamplesAsTraining() {
        RunConfig c = RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 1_000_000_000).with("synthetic", "sphere").with("n", 200)
                .with("d", 5).with("test_n", 100).with("validation_n", 100).with("batch_size", 10).with("eta", "0.1").with("steps", 1)
                .with("instruments", "none").with("limit_kernel", "off").with("kernel_predict", true).with("out", tmp.resolve("wide").toString());
        String fold = "kernel prediction " + overparam.core.linalg.Memory.format(Theory.bytes(200, 1));
        String m = assertThrows(BadInputException.class, () -> TrainRun.requireResources(RunPlan.parse(c))).getMessage();   // from the plan
        assertTrue(m.contains(fold + ",") || m.contains(fold + ")"), fold + " in: " + m);
        RunPlan plan = RunPlan.parse(c);                                       // and from the data drawn: 100 training, 100 validation, 100 test
        try (overparam.lab.data.RunData data = overparam.lab.data.RunDataLoader.load(plan.data(), plan.network(), plan.train().loss())) {
            assertEquals(100, data.validation().n());
            overparam.core.nn.NetworkSpec spec = plan.network().spec(5, new int[] {5}, "sphere", 1);
            String loaded = assertThrows(BadInputException.class, () -> MemoryCheck.require(plan, spec, data,
                    plan.instruments().applicableTo(spec, overparam.core.nn.TrainedLayers.all(spec), false, plan, false), false)).getMessage();
            assertTrue(loaded.contains(fold + ",") || loaded.contains(fold + ")"), fold + " in: " + loaded);
        }
    }

    /** An experiment's cells of one kernel and data set (widths x seeds over one data seed) share one solve in its kernel-cache/. */
    @Test void anExperimentsCellsShareOneSolve() throws IOException {
        String text = "name: shared\nbase: {arch: fc, depth: 2, activation: relu, synthetic: sphere, n: 40, d: 4, test_n: 20, data_seed: 7,"
                + " batch_size: 10, eta: \"0.05\", steps: 4, record_every: 2, instruments: none, kernel_predict: true, threads: 1}\n"
                + "sweep:\n  width: [8, 16]\n  seed: [0, 1]\n";
        ExperimentSpec spec = SpecParser.parse(text, "shared.yaml");
        Path dir = tmp.resolve("shared");
        ExperimentRun.execute(spec, text, dir, false, ExperimentRun.Listener.NONE, "run");
        Path cache = dir.resolve(ExperimentRun.KERNEL_CACHE);
        assertEquals(1, entries(cache).size());
        int computed = 0;
        Double accuracy = null;
        for (String cell : List.of("width=8,seed=0", "width=8,seed=1", "width=16,seed=0", "width=16,seed=1")) {
            Path folder = dir.resolve("cells").resolve(cell);
            JsonNode k = JSON.readTree(folder.resolve("summary.json").toFile()).get("kernel_prediction");
            if (k.get("cache").asText().startsWith("computed into ")) computed++;
            if (accuracy == null) accuracy = k.get("ntk_test_accuracy").asDouble();
            assertEquals(accuracy, k.get("ntk_test_accuracy").asDouble(), 0, cell);
            // verify and reproduce.sh recompute: the cache is no part of the configuration they rerun
            assertFalse(Files.readString(folder.resolve("config.json")).contains("kernel_cache"), cell);
            assertFalse(Files.readString(folder.resolve("reproduce.sh")).contains("kernel-cache"), cell);
        }
        assertEquals(1, computed);
    }
}
