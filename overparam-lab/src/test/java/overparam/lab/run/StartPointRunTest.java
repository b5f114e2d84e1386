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

/** Zhu et al. 2019's protocol through the lab: --gd-start K (start where plain GD went), --noise-match-sgd B (SGD's trace). */
class StartPointRunTest {
    @TempDir Path tmp;

    RunConfig fc(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 16).with("activation", "tanh").with("synthetic", "sphere")
                .with("n", 12).with("d", 4).with("eta", "0.05").with("steps", 6).with("record_every", 3).with("threads", 1)
                .with("limit_kernel", "off").with("instruments", "none").with("out", tmp.resolve(out).toString());
    }

    /** K GD steps then none reaches the weights of a plain K-step run bit for bit, and the summary keeps that loss. */
    @Test
    void gdStartIsPlainGradientDescentUnrecorded() throws IOException {
        TrainRun.Outcome plain = TrainRun.execute(fc("plain").with("steps", 9), TrainingListener.NONE);
        TrainRun.Outcome started = TrainRun.execute(fc("started").with("gd_start", 9).with("steps", 0), TrainingListener.NONE);
        assertArrayEquals(Files.readAllBytes(plain.folder().resolve("weights_final.npz")), Files.readAllBytes(started.folder().resolve("weights_final.npz")));
        JsonNode start = TrainRunTest.summary(started.folder()).get("start");
        assertEquals(9, start.get("gd_steps").asInt());
        assertEquals(plain.result().finalLoss(), start.get("loss").asDouble(), 0.0);
        List<JsonNode> records = TrainRunTest.metrics(started.folder());
        assertEquals(1, records.size(), "the start phase is not recorded");
        assertEquals(plain.result().finalLoss(), records.get(0).get("loss").asDouble(), 0.0, "the record at step 0 is the start point");
        // SGD after the start continues from there: its first record is the start point's loss too
        TrainRun.Outcome sgd = TrainRun.execute(fc("sgd").with("gd_start", 9).with("batch_size", 4), TrainingListener.NONE);
        assertEquals(plain.result().finalLoss(), TrainRunTest.metrics(sgd.folder()).get(0).get("loss").asDouble(), 1e-15);
        assertFalse(TrainRunTest.summary(plain.folder()).has("start"), "a run without a start phase says nothing of one");
    }

    /**
     * The matched trace is s^2 (n - B) / (B (n - 1)) tr Sigma at the start point: the gradient-noise instrument's
     * grad_noise_trace_batch there, which comes from the back-propagated signals instead of per-row gradients.
     */
    @Test
    void noiseMatchSgdTakesTheTraceOfSgdsNoiseAtTheStartPoint() throws IOException {
        for (String loss : new String[] {"squared", "mse"}) {
            TrainRun.Outcome langevin = TrainRun.execute(fc("l-" + loss).with("loss", loss).with("gd_start", 5).with("langevin", "isotropic")
                    .with("noise_match_sgd", 4), TrainingListener.NONE);
            double matched = TrainRunTest.summary(langevin.folder()).get("start").get("noise_trace").asDouble();
            TrainRun.Outcome noise = TrainRun.execute(fc("n-" + loss).with("loss", loss).with("steps", 5).with("record_every", 5)
                    .with("instruments", "gradient-noise").with("noise_batch_size", 4).with("noise_batches", 4), TrainingListener.NONE);
            List<JsonNode> m = TrainRunTest.metrics(noise.folder());
            double expected = m.get(m.size() - 1).get("grad_noise_trace_batch").asDouble();
            assertTrue(expected > 0);
            assertEquals(expected, matched, 1e-9 * expected, loss);
            assertTrue(TrainRunTest.summary(langevin.folder()).get("optimizer").asText().contains("noise trace " + matched),
                    "the Langevin noise runs at the matched trace");
        }
    }

    @Test
    void aDivergingStartPhaseIsRecordedAsDiverged() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(fc("div").with("eta", "1e6").with("gd_start", 50), TrainingListener.NONE);
        assertTrue(o.result().diverged());
        JsonNode s = TrainRunTest.summary(o.folder());
        assertEquals("diverged", s.get("status").asText());
        assertTrue(s.get("start").has("diverged_at_step"), s.toString());
        // with noise to match at a start that never came: still a diverged run, not a crash
        TrainRun.Outcome noisy = TrainRun.execute(fc("div-noise").with("eta", "1e6").with("gd_start", 50).with("langevin", "hessian")
                .with("noise_match_sgd", 4), TrainingListener.NONE);
        assertTrue(noisy.result().diverged());
        assertEquals("diverged", TrainRunTest.summary(noisy.folder()).get("status").asText());
    }

    @Test
    void refusalsNameTheOptionAndTheFix() {
        assertTrue(RunPlanTest.refusal(fc("a").with("gd_start", -1)).startsWith("--gd-start -1"));
        assertTrue(RunPlanTest.refusal(fc("a").with("noise_match_sgd", 4)).contains("without --langevin"));
        String both = RunPlanTest.refusal(fc("a").with("langevin", "isotropic").with("noise_match_sgd", 4).with("noise_trace", 0.1));
        assertTrue(both.contains("--noise-trace") && both.contains("--noise-match-sgd") && both.contains("drop one"), both);
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "isotropic").with("noise_match_sgd", 0)).startsWith("--noise-match-sgd 0"));
        String all = RunPlanTest.refusal(fc("a").with("langevin", "isotropic").with("noise_match_sgd", 12));
        assertTrue(all.startsWith("--noise-match-sgd 12") && all.contains("n = 12"), all);
        assertTrue(RunPlanTest.refusal(fc("a").with("langevin", "hessian")).contains("--noise-match-sgd B"));
    }
}
