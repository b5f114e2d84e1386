package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TrainingListener;
import overparam.core.pruning.MagnitudePruning;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;

/** --arch fc --widths: run folders of a network whose hidden layers differ in width (LeNet-300-100's 300, 100), masks and pruning. */
class FcWidthsRunTest {
    @TempDir Path tmp;

    RunConfig fc(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("activation", "relu").with("synthetic", "sphere")
                .with("n", 12).with("d", 10).with("eta", "0.05").with("steps", 6).with("record_every", 3)
                .with("out", tmp.resolve(out).toString());
    }

    /** --widths 8,8 is --width 8: the same draws and the same steps, weights_final.npz bit for bit. */
    @Test
    void equalWidthsTrainAsOneWidth() throws IOException {
        Path chosen = TrainRun.execute(fc("chosen").with("widths", "8,8"), TrainingListener.NONE).folder();
        Path plain = TrainRun.execute(fc("plain").with("width", 8), TrainingListener.NONE).folder();
        assertEquals(-1, Files.mismatch(chosen.resolve("weights_final.npz"), plain.resolve("weights_final.npz")));
        assertEquals("8,8", TrainRunTest.summary(chosen).get("config").get("widths").asText());
    }

    /**
     * A 300, 100 network: W1 300 x d, W2 100 x 300, a of 100, every instrument that applies records; one round of the paper's
     * per-layer pruning (20% of hidden weights, 10% of output weights) on its trained weights is a mask the same network takes,
     * and the pruned weights stay 0 through training.
     */
    @Test
    void lenetShapesTakeAMaskAndAPruningRound() throws IOException {
        Path dense = TrainRun.execute(fc("dense").with("widths", "300,100").with("instruments", "all"), TrainingListener.NONE).folder();
        var last = TrainRunTest.metrics(dense).get(1);
        assertEquals(3, last.get("weight_movement").size());
        assertTrue(last.has("gram_lambda_min") && last.has("pattern_change"), last.toString());
        Map<String, NdArray> w = Npz.read(dense.resolve("weights_final.npz"));
        List<Matrix> masks = new ArrayList<>();
        try {
            assertEquals(List.of(300L, 10L), shape(w.get("W1")));
            assertEquals(List.of(100L, 300L), shape(w.get("W2")));
            assertEquals(List.of(100L), shape(w.get("a")));
            List<Matrix> weights = List.of(w.get("W1").data(), w.get("W2").data(), w.get("a").data());
            List<Matrix> ones = new ArrayList<>();
            for (Matrix m : weights) { Matrix one = Matrix.zeros(m.rows(), m.cols()); one.fill(1); ones.add(one); }
            masks.addAll(MagnitudePruning.perLayer(weights, ones, 0.2, 0.1, "--prune-hidden", "--prune-output"));
            ones.forEach(Matrix::close);
            assertEquals(2400, MagnitudePruning.remaining(masks.get(0)));       // floor(0.8 * 3000)
            assertEquals(24000, MagnitudePruning.remaining(masks.get(1)));      // floor(0.8 * 30000)
            assertEquals(90, MagnitudePruning.remaining(masks.get(2)));         // floor(0.9 * 100)
            Map<String, NdArray> file = new LinkedHashMap<>();
            file.put("W1", NdArray.of(masks.get(0)));
            file.put("W2", NdArray.of(masks.get(1)));
            file.put("a", NdArray.vector(masks.get(2)));
            Npz.write(tmp.resolve("mask.npz"), file);
        } finally { w.values().forEach(v -> v.data().close()); }
        Path ticket = TrainRun.execute(fc("ticket").with("widths", "300,100").with("init", dense.resolve("weights_init.npz").toString())
                .with("mask", tmp.resolve("mask.npz").toString()), TrainingListener.NONE).folder();
        Map<String, NdArray> t = Npz.read(ticket.resolve("weights_final.npz"));
        try {
            String[] keys = {"W1", "W2", "a"};
            for (int l = 0; l < 3; l++) {
                Matrix m = masks.get(l), trained = t.get(keys[l]).data();
                assertEquals(m.size(), trained.size());
                for (int e = 0; e < (int) m.size(); e++) if (m.get(e) == 0) assertEquals(0.0, trained.get(e), keys[l] + " " + e);
            }
        } finally { t.values().forEach(v -> v.data().close()); masks.forEach(Matrix::close); }
        // a mask of the other shapes (--widths 100,300) is refused, naming the widths it was given
        String refused = LinearModelRunTest.refusal(fc("wrong").with("widths", "100,300").with("mask", tmp.resolve("mask.npz").toString()));
        assertTrue(refused.contains("--mask") && refused.contains("--widths 100,300"), refused);
    }

    /** One width per hidden layer, each positive: one-line refusals naming --widths. */
    @Test
    void wrongWidthsAreRefused() {
        String count = LinearModelRunTest.refusal(fc("c").with("widths", "300"));
        assertTrue(count.contains("--widths 300") && count.contains("2 widths"), count);
        assertTrue(LinearModelRunTest.refusal(fc("z").with("widths", "300,0")).contains("--widths 300,0"));
        assertTrue(LinearModelRunTest.refusal(fc("n").with("widths", "300,-1")).contains("--widths 300,-1"));
        assertTrue(LinearModelRunTest.refusal(fc("r").with("arch", "resnet").with("widths", "8,8")).contains("--widths"));
    }

    private static List<Long> shape(NdArray a) { return java.util.Arrays.stream(a.shape()).boxed().toList(); }
}
