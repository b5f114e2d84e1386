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

/** The gradient-noise instrument through the lab: its metrics on a tiny SGD run, the unchanged run, and its refusals. */
class GradientNoiseRunTest {
    @TempDir Path tmp;

    RunConfig sgd(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 16).with("activation", "relu").with("synthetic", "sphere")
                .with("n", 40).with("d", 5).with("batch_size", 8).with("eta", "0.05").with("steps", 20).with("record_every", 10)
                .with("instruments", "gradient-noise").with("noise_batches", 8).with("threads", 1).with("limit_kernel", "off")
                .with("out", tmp.resolve(out).toString());
    }

    @Test void anSgdRunRecordsTheNoiseAndIsUnchangedByIt() throws IOException {
        Path on = TrainRun.execute(sgd("on"), TrainingListener.NONE).folder();
        Path off = TrainRun.execute(sgd("off").with("instruments", "none").with("noise_batches", null), TrainingListener.NONE).folder();
        List<JsonNode> records = TrainRunTest.metrics(on);
        assertEquals(List.of(0, 10, 20), records.stream().map(r -> r.get("step").asInt()).toList());
        for (JsonNode r : records) {
            for (String name : List.of("grad_norm", "grad_noise_trace", "grad_noise_trace_batch", "grad_noise_sq_mean", "tail_index_pooled", "tail_index_standardized"))
                assertTrue(r.has(name) && Double.isFinite(r.get(name).asDouble()) && r.get(name).asDouble() > 0, name + " in " + r);
            assertEquals(3, r.get("tail_index_layer").size());
        }
        assertEquals(-1, Files.mismatch(on.resolve("weights_final.npz"), off.resolve("weights_final.npz")), "the instrument changed the run");
        List<JsonNode> plain = TrainRunTest.metrics(off);
        for (int i = 0; i < plain.size(); i++) assertEquals(plain.get(i).get("loss").asDouble(), records.get(i).get("loss").asDouble(), 0.0);
    }

    /** Full-batch gradient descent has no batch size of its own: the instrument takes --noise-batch-size, and without it is refused. */
    @Test void fullBatchRunsNeedANoiseBatchSize() throws IOException {
        RunConfig gd = sgd("gd").with("batch_size", 0);
        String message = assertThrows(BadInputException.class, () -> TrainRun.execute(gd, TrainingListener.NONE)).getMessage();
        assertTrue(message.startsWith("--instruments gradient-noise") && message.contains("--noise-batch-size"), message);
        assertFalse(Files.exists(tmp.resolve("gd")));
        Path ok = TrainRun.execute(gd.with("noise_batch_size", 5).with("out", tmp.resolve("gd2").toString()), TrainingListener.NONE).folder();
        assertTrue(TrainRunTest.metrics(ok).get(0).has("tail_index_standardized"));
    }

    @Test void aBatchOfEverySampleIsRefused() {
        String message = assertThrows(BadInputException.class, () -> TrainRun.execute(sgd("all").with("noise_batch_size", 40), TrainingListener.NONE)).getMessage();
        assertTrue(message.startsWith("--noise-batch-size 40") && message.contains("n = 40"), message);
    }

    @Test void aLearnedPreluSlopeIsRefused() {
        RunConfig prelu = sgd("prelu").with("arch", "identity-mapping").with("depth", 1).with("activation", "prelu");
        String message = assertThrows(BadInputException.class, () -> TrainRun.execute(prelu, TrainingListener.NONE)).getMessage();
        assertTrue(message.startsWith("--instruments gradient-noise") && message.contains("PReLU"), message);
    }
}
