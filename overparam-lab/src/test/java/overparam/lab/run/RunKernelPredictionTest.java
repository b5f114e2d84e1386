package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.ImageSet;
import overparam.core.data.Npy;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.KernelPlan;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;

/**
 * train --kernel-predict: the per-run values are what kernel --predict writes for the same network and data (bit for bit,
 * one thread each), the store reads them under their names, the finite run is the same with or without them, and on a
 * two-class image set the prediction on the run's +-1 labels classifies as kernel --predict's on one-hot 0.9 / -0.1 targets
 * (the difference of the two one-hot columns is the +-1 target and the predictions are linear in the targets).
 */
class RunKernelPredictionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    /** n points on the unit sphere of R^d, labelled by the sign of x_1 x_2 + 0.3 x_3 (not linearly separable). */
    private void sphere(String name, int n, int d, long seed) throws IOException {
        sphere(tmp, name, n, d, seed);
    }

    /** As {@link #sphere(String, int, int, long)}, into dir/NAME_X.npy and dir/NAME_y.npy (KernelPredictionCacheTest's data too). */
    static void sphere(Path dir, String name, int n, int d, long seed) throws IOException {
        Random r = new Random(seed);
        try (Matrix x = Matrix.zeros(n, d); Matrix y = Matrix.vector(n)) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    x.set(i, j, r.nextGaussian());
                    s += x.get(i, j) * x.get(i, j);
                }
                for (int j = 0; j < d; j++) x.set(i, j, x.get(i, j) / Math.sqrt(s));
                y.set(i, x.get(i, 0) * x.get(i, 1) + 0.3 * x.get(i, 2) >= 0 ? 1 : -1);
            }
            Npy.write(dir.resolve(name + "_X.npy"), x);
            Npy.write(dir.resolve(name + "_y.npy"), y);
        }
    }

    private RunConfig files() throws IOException {
        sphere("train", 40, 5, 1);
        sphere("test", 30, 5, 2);
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 64).with("activation", "relu")
                .with("data", tmp.resolve("train_X.npy").toString()).with("labels", tmp.resolve("train_y.npy").toString())
                .with("test_data", tmp.resolve("test_X.npy").toString()).with("test_labels", tmp.resolve("test_y.npy").toString())
                .with("threads", 1).with("seed", 5L);
    }

    private static JsonNode summary(Path dir) throws IOException {
        return JSON.readTree(dir.resolve("summary.json").toFile());
    }

    private static JsonNode predict(RunConfig c, Path out, Integer steps, String eta) throws IOException {
        KernelPredictionRun.execute(KernelPlan.parse(c.with("out", out.toString()), "gram", null, new KernelPlan.PredictionOptions(true, null, steps, eta)));
        return summary(out);
    }

    @Test void theRunsValuesAreKernelPredictsBitForBitAndTheStoreKeepsThem() throws IOException {
        RunConfig c = files();
        Path run = tmp.resolve("run");
        TrainRun.execute(c.with("eta", "0.05").with("steps", 30).with("record_every", 30).with("kernel_predict", true).with("out", run.toString()),
                TrainingListener.NONE);
        JsonNode k = summary(run).get("kernel_prediction");
        JsonNode converged = predict(c, tmp.resolve("p"), null, null), stepped = predict(c, tmp.resolve("q"), 30, "0.05");
        String[][] same = {{"ntk_test_accuracy", "accuracy_ntk"}, {"ntk_test_loss", "test_loss_ntk"}, {"ntk_residual", "residual_ntk"},
                {"nngp_test_accuracy", "accuracy_nngp"}, {"nngp_test_loss", "test_loss_nngp"}, {"nngp_residual", "residual_nngp"}};
        for (String[] s : same) assertEquals(converged.get(s[1]).asDouble(), k.get(s[0]).asDouble(), 0, s[0]);
        assertEquals(stepped.get("accuracy_ntk").asDouble(), k.get("ntk_step_test_accuracy").asDouble(), 0);
        assertEquals(stepped.get("test_loss_ntk").asDouble(), k.get("ntk_step_test_loss").asDouble(), 0);
        assertEquals(30, k.get("ntk_step").asInt());
        // not a constant: the classifier is better than chance, the 30-step prediction is not the converged one
        assertTrue(k.get("ntk_test_accuracy").asDouble() > 0.6, k.toString());
        assertTrue(Math.abs(k.get("ntk_step_test_loss").asDouble() - k.get("ntk_test_loss").asDouble()) > 1e-6, k.toString());
        Map<String, Double> values = RunSummary.read(summary(run)).values();
        for (String name : new String[] {"ntk_test_accuracy", "nngp_test_accuracy", "ntk_step_test_accuracy", "ntk_test_loss", "ntk_residual"})
            assertEquals(k.get(name).asDouble(), values.get(name), 0, name);
    }

    @Test void theFiniteRunIsTheSameBitForBitWithOrWithoutIt() throws IOException {
        RunConfig c = files().with("eta", "0.05").with("steps", 20).with("record_every", 5);
        Path with = tmp.resolve("with"), without = tmp.resolve("without");
        TrainRun.execute(c.with("kernel_predict", true).with("out", with.toString()), TrainingListener.NONE);
        TrainRun.execute(c.with("out", without.toString()), TrainingListener.NONE);
        assertArrayEquals(Files.readAllBytes(without.resolve("weights_final.npz")), Files.readAllBytes(with.resolve("weights_final.npz")));
        assertTrue(withoutTimes(without).equals(withoutTimes(with)), "metrics.jsonl differs beyond its times");
        assertFalse(summary(without).has("kernel_prediction"));
    }

    /** The records with their wall-clock field dropped. */
    private static String withoutTimes(Path dir) throws IOException {
        return Files.readString(dir.resolve("metrics.jsonl")).replaceAll("\"elapsed_seconds\":[0-9.Ee-]+", "");
    }

    /**
     * Memory is refused from the plan, before anything is drawn: n = 30000 training and 1000 test points need eight
     * (n + n*)^2 matrices, 8 * 8 * 31000^2 bytes = 61.5 GB, for the stacked fold alone; without --kernel-predict the same run fits.
     */
    @Test void theKernelsMemoryIsRefusedUpFront() {
        RunConfig c = RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 8).with("synthetic", "sphere").with("n", 30000)
                .with("d", 5).with("test_n", 1000).with("eta", "0.1").with("steps", 1).with("instruments", "none").with("limit_kernel", "off")
                .with("out", tmp.resolve("huge").toString());
        assumeTrue(8 * 8 * 31000.0 * 31000 > overparam.core.linalg.Memory.availableBytes(), "this machine has the memory for it");
        TrainRun.requireResources(overparam.lab.plan.RunPlan.parse(c));
        String m = org.junit.jupiter.api.Assertions.assertThrows(overparam.core.BadInputException.class,
                () -> TrainRun.requireResources(overparam.lab.plan.RunPlan.parse(c.with("kernel_predict", true)))).getMessage();
        assertTrue(m.contains("kernel prediction") && m.contains("drop --kernel-predict") && !m.contains("\n"), m);
        assertFalse(Files.exists(tmp.resolve("huge")));
    }

    /**
     * The limit kernels are the standard initialization's at scale 1: a run of another scale or scheme (whose Theta is
     * another, layer by layer) is refused with --kernel-predict, in one line naming the option, and runs without it.
     */
    @Test void anotherInitializationIsRefusedNotPredictedWithTheStandardKernel() throws IOException {
        RunConfig c = files().with("eta", "0.1").with("steps", 2).with("instruments", "none").with("limit_kernel", "off").with("out", tmp.resolve("r").toString());
        overparam.lab.plan.RunPlan.parse(c.with("kernel_predict", true));
        overparam.lab.plan.RunPlan.parse(c.with("kernel_predict", true).with("init_scale", 1.0));
        overparam.lab.plan.RunPlan.parse(c.with("init_scale", 0.5));
        for (RunConfig other : java.util.List.of(c.with("init_scale", 0.5), c.with("init_scheme", "small"))) {
            String m = org.junit.jupiter.api.Assertions.assertThrows(overparam.core.BadInputException.class,
                    () -> overparam.lab.plan.RunPlan.parse(other.with("kernel_predict", true))).getMessage();
            assertTrue((m.startsWith("--init-scale 0.5: ") || m.startsWith("--init-scheme small: ")) && m.endsWith("or drop --kernel-predict.")
                    && !m.contains("\n"), m);
        }
    }

    /** A repeated training input makes the interpolating kernels singular: refused naming --kernel-ridge; with it, kernel --predict --ridge's numbers. */
    @Test void aRepeatedInputNeedsTheRidgeWhichIsKernelPredictsRidge() throws IOException {
        RunConfig c = files();
        try (Matrix x = Npy.read(tmp.resolve("train_X.npy")).data(); Matrix y = Npy.read(tmp.resolve("train_y.npy")).data();
             Matrix x2 = Matrix.zeros(x.rows() + 1, x.cols()); Matrix y2 = Matrix.vector(x.rows() + 1)) {
            for (int i = 0; i <= x.rows(); i++) {
                int from = i < x.rows() ? i : 0;                                      // the last row repeats the first
                for (int j = 0; j < x.cols(); j++) x2.set(i, j, x.get(from, j));
                y2.set(i, y.get(from));
            }
            Npy.write(tmp.resolve("rep_X.npy"), x2);
            Npy.write(tmp.resolve("rep_y.npy"), y2);
        }
        RunConfig r = c.with("data", tmp.resolve("rep_X.npy").toString()).with("labels", tmp.resolve("rep_y.npy").toString());
        RunConfig run = r.with("eta", "0.05").with("steps", 2).with("kernel_predict", true);
        String m = org.junit.jupiter.api.Assertions.assertThrows(overparam.core.BadInputException.class,
                () -> TrainRun.execute(run.with("out", tmp.resolve("singular").toString()), TrainingListener.NONE)).getMessage();
        assertTrue(m.startsWith("--kernel-ridge 0.0: ") && m.contains("--kernel-ridge 1e-6"), m);
        assertFalse(Files.exists(tmp.resolve("singular")), "a refused run leaves no folder");
        TrainRun.execute(run.with("kernel_ridge", 1e-6).with("out", tmp.resolve("ridged").toString()), TrainingListener.NONE);
        JsonNode k = summary(tmp.resolve("ridged")).get("kernel_prediction");
        KernelPredictionRun.execute(KernelPlan.parse(r.with("out", tmp.resolve("kp").toString()), "gram", null,
                new KernelPlan.PredictionOptions(true, 1e-6, null, null)));
        JsonNode p = summary(tmp.resolve("kp"));
        assertEquals(p.get("test_loss_ntk").asDouble(), k.get("ntk_test_loss").asDouble(), 0);
        assertEquals(p.get("test_loss_nngp").asDouble(), k.get("nngp_test_loss").asDouble(), 0);
        assertEquals(1e-6, k.get("ridge").asDouble(), 0);
    }

    /** A step past 2 / lambda_max(Theta) diverges for the infinite network: said, not refused, and no step values. */
    @Test void aDivergingStepIsRecordedNotRefused() throws IOException {
        RunConfig c = files();
        Path run = tmp.resolve("big");
        TrainRun.execute(c.with("eta", "10").with("steps", 2).with("record_every", 1).with("kernel_predict", true).with("out", run.toString()),
                TrainingListener.NONE);
        JsonNode k = summary(run).get("kernel_prediction");
        assertTrue(k.has("ntk_step_diverges") && !k.has("ntk_step_test_accuracy") && 10 * k.get("ntk_lambda_max").asDouble() >= 2, k.toString());
        assertTrue(k.get("ntk_test_accuracy").isNumber());
    }

    /** Cross-entropy on three classes: the kernels regress on one-hot 0.9 / -0.1 targets, and no step prediction (not the squared loss's GD). */
    @Test void crossEntropyRunsGetOneHotTargetsAndNoStepPrediction() throws IOException {
        assumeTrue(overparam.lab.data.TabularData.installed(), "python3-sklearn's CSV files not found");
        Path run = tmp.resolve("wine");
        TrainRun.execute(RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 16).with("activation", "relu").with("data", "wine")
                .with("loss", "cross-entropy").with("test_fraction", 0.5).with("eta", "0.5").with("steps", 5).with("kernel_predict", true)
                .with("threads", 1).with("out", run.toString()), TrainingListener.NONE);
        JsonNode k = summary(run).get("kernel_prediction");
        assertTrue(k.get("targets").asText().startsWith("one-hot 0.9 / -0.1"), k.toString());
        assertFalse(k.has("ntk_step") || k.has("ntk_step_test_accuracy"), k.toString());
        assertTrue(k.get("ntk_test_accuracy").asDouble() > 0.8 && k.get("nngp_test_accuracy").asDouble() > 0.8, k.toString());    // wine is easy
    }

    /**
     * The one-hot squared loss on three classes: the network fits the kernels' own 0.9 / -0.1 targets, so the run gets the
     * step prediction too, and it is kernel --predict's at the run's steps and eta bit for bit (the same one-hot targets,
     * from core's one place); the finite run's test metrics are its own loss's.
     */
    @Test void oneHotSquaredRunsFitTheKernelsTargetsAndGetTheStepPrediction() throws IOException {
        assumeTrue(ImageSet.fashionMnistInstalled(), "dataset-fashion-mnist not installed");
        RunConfig c = RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 16).with("activation", "relu")
                .with("data", "fashion-mnist").with("classes", "0,1,6").with("per_class", 20).with("test_per_class", 20).with("threads", 1).with("seed", 3L);
        Path run = tmp.resolve("fm-mse");
        TrainRun.execute(c.with("loss", "one-hot-squared").with("eta", "0.01").with("steps", 30).with("record_every", 30).with("kernel_predict", true)
                .with("out", run.toString()), TrainingListener.NONE);
        JsonNode summary = summary(run), k = summary.get("kernel_prediction");
        assertEquals("one-hot 0.9 / -0.1 (the network's own targets)", k.get("targets").asText());
        assertEquals(30, k.get("ntk_step").asInt(), k.toString());
        JsonNode stepped = predict(c, tmp.resolve("fm-q"), 30, "0.01"), converged = predict(c, tmp.resolve("fm-p"), null, null);
        assertEquals("one-hot 0.9 / -0.1", stepped.get("targets").asText());
        assertEquals(stepped.get("accuracy_ntk").asDouble(), k.get("ntk_step_test_accuracy").asDouble(), 0);
        assertEquals(stepped.get("test_loss_ntk").asDouble(), k.get("ntk_step_test_loss").asDouble(), 0);
        assertEquals(converged.get("accuracy_ntk").asDouble(), k.get("ntk_test_accuracy").asDouble(), 0);
        assertEquals(converged.get("accuracy_nngp").asDouble(), k.get("nngp_test_accuracy").asDouble(), 0);
        assertTrue(k.get("ntk_test_accuracy").asDouble() > 0.6, k.toString());                  // three classes: chance is 1/3
        Map<String, Double> values = RunSummary.read(summary).values();
        assertEquals(k.get("ntk_step_test_accuracy").asDouble(), values.get("ntk_step_test_accuracy"), 0);
        assertEquals(3, summary.get("data").get("outputs").asInt(), "one output a class");
        // the twin from the run's own u0: its distance to the trained network is of order m^-1/2, so 64 times the width
        // should divide it by about 8 (a factor 4 of slack for one seed each)
        Path wide = tmp.resolve("fm-mse-wide");
        TrainRun.execute(c.with("width", 1024).with("loss", "one-hot-squared").with("eta", "0.01").with("steps", 30).with("record_every", 30)
                .with("kernel_predict", true).with("out", wide.toString()), TrainingListener.NONE);
        double narrowDistance = k.get("ntk_twin_test_distance").asDouble(), wideDistance = summary(wide).get("kernel_prediction").get("ntk_twin_test_distance").asDouble();
        assertTrue(wideDistance > 0 && wideDistance < narrowDistance / 2, narrowDistance + " at m = 16, " + wideDistance + " at m = 1024");
        assertTrue(k.get("ntk_twin_test_accuracy").isNumber() && values.containsKey("ntk_twin_test_distance"), k.toString());
    }

    @Test void twoClassesOnPlusMinusOneClassifyAsOneHotTargets() throws IOException {
        assumeTrue(ImageSet.fashionMnistInstalled(), "dataset-fashion-mnist not installed");
        RunConfig c = RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 16).with("activation", "relu")
                .with("data", "fashion-mnist").with("classes", "0,6").with("per_class", 40).with("test_per_class", 60).with("threads", 1);
        Path run = tmp.resolve("fm");
        TrainRun.execute(c.with("eta", "0.01").with("steps", 1).with("kernel_predict", true).with("out", run.toString()), TrainingListener.NONE);
        JsonNode k = summary(run).get("kernel_prediction"), oneHot = predict(c, tmp.resolve("fm-pred"), null, null);
        assertEquals("one-hot 0.9 / -0.1", oneHot.get("targets").asText());
        assertEquals("the run's training labels", k.get("targets").asText());
        assertEquals(oneHot.get("accuracy_ntk").asDouble(), k.get("ntk_test_accuracy").asDouble(), 0);
        assertEquals(oneHot.get("accuracy_nngp").asDouble(), k.get("nngp_test_accuracy").asDouble(), 0);
        assertTrue(k.get("ntk_test_accuracy").asDouble() > 0.6 && k.get("ntk_test_accuracy").asDouble() < 1, k.toString());
    }
}
