package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;

/** --arch fc --bias-scale: run folders with biases, old configurations without them, masks that never name a bias, refusals. */
class FcBiasRunTest {
    @TempDir Path tmp;

    RunConfig fc(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("widths", "8,4").with("activation", "relu").with("synthetic", "sphere")
                .with("n", 12).with("d", 5).with("eta", "0.05").with("steps", 6).with("record_every", 3).with("limit_kernel", "off")
                .with("out", tmp.resolve(out).toString());
    }

    /** Biases are saved (b1 8, b2 4, b_out 1), trained, kept in the config; a run without them has no bias_scale and no b keys. */
    @Test
    void biasesAreSavedTrainedAndConfigured() throws IOException {
        Path biased = TrainRun.execute(fc("biased").with("bias_scale", 0.5).with("instruments", "all"), TrainingListener.NONE).folder();
        assertEquals(0.5, TrainRunTest.summary(biased).get("config").get("bias_scale").asDouble());
        Map<String, NdArray> init = Npz.read(biased.resolve("weights_init.npz")), last = Npz.read(biased.resolve("weights_final.npz"));
        try {
            assertEquals(List.of(8L), List.of(last.get("b1").shape()[0]));
            assertEquals(List.of(4L), List.of(last.get("b2").shape()[0]));
            assertEquals(List.of(1L), List.of(last.get("b_out").shape()[0]));
            for (String key : List.of("b1", "b2", "b_out"))
                assertTrue(init.get(key).data().get(0) != last.get(key).data().get(0), key + " trained");
        } finally { init.values().forEach(a -> a.data().close()); last.values().forEach(a -> a.data().close()); }
        JsonNode record = TrainRunTest.metrics(biased).get(1);
        assertTrue(record.has("gram_lambda_min") && !record.has("balance"), "gram applies, balance (homogeneity) does not: " + record);

        Path plain = TrainRun.execute(fc("plain"), TrainingListener.NONE).folder();
        assertFalse(TrainRunTest.summary(plain).get("config").has("bias_scale"));
        assertFalse(Files.readString(plain.resolve("config.json")).contains("bias_scale"));
        Map<String, NdArray> w = Npz.read(plain.resolve("weights_final.npz"));
        assertEquals(List.of("W1", "W2", "a"), List.copyOf(w.keySet()));
        w.values().forEach(a -> a.data().close());
        // --bias-scale 0 is the network without biases: the same run, bit for bit
        Path zero = TrainRun.execute(fc("zero").with("bias_scale", 0.0), TrainingListener.NONE).folder();
        assertEquals(-1, Files.mismatch(plain.resolve("weights_final.npz"), zero.resolve("weights_final.npz")));
        // a biased run's weights start a biased run; a run without biases refuses them, naming --bias-scale
        String refused = LinearModelRunTest.refusal(fc("init").with("init", biased.resolve("weights_init.npz").toString()));
        assertTrue(refused.contains("--bias-scale"), refused);
        TrainRun.execute(fc("again").with("bias_scale", 0.5).with("init", biased.resolve("weights_init.npz").toString()), TrainingListener.NONE);
    }

    /** A mask prunes weights only: the biases train on under it; a mask naming a bias is refused. */
    @Test
    void masksNeverTouchBiases() throws IOException {
        Map<String, NdArray> mask = new LinkedHashMap<>();
        Matrix w1 = Matrix.zeros(8, 5);                                  // every weight of W1 pruned
        mask.put("W1", NdArray.of(w1));
        Npz.write(tmp.resolve("mask.npz"), mask);
        Path run = TrainRun.execute(fc("masked").with("bias_scale", 0.5).with("mask", tmp.resolve("mask.npz").toString()), TrainingListener.NONE).folder();
        Map<String, NdArray> init = Npz.read(run.resolve("weights_init.npz")), last = Npz.read(run.resolve("weights_final.npz"));
        try {
            for (int e = 0; e < 40; e++) assertEquals(0.0, last.get("W1").data().get(e));
            boolean moved = false;                                          // b1 still trains: relu(beta b1) feeds the layer above
            for (int e = 0; e < 8; e++) moved |= init.get("b1").data().get(e) != last.get("b1").data().get(e);
            assertTrue(moved, "b1 is no weight: the mask leaves it trained");
        } finally { init.values().forEach(a -> a.data().close()); last.values().forEach(a -> a.data().close()); }
        Matrix b1 = Matrix.vector(8);
        b1.fill(1);
        mask.put("b1", NdArray.vector(b1));
        Npz.write(tmp.resolve("bias-mask.npz"), mask);
        String refused = LinearModelRunTest.refusal(fc("bm").with("bias_scale", 0.5).with("mask", tmp.resolve("bias-mask.npz").toString()));
        assertTrue(refused.contains("--mask") && refused.contains("'b1' is a bias"), refused);
        w1.close(); b1.close();
    }

    /**
     * The limit kernels with biases at the lab's doors: a run's theory block (--limit-kernel on), and kernel --predict in memory
     * and tiled (the fused entrywise maps, the out-of-core path) giving the same predictions; beta moves them.
     */
    @Test
    void limitKernelsAndPredictionsTakeTheBiases() throws IOException {
        Path run = TrainRun.execute(fc("theory").with("bias_scale", 0.5).with("limit_kernel", "on"), TrainingListener.NONE).folder();
        assertTrue(TrainRunTest.summary(run).get("theory").get("lambda_0").asDouble() > 0, TrainRunTest.summary(run).get("theory").toString());
        Path whole = tmp.resolve("whole"), tiles = tmp.resolve("tiles"), plain = tmp.resolve("plain");
        overparam.lab.plan.KernelPlan.PredictionOptions inMemory = new overparam.lab.plan.KernelPlan.PredictionOptions(true, null, null, null),
                tiled = new overparam.lab.plan.KernelPlan.PredictionOptions(true, null, null, null, null, 7);
        KernelPredictionRun.execute(overparam.lab.plan.KernelPlan.parse(TiledPredictionTest.config(whole, 2).with("bias_scale", 0.5), "gram", null, inMemory));
        KernelPredictionRun.execute(overparam.lab.plan.KernelPlan.parse(TiledPredictionTest.config(tiles, 2).with("bias_scale", 0.5), "gram", null, tiled));
        KernelPredictionRun.execute(overparam.lab.plan.KernelPlan.parse(TiledPredictionTest.config(plain, 2), "gram", null, inMemory));
        for (String f : List.of("predictions_ntk.npy", "predictions_nngp.npy", "nngp_test_diagonal.npy")) {
            double[] x = TiledPredictionTest.read(whole.resolve(f)), y = TiledPredictionTest.read(tiles.resolve(f)), z = TiledPredictionTest.read(plain.resolve(f));
            double scale = 0, moved = 0;
            for (int i = 0; i < x.length; i++) { scale = Math.max(scale, Math.abs(x[i])); moved = Math.max(moved, Math.abs(x[i] - z[i])); }
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-10 * scale, f + " entry " + i);
            assertTrue(moved > 1e-3 * scale, f + ": the biases change the kernels");
        }
    }

    /** Bad beta, another architecture, and the instruments that cannot include biases yet: one line naming --bias-scale. */
    @Test
    void refusalsNameTheBiasScale() {
        assertTrue(LinearModelRunTest.refusal(fc("neg").with("bias_scale", -0.1)).contains("--bias-scale -0.1"));
        assertTrue(LinearModelRunTest.refusal(fc("nan").with("bias_scale", Double.NaN)).contains("--bias-scale"));
        assertTrue(LinearModelRunTest.refusal(fc("res").with("arch", "resnet").with("widths", null).with("bias_scale", 0.1)).contains("--bias-scale 0.1"));
        for (String instrument : List.of("hessian", "gradient-noise", "smoothness", "balance", "margin")) {
            RunConfig c = fc(instrument).with("bias_scale", 0.1).with("instruments", instrument);
            if (instrument.equals("gradient-noise")) c = c.with("batch_size", 4);
            String refused = LinearModelRunTest.refusal(c);
            assertTrue(refused.contains("--bias-scale"), instrument + ": " + refused);
        }
        String fit = LinearModelRunTest.refusal(fc("fit").with("bias_scale", 0.1).with("fit", "min-norm"));
        assertTrue(fit.contains("--bias-scale") && fit.contains("--fit"), fit);
        String langevin = LinearModelRunTest.refusal(fc("lh").with("bias_scale", 0.1).with("langevin", "hessian").with("noise_trace", 0.01));
        assertTrue(langevin.contains("--bias-scale"), langevin);
    }
}
