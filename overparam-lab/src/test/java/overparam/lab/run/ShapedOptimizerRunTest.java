package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlanTest;

/** --clip-norm, --normalized, --langevin with --noise-trace, and the smoothness instrument through the lab. */
class ShapedOptimizerRunTest {
    @TempDir Path tmp;

    RunConfig fc(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 16).with("activation", "tanh").with("synthetic", "sphere")
                .with("n", 10).with("d", 4).with("eta", "0.05").with("steps", 12).with("record_every", 4).with("threads", 1)
                .with("limit_kernel", "off").with("instruments", "smoothness").with("out", tmp.resolve(out).toString());
    }


    @Test
    void refusalsNameTheOptionAndTheFix() {
        assertTrue(RunPlanTest.refusal(fc("a").with("clip_norm", 0.0)).contains("--clip-norm 0.0"));
        assertTrue(RunPlanTest.refusal(fc("a").with("clip_norm", -1.0)).contains("--clip-norm -1.0"));
        assertTrue(RunPlanTest.refusal(fc("a").with("clip_norm", Double.POSITIVE_INFINITY)).contains("--clip-norm"));
        String both = RunPlanTest.refusal(fc("a").with("clip_norm", 1.0).with("normalized", true));
        assertTrue(both.contains("--normalized") && both.contains("--clip-norm") && both.contains("drop one"), both);
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "brownian").with("noise_trace", 0.1)).contains("--langevin brownian"));
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "hessian")).contains("needs --noise-trace"));
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin_top", 5)).startsWith("--langevin-top: only --langevin hessian"));
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "isotropic").with("noise_trace", 0.1).with("langevin_every", 5)).contains("--langevin-every"));
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "hessian").with("noise_trace", 0.1).with("langevin_top", 0)).startsWith("--langevin-top 0"));
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "hessian").with("noise_trace", 0.1).with("langevin_every", 0)).startsWith("--langevin-every 0"));
        String conv = LinearModelRunTest.refusal(RunConfigTest.empty().with("arch", "conv-resnet").with("depth", 2).with("width", 4).with("synthetic", "sphere")
                .with("n", 6).with("d", 1).with("pixels", "8").with("eta", "0.05").with("steps", 2).with("instruments", "none").with("limit_kernel", "off")
                .with("langevin", "hessian").with("noise_trace", 0.1).with("out", tmp.resolve("conv").toString()));
        assertTrue(conv.startsWith("--langevin hessian:") && conv.contains("conv-resnet"), conv);
        assertFalse(Files.exists(tmp.resolve("conv")), "a refused run leaves no folder");
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "isotropic")).contains("needs --noise-trace"));
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "isotropic").with("noise_trace", 0.0)).contains("--noise-trace 0.0"));
        assertTrue(RunPlanTest.refusal(fc("a").with("noise_trace", 0.1)).contains("without --langevin"));
        RunConfig prelu = RunConfigTest.empty().with("arch", "identity-mapping").with("activation", "prelu").with("synthetic", "gaussian")
                .with("n", 8).with("d", 4).with("labels_from", "teacher").with("eta", "0.05").with("steps", 2).with("instruments", "smoothness")
                .with("limit_kernel", "off").with("out", tmp.resolve("prelu").toString());
        String m = LinearModelRunTest.refusal(prelu);
        assertTrue(m.contains("--instruments smoothness") && m.contains("prelu"), m);
        assertFalse(Files.exists(tmp.resolve("prelu")), "a refused run leaves no folder");
        String ridge = LinearModelRunTest.refusal(RunConfigTest.empty().with("arch", "linear").with("depth", 1).with("synthetic", "gaussian")
                .with("n", 12).with("d", 6).with("labels_from", "teacher").with("init_scheme", "zero").with("eta", "0.05").with("steps", 2)
                .with("instruments", "ridge-path").with("clip_norm", 1.0).with("out", tmp.resolve("ridge").toString()));
        assertTrue(ridge.contains("ridge-path") && ridge.contains("clips"), ridge);
    }

    /** The summary names the shaped optimizer; records carry smoothness after step 0; same seed, same bits. */
    @Test
    void aClippedNoisyRunRecordsSmoothnessAndRepeatsBitForBit() throws IOException {
        RunConfig c = fc("one").with("clip_norm", 0.5).with("langevin", "isotropic").with("noise_trace", 1e-3).with("batch_size", 5);
        TrainRun.Outcome o = TrainRun.execute(c, TrainingListener.NONE);
        assertEquals("sgd clip norm 0.5 langevin isotropic noise trace 0.001", TrainRunTest.summary(o.folder()).get("optimizer").asText());
        List<JsonNode> m = TrainRunTest.metrics(o.folder());
        assertFalse(m.get(0).has("smoothness"));
        for (JsonNode r : m.subList(1, m.size())) assertTrue(r.get("smoothness").asDouble() > 0 && r.get("smoothness_grad_norm").asDouble() > 0, r.toString());
        TrainRun.Outcome again = TrainRun.execute(c.with("out", tmp.resolve("two").toString()), TrainingListener.NONE);
        assertArrayEquals(Files.readAllBytes(o.folder().resolve("weights_final.npz")), Files.readAllBytes(again.folder().resolve("weights_final.npz")));
        TrainRun.Outcome off = TrainRun.execute(c.with("instruments", "none").with("out", tmp.resolve("off").toString()), TrainingListener.NONE);
        assertArrayEquals(Files.readAllBytes(o.folder().resolve("weights_final.npz")), Files.readAllBytes(off.folder().resolve("weights_final.npz")),
                "the smoothness instrument changed the run");
        TrainRun.Outcome plain = TrainRun.execute(c.with("langevin", null).with("noise_trace", null).with("clip_norm", null)
                .with("out", tmp.resolve("plain").toString()), TrainingListener.NONE);
        assertEquals("sgd", TrainRunTest.summary(plain.folder()).get("optimizer").asText());
    }

    /** Hessian-shaped noise through the lab: the summary names it, the run repeats bit for bit and differs from isotropic noise. */
    @Test
    void hessianShapedNoiseRunsAndRepeatsBitForBit() throws IOException {
        RunConfig c = fc("h1").with("instruments", "none").with("langevin", "hessian").with("noise_trace", 1e-3).with("langevin_top", 3)
                .with("langevin_every", 4);
        TrainRun.Outcome o = TrainRun.execute(c, TrainingListener.NONE);
        assertEquals("gd langevin hessian top 3 every 4 noise trace 0.001", TrainRunTest.summary(o.folder()).get("optimizer").asText());
        TrainRun.Outcome again = TrainRun.execute(c.with("out", tmp.resolve("h2").toString()), TrainingListener.NONE);
        assertArrayEquals(Files.readAllBytes(o.folder().resolve("weights_final.npz")), Files.readAllBytes(again.folder().resolve("weights_final.npz")));
        TrainRun.Outcome iso = TrainRun.execute(c.with("langevin", "isotropic").with("langevin_top", null).with("langevin_every", null)
                .with("out", tmp.resolve("iso").toString()), TrainingListener.NONE);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(o.folder().resolve("weights_final.npz")),
                Files.readAllBytes(iso.folder().resolve("weights_final.npz"))), "the two shapes drew the same noise");
    }
}
