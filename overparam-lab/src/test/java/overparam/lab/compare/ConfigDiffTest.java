package overparam.lab.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static overparam.lab.compare.Cells.cell;
import static overparam.lab.compare.Cells.config;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Only the fields that differ, with the value in each folder; out (where a run was written) never. */
class ConfigDiffTest {
    @Test
    void runsDifferInTheFieldsWhoseValuesDiffer() {
        ComparedFolder a = Cells.run("a", cell("run", config("width", 16, "eta", 0.1, "out", "runs/a", "seed", 0), 1, 1, 1));
        ComparedFolder b = Cells.run("b", cell("run", config("width", 32, "eta", "0.1", "out", "runs/b", "momentum", 0.9, "seed", 0), 1, 1, 1));
        assertEquals(List.of(new ConfigDiff.Row("width", List.of("16", "32")), new ConfigDiff.Row("momentum", List.of("(unset)", "0.9"))),
                ConfigDiff.of(List.of(a, b)).rows());
    }

    @Test
    void anExperimentShowsItsSweptFieldsAxesAndTheCellsOnlyOneHas() {
        String spec = MetricDiffTest.SPEC;
        ComparedFolder e = Cells.experiment("e", spec, List.of(cell("seed=0", config("width", 8, "seed", 0, "threads", 1), 1, 1, 1),
                cell("seed=1", config("width", 8, "seed", 1, "threads", 1), 1, 1, 1)));
        ComparedFolder f = Cells.experiment("f", spec.replace("[0, 1, 2]", "[0, 2]"), List.of(cell("seed=0", config("width", 8, "seed", 0, "threads", 1), 1, 1, 1),
                cell("seed=2", config("width", 8, "seed", 2, "threads", 1), 1, 1, 1)));
        ComparedFolder r = Cells.run("r", cell("run", config("width", 8, "seed", 0, "threads", 1), 1, 1, 1));
        assertEquals(List.of(new ConfigDiff.Row("seed", List.of("swept", "swept", "0")),
                new ConfigDiff.Row("sweep seed", List.of("[0, 1, 2]", "[0, 2]", "(not swept)")),
                new ConfigDiff.Row("cell seed=1", List.of("finished", "absent", "(a run)")),
                new ConfigDiff.Row("cell seed=2", List.of("absent", "finished", "(a run)"))), ConfigDiff.of(List.of(e, f, r)).rows());
    }
}
