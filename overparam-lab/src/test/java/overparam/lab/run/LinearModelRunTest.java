package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;

/** The linear models and the implicit-bias instruments through the lab: configurations, refusals and run folders. */
class LinearModelRunTest {
    @TempDir Path tmp;

    RunConfig linear(String out) {
        return RunConfigTest.empty().with("arch", "linear").with("depth", 3).with("width", 8).with("synthetic", "gaussian")
                .with("n", 12).with("d", 6).with("labels_from", "teacher").with("eta", "0.05").with("steps", 40).with("record_every", 20)
                .with("out", tmp.resolve(out).toString());
    }

    static String refusal(RunConfig c) {
        BadInputException e = assertThrows(BadInputException.class, () -> TrainRun.execute(c, TrainingListener.NONE));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    /** --depth N counts the weight matrices: N = 3 writes W1, W2 and a; every instrument that applies to it records. */
    @Test
    void deepLinearRunRecordsBalanceAndItsEndToEndMap() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(linear("deep").with("instruments", "all"), TrainingListener.NONE);
        List<JsonNode> m = TrainRunTest.metrics(o.folder());
        JsonNode last = m.get(m.size() - 1);
        assertEquals(2, last.get("balance").size(), "two pairs of layers in a depth-3 linear net");
        assertEquals(3, last.get("layer_norm_sq").size());
        assertEquals(6, last.get("end_to_end").size());
        assertTrue(last.has("distance_teacher") && last.has("balance_matrix") && !last.has("pattern_change"),
                last.toString());
        assertTrue(last.get("loss").asDouble() < m.get(0).get("loss").asDouble());
        assertEquals("identity", TrainRunTest.summary(o.folder()).get("config").get("activation").asText());
        try (var e = overparam.core.data.Npy.read(o.folder().resolve("end_to_end.npy")).data()) {     // W_e, 1 x d, as the last record lists it
            assertEquals(1, e.rows());
            for (int j = 0; j < 6; j++) assertEquals(last.get("end_to_end").get(j).asDouble(), e.get(0, j), 1e-15);
        }
        var weights = overparam.core.data.Npz.read(o.folder().resolve("weights_final.npz"));
        assertEquals(List.of("W1", "W2", "a"), List.copyOf(weights.keySet()));
        weights.values().forEach(a -> a.data().close());
    }

    /** The linear model (N = 1) is a^T x: one parameter, no pair to balance ("all" drops balance). */
    @Test
    void linearModelOfDepthOneTrains() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(linear("one").with("depth", 1).with("instruments", "all"), TrainingListener.NONE);
        JsonNode last = TrainRunTest.metrics(o.folder()).get(2);
        assertFalse(last.has("balance"));
        assertTrue(last.get("distance_teacher").asDouble() < 1, last.toString());
    }

    /** The diagonal network on a sparse teacher: beta = w_+^2 - w_-^2 starts at 0 (w = alpha) and moves toward beta*. */
    @Test
    void diagonalNetworkOnASparseTeacher() throws IOException {
        RunConfig c = RunConfigTest.empty().with("arch", "diagonal").with("synthetic", "gaussian").with("n", 20).with("d", 30)
                .with("labels_from", "sparse:2").with("init_scale", 0.1).with("eta", "0.2").with("steps", 400).with("record_every", 400)
                .with("instruments", "end-to-end").with("out", tmp.resolve("diag").toString());
        TrainRun.Outcome o = TrainRun.execute(c, TrainingListener.NONE);
        List<JsonNode> m = TrainRunTest.metrics(o.folder());
        assertEquals(0.0, m.get(0).get("end_to_end_norm").asDouble(), 0.0);
        assertEquals(1.0, m.get(0).get("distance_teacher").asDouble(), 1e-12, "||beta*|| = 1");
        assertTrue(m.get(1).get("distance_teacher").asDouble() < 0.5, m.get(1).toString());
        assertTrue(TrainRunTest.summary(o.folder()).get("config").get("init_scale").asDouble() == 0.1);
    }

    /**
     * Woodworth et al. (2020): gradient flow on the diagonal network from w_+ = w_- = alpha 1 ends at beta = 2 alpha^2
     * sinh(X^T nu) with X beta = y (core/reference/WoodworthLimit, solved by Newton on its dual). Gradient descent with step
     * eta, run to interpolation, ends O(eta) from it: halving eta halves the distance (ratio 2 within 15%), and at eta = 0.02 it
     * is below 1e-3 (||beta*|| = 1). A limit with the wrong constant in the sinh, or a layer with the wrong gradient, leaves a
     * distance that does not fall with eta. The other references: min_l2 and min_l1 are both interpolants and the run is
     * between them.
     */
    @Test
    void smallStepGradientDescentReachesTheGradientFlowLimit() throws IOException {
        double[] distance = new double[2];
        for (int t = 0; t < 2; t++) {
            RunConfig c = RunConfigTest.empty().with("arch", "diagonal").with("synthetic", "gaussian").with("n", 10).with("d", 20)
                    .with("labels_from", "sparse:3").with("init_scale", 0.3).with("eta", String.valueOf(0.04 / (1 << t))).with("steps", 20000)
                    .with("record_every", 20000).with("instruments", "end-to-end").with("threads", 1).with("out", tmp.resolve("flow" + t).toString());
            JsonNode last = TrainRunTest.metrics(TrainRun.execute(c, TrainingListener.NONE).folder()).get(1);
            assertTrue(last.get("loss").asDouble() < 1e-20, "interpolates: " + last.get("loss"));
            distance[t] = last.get("distance_woodworth").asDouble();
            assertTrue(last.has("distance_min_l1") && last.has("distance_min_l2"), last.toString());
        }
        double ratio = distance[0] / distance[1];
        assertTrue(ratio > 1.7 && ratio < 2.3, "distance " + distance[0] + " then " + distance[1] + ": ratio " + ratio + ", expected 2 (O(eta))");
        assertTrue(distance[1] < 1e-3, "distance " + distance[1]);
    }

    @Test
    void marginOnSeparableSignsWithALinearModel() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(linear("margin").with("depth", 2).with("loss", "logistic").with("eta", "0.1").with("steps", 200)
                .with("record_every", 100).with("instruments", "margin,end-to-end"), TrainingListener.NONE);
        List<JsonNode> m = TrainRunTest.metrics(o.folder());
        JsonNode last = m.get(m.size() - 1);
        assertTrue(last.has("normalized_margin") && last.has("smoothed_margin") && last.has("param_norm"), last.toString());
        assertTrue(last.has("cosine_svm") && last.get("cosine_svm").asDouble() > m.get(0).get("cosine_svm").asDouble(), "turns toward the SVM direction");
    }

    /**
     * Soudry et al. (2018), Theorem 3: on separable data gradient descent on the logistic loss grows a linear model as
     * w(t) = w_hat log t + rho(t) with rho bounded (rho converges), w_hat the hard-margin SVM solution (core/reference, an exact
     * active-set solver): so each decade of steps adds w_hat ln 10, and the direction's distance to w_hat's falls like 1 / log t.
     * Checked on 20 points of the sphere in R^5 labelled by a linear teacher, from w = 0 with eta = 1, over 10^3 to 10^5 steps:
     * the last decade's increment points along w_hat (cosine > 0.999) with the length ||w_hat|| ln 10 to 5%, and
     * direction_distance_svm x ln t stays below 1 while the distance itself falls. A model converging to another
     * direction (or an SVM solved wrongly) fails the cosine; a rate of 1 / t or log log t fails the length.
     */
    @Test
    void logisticRegressionGrowsAlongTheSvmDirectionAtTheRateLogT() throws IOException {
        Path x = tmp.resolve("X.npy"), y = tmp.resolve("y.npy");
        double[] teacher = {1, -1, 0.5, 0, 2};
        double[] labels = new double[20];
        try (var m = overparam.core.data.Synthetic.sphere(20, 5, 3); var v = overparam.core.linalg.Matrix.vector(20)) {
            for (int i = 0; i < 20; i++) {
                double dot = 0;
                for (int j = 0; j < 5; j++) dot += teacher[j] * m.get(i, j);
                labels[i] = dot >= 0 ? 1 : -1;
                v.set(i, labels[i]);
            }
            overparam.core.data.Npy.write(x, m);
            overparam.core.data.Npy.write(y, v);
            double[] svm = overparam.core.reference.HardMarginSvm.direction(m, labels).w();
            RunConfig c = RunConfigTest.empty().with("arch", "linear").with("depth", 1).with("data", x.toString()).with("labels", y.toString())
                    .with("loss", "logistic").with("init_scheme", "zero").with("eta", "1").with("steps", 100000).with("record_every", 1000)
                    .with("instruments", "end-to-end").with("threads", 1).with("out", tmp.resolve("soudry").toString());
            List<JsonNode> m2 = TrainRunTest.metrics(TrainRun.execute(c, TrainingListener.NONE).folder());
            double[] w4 = vector(m2.get(10).get("end_to_end")), w5 = vector(m2.get(100).get("end_to_end"));
            double svmNorm = Math.sqrt(dot(svm, svm)), increment = 0, along = 0;
            for (int j = 0; j < 5; j++) {
                double dj = w5[j] - w4[j];
                increment += dj * dj;
                along += dj * svm[j];
            }
            increment = Math.sqrt(increment);
            assertTrue(along / (increment * svmNorm) > 0.999, "cosine of the last decade's increment with w_hat: " + along / (increment * svmNorm));
            assertEquals(1.0, increment / (svmNorm * Math.log(10)), 0.05, "||w(1e5) - w(1e4)|| / (||w_hat|| ln 10)");
            double[] distance = new double[3];
            int[] at = {1, 10, 100};
            for (int k = 0; k < 3; k++) {
                JsonNode r = m2.get(at[k]);
                distance[k] = r.get("direction_distance_svm").asDouble();
                assertTrue(distance[k] * Math.log(r.get("step").asDouble()) < 1, "distance x ln t at step " + r.get("step") + ": " + distance[k]);
            }
            assertTrue(distance[2] < distance[1] && distance[1] < distance[0], java.util.Arrays.toString(distance));
        }
    }

    private static double[] vector(JsonNode list) {
        double[] v = new double[list.size()];
        for (int i = 0; i < v.length; i++) v[i] = list.get(i).asDouble();
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** --widths: a depth-3 linear network with hidden widths 8 and 4 writes W1 8 x 6, W2 4 x 8 and a 4 x 1, and trains. */
    @Test
    void chosenWidthsShapeTheLayers() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(linear("widths").with("widths", "8,4").with("init_scheme", "balanced").with("instruments", "balance,end-to-end"),
                TrainingListener.NONE);
        List<JsonNode> m = TrainRunTest.metrics(o.folder());
        assertTrue(m.get(0).get("balance_matrix").asDouble() < 1e-13);
        assertTrue(m.get(m.size() - 1).get("loss").asDouble() < m.get(0).get("loss").asDouble());
        var weights = overparam.core.data.Npz.read(o.folder().resolve("weights_final.npz"));
        assertEquals(List.of(8L, 6L), java.util.Arrays.stream(weights.get("W1").shape()).boxed().toList());
        assertEquals(List.of(4L, 8L), java.util.Arrays.stream(weights.get("W2").shape()).boxed().toList());
        assertEquals(4L, weights.get("a").shape()[0]);
        weights.values().forEach(a -> a.data().close());
        assertTrue(refusal(linear("w1").with("widths", "8")).contains("--widths 8"));
        assertTrue(refusal(linear("w2").with("widths", "8,x")).contains("--widths 8,x"));
        assertTrue(refusal(linear("w3").with("widths", "8,0")).contains("--widths"));
        assertTrue(refusal(linear("w4").with("arch", "fc").with("activation", "relu").with("widths", "8,4")).contains("--widths"));
        assertTrue(refusal(linear("w5").with("widths", "8,4").with("init_scheme", "balanced").with("n", 12).with("d", 6).with("loss", "squared")
                .with("widths", "8,0")).contains("--widths"));
    }

    @Test
    void refusalsNameTheOption() {
        assertTrue(refusal(linear("r1").with("activation", "relu")).contains("--activation relu"));
        assertTrue(refusal(linear("r2").with("arch", "diagonal").with("depth", 2)).contains("--depth 2"));
        assertTrue(refusal(linear("r3").with("arch", "fc").with("init_scheme", "balanced")).contains("--init-scheme balanced"));
        assertTrue(refusal(linear("r4").with("init_scheme", "balanced").with("width", 0)).contains("--width"));
        assertTrue(refusal(linear("r5").with("init_scale", -1.0)).contains("--init-scale"));
        assertTrue(refusal(linear("r6").with("init_scale", Double.NaN)).contains("--init-scale"));
        assertTrue(refusal(linear("r7").with("labels_from", "sparse:0")).contains("--labels-from sparse:0"));
        assertTrue(refusal(linear("r8").with("labels_from", "sparse:99")).contains("--labels-from sparse:99"));
        RunConfig resnet = linear("r9").with("arch", "resnet").with("activation", "relu").with("instruments", "margin");
        assertTrue(refusal(resnet).contains("--instruments margin") && refusal(resnet).contains("homogeneous"), refusal(resnet));
        RunConfig softplus = linear("r10").with("arch", "fc").with("activation", "softplus").with("instruments", "balance");
        assertTrue(refusal(softplus).contains("--instruments balance"), refusal(softplus));
        assertTrue(refusal(linear("r11").with("arch", "fc").with("activation", "relu").with("instruments", "end-to-end")).contains("end-to-end"));
        assertTrue(refusal(linear("r12").with("instruments", "margin")).contains("classification labels"));
        assertTrue(refusal(linear("r13").with("arch", "diagonal").with("depth", 1).with("instruments", "gram")).contains("--instruments gram"));
        assertTrue(refusal(linear("r14").with("arch", "diagonal").with("depth", 1).with("eta", "auto")).contains("--eta auto"));
        for (int i = 1; i <= 14; i++) assertFalse(Files.exists(tmp.resolve("r" + i)), "a refused run leaves no folder");
    }

    /** A balanced start with a width below min(d, k) is refused; balanced at enough width starts balanced. */
    @Test
    void balancedStartIsBalanced() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(linear("balanced").with("init_scheme", "balanced").with("instruments", "balance"), TrainingListener.NONE);
        assertTrue(TrainRunTest.metrics(o.folder()).get(0).get("balance_matrix").asDouble() < 1e-13);
    }
}
