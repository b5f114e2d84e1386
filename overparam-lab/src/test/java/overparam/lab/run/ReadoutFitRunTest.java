package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.data.Npz;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlanTest;

/**
 * --fit min-norm through the lab: random ReLU features (--arch fc --depth 1, --train-layers a) fitted in closed form, and the
 * lab's own gradient descent on a from a = 0 converging to that same fit; the refusals of the plan.
 */
class ReadoutFitRunTest {
    @TempDir Path tmp;

    /** n = 20 points on the sphere in d = 5, p = 200 ReLU features: over-parameterized, so infinitely many a interpolate. */
    RunConfig features(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 200).with("activation", "relu").with("synthetic", "sphere")
                .with("n", 20).with("d", 5).with("test_n", 50).with("train_layers", "a").with("fit", "min-norm").with("steps", 0)
                .with("eta", "0.01").with("instruments", "none").with("limit_kernel", "off").with("threads", 1).with("seed", 3L)
                .with("out", tmp.resolve(out).toString());
    }

    static double[] array(Path file) {
        NdArray a = Npy.read(file);
        try { return a.data().toArray(); } finally { a.data().close(); }
    }

    static double[] finalA(Path dir) {
        Map<String, NdArray> w = Npz.read(dir.resolve("weights_final.npz"));
        try { return w.get("a").data().toArray(); } finally { w.values().forEach(v -> v.data().close()); }
    }

    static double distance(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (x[i] - y[i]) * (x[i] - y[i]);
        return Math.sqrt(s);
    }

    /**
     * Gradient descent on 1/2 ||Phi a - y||^2 from a = 0 stays in the row space of Phi, where a_K - a* = -V diag((1 - eta s_i^2)^K / s_i)
     * U^T y, so ||a_K - a*|| <= rho^K ||a*|| with rho = 1 - eta s_min^2 for eta <= 1 / s_max^2 (every factor in [0, rho]).
     * eta = 1 / s_max^2 from the fit's own singular values; K steps make rho^K <= 1e-8; round-off adds ~K eps ||a*|| << 1e-10 ||a*||.
     * The standard initialization's a0 != 0 keeps its component in the null space of Phi (p = 200 > n = 20), so from there the
     * same steps end at another interpolant, far from a*: the tolerance is far tighter than that difference.
     */
    @Test
    void gradientDescentFromZeroOnTheOutputLayerReachesTheMinimumNormFit() throws IOException {
        Path probe = TrainRun.execute(features("probe"), TrainingListener.NONE).folder();
        JsonNode fit = TrainRunTest.summary(probe).get("readout_fit");
        double sMax = fit.get("fit_s_max").asDouble(), sMin = fit.get("fit_s_min").asDouble();
        assertEquals(20, fit.get("fit_rank").asInt());
        assertTrue(fit.get("fit_train_residual").asDouble() < 1e-10, "p > n: the fit interpolates, " + fit);
        double eta = 1 / (sMax * sMax), rho = 1 - eta * sMin * sMin;
        int steps = (int) Math.ceil(Math.log(1e-8) / Math.log(rho));
        System.out.printf("s_max %.4g, s_min %.4g: rho = %.6f, %d steps%n", sMax, sMin, rho, steps);
        assertTrue(steps < 200_000, "a well-conditioned problem: " + steps + " steps");

        Map<String, NdArray> w = Npz.read(probe.resolve("weights_final.npz"));         // steps 0: the initialization
        Path zeroA = tmp.resolve("zero-a.npz");
        try {
            w.get("a").data().fill(0);
            Npz.write(zeroA, new LinkedHashMap<>(w));
        } finally { w.values().forEach(v -> v.data().close()); }
        RunConfig gd = features("gd").with("init", zeroA.toString()).with("steps", steps).with("record_every", steps).with("eta", Double.toString(eta));
        Path fromZero = TrainRun.execute(gd, TrainingListener.NONE).folder();
        double[] aStar = array(fromZero.resolve("fit_a.npy")), aK = finalA(fromZero);
        double norm = distance(aStar, new double[aStar.length]);
        double bound = Math.pow(rho, steps) * norm + 1e-10 * norm;
        assertEquals(0, distance(aStar, array(probe.resolve("fit_a.npy"))), 0, "the same features give the same fit");
        assertTrue(distance(aK, aStar) <= bound, "||a_K - a*|| = " + distance(aK, aStar) + " > " + bound);

        Path fromInit = TrainRun.execute(features("gd-standard").with("steps", steps).with("record_every", steps).with("eta", Double.toString(eta)),
                TrainingListener.NONE).folder();
        double off = distance(finalA(fromInit), aStar);
        assertTrue(off > 1e3 * bound, "from a0 != 0 gradient descent keeps a0's null-space part: " + off + " against the bound " + bound);
    }

    /** --fit-ridge lowers ||a|| (the ridge solution has filter s^2 / (s^2 + lambda) < 1 in every direction) and leaves a residual. */
    @Test
    void ridgeShrinksTheFit() throws IOException {
        JsonNode plain = TrainRunTest.summary(TrainRun.execute(features("plain"), TrainingListener.NONE).folder()).get("readout_fit");
        JsonNode ridged = TrainRunTest.summary(TrainRun.execute(features("ridged").with("fit_ridge", 1.0), TrainingListener.NONE).folder()).get("readout_fit");
        assertTrue(ridged.get("fit_norm").asDouble() < plain.get("fit_norm").asDouble());
        assertTrue(ridged.get("fit_train_residual").asDouble() > 1e-6);
        assertEquals(1.0, ridged.get("fit_ridge").asDouble(), 0);
    }

    /**
     * The linear model on N(0, I_p) inputs without label noise: below the threshold (p = 10 < n = 20) the fit is beta* itself
     * (excess risk at round-off, ~eps^2 cond^2 ||beta*||^2 < 1e-20), above it (p = 40) the fit is P beta* and the excess risk is
     * ||(I - P) beta*||^2, strictly between 0 and ||beta*||^2, with exact mean r^2 (1 - n/p) = r^2 / 2 (RidgelessRisk). The store
     * reads the same numbers as per-run values.
     */
    @Test
    void linearModelWithoutNoiseRecoversTheTeacherBelowTheThresholdAndItsProjectionAbove() throws IOException {
        RunConfig linear = RunConfigTest.empty().with("arch", "linear").with("depth", 1).with("synthetic", "normal").with("n", 20)
                .with("labels_from", "teacher").with("test_n", 50).with("fit", "min-norm").with("steps", 0).with("eta", "0.01")
                .with("instruments", "none").with("limit_kernel", "off").with("threads", 1).with("seed", 4L);
        JsonNode below = TrainRunTest.summary(TrainRun.execute(linear.with("d", 10).with("out", tmp.resolve("below").toString()),
                TrainingListener.NONE).folder());
        JsonNode fit = below.get("readout_fit");
        assertTrue(fit.get("fit_excess_risk").asDouble() < 1e-20, fit.toString());
        assertEquals(0, fit.get("fit_mean_risk").asDouble(), 0);
        assertEquals(fit.get("fit_excess_risk").asDouble(), RunSummary.read(below).values().get("fit_excess_risk"), 0);
        JsonNode above = TrainRunTest.summary(TrainRun.execute(linear.with("d", 40).with("out", tmp.resolve("above").toString()),
                TrainingListener.NONE).folder()).get("readout_fit");
        double r2 = above.get("fit_teacher_norm2").asDouble(), risk = above.get("fit_excess_risk").asDouble();
        assertEquals(r2 / 2, above.get("fit_mean_risk").asDouble(), 1e-15 * r2);
        assertTrue(risk > 0.05 * r2 && risk < r2, "||(I - P) beta*||^2 = " + risk + " of ||beta*||^2 = " + r2);
        assertTrue(above.get("fit_train_residual").asDouble() < 1e-12, "p > n: the fit interpolates");
    }

    @Test
    void refusals() {
        RunConfig c = features("refused");
        assertTrue(RunPlanTest.refusal(c.with("fit", "exact")).startsWith("--fit exact:"));
        assertTrue(RunPlanTest.refusal(c.with("fit", null).with("fit_ridge", 0.1)).startsWith("--fit-ridge 0.1: the ridge of --fit's"));
        assertTrue(RunPlanTest.refusal(c.with("fit_ridge", -1.0)).startsWith("--fit-ridge -1.0:"));
        assertTrue(RunPlanTest.refusal(c.with("train_layers", "all")).contains("add --train-layers a"));
        assertTrue(RunPlanTest.refusal(c.with("arch", "resnet").with("depth", 2)).contains("not of --arch resnet"));
        assertTrue(RunPlanTest.refusal(c.with("loss", "logistic")).contains("for --loss squared or one-hot-squared"));
        assertTrue(RunPlanTest.refusal(c.with("test_n", 0)).contains("needs a labelled test set; give --test-n N"));
    }
}
