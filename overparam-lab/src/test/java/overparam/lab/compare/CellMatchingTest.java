package overparam.lab.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static overparam.lab.compare.Cells.cell;
import static overparam.lab.compare.Cells.config;

import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.lab.store.CellResult;

/** Cells meet across folders on the experiments' swept fields, seed aside; numbers compare as numbers. */
class CellMatchingTest {
    static final String SPEC = "name: e\nbase: {arch: fc, depth: 2, synthetic: sphere, n: 8, d: 3, eta: \"0.1\", steps: 10}\n"
            + "sweep:\n  width: [8, 16]\n  seed: [0, 1, 2]\n";

    @Test
    void aRunMeetsTheCellsThatAgreeOnEverySweptFieldButSeed() {
        CellResult w16s1 = cell("width=16,seed=1", config("width", 16, "seed", 1), 1, 0.5, 1);
        CellResult w16s0 = cell("width=16,seed=0", config("width", 16, "seed", 0), 1, 0.4, 1);
        CellResult w16s2 = cell("width=16,seed=2", config("width", 16, "seed", 2), 1, 0.6, 1);
        CellResult w8s0 = cell("width=8,seed=0", config("width", 8, "seed", 0), 1, 0.3, 1);
        ComparedFolder e = Cells.experiment("e", SPEC, List.of(w16s1, w8s0, w16s2, w16s0));
        ComparedFolder r = Cells.run("r", cell("run", config("width", 16.0, "seed", 7), 1, 0.2, 1));
        CellMatching m = CellMatching.of(List.of(e, r));
        assertEquals(List.of("width"), m.fields());
        assertEquals(List.of("width=16"), m.keys(), "width 8 is not in the run");
        assertEquals(List.of(w16s0, w16s1, w16s2), m.cells(0, "width=16"), "the experiment's seeds, in seed order");
        assertEquals(1, m.cells(1, "width=16").size());
    }

    @Test
    void withoutAnExperimentEachRunIsOneCondition() {
        CellMatching m = CellMatching.of(List.of(Cells.run("a", cell("run", config("width", 8), 1, 1, 1)),
                Cells.run("b", cell("run", config("width", 16), 1, 1, 1))));
        assertEquals(List.of(), m.fields());
        assertEquals(List.of(""), m.keys());
    }

    @Test
    void valuesAreTextThatIsEqualForEqualNumbers() {
        assertEquals("64", CellMatching.text(config("x", 64).get("x")));
        assertEquals("64", CellMatching.text(config("x", 64.0).get("x")));
        assertEquals("0.1", CellMatching.text(config("x", "0.1").get("x")));
        assertEquals("0.1", CellMatching.text(config("x", 0.1).get("x")));
        assertEquals("relu", CellMatching.text(config("x", "relu").get("x")));
        assertEquals("(unset)", CellMatching.text(config().get("x")));
    }
}
