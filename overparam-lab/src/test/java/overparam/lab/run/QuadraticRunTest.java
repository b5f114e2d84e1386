package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlan;

/** --arch quadratic through the plan and a run: its defaults and refusals, and the recovery metrics a teacher adds. */
class QuadraticRunTest {
    @TempDir Path tmp;

    RunConfig base(String out) {
        return RunConfigTest.empty().with("arch", "quadratic").with("width", 6).with("synthetic", "normal").with("n", 30).with("d", 6)
                .with("labels_from", "teacher").with("teacher_width", 2).with("loss", "mse").with("eta", "0.005").with("steps", 200)
                .with("record_every", 100).with("init_scale", 0.01).with("instruments", "all").with("out", tmp.resolve(out).toString());
    }

    @Test
    void defaultsToDepthOneAndTheQuadraticActivationAndRefusesAnyOther() {
        RunPlan p = RunPlan.parse(base("p").withDefaults());
        assertEquals(Arch.QUADRATIC, p.network().arch());
        assertEquals(new Activation.Quadratic(), p.network().activation());
        assertEquals(1, p.network().depth());
        String activation = assertThrows(BadInputException.class, () -> RunPlan.parse(base("p").with("activation", "relu").withDefaults())).getMessage();
        assertTrue(activation.startsWith("--activation relu") && !activation.contains("\n"), activation);
        String depth = assertThrows(BadInputException.class, () -> RunPlan.parse(base("p").with("depth", 2).withDefaults())).getMessage();
        assertTrue(depth.startsWith("--depth 2"), depth);
        String margin = assertThrows(BadInputException.class, () -> TrainRun.execute(base("m").with("instruments", "margin"), TrainingListener.NONE)).getMessage();
        assertTrue(margin.contains("margin") && margin.contains(">= 0"), margin);
    }

    /**
     * The teacher is a quadratic network of width 2 (alpha = 1); at step 0 the student's W^T W is alpha^2 = 1e-4 small, so
     * recovery_error(0) = ||W0^T W0 - M*|| / ||M*|| is 1 to within 1e-3, and GD lowers it. recovery_sv has d = 6 values, descending; "all" keeps gram, movement, pattern and predictions and drops
     * balance, margin and end-to-end.
     */
    @Test
    void aQuadraticTeacherAddsRecoveryErrorAndSingularValues() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(base("run"), TrainingListener.NONE);
        List<JsonNode> ms = TrainRunTest.metrics(o.folder());
        double first = ms.get(0).get("recovery_error").asDouble(), last = ms.get(ms.size() - 1).get("recovery_error").asDouble();
        assertEquals(1.0, first, 1e-3);
        assertTrue(last < 0.9 * first, "recovery error " + first + " -> " + last);
        JsonNode sv = ms.get(ms.size() - 1).get("recovery_sv");
        assertEquals(6, sv.size());
        for (int i = 1; i < sv.size(); i++) assertTrue(sv.get(i).asDouble() <= sv.get(i - 1).asDouble());
        assertTrue(ms.get(0).has("gram_lambda_min") && !ms.get(0).has("margin_min") && !ms.get(0).has("end_to_end_sv"), ms.get(0).toString());
    }
}
