package overparam.lab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import overparam.core.nn.Arch;
import overparam.core.nn.NetworkSpec;
import overparam.lab.check.Check;
import overparam.lab.check.Median;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.RunPlan;

/**
 * The catalogue entry model-wise-double-descent is what its claim says it is, without running it (a full run takes minutes):
 * two-layer networks with both layers trained on k one-hot outputs with the squared loss, whose widths span the
 * parameter-count threshold P = m (d + k) = n k, and whose median comparisons have enough seeds to be decided at all.
 */
class ModelWiseDoubleDescentEntryTest {
    static final String NAME = "model-wise-double-descent";
    /** Fashion-MNIST: 28 x 28 pixels, 10 classes. */
    static final int D = 784, K = 10;

    private static ExperimentSpec spec() { return Catalog.spec(NAME); }

    @Test
    void everyCellIsATwoLayerNetworkWithBothLayersTrainedOnOneHotSquaredLoss() {
        List<Cell> cells = spec().cells();
        assertEquals(2 * 5 * 7, cells.size(), "label noise x width x seed");
        for (Cell c : cells) {
            RunPlan plan = RunPlan.parse(c.config());
            assertEquals(Arch.FC, plan.network().arch(), c.key());
            assertEquals(1, plan.network().depth(), c.key());
            assertTrue(plan.network().trained().all(), "W1 and a both trained: " + c.key());
            assertEquals("one-hot-squared", plan.train().loss().cliName(), c.key());
            assertTrue(plan.train().adam() != null, c.key());
            assertTrue(plan.data().inputs() instanceof DataPlan.ImageInputs, c.key());
        }
    }

    /**
     * The squared loss on one-hot targets asks the network to meet n k equations f_c(x_i) = Y_ic with P = m d + m k
     * parameters (W1 is m x d, a is m x k, no biases), so the counting threshold is m (d + k) = n k. The sweep must hold
     * networks on both sides of it, and the widest far beyond (the second descent).
     */
    @Test
    void theWidthsSpanTheParameterCountThreshold() {
        List<Cell> cells = spec().cells();
        RunPlan first = RunPlan.parse(cells.get(0).config());
        DataPlan.ImageInputs images = (DataPlan.ImageInputs) first.data().inputs();
        int classes = images.classes().length == 0 ? K : images.classes().length;
        long n = (long) images.perClass() * classes, equations = n * classes;
        TreeSet<Long> counts = new TreeSet<>();
        for (Cell c : cells) {
            RunPlan plan = RunPlan.parse(c.config());
            NetworkSpec net = plan.network().spec(D, new int[] {D}, "fashion-mnist", classes);
            long p = 0;
            for (int h = 1; h <= net.parameterCount(); h++) p += (long) net.parameterShape(h)[0] * net.parameterShape(h)[1];
            assertEquals((long) plan.network().width() * (D + classes), p, "P = m (d + k): " + c.key());
            counts.add(p);
        }
        assertEquals(5000, equations, "n k for 50 images a class, 10 classes");
        assertTrue(counts.first() < equations, "the narrowest network cannot meet the n k equations: " + counts.first());
        assertTrue(counts.last() >= 5 * equations, "the widest has several times n k parameters: " + counts.last());
    }

    /**
     * Each median comparison names widths and noise levels the sweep has (else it would find no cells), and each group holds
     * at least 7 seeds: a group's order-statistic interval at 97.5% needs 1 - 2^(1 - N) >= 0.975, i.e. N >= 7 (Median).
     */
    @Test
    void everyComparisonNamesSweptValuesWithEnoughSeeds() {
        ExperimentSpec s = spec();
        List<Cell> cells = s.cells();
        int seeds = (int) cells.stream().map(c -> c.config().seed()).distinct().count();
        assertTrue(1 - Math.pow(2, 1 - seeds) >= 0.975, seeds + " seeds");
        int compared = 0;
        for (Check check : s.checks()) {
            if (!(check instanceof Median m) || m.group() == null) continue;
            Set<Double> values = cells.stream().map(c -> number(c, m.group())).collect(Collectors.toSet());
            assertTrue(values.contains(Double.parseDouble(m.first())) && values.contains(Double.parseDouble(m.second())), m.name());
            compared++;
        }
        assertEquals(7, compared);
    }

    private static double number(Cell c, String field) {
        return switch (field) {
            case "width" -> c.config().width();
            case "label_noise" -> c.config().labelNoise();
            default -> throw new AssertionError("a comparison over " + field);
        };
    }
}
