package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlan;
import overparam.lab.plan.RunPlanTest;

/** --fixup-scalars through the lab: what the plan takes and refuses, which instruments see the scalars, the weights file, repeatability. */
class FixupScalarsRunTest {
    @TempDir Path tmp;

    private RunConfig unit(String out) {
        return RunConfigTest.empty().with("arch", "resnet-unit").with("depth", 5).with("width", 8).with("activation", "relu")
                .with("init_scheme", "fixup").with("fixup_scalars", true).with("synthetic", "sphere").with("n", 10).with("d", 4)
                .with("eta", "0.05").with("steps", 12).with("record_every", 4).with("threads", 1).with("limit_kernel", "off")
                .with("instruments", "smoothness,gradient-noise").with("noise_batch_size", 5).with("noise_batches", 4)
                .with("out", tmp.resolve(out).toString());
    }

    @Test void thePlanTakesTheScalarsOnlyForTheUnitBranchResidualMlp() {
        assertTrue(RunPlan.parse(unit("a")).network().fixupScalars());
        assertFalse(RunPlan.parse(unit("a").with("fixup_scalars", null)).network().fixupScalars(), "off unless given, also with fixup");
        assertTrue(RunPlan.parse(unit("a").with("init_scheme", "standard")).network().fixupScalars(), "rule 3 without the rescaling");
        assertTrue(RunPlan.parse(unit("a").with("arch", "resnet").with("branch_scale", "unit")).network().fixupScalars());
        String fc = RunPlanTest.refusal(unit("a").with("arch", "fc").with("init_scheme", "standard"));
        assertTrue(fc.startsWith("--fixup-scalars") && fc.contains("--arch fc") && fc.contains("--arch resnet-unit"), fc);
        String du = RunPlanTest.refusal(unit("a").with("arch", "resnet").with("init_scheme", "standard"));
        assertTrue(du.startsWith("--fixup-scalars") && du.contains("--arch resnet"), du);
        assertFalse(RunPlan.parse(unit("a").with("arch", "fc").with("init_scheme", "standard").with("fixup_scalars", false)).network().fixupScalars());
    }

    /** The Gram and Hessian instruments (and --eta auto, 1 / lambda_max of the Gram) do not cover the scalars: refused saying so. */
    @Test void instrumentsThatCannotSeeTheScalarsAreRefusedWithTheReason() {
        String gram = LinearModelRunTest.refusal(unit("g").with("instruments", "gram").with("noise_batch_size", null).with("noise_batches", null));
        assertTrue(gram.contains("gram") && gram.contains("--fixup-scalars"), gram);
        String hessian = LinearModelRunTest.refusal(unit("h").with("instruments", "hessian").with("noise_batch_size", null).with("noise_batches", null));
        assertTrue(hessian.contains("hessian") && hessian.contains("Fixup's scalar"), hessian);
        String auto = LinearModelRunTest.refusal(unit("e").with("eta", "auto").with("instruments", "none").with("noise_batch_size", null)
                .with("noise_batches", null));
        assertTrue(auto.startsWith("--eta auto") && auto.contains("--fixup-scalars"), auto);
        assertFalse(Files.exists(tmp.resolve("g")) || Files.exists(tmp.resolve("h")) || Files.exists(tmp.resolve("e")), "a refused run leaves no folder");
    }

    /**
     * The weights file holds every scalar by name, moved from its start; the smoothness and gradient-noise instruments (which
     * evaluate the gradient over the whole parameter vector, scalars included, the latter on the run's own network) record and
     * do not change the run; same seed, same bits;
     * and --init reads the scalars back (0 further steps end where the first run ended).
     */
    @Test void aRunSavesTheScalarsRepeatsBitForBitAndResumes() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(unit("one"), TrainingListener.NONE);
        Path weights = o.folder().resolve("weights_final.npz");
        Map<String, NdArray> arrays = Npz.read(weights);
        try {
            for (String key : List.of("branch1_b1", "branch1_b2", "branch1_b3", "branch1_m", "branch1_b4", "branch2_b1", "branch2_b2",
                    "branch2_b3", "branch2_m", "branch2_b4", "output_b")) {
                NdArray a = arrays.get(key);
                assertTrue(a != null && a.data().size() == 1, key + " in " + arrays.keySet());
                assertNotEquals(key.endsWith("_m") ? 1.0 : 0.0, a.data().get(0), key + " moved");
            }
        } finally {
            arrays.values().forEach(a -> a.data().close());
        }
        List<JsonNode> m = TrainRunTest.metrics(o.folder());
        for (JsonNode r : m.subList(1, m.size())) assertTrue(r.get("smoothness").asDouble() > 0, r.toString());
        for (JsonNode r : m) assertEquals(6, r.get("tail_index_layer").size(), "one entry a weight matrix (W1..W5, a), none a scalar");
        TrainRun.Outcome again = TrainRun.execute(unit("two"), TrainingListener.NONE);
        assertArrayEquals(Files.readAllBytes(weights), Files.readAllBytes(again.folder().resolve("weights_final.npz")));
        TrainRun.Outcome off = TrainRun.execute(unit("off").with("instruments", "none").with("noise_batch_size", null).with("noise_batches", null), TrainingListener.NONE);
        assertArrayEquals(Files.readAllBytes(weights), Files.readAllBytes(off.folder().resolve("weights_final.npz")), "the instrument changed the run");
        TrainRun.Outcome resumed = TrainRun.execute(unit("resumed").with("init", weights.toString()).with("steps", 0).with("instruments", "none")
                .with("noise_batch_size", null).with("noise_batches", null),
                TrainingListener.NONE);
        assertEquals(TrainRunTest.metrics(o.folder()).get(m.size() - 1).get("loss").asDouble(),
                TrainRunTest.metrics(resumed.folder()).get(0).get("loss").asDouble(), 0.0, "the loaded network is the trained one");
        String without = LinearModelRunTest.refusal(unit("w").with("init", weights.toString()).with("fixup_scalars", null).with("instruments", "none")
                .with("noise_batch_size", null).with("noise_batches", null));
        assertTrue(without.contains("--init") && without.contains("Fixup"), without);
    }
}
