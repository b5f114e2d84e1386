package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.Seeds;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;

class TrainRunTest {
    @TempDir Path tmp;

    RunConfig base(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 64).with("synthetic", "sphere")
                .with("n", 10).with("d", 3).with("eta", "0.05").with("steps", 30).with("record_every", 10).with("out", tmp.resolve(out).toString());
    }

    static JsonNode summary(Path dir) throws IOException { return Json.MAPPER.readTree(dir.resolve("summary.json").toFile()); }

    static List<JsonNode> metrics(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("metrics.jsonl")).stream().map(l -> {
            try { return Json.MAPPER.readTree(l); } catch (IOException e) { throw new java.io.UncheckedIOException(e); }
        }).toList();
    }

    /** Teacher labels are the outputs of a network of the same kind with its own seed; the student starts elsewhere. */
    @Test
    void teacherLabelsComeFromTheTeacherNetwork() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(base("teacher").with("labels_from", "teacher").with("teacher_width", 16), TrainingListener.NONE);
        NetworkSpec teacherSpec = new NetworkSpec(Arch.FC, 3, 16, 2, Activation.parse("softplus", 0), 0.5);
        try (Network teacher = Network.initialize(teacherSpec, Seeds.derive(0, "teacher")); Matrix x = Synthetic.sphere(10, 3, 0);
             Matrix y = teacher.predict(x)) {
            JsonNode first = metrics(o.folder()).get(0);
            double loss = 0;
            for (int i = 0; i < 10; i++) loss += 0.5 * Math.pow(first.get("predictions").get(i).asDouble() - y.get(i), 2);
            assertEquals(loss, first.get("loss").asDouble(), 1e-12 * loss);
        }
        assertTrue(summary(o.folder()).get("data").get("source").asText().contains("teacher"));
    }

    @Test
    void teacherLabelsForInputsFromAFile() throws IOException {
        Path x = tmp.resolve("X.npy");
        try (Matrix m = Synthetic.sphere(6, 3, 4)) { overparam.core.data.Npy.write(x, m); }
        RunConfig c = RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 32).with("data", x.toString())
                .with("labels_from", "teacher").with("eta", "0.01").with("steps", 5).with("out", tmp.resolve("file-teacher").toString());
        TrainRun.Outcome o = TrainRun.execute(c, TrainingListener.NONE);
        assertTrue(summary(o.folder()).get("data").get("source").asText().contains("teacher"));
    }

    @Test
    void logisticLossOnSyntheticDataUsesTheLabelsSigns() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(base("logistic").with("loss", "logistic").with("steps", 200).with("eta", "0.5"), TrainingListener.NONE);
        List<JsonNode> m = metrics(o.folder());
        assertTrue(m.get(m.size() - 1).get("loss").asDouble() < 0.5 * m.get(0).get("loss").asDouble());
        assertTrue(summary(o.folder()).get("data").get("source").asText().contains("signs"));
    }

    /** --loss exponential signs the synthetic labels as logistic does, and gradient descent lowers it. */
    @Test
    void exponentialLossOnSyntheticDataUsesTheLabelsSigns() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(base("exponential").with("loss", "exponential").with("steps", 200).with("eta", "0.2"), TrainingListener.NONE);
        List<JsonNode> m = metrics(o.folder());
        assertTrue(m.get(m.size() - 1).get("loss").asDouble() < 0.5 * m.get(0).get("loss").asDouble());
        assertTrue(m.get(0).has("train_accuracy"), "exponential classifies, as logistic");
        assertTrue(summary(o.folder()).get("data").get("source").asText().contains("signs"));
    }

    /** --loss lp:4 trains on the N(0, 1) labels as they are, and its recorded loss is (1/4) sum_i (u_i - y_i)^4. */
    @Test
    void lp4LossIsTheOneTheRunRecords() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(base("lp4").with("loss", "lp:4").with("eta", "0.01").with("steps", 100), TrainingListener.NONE);
        List<JsonNode> m = metrics(o.folder());
        try (Matrix y = Synthetic.gaussianLabels(10, 0)) {
            double loss = 0;
            for (int i = 0; i < 10; i++) loss += Math.pow(m.get(0).get("predictions").get(i).asDouble() - y.get(i), 4) / 4;
            assertEquals(loss, m.get(0).get("loss").asDouble(), 1e-12 * loss);
        }
        assertTrue(m.get(m.size() - 1).get("loss").asDouble() < 0.5 * m.get(0).get("loss").asDouble());
        assertTrue(!summary(o.folder()).get("data").get("source").asText().contains("signs"));
        assertEquals("lp:4", summary(o.folder()).get("config").get("loss").asText());
    }

    @Test
    void sgdRecordsTheWholeTrainingSetLoss() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(base("sgd").with("batch_size", 4).with("steps", 60), TrainingListener.NONE);
        JsonNode s = summary(o.folder());
        assertEquals("sgd", s.get("optimizer").asText());
        List<JsonNode> m = metrics(o.folder());
        assertTrue(m.get(m.size() - 1).get("loss").asDouble() < m.get(0).get("loss").asDouble());
        assertEquals(10, m.get(0).get("predictions").size(), "records see all n samples, not a batch");
    }

    /** --eta auto is 1 / lambda_max(G(0)), the measured top eigenvalue of the run's own NTK at step 0. */
    @Test
    void autoEtaIsTheInverseOfTheLargestNtkEigenvalue() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(base("auto").with("eta", "auto"), TrainingListener.NONE);
        double lambdaMax = metrics(o.folder()).get(0).get("ntk_lambda_max").asDouble();
        assertEquals(1 / lambdaMax, o.eta(), 1e-12 / lambdaMax);
        assertEquals(o.eta(), summary(o.folder()).get("config").get("eta").asDouble(), 0.0);
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedAnotherRun() throws IOException {
        Path a = TrainRun.execute(base("a"), TrainingListener.NONE).folder(), b = TrainRun.execute(base("b"), TrainingListener.NONE).folder();
        Path c = TrainRun.execute(base("c").with("seed", 1L), TrainingListener.NONE).folder();
        assertArrayEquals(Files.readAllBytes(a.resolve("weights_final.npz")), Files.readAllBytes(b.resolve("weights_final.npz")));
        assertNotEquals(metrics(a).get(3).get("loss").asDouble(), metrics(c).get(3).get("loss").asDouble());
    }

    RunConfig seed002(String out) {
        return RunConfigTest.empty().with("arch", "identity-mapping").with("activation", "prelu").with("leaky_slope", 0.25)
                .with("synthetic", "normal").with("n", 200).with("d", 5).with("labels_from", "teacher").with("teacher_norm", 0.1)
                .with("loss", "mse").with("batch_size", 16).with("eta", "0.01").with("steps", 300).with("record_every", 100)
                .with("instruments", "movement").with("out", tmp.resolve(out).toString());
    }

    /** Seed 002's teacher has the student's shape and ||W*||_2 = teacher_norm; from zero weights the distance is ||W*||_F. */
    @Test
    void seed002TeacherIsScaledAndTrackedEntryByEntry() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(seed002("ts").with("init_scheme", "zero"), TrainingListener.NONE);
        NetworkSpec spec = new NetworkSpec(Arch.IDENTITY_MAPPING, 5, 5, 1, Activation.parse("prelu", 0.25), 0.5);
        double expected;
        try (Network teacher = Network.initialize(spec, Seeds.derive(0, "teacher"))) {
            Matrix w = teacher.parameter(1);
            overparam.core.linalg.Linalg.scale(0.1 / overparam.core.linalg.Spectrum.norm2(w), w);
            assertEquals(0.1, overparam.core.linalg.Spectrum.norm2(w), 1e-12);
            expected = overparam.core.linalg.Linalg.normF(w);
        }
        List<JsonNode> ms = metrics(o.folder());
        assertEquals(expected, ms.get(0).get("teacher_distance_total").asDouble(), 1e-14);
        assertTrue(ms.get(ms.size() - 1).get("teacher_distance_total").asDouble() < expected, "the student moves towards W*");
        assertTrue(ms.get(0).has("test_loss") == false, "no test set unless asked");
        assertEquals(5, summary(o.folder()).get("network").get("parameters").get("W1").get(1).asInt(), "width d");
    }

    /** --fresh-samples: each batch is a new draw, reproducibly, and differs from SGD on the fixed sample. */
    @Test
    void freshSamplesAreNewEveryStepAndReproducible() throws IOException {
        List<JsonNode> a = metrics(TrainRun.execute(seed002("fresh-a").with("fresh_samples", true).with("test_n", 100), TrainingListener.NONE).folder());
        List<JsonNode> b = metrics(TrainRun.execute(seed002("fresh-b").with("fresh_samples", true).with("test_n", 100), TrainingListener.NONE).folder());
        List<JsonNode> fixed = metrics(TrainRun.execute(seed002("fixed").with("test_n", 100), TrainingListener.NONE).folder());
        for (int i = 0; i < a.size(); i++) assertEquals(a.get(i).get("loss").asDouble(), b.get(i).get("loss").asDouble(), 0, "step " + i);
        assertEquals(a.get(0).get("loss").asDouble(), fixed.get(0).get("loss").asDouble(), 0, "the same start");
        assertNotEquals(a.get(a.size() - 1).get("loss").asDouble(), fixed.get(fixed.size() - 1).get("loss").asDouble());
        assertTrue(a.get(a.size() - 1).get("test_loss").asDouble() < a.get(0).get("test_loss").asDouble(), "the population loss falls");
        var refused = org.junit.jupiter.api.Assertions.assertThrows(overparam.core.BadInputException.class,
                () -> TrainRun.execute(seed002("no-teacher").with("labels_from", "gaussian").with("fresh_samples", true), TrainingListener.NONE));
        assertTrue(refused.getMessage().contains("--fresh-samples"), refused.getMessage());
        assertTrue(!Files.exists(tmp.resolve("no-teacher")), "nothing written");
    }

    /**
     * --center and --unit-norm on Fashion-MNIST: lambda_0 of the run equals that of H-infinity written out here (Du et
     * al. 2018: H_ij = x_i.x_j (pi - arccos(x_i.x_j)) / 2 pi) on the first 20 images of classes 0 and 1, centred by
     * their own mean and scaled to unit norm.
     */
    @Test
    void centredUnitNormImagesGiveTheirHInfinity() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(overparam.core.data.ImageSet.fashionMnistInstalled(), "dataset-fashion-mnist not installed");
        RunConfig c = RunConfigTest.empty().with("arch", "two-layer").with("activation", "relu").with("width", 16).with("data", "fashion-mnist")
                .with("classes", "0,1").with("per_class", 20).with("test_per_class", 0).with("center", true).with("loss", "squared")
                .with("eta", "0.01").with("steps", 1).with("instruments", "none").with("out", tmp.resolve("centred").toString());
        double lambda0 = summary(TrainRun.execute(c, TrainingListener.NONE).folder()).get("theory").get("lambda_0").asDouble();
        int n = 40, d = 784;
        double[][] x = new double[n][];
        try (overparam.core.data.ImageSet set = overparam.core.data.ImageSet.load("fashion-mnist", true)) {
            int[] labels = set.labels();
            for (int i = 0, found0 = 0, found1 = 0; found0 + found1 < n; i++) {
                if (labels[i] == 0 && found0 < 20) { x[found0++] = set.images().row(i); }
                else if (labels[i] == 1 && found1 < 20) { x[20 + found1++] = set.images().row(i); }
            }
        }
        double[] mean = new double[d];
        for (double[] row : x) for (int j = 0; j < d; j++) mean[j] += row[j] / n;
        for (double[] row : x) {
            double sq = 0;
            for (int j = 0; j < d; j++) { row[j] -= mean[j]; sq += row[j] * row[j]; }
            for (int j = 0; j < d; j++) row[j] /= Math.sqrt(sq);
        }
        try (Matrix h = Matrix.zeros(n, n)) {
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int t = 0; t < d; t++) dot += x[i][t] * x[j][t];
                dot = Math.max(-1, Math.min(1, dot));
                h.set(i, j, dot * (Math.PI - Math.acos(dot)) / (2 * Math.PI));
            }
            // x_i.x_i is 1 only to rounding (~1e-15 after 784 products), and arccos(1 - e) ~ sqrt(2 e): the diagonal carries
            // an error up to ~5e-8 / 2 pi in either route, which moves an eigenvalue by at most that much (Weyl)
            assertEquals(Spectrum.all(h)[0], lambda0, 2e-8, "lambda_0 of the centred, unit-norm images");
        }
    }
}
