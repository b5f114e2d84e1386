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
import overparam.lab.plan.Instruments;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlan;

/**
 * --instruments hessian from the configuration: its metrics in metrics.jsonl, its options and their refusals (one line,
 * naming the option, before anything runs), never in "all", and its memory refused as a Hessian request too large.
 */
class HessianRunTest {
    @TempDir Path tmp;

    RunConfig base(String out) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 8).with("synthetic", "sphere").with("activation", "tanh")
                .with("n", 10).with("d", 3).with("eta", "0.05").with("steps", 4).with("record_every", 2).with("instruments", "hessian")
                .with("out", tmp.resolve(out).toString());
    }

    private BadInputException refused(RunConfig c) {
        BadInputException e = assertThrows(BadInputException.class, () -> TrainRun.execute(c, TrainingListener.NONE));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(Files.exists(Path.of(c.out())), "a refused run leaves no folder");
        return e;
    }

    @Test
    void theMetricsReachMetricsJsonl() throws IOException {
        TrainRun.Outcome o = TrainRun.execute(base("h").with("hessian_top", 2).with("hessian_probes", 4), TrainingListener.NONE);
        List<JsonNode> lines = TrainRunTest.metrics(o.folder());
        assertEquals(3, lines.size());
        for (JsonNode line : lines) {
            for (String name : List.of("hessian_top_eigenvalue", "hessian_lanczos_residual", "hessian_lanczos_iterations", "hessian_trace",
                    "hessian_trace_se", "hessian_trace_sigma"))
                assertTrue(line.has(name) && line.get(name).isNumber(), name + " in " + line);
            assertEquals(2, line.get("hessian_top_eigenvalues").size());
            assertEquals(line.get("hessian_top_eigenvalue").asDouble(), line.get("hessian_top_eigenvalues").get(0).asDouble(), 0.0);
        }
    }

    @Test
    void hessianIsNeverInAll() {
        Instruments all = RunPlan.parse(base("all").with("instruments", "all")).instruments();
        assertFalse(all.has(Instruments.Instrument.HESSIAN));
        assertTrue(RunPlan.parse(base("named")).instruments().has(Instruments.Instrument.HESSIAN));
        assertEquals(Instruments.HESSIAN_DEFAULTS, RunPlan.parse(base("named")).instruments().hessian());
    }

    @Test
    void badSettingsAreRefusedNamingTheOption() {
        assertTrue(refused(base("a").with("hessian_top", 0)).getMessage().startsWith("--hessian-top 0"));
        assertTrue(refused(base("b").with("hessian_probes", 1)).getMessage().startsWith("--hessian-probes 1"));
        String m = refused(base("c").with("hessian_top", 8).with("hessian_iterations", 5)).getMessage();
        assertTrue(m.startsWith("--hessian-iterations 5") && m.contains("--hessian-top (8)"), m);
        m = refused(base("d").with("instruments", "gram").with("hessian_probes", 5)).getMessage();
        assertTrue(m.startsWith("--hessian-probes: only the hessian instrument reads it") && m.contains("Add hessian to --instruments"), m);
    }

    @Test
    void networksWithoutAnHessianVectorProductAreRefusedByName() {
        String m = refused(base("conv").with("arch", "conv-resnet").with("d", 6).with("pixels", "6").with("width", 4)).getMessage();
        assertTrue(m.startsWith("--instruments hessian: hessian has no exact Hessian-vector product for the convolutional ResNet (conv-resnet)"), m);
        m = refused(base("prelu").with("arch", "no-identity").with("activation", "prelu")).getMessage();
        assertTrue(m.contains("prelu") && m.contains("Drop hessian from --instruments"), m);
    }

    @Test
    void aHessianRequestTooLargeForMemoryIsRefused() {
        // width 2000: P = 3 * 2000 + 2000^2 + 2000 = 4008000, and 1000 Lanczos vectors of P values are 4.0e9 values (32 GB),
        // past the 2 GiB one matrix holds, and past the free memory of this machine
        String m = refused(base("huge").with("width", 2000).with("hessian_iterations", 1000)).getMessage();
        assertTrue(m.startsWith("--instruments hessian with 1000 Lanczos vectors (--hessian-iterations) and P = 4008000 parameters"), m);
        assertTrue(m.contains("A Hessian request too large for memory: lower --hessian-iterations"), m);
    }
}
