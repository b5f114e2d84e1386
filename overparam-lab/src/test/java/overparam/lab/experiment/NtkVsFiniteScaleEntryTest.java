package overparam.lab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.ImageSet;
import overparam.core.nn.Arch;
import overparam.lab.check.Verdict;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.RunPlan;

/**
 * The catalogue entry ntk-vs-finite-scale is what its claim says (its full run takes about an hour): at 9,000 and 59,000
 * training images the finite networks are trained by minibatch SGD (so only the converged kernel predictions apply, the
 * ones an experiment shares and tiles), every cell draws the same split (one data seed), and the finite networks are scored
 * at early stopping on a held-out validation set. Run at toy sizes, its cells make one kernel solve a size and its checks
 * find their cells.
 */
class NtkVsFiniteScaleEntryTest {
    static final String NAME = "ntk-vs-finite-scale";
    @TempDir Path tmp;

    @Test
    void everyCellTrainsBySgdOnOneSplitAndIsScoredAtEarlyStopping() {
        List<Cell> cells = Catalog.spec(NAME).cells();
        assertEquals(2 * 3 * 3, cells.size(), "sizes x widths x seeds");
        Set<Long> dataSeeds = new TreeSet<>();
        Set<Integer> trainingImages = new TreeSet<>();
        for (Cell c : cells) {
            RunPlan plan = RunPlan.parse(c.config());
            assertEquals(Arch.FC, plan.network().arch(), c.key());
            assertTrue(plan.kernelPredict() && plan.train().batchSize() > 0, "converged predictions only (no step prediction): " + c.key());
            assertEquals("one-hot-mse", plan.train().loss().cliName(), "the kernels' own targets, as a mean (one eta for both sizes): " + c.key());
            DataPlan.ImageInputs images = (DataPlan.ImageInputs) plan.data().inputs();
            assertNull(images.testPerClass(), "all 10,000 test images: " + c.key());
            assertTrue(images.center(), c.key());
            dataSeeds.add(plan.data().seed());
            trainingImages.add(images.perClass() * 10 - c.config().validationN());
        }
        assertEquals(1, dataSeeds.size(), "one split for every cell, so one kernel solve a size");
        assertEquals(Set.of(9000, 59000), trainingImages);
    }

    /** The entry at toy sizes: 30 and 40 images a class, widths 8 and 16, two seeds, 20 steps. */
    @Test
    void atToySizesItsCellsShareOneSolveASizeAndEveryCheckFindsItsCells() throws IOException {
        assumeTrue(ImageSet.fashionMnistInstalled(), "dataset-fashion-mnist not installed");
        String text = Catalog.text(NAME)
                .replace("per_class: [1000, 6000]", "per_class: [30, 40]").replace("width: [128, 512, 2048]", "width: [8, 16]")
                .replace("seed: [0, 1, 2]", "seed: [0, 1]").replace("steps: 24000", "steps: 20").replace("record_every: 2000", "record_every: 5")
                .replace("validation_n: 1000", "validation_n: 50\n  test_per_class: 20").replace("batch_size: 128", "batch_size: 32")
                .replace("per_class: \"1000\"", "per_class: \"30\"").replace("per_class: \"6000\"", "per_class: \"40\"")
                .replace("width: \"128\"", "width: \"8\"").replace("first: \"2048\"", "first: \"16\"").replace("second: \"128\"", "second: \"8\"");
        ExperimentSpec spec = SpecParser.parse(text, NAME + ".yaml");
        assertEquals(8, spec.cells().size());
        Path dir = tmp.resolve(NAME);
        ExperimentRun.Outcome o = ExperimentRun.execute(spec, text, dir, false, ExperimentRun.Listener.NONE, "run");
        try (Stream<Path> entries = Files.list(dir.resolve(ExperimentRun.KERNEL_CACHE))) {
            assertEquals(2, entries.filter(Files::isDirectory).count(), "one kernel solve a size");
        }
        ObjectMapper json = new ObjectMapper();
        for (Cell c : spec.cells()) {
            JsonNode summary = json.readTree(dir.resolve("cells").resolve(c.folderName()).resolve("summary.json").toFile());
            assertTrue(summary.get("kernel_prediction").has("tiled"), "kernel_memory makes the solve tiled: " + c.key());
            assertTrue(summary.get("early_stopping").get("early_stop_test_accuracy").isNumber(), c.key());
        }
        assertEquals(spec.checks().size(), o.verdicts().size());
        for (Verdict v : o.verdicts()) {
            assertTrue(Double.isFinite(v.estimate()), v.toString());
            assertEquals(v.cellsExpected(), v.cellsUsed(), v.toString());
        }
    }
}
