package overparam.lab.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.lab.compare.Cells.cell;
import static overparam.lab.compare.Cells.config;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Means over seeds, differences against the first folder, and identity bit for bit. */
class MetricDiffTest {
    static final String SPEC = "name: e\nbase: {arch: fc, depth: 2, width: 8, synthetic: sphere, n: 8, d: 3, eta: \"0.1\", steps: 10}\n"
            + "sweep:\n  seed: [0, 1, 2]\n";

    @Test
    void anExperimentsNumberIsTheMeanOverItsSeedsAndTheDifferenceIsAgainstTheFirstFolder() {
        ComparedFolder e = Cells.experiment("e", SPEC, List.of(cell("seed=0", config("seed", 0), 9, 1, 5), cell("seed=1", config("seed", 1), 9, 2, 5),
                cell("seed=2", config("seed", 2), 9, 6, 5)));
        ComparedFolder r = Cells.run("r", cell("run", config("seed", 0), 9, 4, 5));
        List<ComparedFolder> folders = List.of(e, r);
        MetricDiff d = MetricDiff.of(folders, CellMatching.of(folders), null);
        assertEquals(List.of("loss", "lambda_0"), d.rows().stream().map(MetricDiff.Row::metric).toList(), "final values, then per-run values");
        MetricDiff.Row loss = d.rows().get(0);
        assertEquals(MetricDiff.Kind.FINAL, loss.kind());
        assertEquals(3.0, loss.mean(0), 0);                 // (1 + 2 + 6) / 3
        assertEquals(4.0, loss.mean(1), 0);
        assertEquals(1.0, loss.difference(1), 0);
        assertEquals(1.0 / 3, loss.relative(1), 0);
        assertFalse(loss.identical());
        assertEquals(0.0, d.rows().get(1).difference(1), 0);
        assertFalse(d.rows().get(1).identical(), "5 in every seed and in the run, yet three seeds are not one run's doubles");
        assertEquals(0, d.identicalCount());
        List<ComparedFolder> twins = List.of(r, Cells.run("twin", cell("run", config("seed", 0), 9, 4, 5)));
        assertEquals(2, MetricDiff.of(twins, CellMatching.of(twins), null).identicalCount(), "the same doubles: loss and lambda_0");
    }

    @Test
    void identityIsBitForBit() {
        assertTrue(row(new double[] {Double.NaN}, new double[] {Double.NaN}).identical());
        assertFalse(row(new double[] {0.0}, new double[] {-0.0}).identical());
        assertFalse(row(new double[] {1, 2}, new double[] {2, 1}).identical(), "seed by seed, not the same mean");
        assertFalse(row(new double[] {1, 2}, new double[] {1, 2, 3}).identical());
        assertTrue(row(new double[] {0.1 + 0.2}, new double[] {0.1 + 0.2}).identical());
        assertFalse(row(new double[] {0.1 + 0.2}, new double[] {0.3}).identical());
    }

    @Test
    void theRelativeDifferenceOfAZeroReference() {
        assertEquals(0.0, row(new double[] {0}, new double[] {0}).relative(1), 0);
        assertEquals(Double.POSITIVE_INFINITY, row(new double[] {0}, new double[] {2}).relative(1), 0);
        assertEquals(-0.5, row(new double[] {-4}, new double[] {-6}).relative(1), 0);
    }

    @Test
    void timingsAreTheirOwnKindAndNotCounted() {
        assertTrue(MetricDiff.timing("elapsed_seconds") && MetricDiff.timing("train_seconds") && MetricDiff.timing("steps_per_second"));
        assertFalse(MetricDiff.timing("loss") || MetricDiff.timing("eta"));
        MetricDiff d = new MetricDiff(List.of(new MetricDiff.Row("", "train_seconds", MetricDiff.Kind.TIMING, List.of(new double[] {1}, new double[] {1}))));
        assertEquals(List.of(), d.compared());
        assertEquals(0, d.identicalCount());
    }

    static MetricDiff.Row row(double[] first, double[] second) {
        return new MetricDiff.Row("", "m", MetricDiff.Kind.FINAL, List.of(first, second));
    }
}
