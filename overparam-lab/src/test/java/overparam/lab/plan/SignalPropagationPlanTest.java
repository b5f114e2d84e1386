package overparam.lab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.nn.Arch;
import overparam.core.nn.Init;
import overparam.core.nn.NetworkSpec;

/** --branch-scale, --init-scheme fixup, --synthetic line and the input-gradient / forward-signal instruments: what the plan takes and refuses. */
class SignalPropagationPlanTest {
    private static RunConfig resnet() { return RunPlanTest.base().with("arch", "resnet").with("depth", 5); }

    @Test void branchScaleChoosesTheResidualBlock() {
        assertEquals(Arch.RESNET_UNIT, RunPlan.parse(resnet().with("branch_scale", "unit")).network().arch());
        assertEquals(Arch.RESNET, RunPlan.parse(resnet().with("branch_scale", "du")).network().arch());
        assertEquals(Arch.RESNET, RunPlan.parse(resnet()).network().arch());                     // old configurations unchanged
        assertEquals(Init.FIXUP, RunPlan.parse(resnet().with("branch_scale", "unit").with("init_scheme", "fixup")).network().initScheme());
    }

    @Test void refusalsNameTheOptionAndTheFix() {
        String even = RunPlanTest.refusal(resnet().with("branch_scale", "unit").with("depth", 4));
        assertTrue(even.contains("--depth 4") && even.contains("--depth 5"), even);
        String fc = RunPlanTest.refusal(RunPlanTest.base().with("branch_scale", "unit"));
        assertTrue(fc.startsWith("--branch-scale unit") && fc.contains("--arch resnet"), fc);
        String bad = RunPlanTest.refusal(resnet().with("branch_scale", "he"));
        assertTrue(bad.startsWith("--branch-scale he") && bad.contains("unit"), bad);
        String fixup = RunPlanTest.refusal(resnet().with("init_scheme", "fixup"));
        assertTrue(fixup.startsWith("--init-scheme fixup") && fixup.contains("--branch-scale unit"), fixup);
        assertEquals(Arch.RESNET_UNIT, RunPlan.parse(RunPlanTest.base().with("arch", "resnet-unit").with("depth", 5)).network().arch());
        String du = RunPlanTest.refusal(RunPlanTest.base().with("arch", "resnet-unit").with("depth", 5).with("branch_scale", "du"));
        assertTrue(du.startsWith("--branch-scale du") && du.contains("--arch resnet"), du);
        String evenAlias = RunPlanTest.refusal(RunPlanTest.base().with("arch", "resnet-unit").with("depth", 4));
        assertTrue(evenAlias.startsWith("--depth 4"), evenAlias);
    }

    @Test void theLineIsOneWholePath() {
        RunConfig line = RunPlanTest.base().with("synthetic", "line").with("d", 2).with("n", 256);
        assertEquals(overparam.core.data.Synthetic.Kind.LINE, ((DataPlan.SyntheticInputs) RunPlan.parse(line).data().inputs()).kind());
        String narrow = RunPlanTest.refusal(line.with("d", 1));
        assertTrue(narrow.startsWith("--d 1") && narrow.contains("d >= 2"), narrow);
        String split = RunPlanTest.refusal(line.with("test_fraction", 0.2));
        assertTrue(split.startsWith("--test-fraction 0.2") && split.contains("drop --test-fraction"), split);
    }

    @Test void theInstrumentsAreOptInAndRefusedWhereTheyDoNotApply() {
        RunPlan all = RunPlan.parse(RunPlanTest.base());
        assertFalse(all.instruments().has(Instruments.Instrument.INPUT_GRADIENT) || all.instruments().has(Instruments.Instrument.FORWARD_SIGNAL));
        RunPlan named = RunPlan.parse(RunPlanTest.base().with("arch", "conv-resnet").with("pixels", "16").with("d", 1).with("instruments", "input-gradient"));
        NetworkSpec conv = named.network().spec(16, new int[] {1, 16}, "x", 1);
        BadInputException e = assertThrows(BadInputException.class, () -> named.instruments().applicableTo(conv, named));
        assertTrue(e.getMessage().startsWith("--instruments input-gradient: input-gradient needs df/dx") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
