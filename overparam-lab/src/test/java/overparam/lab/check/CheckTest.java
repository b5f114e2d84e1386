package overparam.lab.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import overparam.core.nn.RunStatus;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/** Every check type HOLDS on results that satisfy it and FAILS on results that violate it: none can fail to fail. */
class CheckTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static long ids;

    /** A cell with config fields, per-run values, series name -> values at steps 0, 10, 20, ... and its status word. */
    static CellResult cell(Map<String, Object> config, Map<String, Double> values, Map<String, double[]> series, String status) {
        ObjectNode c = JSON.createObjectNode();
        config.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
        Map<String, NavigableMap<Integer, Double>> s = new HashMap<>();
        series.forEach((k, v) -> {
            TreeMap<Integer, Double> m = new TreeMap<>();
            for (int i = 0; i < v.length; i++) m.put(10 * i, v[i]);
            s.put(k, m);
        });
        return new CellResult(++ids, config.toString(), c, RunStatus.parse(status), values, s);
    }

    static double[] geometric(double start, double rate, int records) {
        double[] v = new double[records];
        for (int i = 0; i < records; i++) v[i] = start * Math.pow(rate, 10 * i);
        return v;
    }

    /** Widths with a metric ~ width^exponent (times a deterministic wobble), 3 seeds each. */
    static Results powerLaw(String metric, double exponent) {
        List<CellResult> cells = new ArrayList<>();
        for (int width : new int[] {64, 256, 1024, 4096})
            for (int seed = 0; seed < 3; seed++) {
                double v = Math.pow(width, exponent) * (1 + 0.05 * (seed - 1));
                cells.add(cell(Map.of("width", width, "seed", seed, "arch", "fc"), Map.of(), Map.of(metric, new double[] {2 * v, v}), "done"));
            }
        return new Results("t", cells);
    }

    @Test
    void bound() {
        Checks.Bound check = new Checks.Bound("loss under the bound", "loss", "loss_bound", null, null);
        CellResult under = cell(Map.of("width", 64), Map.of(), Map.of("loss", geometric(1, 0.9, 5), "loss_bound", geometric(1, 0.95, 5)), "done");
        CellResult over = cell(Map.of("width", 64), Map.of(), Map.of("loss", geometric(1, 0.97, 5), "loss_bound", geometric(1, 0.95, 5)), "done");
        CellResult diverged = cell(Map.of("width", 64), Map.of(), Map.of("loss", new double[] {1}, "loss_bound", new double[] {1}), "diverged");
        assertTrue(check.evaluate(new Results("t", List.of(under))).holds());
        assertFalse(check.evaluate(new Results("t", List.of(under, over))).holds());
        assertFalse(check.evaluate(new Results("t", List.of(under, diverged))).holds());
        assertFalse(check.evaluate(new Results("t", List.of())).holds(), "no data is no evidence");
    }

    @Test
    void slope() {
        Checks.Slope check = new Checks.Slope("movement ~ m^-1/2", "movement", "width", "loglog", null, -0.65, -0.35);
        assertTrue(check.evaluate(powerLaw("movement", -0.5)).holds());
        assertFalse(check.evaluate(powerLaw("movement", -0.1)).holds());
        assertFalse(check.evaluate(powerLaw("movement", -1.0)).holds());
    }

    @Test
    void slopeCompare() {
        List<CellResult> cells = new ArrayList<>();
        for (int depth : new int[] {2, 4, 8, 16})
            for (int seed = 0; seed < 3; seed++) {
                double wobble = 1 + 0.02 * seed;
                cells.add(cell(Map.of("arch", "fc", "depth", depth, "seed", seed), Map.of("lambda_0", Math.pow(0.5, depth) * wobble), Map.of(), "done"));
                cells.add(cell(Map.of("arch", "resnet", "depth", depth, "seed", seed), Map.of("lambda_0", Math.pow(depth, -2.0) * wobble), Map.of(), "done"));
            }
        Results r = new Results("t", cells);
        Checks.SlopeCompare fcFaster = new Checks.SlopeCompare("fc falls faster", "lambda_0", "depth", "arch", "fc", "resnet", "first_below", "semilog", null, null);
        Checks.SlopeCompare resnetFaster = new Checks.SlopeCompare("resnet falls faster", "lambda_0", "depth", "arch", "resnet", "fc", "first_below", "semilog", null, null);
        assertTrue(fcFaster.evaluate(r).holds());
        assertFalse(resnetFaster.evaluate(r).holds());
    }

    @Test
    void monotone() {
        Checks.Monotone falls = new Checks.Monotone("falls with width", "movement", "width", "decreasing", null);
        assertTrue(falls.evaluate(powerLaw("movement", -0.5)).holds());
        assertFalse(falls.evaluate(powerLaw("movement", 0.3)).holds());
        assertTrue(new Checks.Monotone("rises", "movement", "width", "increasing", null).evaluate(powerLaw("movement", 0.3)).holds());
    }

    @Test
    void converges() {
        Checks.Converges check = new Checks.Converges("converges", 1e-6, null);
        CellResult good = cell(Map.of("width", 64), Map.of("initial_loss", 10.0, "final_loss", 1e-8), Map.of(), "done");
        CellResult slow = cell(Map.of("width", 64), Map.of("initial_loss", 10.0, "final_loss", 1e-3), Map.of(), "done");
        CellResult diverged = cell(Map.of("width", 64), Map.of("initial_loss", 10.0), Map.of(), "diverged");
        assertTrue(check.evaluate(new Results("t", List.of(good))).holds());
        assertFalse(check.evaluate(new Results("t", List.of(good, slow))).holds());
        assertFalse(check.evaluate(new Results("t", List.of(good, diverged))).holds());
    }

    @Test
    void rate() {
        Checks.Rate check = new Checks.Rate("at least the theorem's rate", Map.of("width", ">=256"));
        // predicted rate 1 - eta lambda_0 / 2 = 1 - 0.1 * 0.4 / 2 = 0.98 per step
        Map<String, Double> theory = Map.of("eta", 0.1, "lambda_0", 0.4);
        CellResult fast = cell(Map.of("width", 256), theory, Map.of("loss", geometric(1, 0.95, 8)), "done");
        CellResult slow = cell(Map.of("width", 1024), theory, Map.of("loss", geometric(1, 0.99, 8)), "done");
        CellResult narrowSlow = cell(Map.of("width", 16), theory, Map.of("loss", geometric(1, 0.999, 8)), "done");
        assertTrue(check.evaluate(new Results("t", List.of(fast, narrowSlow))).holds(), "narrow cells are not held to it");
        assertFalse(check.evaluate(new Results("t", List.of(fast, slow))).holds());
    }

    @Test
    void threshold() {
        Checks.Threshold check = new Checks.Threshold("threshold below the theorem's", "width", 0.2, null);
        List<CellResult> cells = new ArrayList<>();
        for (int width : new int[] {16, 32, 64, 128})
            for (int seed = 0; seed < 5; seed++) {
                boolean ok = width >= 64 || (width == 32 && seed < 2);
                double[] loss = geometric(1, ok ? 0.9 : 0.99, 5), bound = geometric(1, 0.95, 5);
                cells.add(cell(Map.of("width", width, "seed", seed), Map.of("width_requirement", 1e6), Map.of("loss", loss, "loss_bound", bound), "done"));
            }
        Verdict v = check.evaluate(new Results("t", cells));
        assertTrue(v.holds(), v.toString());
        assertTrue(v.measured().contains("threshold 64"), v.measured());
        List<CellResult> demanding = cells.stream().map(c -> new CellResult(c.runId(), c.cell(), c.config(), c.status(),
                Map.of("width_requirement", 32.0), c.series())).toList();
        assertFalse(check.evaluate(new Results("t", demanding)).holds(), "a threshold above the theorem's width fails");
        List<CellResult> none = cells.stream().filter(c -> c.number("width") < 64).toList();
        assertFalse(check.evaluate(new Results("t", none)).holds(), "no converging width fails");
    }

    @Test
    void whereConditions() {
        CellResult c = cell(Map.of("width", 256, "arch", "fc"), Map.of(), Map.of(), "done");
        assertTrue(Where.of(Map.of("width", ">=256", "arch", "fc")).test(c));
        assertFalse(Where.of(Map.of("width", ">256")).test(c));
        assertTrue(Where.of(Map.of("arch", "!=resnet")).test(c));
        assertTrue(Where.of(Map.of("width", "256.0")).test(c));
    }

    @Test
    void reaches() {
        Checks.Reaches zero = new Checks.Reaches("zero training error", "train_error", 0.0, null, null, null);
        CellResult fits = cell(Map.of("p", 0.5), Map.of(), Map.of("train_error", new double[] {0.5, 0.1, 0.0}), "done");
        CellResult stuck = cell(Map.of("p", 1.0), Map.of(), Map.of("train_error", new double[] {0.5, 0.2, 0.01}), "done");
        CellResult diverged = cell(Map.of("p", 0.0), Map.of(), Map.of("train_error", new double[] {0.5, 0.0}), "diverged");
        assertTrue(zero.evaluate(new Results("t", List.of(fits))).holds());
        assertFalse(zero.evaluate(new Results("t", List.of(fits, stuck))).holds());
        assertFalse(zero.evaluate(new Results("t", List.of(fits, diverged))).holds());
        assertFalse(zero.evaluate(new Results("t", List.of())).holds(), "no cell is no evidence");
        Checks.Reaches closes = new Checks.Reaches("closes to 10%", "distance", 0.1, null, true, null);
        CellResult near = cell(Map.of("s", 0), Map.of(), Map.of("distance", new double[] {4, 1, 0.3}), "done");       // 0.075 of its start
        CellResult far = cell(Map.of("s", 1), Map.of(), Map.of("distance", new double[] {0.2, 0.1, 0.05}), "done");   // 0.25: far, though small
        assertTrue(closes.evaluate(new Results("t", List.of(near))).holds());
        assertFalse(closes.evaluate(new Results("t", List.of(near, far))).holds());
        Checks.Reaches high = new Checks.Reaches("accuracy above 0.9", "acc", null, 0.9, null, null);
        assertTrue(high.evaluate(new Results("t", List.of(cell(Map.of(), Map.of(), Map.of("acc", new double[] {0.5, 0.95}), "done")))).holds());
        assertFalse(high.evaluate(new Results("t", List.of(cell(Map.of(), Map.of(), Map.of("acc", new double[] {0.5, 0.85}), "done")))).holds());
    }

    @Test
    void compare() {
        Checks.Compare lower = new Checks.Compare("prelu below relu", "test_error", "activation", "prelu", "relu", "lower", null, null, null);
        List<CellResult> better = new ArrayList<>(), worse = new ArrayList<>();
        for (int seed = 0; seed < 3; seed++) {
            better.add(cell(Map.of("activation", "prelu", "seed", seed), Map.of(), Map.of("test_error", new double[] {0.9, 0.10 + 0.01 * seed}), "done"));
            better.add(cell(Map.of("activation", "relu", "seed", seed), Map.of(), Map.of("test_error", new double[] {0.9, 0.12 + 0.01 * seed}), "done"));
            worse.add(cell(Map.of("activation", "prelu", "seed", seed), Map.of(), Map.of("test_error", new double[] {0.9, 0.13 + 0.01 * seed}), "done"));
            worse.add(cell(Map.of("activation", "relu", "seed", seed), Map.of(), Map.of("test_error", new double[] {0.9, 0.12 + 0.01 * seed}), "done"));
        }
        assertTrue(lower.evaluate(new Results("t", better)).holds());
        assertFalse(lower.evaluate(new Results("t", worse)).holds());
        Checks.Compare byMargin = new Checks.Compare("by 0.05", "test_error", "activation", "prelu", "relu", "lower", 0.05, null, null);
        assertFalse(byMargin.evaluate(new Results("t", better)).holds(), "0.02 apart is not 0.05");
        // better: means 0.11 and 0.13, sd 0.01 each over 3 seeds: the difference is 0.02 / 0.00816 = 2.45 standard errors
        assertTrue(new Checks.Compare("z 2", "test_error", "activation", "prelu", "relu", "lower", null, 2.0, null).evaluate(new Results("t", better)).holds());
        assertFalse(new Checks.Compare("z 3", "test_error", "activation", "prelu", "relu", "lower", null, 3.0, null).evaluate(new Results("t", better)).holds());
        Checks.Compare missing = new Checks.Compare("absent group", "test_error", "activation", "tanh", "relu", "lower", null, null, null);
        assertFalse(missing.evaluate(new Results("t", better)).holds());
        Checks.Compare relative = new Checks.Compare("remaining distance", "relative:d", "arch", "no-identity", "identity-mapping", "higher", 0.5, null, null);
        CellResult stays = cell(Map.of("arch", "no-identity"), Map.of(), Map.of("d", new double[] {1, 0.95}), "done");
        CellResult closes = cell(Map.of("arch", "identity-mapping"), Map.of(), Map.of("d", new double[] {2, 0.02}), "done");
        CellResult closesToo = cell(Map.of("arch", "no-identity"), Map.of(), Map.of("d", new double[] {1, 0.1}), "done");
        assertTrue(relative.evaluate(new Results("t", List.of(stays, closes))).holds());
        assertFalse(relative.evaluate(new Results("t", List.of(closesToo, closes))).holds());
    }
}
