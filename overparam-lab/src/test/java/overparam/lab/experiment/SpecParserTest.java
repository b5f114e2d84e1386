package overparam.lab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.lab.plan.RunPlan;

class SpecParserTest {
    static final String GOOD = """
            name: tiny
            base:
              arch: fc
              synthetic: sphere
              eta: 0.1
            sweep:
              width: [16, 32]
              seed: [0, 1, 2]
            checks:
              - name: converges
                type: converges
                ratio: 0.5
            """;

    @Test
    void aGoodSpecExpandsToTheProductOfItsAxes() {
        ExperimentSpec s = SpecParser.parse(GOOD, "tiny.yaml");
        List<Cell> cells = s.cells();
        assertEquals(6, cells.size());
        assertEquals("width=16,seed=0", cells.get(0).key());
        assertEquals(32, cells.get(5).config().width());
        assertEquals(2L, cells.get(5).config().seed());
        assertEquals(1, s.checks().size());
    }

    static String refusal(String text) {
        BadInputException e = assertThrows(BadInputException.class, () -> SpecParser.parse(text, "bad.yaml"));
        assertTrue(e.getMessage().startsWith("bad.yaml"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void malformedSpecsAreRefusedWithLineAndField() {
        String m = refusal(GOOD.replace("  arch: fc", "  arch: fc\n  widht: 3"));
        assertTrue(m.contains("line 4") && m.contains("'widht'") && m.contains("base"), m);
        m = refusal(GOOD.replace("type: converges", "type: convergence"));
        assertTrue(m.contains("line 11") && m.contains("'convergence'"), m);
        m = refusal(GOOD.replace("    ratio: 0.5", "    ratio: 0.5\n    tolerance: 1"));
        assertTrue(m.contains("line 13") && m.contains("'tolerance'"), m);
        m = refusal(GOOD.replace("  width: [16, 32]", "  depht: [1, 2]"));
        assertTrue(m.contains("line 7") && m.contains("'depht'"), m);
        m = refusal(GOOD.replace("base:", "base: [").replace("name: tiny", "name: tiny"));
        assertTrue(m.contains("line"), m);
        m = refusal(GOOD.replace("name: tiny\n", ""));
        assertTrue(m.contains("'name'"), m);
        m = refusal(GOOD.replace("  seed: [0, 1, 2]", "  threads: [1, 2]"));
        assertTrue(m.contains("'threads'") && m.contains("cannot be swept"), m);
        m = refusal(GOOD.replace("    ratio: 0.5", "    ratio: fast"));
        assertTrue(m.contains("line 12"), m);
    }

    /** The experiment runs into runs/NAME: a name that is not one plain folder name there is refused, with its line. */
    @Test
    void aNameThatWouldLeaveRunsIsRefused() {
        for (String name : List.of("../../etc", "..", ".", "/tmp/x", "a/b", "a\\\\b", "C:x", "-rf", " padded"))
            assertTrue(refusal(GOOD.replace("name: tiny", "name: \"" + name + "\"")).contains("line 1"), name);
        assertTrue(refusal(GOOD.replace("name: tiny", "name: \"\"")).contains("'name'"));
        for (String name : List.of("du2019-depth", "my_exp.v2", "width sweep"))
            assertEquals(name, SpecParser.parse(GOOD.replace("name: tiny", "name: \"" + name + "\""), "ok.yaml").name());
    }

    @Test
    void emptyFilesDuplicateKeysAndAliasesAreRefusedNamingTheFile() {
        for (String empty : List.of("", "\n\n", "# a comment only\n", "---\n"))
            assertTrue(refusal(empty).contains("empty spec"), "'" + empty + "'");
        String m = refusal(GOOD.replace("  eta: 0.1", "  eta: 0.1\n  eta: 0.2"));
        assertTrue(m.contains("line 6") && m.contains("duplicate key 'eta'"), m);
        m = refusal(GOOD.replace("name: tiny", "name: tiny\nname: other"));
        assertTrue(m.contains("duplicate key 'name'"), m);
        m = refusal(GOOD.replace("  eta: 0.1", "  eta: 0.1\n  data_seed: *step"));
        assertTrue(m.contains("line 6") && m.contains("alias '*step'"), m);
        m = refusal(GOOD.replace("  eta: 0.1", "  eta: &step 0.1"));
        assertTrue(m.contains("line 5") && m.contains("anchor '&step'"), m);
        m = refusal(GOOD.replace("base:", "base: &b"));
        assertTrue(m.contains("line 2") && m.contains("anchor '&b'"), m);
        m = refusal("defaults: &d\n  arch: fc\n" + GOOD.replace("  arch: fc", "  <<: *d"));
        assertTrue(m.contains("line 1") && m.contains("anchor '&d'"), m);
    }

    /** Every catalogue entry parses, and every one of its cells passes the same checks a run would make first. */
    @Test
    void theCatalogueIsValid() {
        assertEquals(Catalog.names(), Catalog.names().stream().distinct().toList());
        assertEquals(List.of("du2019-depth", "du2019-width", "du2019-conv", "du2018-two-layer", "width-threshold", "random-labels", "sgd-ridge",
                "cs260-prelu", "cs260-identity", "cs260-zero-init", "cs260-teacher-student", "kernel-vs-rich", "linear-acceleration",
                "balancedness", "margin-maximization", "matrix-sensing", "linear-convergence", "activation-choice",
                "sgd-tail-index", "ntk-fluctuations",
                "gradient-clipping", "shattered-gradients", "fixup", "anisotropic-noise", "small-data-ntk", "ntk-vs-finite", "ntk-vs-finite-scale", "double-descent",
                "model-wise-double-descent", "lottery-ticket", "lottery-ticket-full"),
                Catalog.names());
        for (String name : Catalog.names()) {
            ExperimentSpec s = Catalog.spec(name);
            assertEquals(name, s.name());
            assertTrue(s.title() != null && s.paper() != null && s.claim() != null, name);
            assertTrue(!s.checks().isEmpty() && !s.figures().isEmpty(), name);
            List<Cell> cells = s.search() == null ? s.cells() : ExperimentRun.searchCells(s, s.search().low());
            for (Cell c : cells) RunPlan.parse(c.config());
        }
        assertThrows(BadInputException.class, () -> Catalog.text("du2020-nothing"));
    }
}
