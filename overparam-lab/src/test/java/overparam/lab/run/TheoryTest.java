package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.Dataset;
import overparam.core.data.Npy;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfigTest;

/**
 * The theory block of summary.json on networks whose kernels are known by hand: the linear (identity, c_sigma = 1)
 * fc network of depth 1 has K^(1) = X X^T and Theta = 2 X X^T (W1 and a each contribute X X^T).
 */
class TheoryTest {
    @TempDir Path tmp;

    /**
     * x_1 = (sqrt 2, 0), x_2 = (0, 2), y = (1, 1): K = diag(2, 4), lambda_0 = 2, Theta = diag(4, 8). At eta = 1/10 the
     * theorems' rate is 1 - eta lambda_0 / 2 = 0.9; eta_stable_below = 2 / lambda_max(Theta) = 1/4; y^T K^-1 y = 3/4,
     * y^T Theta^-1 y = 3/8, Arora's sqrt(2 (3/4) / 2); Theorem 5.1 at n = 2, H = 1, delta = 0.1:
     * width 2 max(1, 20, 4 ln(20) / 4) = 40, step size lambda_0 / (n^2 2^H) = 1/4.
     */
    /** The limit kernel's progress: 0 as it starts, each hidden layer's map, then the output layer with lambda_0. */
    @Test
    void theLimitKernelReportsEachLayerInOrder() {
        NetworkSpec spec = new NetworkSpec(Arch.FC, 2, 8, 3, Activation.parse("relu", 0), 0.5);   // d = 2, H = 3
        java.util.List<String> calls = new java.util.ArrayList<>();
        overparam.core.nn.TrainingListener progress = new overparam.core.nn.TrainingListener() {
            @Override public void onLimitKernel(int done, int total) { calls.add(done + "/" + total); }
        };
        try (Dataset data = new Dataset(Matrix.of(new double[][] {{1, 0}, {0.6, 0.8}, {0, 1}}), Matrix.of(new double[][] {{1}, {0}, {-1}}), "three points");
             Theory theory = Theory.of(spec, data, TrainedLayers.all(spec), progress)) {
            assertEquals(java.util.List.of("0/4", "1/4", "2/4", "3/4", "4/4"), calls);
        }
    }

    @Test
    void theoryBlockOfALinearNetworkByHand() {
        NetworkSpec spec = new NetworkSpec(Arch.FC, 2, 8, 1, Activation.parse("identity", 0), 0.5);
        try (Dataset data = new Dataset(Matrix.of(new double[][] {{Math.sqrt(2), 0}, {0, 2}}), Matrix.of(new double[][] {{1}, {1}}), "by hand");
             Theory theory = Theory.of(spec, data, TrainedLayers.all(spec))) {
            ObjectNode t = theory.json(0.1);
            assertEquals(2, t.get("lambda_0").asDouble(), 1e-13);
            assertEquals(4, t.get("limit_gram_lambda_max").asDouble(), 1e-13);
            assertEquals(4, t.get("limit_ntk_lambda_min").asDouble(), 1e-13);
            assertEquals(8, t.get("limit_ntk_lambda_max").asDouble(), 1e-13);
            assertEquals(0.9, t.get("predicted_rate").asDouble(), 1e-13);
            assertEquals(0.25, t.get("eta_stable_below").asDouble(), 1e-13);
            assertEquals(0.75, t.get("y_K_inv_y").asDouble(), 1e-13);
            assertEquals(0.375, t.get("y_ntk_inv_y").asDouble(), 1e-13);
            assertEquals(Math.sqrt(0.75), t.get("arora_bound").asDouble(), 1e-13);
            assertEquals(Math.sqrt(6), t.get("separation").asDouble(), 1e-13);
            JsonNode width = t.get("requirements").get(0), step = t.get("requirements").get(1);
            assertEquals("width m >=", width.get("quantity").asText());
            assertEquals(40, width.get("value").asDouble(), 1e-12);
            assertEquals("step size eta <=", step.get("quantity").asText());
            assertEquals(0.25, step.get("value").asDouble(), 1e-13);
        }
    }

    /**
     * A run's summary.json carries the rate at the run's own step size: x = e_1, e_2 give K = I (lambda_0 = 1) and
     * Theta = 2 I, so --eta 0.05 gives predicted_rate 1 - 0.05 / 2 = 0.975 and eta_stable_below 1; the theorem twin's
     * loss_bound at step k is 0.975^k L(0).
     */
    @Test
    void runSummaryHasTheRateAtTheRunsStepSize() throws IOException {
        Path x = tmp.resolve("X.npy"), y = tmp.resolve("y.npy");
        try (Matrix m = Matrix.of(new double[][] {{1, 0}, {0, 1}}); Matrix labels = Matrix.vectorOf(1, -1)) {
            Npy.write(x, m);
            Npy.write(y, labels, 2);
        }
        TrainRun.Outcome o = TrainRun.execute(RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 16)
                .with("activation", "identity").with("data", x.toString()).with("labels", y.toString()).with("eta", "0.05")
                .with("steps", 2).with("record_every", 1).with("out", tmp.resolve("run").toString()), TrainingListener.NONE);
        JsonNode theory = TrainRunTest.summary(o.folder()).get("theory");
        assertEquals(1, theory.get("lambda_0").asDouble(), 1e-13);
        assertEquals(0.975, theory.get("predicted_rate").asDouble(), 1e-13);
        assertEquals(1, theory.get("eta_stable_below").asDouble(), 1e-13);
        List<JsonNode> metrics = TrainRunTest.metrics(o.folder());
        double initialLoss = metrics.get(0).get("loss").asDouble();
        assertEquals(3, metrics.size());
        for (JsonNode m : metrics) {
            int k = m.get("step").asInt();
            assertEquals(Math.pow(0.975, k) * initialLoss, m.get("loss_bound").asDouble(), 1e-13 * initialLoss, "loss_bound at step " + k);
        }
    }
}
