package overparam.lab.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.lab.check.Verdict.Outcome.FAILS;
import static overparam.lab.check.Verdict.Outcome.HOLDS;
import static overparam.lab.check.Verdict.Outcome.INCONCLUSIVE;

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
import overparam.lab.store.PlannedCell;
import overparam.lab.store.Results;

/**
 * Every check type on results where it must HOLD, where it must FAIL, and where the evidence cannot decide
 * (INCONCLUSIVE): none can fail to fail, and none decides on intervals that overlap the prediction. The fixtures are
 * built so that the estimate and its standard error are known by hand (noise patterns orthogonal to x, so the slope is
 * exact and the residual sum of squares is what was put in).
 */
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

    static Results results(List<CellResult> cells) { return new Results("t", cells); }

    static void assertVerdict(Verdict.Outcome expected, Verdict v) {
        assertEquals(expected, v.outcome(), v.toString());
    }

    /**
     * Widths 64..4096 (ln spacing ln 4), 3 seeds each: metric = width^exponent * exp(noise) with noise +a, -a, 0 for
     * seeds 0, 1, 2 at every width. The noise is orthogonal to log width, so the fitted slope is the exponent exactly;
     * the residual sum of squares is 8 a^2 over 10 degrees of freedom and S_xx = 3 (2 (1.5 ln 4)^2 + 2 (0.5 ln 4)^2)
     * = 15 (ln 4)^2, so the slope's standard error is a sqrt(0.8 / (15 (ln 4)^2)) = 0.166589 a.
     */
    static Results powerLaw(String metric, double exponent, double a) {
        List<CellResult> cells = new ArrayList<>();
        double[] noise = {a, -a, 0};
        for (int width : new int[] {64, 256, 1024, 4096})
            for (int seed = 0; seed < 3; seed++) {
                double v = Math.pow(width, exponent) * Math.exp(noise[seed]);
                cells.add(cell(Map.of("width", width, "seed", seed, "arch", "fc"), Map.of(), Map.of(metric, new double[] {2 * v, v}), "done"));
            }
        return results(cells);
    }

    @Test
    void slopeHoldsFailsAndIsInconclusiveWhenItsIntervalStraddlesAnEnd() {
        Slope check = new Slope("movement ~ m^-1/2", "movement", "width", "loglog", null, -0.65, -0.35);
        Verdict holds = check.evaluate(powerLaw("movement", -0.5, 0.05));
        assertVerdict(HOLDS, holds);
        assertEquals(-0.5, holds.estimate(), 1e-12, "the noise is orthogonal to log width: the slope is exact");
        // half-width t(0.975; 10) * 0.166589 * 0.05 = 2.228139 * 0.0083295 = 0.018559
        assertEquals(0.018559, holds.ciHigh() - holds.estimate(), 1e-6);
        assertEquals(12, holds.cellsUsed());
        assertVerdict(FAILS, check.evaluate(powerLaw("movement", -0.1, 0.05)));
        assertVerdict(FAILS, check.evaluate(powerLaw("movement", -1.0, 0.05)));
        Verdict open = check.evaluate(powerLaw("movement", -0.5, 1.0));
        assertVerdict(INCONCLUSIVE, open);
        // se = 0.166589 (a = 1), margin 0.15 to either end. With s seeds the points are 4 s, df = 4 s - 2, and the
        // half-width t(df) 0.166589 sqrt(3 / s) must fall below 0.15: s = 14 gives t(54) 0.077116 = 2.0049 * 0.077116
        // = 0.15461 (no), s = 15 gives t(58) 0.074501 = 2.0017 * 0.074501 = 0.14913 (yes).
        assertEquals(15, open.seedsNeeded(), open.toString());
        assertNull(holds.seedsNeeded(), "decided: no seeds needed");
    }

    @Test
    void slopeWithTwoRunsIsNoEvidence() {
        Results two = results(List.of(cell(Map.of("width", 64), Map.of("y", 1.0), Map.of(), "done"),
                cell(Map.of("width", 128), Map.of("y", 0.7), Map.of(), "done")));
        assertVerdict(INCONCLUSIVE, new Slope("s", "y", "width", "loglog", null, -1, 0).evaluate(two));
    }

    @Test
    void aSlopeOverCellsThatShareSeedsTakesTheSeedBootstrapWhenItIsWider() {
        // each seed has its own exponent around -0.5, every line through the same centre (the geometric mean width,
        // 512): the residuals, pooled as if every run were independent, give a t-interval of about +- 0.125, while the
        // seeds' slopes themselves spread with sd 0.28, so their mean's +- 2 standard errors are about +- 0.23
        List<CellResult> cells = new ArrayList<>();
        double[] exponents = {-0.9, -0.5, -0.5, -0.5, -0.1};
        for (int width : new int[] {64, 256, 1024, 4096})
            for (int seed = 0; seed < exponents.length; seed++)
                cells.add(cell(Map.of("width", width, "seed", seed), Map.of("y", Math.pow(width / 512.0, exponents[seed])), Map.of(), "done"));
        Points p = Points.of(cells, "width", "y", true, true);
        Evidence t = Check.fit("loglog", p.x(), p.y()).evidence(5), both = Slope.fitted("loglog", p);
        assertTrue(both.low() <= t.low() && both.high() >= t.high(), "the interval contains the t-interval");
        assertTrue(both.high() - both.low() > t.high() - t.low(), "and the bootstrap over seeds widened it: " + both + " vs " + t);
    }

    @Test
    void theSeedBootstrapIsThePercentileIntervalOfTheSeedsMeanSlope() {
        // the five seeds of the test above: every line passes through the same centre with the same x values, so a
        // resample's pooled slope is the mean of its five seeds' slopes, -0.5 + 0.08 D with D = (#-0.1 drawn) - (#-0.9
        // drawn). D's exact distribution (5 draws, each +1 or -1 with probability 1/5): P(D >= 3) = 0.0355 and
        // P(D >= 2) = 0.1411, so the 97.5% quantile is D = 3 and the 2.5% one D = -3 (a 90% interval would stop at
        // +-2). Of 2000 resamples about 71 +- 8 have D >= 3, far more than the 50 the 97.5% order statistic needs.
        List<CellResult> cells = new ArrayList<>();
        double[] exponents = {-0.9, -0.5, -0.5, -0.5, -0.1};
        for (int width : new int[] {64, 256, 1024, 4096})
            for (int seed = 0; seed < exponents.length; seed++)
                cells.add(cell(Map.of("width", width, "seed", seed), Map.of("y", Math.pow(width / 512.0, exponents[seed])), Map.of(), "done"));
        Points p = Points.of(cells, "width", "y", true, true);
        double[] boot = Points.seedBootstrap(p.seeds(), draws -> Check.slopeOrNaN("loglog", p.resampled(p.seeds(), draws)), Evidence.ALPHA);
        assertEquals(-0.5 - 3 * 0.08, boot[0], 1e-9);
        assertEquals(-0.5 + 3 * 0.08, boot[1], 1e-9);
    }

    @Test
    void percentileAndSatterthwaiteByHand() {
        // order statistics 1..5 at positions q (n - 1): q = 0.25 is the 2nd exactly, q = 0.1 is 40% of the way from 1 to 2
        assertEquals(2.0, Statistics.percentile(new double[] {5, 3, 1, 4, 2}, 0.25), 1e-12);
        assertEquals(1.4, Statistics.percentile(new double[] {5, 3, 1, 4, 2}, 0.1), 1e-12);
        // (se_a^2 + se_b^2)^2 / (se_a^4 / df_a + se_b^4 / df_b): (4 + 1)^2 / (16/10 + 1/5) = 25 / 1.8
        assertEquals(25 / 1.8, Statistics.satterthwaite(2, 10, 1, 5), 1e-12);
        assertEquals(8, Statistics.satterthwaite(1, 4, 1, 4), 1e-12);
    }

    @Test
    void slopeCompareAgainstItsMarginOnBothSides() {
        // group a: slope -1.0, group b: slope -0.7, both exact (noise orthogonal to depth): the difference is -0.3
        List<CellResult> cells = new ArrayList<>();
        double[] noise = {0.01, -0.01, 0};
        for (int depth : new int[] {2, 4, 8, 16})
            for (int seed = 0; seed < 3; seed++) {
                cells.add(cell(Map.of("arch", "fc", "depth", depth, "seed", seed), Map.of("lambda_0", Math.exp(-1.0 * depth + noise[seed])), Map.of(), "done"));
                cells.add(cell(Map.of("arch", "resnet", "depth", depth, "seed", seed), Map.of("lambda_0", Math.exp(-0.7 * depth + noise[seed])), Map.of(), "done"));
            }
        Results r = results(cells);
        SlopeCompare by02 = new SlopeCompare("fc falls faster by 0.2", "lambda_0", "depth", "arch", "fc", "resnet", "first_below", "semilog", 0.2, null);
        SlopeCompare by05 = new SlopeCompare("fc falls faster by 0.5", "lambda_0", "depth", "arch", "fc", "resnet", "first_below", "semilog", 0.5, null);
        SlopeCompare reversed = new SlopeCompare("resnet falls faster", "lambda_0", "depth", "arch", "resnet", "fc", "first_below", "semilog", null, null);
        SlopeCompare above = new SlopeCompare("resnet above by 0.2", "lambda_0", "depth", "arch", "resnet", "fc", "first_above", "semilog", 0.2, null);
        Verdict v = by02.evaluate(r);
        assertVerdict(HOLDS, v);
        assertEquals(-0.3, v.estimate(), 1e-12);
        assertVerdict(FAILS, by05.evaluate(r));                 // -0.3 is not below -0.5: a flipped margin sign would hold it
        assertVerdict(FAILS, reversed.evaluate(r));
        assertVerdict(HOLDS, above.evaluate(r));                // +0.3 > +0.2
        assertVerdict(FAILS, new SlopeCompare("by 0.4", "lambda_0", "depth", "arch", "resnet", "fc", "first_above", "semilog", 0.4, null).evaluate(r));
        SlopeCompare by03 = new SlopeCompare("by 0.3", "lambda_0", "depth", "arch", "fc", "resnet", "first_below", "semilog", 0.3, null);
        Verdict onTheEnd = by03.evaluate(r);                    // -0.3 exactly on the open end: its interval straddles it
        assertVerdict(INCONCLUSIVE, onTheEnd);
        assertNull(onTheEnd.seedsNeeded(), "no number of seeds moves an estimate off the boundary");
    }

    @Test
    void slopeCompareIsInconclusiveWhenTheSlopesIntervalsOverlap() {
        List<CellResult> cells = new ArrayList<>();
        double[] noise = {0.8, -0.8, 0};
        for (int depth : new int[] {2, 4, 8, 16})
            for (int seed = 0; seed < 3; seed++) {
                cells.add(cell(Map.of("arch", "fc", "depth", depth, "seed", seed), Map.of("y", Math.exp(0.11 * depth + noise[(seed + depth) % 3])), Map.of(), "done"));
                cells.add(cell(Map.of("arch", "resnet", "depth", depth, "seed", seed), Map.of("y", Math.exp(0.02 * depth + noise[(seed + 2 * depth) % 3])), Map.of(), "done"));
            }
        Verdict v = new SlopeCompare("fc above", "y", "depth", "arch", "fc", "resnet", "first_above", "semilog", null, null).evaluate(results(cells));
        assertVerdict(INCONCLUSIVE, v);
        assertTrue(v.ciLow() < 0 && v.ciHigh() > 0, v.toString());
        assertTrue(v.seedsNeeded() != null && v.seedsNeeded() > 3, v.toString());
    }

    @Test
    void monotoneNeedsEveryStepsIntervalOnOneSide() {
        Monotone falls = new Monotone("falls with width", "movement", "width", "decreasing", null);
        assertVerdict(HOLDS, falls.evaluate(powerLaw("movement", -0.5, 0.05)));
        assertVerdict(FAILS, falls.evaluate(powerLaw("movement", 0.3, 0.05)));
        assertVerdict(HOLDS, new Monotone("rises", "movement", "width", "increasing", null).evaluate(powerLaw("movement", 0.3, 0.05)));
        Verdict noisy = falls.evaluate(powerLaw("movement", -0.05, 0.5));
        assertVerdict(INCONCLUSIVE, noisy);
        assertTrue(noisy.seedsNeeded() != null, noisy.toString());
    }

    @Test
    void aTrendsStepsAreJudgedTogether() {
        // three values of x, 3 runs each with spread -1, 0, +1 (sd 1): each step's Welch error is sqrt(2/3) = 0.8165
        // with 4 degrees of freedom. Steps of 3.1 errors (2.5312) pass one 95% interval (t(0.975; 4) = 2.776) but not
        // two simultaneous ones (Bonferroni, each at 97.5%: t(0.9875; 4) = 3.495): the trend is not yet shown.
        double step = 3.1 * Math.sqrt(2.0 / 3);
        List<CellResult> cells = new ArrayList<>();
        for (int x = 0; x < 3; x++)
            for (int seed = 0; seed < 3; seed++)
                cells.add(cell(Map.of("x", x, "seed", seed), Map.of("y", 10 - step * x + (seed - 1)), Map.of(), "done"));
        Verdict v = new Monotone("falls", "y", "x", "decreasing", null).evaluate(results(cells));
        assertVerdict(INCONCLUSIVE, v);
        assertTrue(v.ciHigh() > 0 && v.ciHigh() < 0.8165 * (3.495 - 3.1) + 1e-3, v.toString());
    }

    @Test
    void aTieIsNotATrendAndOneRunPerValueShowsNoSpread() {
        List<CellResult> tie = new ArrayList<>();
        for (int p : new int[] {0, 1, 2})
            for (int seed = 0; seed < 3; seed++)
                tie.add(cell(Map.of("p", p, "seed", seed), Map.of("steps", p == 2 ? 300.0 : 200.0), Map.of(), "done"));
        Monotone rises = new Monotone("rises", "steps", "p", "increasing", null);
        assertVerdict(FAILS, rises.evaluate(results(tie)));           // 200, 200, 300 in every seed: the first step is a tie
        List<CellResult> single = new ArrayList<>();
        for (int p : new int[] {0, 1, 2}) single.add(cell(Map.of("p", p), Map.of("steps", 100.0 * (p + 1)), Map.of(), "done"));
        Verdict v = rises.evaluate(results(single));
        assertVerdict(INCONCLUSIVE, v);
        assertNull(v.seedsNeeded(), "one run per value: the spread, and so the seeds, are unknown");
    }

    @Test
    void welchsIntervalWithUnequalGroupsByHand() {
        double[] a = {1, 2, 3, 4, 5, 6, 7, 8}, b = {10, 14};
        // s_a^2 = 6 (n = 8), s_b^2 = 8 (n = 2): se = sqrt(6/8 + 8/2) = sqrt(4.75); Welch-Satterthwaite
        // df = 4.75^2 / ((6/8)^2 / 7 + (8/2)^2 / 1) = 22.5625 / 16.080357 = 1.403109
        Evidence e = Statistics.welch(a, b, 1, Evidence.ALPHA);
        assertEquals(4.5 - 12, e.estimate(), 1e-12);
        assertEquals(Math.sqrt(4.75), e.standardError(), 1e-12);
        assertEquals(1.403109, e.degreesOfFreedom(), 1e-6);
        Evidence equalSizes = Statistics.welch(new double[] {1, 3}, new double[] {2, 6}, 1, Evidence.ALPHA);
        // s^2 = 2 and 8, n = 2 each: se = sqrt(1 + 4) = sqrt(5); df = 25 / (1 + 16) = 1.470588; t(0.975; 1.4706) = 7.0297
        assertEquals(Math.sqrt(5), equalSizes.standardError(), 1e-12);
        assertEquals(25.0 / 17, equalSizes.degreesOfFreedom(), 1e-12);
    }

    @Test
    void compareDecidesOnWelchsInterval() {
        Compare lower = new Compare("prelu below relu", "test_error", "activation", "prelu", "relu", "lower", null, null);
        List<CellResult> apart = new ArrayList<>(), overlapping = new ArrayList<>(), reversed = new ArrayList<>();
        double[] spread = {-0.01, 0, 0.01};
        for (int seed = 0; seed < 3; seed++) {
            apart.add(cell(Map.of("activation", "prelu", "seed", seed), Map.of("test_error", 0.10 + spread[seed]), Map.of(), "done"));
            apart.add(cell(Map.of("activation", "relu", "seed", seed), Map.of("test_error", 0.16 + spread[seed]), Map.of(), "done"));
            overlapping.add(cell(Map.of("activation", "prelu", "seed", seed), Map.of("test_error", 0.11 + spread[seed]), Map.of(), "done"));
            overlapping.add(cell(Map.of("activation", "relu", "seed", seed), Map.of("test_error", 0.13 + spread[seed]), Map.of(), "done"));
            reversed.add(cell(Map.of("activation", "prelu", "seed", seed), Map.of("test_error", 0.16 + spread[seed]), Map.of(), "done"));
            reversed.add(cell(Map.of("activation", "relu", "seed", seed), Map.of("test_error", 0.10 + spread[seed]), Map.of(), "done"));
        }
        // sd 0.01 in each group of 3: se = 0.01 sqrt(2/3) = 0.0081650, df = 4, t = 2.7764: half-width 0.022669
        Verdict v = lower.evaluate(results(apart));
        assertVerdict(HOLDS, v);
        assertEquals(-0.06 + 0.022669, v.ciHigh(), 1e-6);
        Verdict open = lower.evaluate(results(overlapping));       // -0.02 +- 0.0227: straddles 0
        assertVerdict(INCONCLUSIVE, open);
        assertTrue(open.seedsNeeded() != null && open.seedsNeeded() > 3, open.toString());
        assertVerdict(FAILS, lower.evaluate(results(reversed)));
        assertVerdict(FAILS, new Compare("by 0.1", "test_error", "activation", "prelu", "relu", "lower", 0.1, null).evaluate(results(apart)));
        assertVerdict(INCONCLUSIVE, new Compare("absent", "test_error", "activation", "tanh", "relu", "lower", null, null).evaluate(results(apart)));
        Compare relative = new Compare("remaining distance", "relative:d", "arch", "no-identity", "identity-mapping", "higher", 0.5, null);
        List<CellResult> stays = new ArrayList<>();
        for (int seed = 0; seed < 3; seed++) {
            stays.add(cell(Map.of("arch", "no-identity", "seed", seed), Map.of(), Map.of("d", new double[] {1, 0.95 - 0.01 * seed}), "done"));
            stays.add(cell(Map.of("arch", "identity-mapping", "seed", seed), Map.of(), Map.of("d", new double[] {2, 0.02 + 0.002 * seed}), "done"));
        }
        assertVerdict(HOLDS, relative.evaluate(results(stays)));
    }

    /**
     * Two dynamics from each seed's shared start: the seeds spread by 0.1, the paired difference is 0.01 +- 0.001. Welch
     * counts the shared spread and cannot decide; pairing by seed removes it. Differences 0.009, 0.010, 0.011: mean
     * 0.010, sd 0.001, se 0.001 / sqrt(3), t(0.975; 2) = 4.302653: half-width 0.0024841.
     */
    @Test
    void comparePairedBySeedCancelsTheSpreadTheGroupsShare() {
        List<CellResult> cells = new ArrayList<>();
        double[] start = {0.5, 0.6, 0.7}, gap = {0.009, 0.010, 0.011};
        for (int seed = 0; seed < 3; seed++) {
            cells.add(cell(Map.of("label", "sgd", "seed", seed, "batch_size", 10), Map.of("test_accuracy", start[seed] + gap[seed]), Map.of(), "done"));
            cells.add(cell(Map.of("label", "gd", "seed", seed), Map.of("test_accuracy", start[seed]), Map.of(), "done"));
        }
        Compare welch = new Compare("sgd above gd", "test_accuracy", "label", "sgd", "gd", "higher", null, null);
        assertVerdict(INCONCLUSIVE, welch.evaluate(results(cells)));
        Compare paired = new Compare("sgd above gd", "test_accuracy", "label", "sgd", "gd", "higher", null, null, "seed");
        Verdict v = paired.evaluate(results(cells));
        assertVerdict(HOLDS, v);
        assertEquals(0.010, v.estimate(), 1e-12);
        assertEquals(0.010 - 4.302653 * 0.001 / Math.sqrt(3), v.ciLow(), 1e-6);
        assertVerdict(FAILS, new Compare("gd above sgd", "test_accuracy", "label", "gd", "sgd", "higher", null, null, "seed").evaluate(results(cells)));
        // a seed missing from one group is left out, not paired with another
        List<CellResult> missing = new ArrayList<>(cells.subList(0, 5));
        Verdict two = paired.evaluate(results(missing));
        assertTrue(two.measured().contains("over 2 pairs"), two.toString());
        assertEquals(4, two.cellsUsed());
        // a pairing field that repeats within a group is refused, not guessed
        List<CellResult> twice = new ArrayList<>(cells);
        twice.add(cell(Map.of("label", "gd", "seed", 0), Map.of("test_accuracy", 0.4), Map.of(), "done"));
        Verdict refused = paired.evaluate(results(twice));
        assertVerdict(INCONCLUSIVE, refused);
        assertTrue(refused.measured().contains("share seed=0"), refused.toString());
    }

    @Test
    void boundIsDecidedCellByCellWithARoundingSlackOnly() {
        Bound check = new Bound("loss under the bound", "loss", "loss_bound", null, null);
        CellResult under = cell(Map.of("width", 64), Map.of(), Map.of("loss", geometric(1, 0.9, 5), "loss_bound", geometric(1, 0.95, 5)), "done");
        CellResult over = cell(Map.of("width", 64), Map.of(), Map.of("loss", geometric(1, 0.97, 5), "loss_bound", geometric(1, 0.95, 5)), "done");
        CellResult diverged = cell(Map.of("width", 64), Map.of(), Map.of("loss", new double[] {1}, "loss_bound", new double[] {1}), "diverged");
        double[] bound = geometric(1, 0.95, 5), barelyOver = bound.clone(), rounding = bound.clone();
        barelyOver[3] *= 1 + 1e-6;                // a real excess, a millionth: the default slack must not forgive it
        rounding[3] *= 1 + 1e-12;                 // rounding in the bound's product: forgiven
        assertVerdict(HOLDS, check.evaluate(results(List.of(under))));
        assertVerdict(FAILS, check.evaluate(results(List.of(under, over))));
        assertVerdict(FAILS, check.evaluate(results(List.of(under, diverged))));
        assertVerdict(FAILS, check.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("loss", barelyOver, "loss_bound", bound), "done")))));
        assertVerdict(HOLDS, check.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("loss", rounding, "loss_bound", bound), "done")))));
        assertVerdict(INCONCLUSIVE, check.evaluate(results(List.of())));
    }

    /**
     * A constant bound: drift {0, 0.004, 0.006} stays under 0.01 at every step (worst ratio 0.6); {0, 0.004, 0.012} goes over
     * at its last step (ratio 1.2); the first record counts too; a bound that is not a positive number is refused.
     */
    @Test
    void boundTakesAConstant() {
        Bound check = new Bound("drift under 1%", "drift", "0.01", null, null);
        Verdict under = check.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("drift", new double[] {0, 0.004, 0.006}), "done"))));
        assertVerdict(HOLDS, under);
        assertEquals(0.6, under.estimate(), 1e-12);
        Verdict over = check.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("drift", new double[] {0, 0.004, 0.012}), "done"))));
        assertVerdict(FAILS, over);
        assertEquals(1.2, over.estimate(), 1e-12);
        assertVerdict(FAILS, check.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("drift", new double[] {0.02, 0.004}), "done")))));
        assertThrows(IllegalArgumentException.class,
                () -> new Bound("x", "drift", "-1", null, null).evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("drift", new double[] {0}), "done")))));
    }

    @Test
    void aPerCellClaimWithPlannedCellsMissingIsInconclusiveAndSaysSo() {
        Bound check = new Bound("loss under the bound", "loss", "loss_bound", null, null);
        CellResult under = cell(Map.of("width", 64), Map.of(), Map.of("loss", geometric(1, 0.9, 5), "loss_bound", geometric(1, 0.95, 5)), "done");
        ObjectNode other = JSON.createObjectNode().put("width", 128);
        Results partial = new Results("t", List.of(under), List.of(new PlannedCell(under.cell(), under.config()), new PlannedCell("width=128", other)));
        Verdict v = check.evaluate(partial);
        assertVerdict(INCONCLUSIVE, v);
        assertEquals(1, v.cellsUsed());
        assertEquals(2, v.cellsExpected());
        assertTrue(v.note().startsWith("partial: 1 of 2 cells (1 not run or unfinished)"), v.note());
        List<CellResult> finished = powerLaw("movement", -0.5, 0.05).cells();
        List<PlannedCell> plan = new ArrayList<>(finished.stream().map(c -> new PlannedCell(c.cell(), c.config())).toList());
        plan.add(new PlannedCell("width=128", other));
        Verdict slope = new Slope("s", "movement", "width", "loglog", null, -0.65, -0.35).evaluate(new Results("t", finished, plan));
        assertVerdict(HOLDS, slope);                            // an interval over the cells present is evidence; the note says what is missing
        assertEquals("partial: 12 of 13 cells (1 not run or unfinished)", slope.note());
    }

    @Test
    void everyPerCellClaimWaitsForItsMissingCells() {
        Map<String, Double> theory = Map.of("eta", 0.1, "lambda_0", 0.4, "initial_loss", 10.0, "final_loss", 1e-8);
        CellResult good = cell(Map.of("width", 256), theory, Map.of("loss", geometric(1, 0.97, 8), "train_error", new double[] {0.5, 0.0}), "done");
        ObjectNode absent = JSON.createObjectNode().put("width", 512);
        Results partial = new Results("t", List.of(good), List.of(new PlannedCell(good.cell(), good.config()), new PlannedCell("width=512", absent)));
        for (Check check : List.<Check>of(new Converges("c", 1e-6, null), new Reaches("r", "train_error", 0.0, null, null, null),
                new Rate("rate", null))) {
            assertVerdict(HOLDS, check.evaluate(results(List.of(good))));
            Verdict v = check.evaluate(partial);
            assertVerdict(INCONCLUSIVE, v);
            assertTrue(v.note().contains("1 not run yet (run --resume to decide)"), v.note());
        }
    }

    @Test
    void converges() {
        Converges check = new Converges("converges", 1e-6, null);
        CellResult good = cell(Map.of("width", 64), Map.of("initial_loss", 10.0, "final_loss", 1e-8), Map.of(), "done");
        CellResult slow = cell(Map.of("width", 64), Map.of("initial_loss", 10.0, "final_loss", 1e-3), Map.of(), "done");
        CellResult diverged = cell(Map.of("width", 64), Map.of("initial_loss", 10.0), Map.of(), "diverged");
        assertVerdict(HOLDS, check.evaluate(results(List.of(good))));
        assertVerdict(FAILS, check.evaluate(results(List.of(good, slow))));
        assertVerdict(FAILS, check.evaluate(results(List.of(good, diverged))));
        assertVerdict(INCONCLUSIVE, check.evaluate(results(List.of())));
    }

    @Test
    void rateAgainstTheTheoremsHalfOfEtaLambda() {
        Rate check = new Rate("at least the theorem's rate", Map.of("width", ">=256"));
        // eta lambda_0 / 2 = 0.1 * 0.4 / 2 = 0.02: the predicted rate is 0.98 per step. A loss falling at 0.97 is
        // faster than 0.98 but slower than 1 - eta lambda_0 = 0.96: a rate mutated to drop the 1/2 fails it.
        Map<String, Double> theory = Map.of("eta", 0.1, "lambda_0", 0.4);
        CellResult fast = cell(Map.of("width", 256), theory, Map.of("loss", geometric(1, 0.97, 8)), "done");
        CellResult slow = cell(Map.of("width", 1024), theory, Map.of("loss", geometric(1, 0.99, 8)), "done");
        CellResult narrowSlow = cell(Map.of("width", 16), theory, Map.of("loss", geometric(1, 0.999, 8)), "done");
        Verdict v = check.evaluate(results(List.of(fast, narrowSlow)));
        assertVerdict(HOLDS, v);
        assertEquals(Math.log(0.97) / Math.log(0.98), v.estimate(), 1e-9, "the speed ratio log(measured) / log(predicted)");
        assertVerdict(FAILS, check.evaluate(results(List.of(fast, slow))));
        // a loss that wobbles around the predicted rate: the fitted rate's interval straddles it
        double[] wobbly = geometric(1, 0.98, 8);
        for (int i = 1; i < wobbly.length; i++) wobbly[i] *= i % 2 == 0 ? 1.3 : 1 / 1.3;
        Verdict open = check.evaluate(results(List.of(cell(Map.of("width", 512), theory, Map.of("loss", wobbly), "done"))));
        assertVerdict(INCONCLUSIVE, open);
        assertNull(open.seedsNeeded(), "a cell's own fit is not narrowed by more seeds");
    }

    @Test
    void clopperPearsonByHand() {
        // all n succeed: the lower end solves p^n = alpha / 2: 0.025^(1/5) = 0.47818
        assertEquals(Math.pow(0.025, 0.2), Statistics.clopperPearson(5, 5, 0.05)[0], 1e-9);
        assertEquals(1 - Math.pow(0.025, 0.2), Statistics.clopperPearson(0, 5, 0.05)[1], 1e-9);
        // 3 of 10: the published exact interval (Clopper and Pearson 1934 tables; also R's binom.test): [0.06674, 0.65245]
        double[] ci = Statistics.clopperPearson(3, 10, 0.05);
        assertEquals(0.06674, ci[0], 1e-5);
        assertEquals(0.65245, ci[1], 1e-5);
    }

    /** Widths with 20 seeds each; which converge is given per width. */
    static List<CellResult> thresholdCells(Map<Integer, Integer> converging, int seeds, double requirement) {
        List<CellResult> cells = new ArrayList<>();
        converging.forEach((width, k) -> {
            for (int seed = 0; seed < seeds; seed++) {
                boolean ok = seed < k;
                cells.add(cell(Map.of("width", width, "seed", seed), Map.of("width_requirement", requirement),
                        Map.of("loss", geometric(1, ok ? 0.9 : 0.99, 5), "loss_bound", geometric(1, 0.95, 5)), "done"));
            }
        });
        return cells;
    }

    @Test
    void thresholdWithExactIntervalsOfTheSuccessProbability() {
        Threshold check = new Threshold("threshold below the theorem's", "width", 0.2, null);
        // 20 of 20 converge from 64 on: the lower Clopper-Pearson end 0.025^(1/20) = 0.8318 >= 0.8
        Map<Integer, Integer> sure = new TreeMap<>(Map.of(16, 0, 32, 8, 64, 20, 128, 20));
        Verdict v = check.evaluate(results(thresholdCells(sure, 20, 1e6)));
        assertVerdict(HOLDS, v);
        assertEquals(64, v.estimate());
        assertVerdict(FAILS, check.evaluate(results(thresholdCells(sure, 20, 32))));   // demanded 32: even the optimistic end is above
        // 5 of 5: 0.025^(1/5) = 0.478 < 0.8: not sure yet; 17 seeds all converging would be (0.025^(1/17) = 0.805)
        Map<Integer, Integer> few = new TreeMap<>(Map.of(16, 0, 64, 5, 128, 5));
        Verdict open = check.evaluate(results(thresholdCells(few, 5, 1e6)));
        assertVerdict(INCONCLUSIVE, open);
        assertEquals(17, open.seedsNeeded());
    }

    @Test
    void aThresholdIsTheWidthFromWhichOnEveryWidthConverges() {
        // converging at 64, not at 128, again from 256 on: the threshold is 256, not 64
        TreeMap<Double, int[]> s = new TreeMap<>(Map.of(64.0, new int[] {20, 20}, 128.0, new int[] {0, 20}, 256.0, new int[] {20, 20},
                512.0, new int[] {20, 20}));
        assertEquals(256, Threshold.threshold(s, 0.2));
    }

    @Test
    void whereConditions() {
        CellResult c = cell(Map.of("width", 256, "arch", "fc"), Map.of(), Map.of(), "done");
        assertTrue(Where.of(Map.of("width", ">=256", "arch", "fc")).test(c));
        assertFalse(Where.of(Map.of("width", ">256")).test(c));
        assertTrue(Where.of(Map.of("arch", "!=resnet")).test(c));
        assertTrue(Where.of(Map.of("width", "256.0")).test(c));
        assertTrue(Where.of(Map.of("arch", "resnet|fc")).test(c));
        assertFalse(Where.of(Map.of("arch", "resnet|two-layer")).test(c));
        assertTrue(Where.of(Map.of("width", "128|256", "arch", "fc|")).test(c));
    }

    /**
     * A bound that is a least eigenvalue at round-off level may be 0 or negative: the metric (its round-off floor) then
     * exceeds it, which must fail the claim "the floor lies below lambda_min", never be skipped; a metric at or below a
     * non-positive bound meets it.
     */
    @Test
    void aNonPositiveBoundIsAViolationNotASkip() {
        Bound resolved = new Bound("lambda_min above its round-off floor", "floor", "lambda_min", null, null);
        CellResult above = cell(Map.of(), Map.of(), Map.of("floor", new double[] {1e-13, 1e-13}, "lambda_min", new double[] {0.1, 0.2}), "done");
        CellResult negative = cell(Map.of(), Map.of(), Map.of("floor", new double[] {1e-13, 1e-13}, "lambda_min", new double[] {0.1, -2e-15}), "done");
        CellResult zero = cell(Map.of(), Map.of(), Map.of("floor", new double[] {1e-13}, "lambda_min", new double[] {0.0}), "done");
        assertVerdict(HOLDS, resolved.evaluate(results(List.of(above))));
        assertVerdict(FAILS, resolved.evaluate(results(List.of(above, negative))));
        assertVerdict(FAILS, resolved.evaluate(results(List.of(zero))));
        Bound atInit = new Bound("resolved at initialization", "floor", "lambda_min", null, null, 0);
        Verdict init = atInit.evaluate(results(List.of(above, negative)));                       // negative's excursion is at step 10
        assertVerdict(HOLDS, init);
        assertEquals(1e-12, init.estimate(), 1e-24);                                              // 1e-13 / 0.1, the worst at step 0
        assertVerdict(FAILS, atInit.evaluate(results(List.of(zero))));
        assertVerdict(INCONCLUSIVE, new Bound("x", "floor", "lambda_min", null, null, 20).evaluate(results(List.of(above))));   // never recorded there
        Bound belowZero = new Bound("m below b", "m", "b", null, null);
        assertVerdict(HOLDS, belowZero.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("m", new double[] {-3}, "b", new double[] {-2}), "done")))));
    }

    @Test
    void reaches() {
        Reaches zero = new Reaches("zero training error", "train_error", 0.0, null, null, null);
        CellResult fits = cell(Map.of("p", 0.5), Map.of(), Map.of("train_error", new double[] {0.5, 0.1, 0.0}), "done");
        CellResult stuck = cell(Map.of("p", 1.0), Map.of(), Map.of("train_error", new double[] {0.5, 0.2, 0.01}), "done");
        CellResult diverged = cell(Map.of("p", 0.0), Map.of(), Map.of("train_error", new double[] {0.5, 0.0}), "diverged");
        assertVerdict(HOLDS, zero.evaluate(results(List.of(fits))));
        assertVerdict(FAILS, zero.evaluate(results(List.of(fits, stuck))));
        assertVerdict(FAILS, zero.evaluate(results(List.of(fits, diverged))));
        assertVerdict(INCONCLUSIVE, zero.evaluate(results(List.of())));
        Reaches closes = new Reaches("closes to 10%", "distance", 0.1, null, true, null);
        CellResult near = cell(Map.of("s", 0), Map.of(), Map.of("distance", new double[] {4, 1, 0.3}), "done");       // 0.075 of its start
        CellResult far = cell(Map.of("s", 1), Map.of(), Map.of("distance", new double[] {0.2, 0.1, 0.05}), "done");   // 0.25: far, though small
        assertVerdict(HOLDS, closes.evaluate(results(List.of(near))));
        assertVerdict(FAILS, closes.evaluate(results(List.of(near, far))));
        Reaches high = new Reaches("accuracy above 0.9", "acc", null, 0.9, null, null);
        assertVerdict(HOLDS, high.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("acc", new double[] {0.5, 0.95}), "done")))));
        assertVerdict(FAILS, high.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("acc", new double[] {0.5, 0.85}), "done")))));
    }

    /**
     * Trend: margins {-1, 0.5, 0.6, 0.7} rise once train_error (1, 0, 0, 0) is 0 (the fall before the fit does not count);
     * a drop of 0.7 -> 0.69 after it is 1/70 of its value and fails; a cell that never fits leaves the claim undecided;
     * a rounding-sized drop is forgiven; decreasing reads the other way.
     */
    @Test
    void trend() {
        Trend rises = new Trend("smoothed margin rises", "margin", "increasing", "train_error<=0", null, null);
        Map<String, double[]> fitted = Map.of("train_error", new double[] {1, 0, 0, 0});
        CellResult good = cell(Map.of("s", 0), Map.of(), Map.of("train_error", fitted.get("train_error"), "margin", new double[] {-1, 0.5, 0.6, 0.7}), "done");
        CellResult dips = cell(Map.of("s", 1), Map.of(), Map.of("train_error", fitted.get("train_error"), "margin", new double[] {-1, 0.5, 0.7, 0.69}), "done");
        CellResult early = cell(Map.of("s", 2), Map.of(), Map.of("train_error", fitted.get("train_error"), "margin", new double[] {1, 0.5, 0.6, 0.7}), "done");
        CellResult unfit = cell(Map.of("s", 3), Map.of(), Map.of("train_error", new double[] {1, 0.5, 0.2, 0.1}, "margin", new double[] {-1, -0.5, -0.2, -0.1}), "done");
        CellResult rounding = cell(Map.of("s", 4), Map.of(), Map.of("train_error", fitted.get("train_error"), "margin", new double[] {0, 0.5, 0.5, 0.5 - 1e-12}), "done");
        assertVerdict(HOLDS, rises.evaluate(results(List.of(good, early, rounding))));
        Verdict v = rises.evaluate(results(List.of(good, dips)));
        assertVerdict(FAILS, v);
        assertEquals(0.01 / 0.7, v.estimate(), 1e-12);
        assertVerdict(INCONCLUSIVE, rises.evaluate(results(List.of(good, unfit))));
        assertVerdict(FAILS, rises.evaluate(results(List.of(good, cell(Map.of("s", 5), Map.of(), Map.of("margin", new double[] {0, 1}), "diverged")))));
        Trend falls = new Trend("distance falls", "margin", "decreasing", null, null, null);
        assertVerdict(FAILS, falls.evaluate(results(List.of(good))));
        assertVerdict(HOLDS, falls.evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("margin", new double[] {3, 2, 2, 1}), "done")))));
        assertThrows(IllegalArgumentException.class, () -> new Trend("x", "m", "sideways", null, null, null).evaluate(results(List.of(good))));
    }

    /**
     * Relation: x = 1, 2, 3, 4 and y = 1 + 2 x + e with e = (a, -a, -a, a), orthogonal to 1 and to x, so the OLS slope is 2
     * exactly, the residual sum of squares 4 a^2 on 2 degrees of freedom and S_xx = 5: standard error a sqrt(0.4), interval
     * 2 +- t(0.975; 2) a sqrt(0.4) = 2 +- 2.72131 a. a = 0.1: [1.728, 2.272] above 0, HOLDS; y = 1 - 2 x + e: FAILS; a = 1:
     * [-0.72, 4.72] straddles 0, INCONCLUSIVE. from_step drops a first record that would break the line; a cell with two
     * points is undecided. On log-log axes y = 3 x^2 gives slope 2 exactly.
     */
    @Test
    void relation() {
        double t = 4.302652729696142;                                     // t(0.975; 2)
        java.util.function.BiFunction<Double, Double, double[]> line = (slope, a) -> new double[] {
            1 + slope * 1 + a, 1 + slope * 2 - a, 1 + slope * 3 - a, 1 + slope * 4 + a};
        double[] grad = {1, 2, 3, 4};
        Relation grows = new Relation("smoothness grows with the gradient norm", "smooth", "grad", null, null, null, null, null);
        CellResult tight = cell(Map.of("s", 0), Map.of(), Map.of("grad", grad, "smooth", line.apply(2.0, 0.1)), "done");
        Verdict v = grows.evaluate(results(List.of(tight)));
        assertVerdict(HOLDS, v);
        assertEquals(2, v.estimate(), 1e-12);
        assertEquals(2 - t * 0.1 * Math.sqrt(0.4), v.ciLow(), 1e-9);
        assertEquals(2 + t * 0.1 * Math.sqrt(0.4), v.ciHigh(), 1e-9);
        CellResult falling = cell(Map.of("s", 1), Map.of(), Map.of("grad", grad, "smooth", line.apply(-2.0, 0.1)), "done");
        assertVerdict(FAILS, grows.evaluate(results(List.of(tight, falling))));
        CellResult noisy = cell(Map.of("s", 2), Map.of(), Map.of("grad", grad, "smooth", line.apply(2.0, 1.0)), "done");
        Verdict undecided = grows.evaluate(results(List.of(tight, noisy)));
        assertVerdict(INCONCLUSIVE, undecided);
        assertEquals(2 - t * Math.sqrt(0.4), undecided.ciLow(), 1e-9, "the cell nearest to failing is shown");
        CellResult kinked = cell(Map.of("s", 3), Map.of(), Map.of("grad", new double[] {9, 1, 2, 3, 4}, "smooth", new double[] {-50, 3.1, 4.9, 6.9, 9.1}), "done");
        assertVerdict(FAILS, grows.evaluate(results(List.of(kinked))));
        assertVerdict(HOLDS, new Relation("from 10", "smooth", "grad", null, null, null, 10, null).evaluate(results(List.of(kinked))));
        CellResult two = cell(Map.of("s", 4), Map.of(), Map.of("grad", new double[] {1, 2}, "smooth", new double[] {1, 2}), "done");
        assertVerdict(INCONCLUSIVE, grows.evaluate(results(List.of(tight, two))));
        assertVerdict(FAILS, new Relation("at most 1", "smooth", "grad", "linear", null, 1.0, null, null).evaluate(results(List.of(tight))));
        double[] power = {3, 12, 27, 48};                                    // 3 x^2
        Verdict log = new Relation("power 2", "smooth", "grad", "loglog", 1.9, 2.1, null, null)
                .evaluate(results(List.of(cell(Map.of(), Map.of(), Map.of("grad", grad, "smooth", power), "done"))));
        assertVerdict(HOLDS, log);
        assertEquals(2, log.estimate(), 1e-12);
    }

    /**
     * CompareBest: steps to a target, clipped at eta 1 (100, 110, 120) and 3 (50, 60, 70), fixed at eta 0.3 (200, 210, 220),
     * 1 (150, 160, 170) and 3 (never: NaN). Best settings: clipped eta 3 (mean 60), fixed eta 1 (160): difference -100, Welch
     * standard error sqrt(100 / 3 + 100 / 3) = 8.165 on 4 degrees of freedom, [-122.7, -77.3]: HOLDS for lower, FAILS for
     * higher. A setting where one seed never got there is not the best while another always did; a fixed method that
     * never got there anywhere loses exactly; clipped at (50, 60, 250) alone against 160 straddles 0: INCONCLUSIVE.
     */
    @Test
    void compareBest() {
        java.util.function.BiFunction<String, Double, java.util.function.DoubleFunction<CellResult>> at = (method, eta) ->
                steps -> cell(Map.of("method", method, "eta", eta), Map.of("steps", steps), Map.of(), "done");
        List<CellResult> cells = new java.util.ArrayList<>();
        for (double v : new double[] {100, 110, 120}) cells.add(at.apply("clip", 1.0).apply(v));
        for (double v : new double[] {50, 60, 70}) cells.add(at.apply("clip", 3.0).apply(v));
        for (double v : new double[] {200, 210, 220}) cells.add(at.apply("fixed", 0.3).apply(v));
        for (double v : new double[] {150, 160, 170}) cells.add(at.apply("fixed", 1.0).apply(v));
        for (int i = 0; i < 3; i++) cells.add(at.apply("fixed", 3.0).apply(Double.NaN));
        CompareBest sooner = new CompareBest("clipped sooner", "steps", "method", "clip", "fixed", "eta", "lower", null);
        Verdict v = sooner.evaluate(results(cells));
        assertVerdict(HOLDS, v);
        assertEquals(-100, v.estimate(), 1e-12);
        double half = 2.7764451051977987 * Math.sqrt(200.0 / 3);             // t(0.975; 4) x standard error
        assertEquals(-100 - half, v.ciLow(), 1e-6);
        assertTrue(v.measured().contains("method=clip best at eta=3.0") && v.measured().contains("method=fixed best at eta=1.0"), v.measured());
        assertVerdict(FAILS, new CompareBest("x", "steps", "method", "clip", "fixed", "eta", "higher", null).evaluate(results(cells)));

        List<CellResult> missing = new java.util.ArrayList<>();
        for (double v2 : new double[] {50, 60, Double.NaN}) missing.add(at.apply("clip", 3.0).apply(v2));
        for (double v2 : new double[] {100, 110, 120}) missing.add(at.apply("clip", 1.0).apply(v2));
        for (int i = 0; i < 3; i++) missing.add(at.apply("fixed", 1.0).apply(Double.NaN));
        Verdict exact = sooner.evaluate(results(missing));
        assertVerdict(HOLDS, exact);
        assertEquals(110, exact.estimate(), 1e-12, "clipped's best is eta 1, where every seed got there");

        List<CellResult> wide = new java.util.ArrayList<>();
        for (double v2 : new double[] {50, 60, 250}) wide.add(at.apply("clip", 3.0).apply(v2));
        for (double v2 : new double[] {150, 160, 170}) wide.add(at.apply("fixed", 1.0).apply(v2));
        assertVerdict(INCONCLUSIVE, sooner.evaluate(results(wide)));
        List<CellResult> clipMissed = new java.util.ArrayList<>();
        for (double v2 : new double[] {50, Double.NaN, 70}) clipMissed.add(at.apply("clip", 3.0).apply(v2));
        for (double v2 : new double[] {150, 160, 170}) clipMissed.add(at.apply("fixed", 1.0).apply(v2));
        assertVerdict(INCONCLUSIVE, sooner.evaluate(results(clipMissed)));
        List<CellResult> clipNever = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) clipNever.add(at.apply("clip", 3.0).apply(Double.NaN));
        clipNever.addAll(wide.subList(3, 6));
        assertVerdict(FAILS, sooner.evaluate(results(clipNever)));
    }

    /**
     * Fraction: 10 of 10 cells converged has the Clopper-Pearson interval [0.692, 1] (0.025^(1/10) = 0.6915), inside
     * [0.5, 1]: HOLDS; 0 of 10 is [0, 0.308]: FAILS against [0.5, 1]; 3 of 5 is [0.147, 0.947], which straddles 0.5:
     * INCONCLUSIVE. A diverged cell does not count as converged.
     */
    @Test
    void fraction() {
        Fraction converged = new Fraction("most converge", "final_loss", 1e-10, null, null, 0.5, 1.0);
        java.util.function.IntFunction<CellResult> good = i -> cell(Map.of("seed", i), Map.of("final_loss", 1e-12), Map.of(), "done");
        java.util.function.IntFunction<CellResult> stuck = i -> cell(Map.of("seed", i), Map.of("final_loss", 2.7), Map.of(), "done");
        List<CellResult> all = new java.util.ArrayList<>(), none = new java.util.ArrayList<>(), some = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) { all.add(good.apply(i)); none.add(stuck.apply(i)); }
        for (int i = 0; i < 5; i++) some.add(i < 3 ? good.apply(i) : stuck.apply(i));
        Verdict v = converged.evaluate(results(all));
        assertVerdict(HOLDS, v);
        assertEquals(Math.pow(0.025, 0.1), v.ciLow(), 1e-9);
        assertVerdict(FAILS, converged.evaluate(results(none)));
        assertVerdict(INCONCLUSIVE, converged.evaluate(results(some)));
        List<CellResult> withDiverged = new java.util.ArrayList<>(all.subList(0, 9));
        withDiverged.add(cell(Map.of("seed", 9), Map.of("final_loss", 1e-12), Map.of(), "diverged"));
        assertEquals(0.9, converged.evaluate(results(withDiverged)).estimate(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new Fraction("x", "y", null, null, null, 0, 1).evaluate(results(all)));
        List<CellResult> onTheTarget = new java.util.ArrayList<>();                      // at_most is inclusive
        for (int i = 0; i < 10; i++) onTheTarget.add(cell(Map.of("seed", i), Map.of("final_loss", 1e-10), Map.of(), "done"));
        assertVerdict(HOLDS, converged.evaluate(results(onTheTarget)));
    }

    @Test
    void seedsToDecideAtTheNormalQuantile() {
        // estimate 0.1, se 0.1 from 3 seeds, normal quantile: 1.95996 * 0.1 * sqrt(3 / s) < 0.1 needs s > 11.524: 12
        Evidence e = Evidence.tInterval(0.1, 0.1, Double.POSITIVE_INFINITY, 3, 3, Evidence.ALPHA);
        assertEquals(12, e.seedsToDecide(Prediction.above(0)));
        assertNull(Evidence.tInterval(0, 0.1, Double.POSITIVE_INFINITY, 3, 3, Evidence.ALPHA).seedsToDecide(Prediction.above(0)),
                "on the boundary no number of seeds decides");
    }

    @Test
    void predictionEnds() {
        assertTrue(Prediction.between(-0.65, -0.35).containsAll(-0.65, -0.35), "closed ends");
        assertTrue(Prediction.below(0).excludesAll(0, 0), "an open end excludes itself: a tie is not below");
        assertFalse(Prediction.below(0).containsAll(-1, 0));
        assertTrue(Prediction.atMost(1).containsAll(0.5, 1));
        assertTrue(Prediction.above(0.2).excludesAll(-1, 0.2));
        assertEquals(0.15, Prediction.between(-0.65, -0.35).margin(-0.5), 1e-12);
    }

    /**
     * Mean: four seeds whose y at step 10 is 0.02, -0.02, 0.06, -0.06 (and 5 at step 0, which step: 10 must ignore): mean 0,
     * s^2 = (2 0.02^2 + 2 0.06^2) / 3 = 0.008 / 3, standard error s / 2 = 0.0258199, t(0.975; 3) = 3.182446, so the interval
     * is [-0.0821701, 0.0821701]: inside [-0.1, 0.1] (HOLDS), straddling 0.05 (INCONCLUSIVE, more seeds would decide), and the
     * same values shifted by 0.2 lie wholly above 0.1 (FAILS). A diverged cell has no value; without step the last value counts.
     */
    @Test
    void meanDecidesOnTheTIntervalOverSeeds() {
        List<CellResult> cells = new ArrayList<>(), shifted = new ArrayList<>();
        double[] v = {0.02, -0.02, 0.06, -0.06};
        for (int seed = 0; seed < 4; seed++) {
            cells.add(cell(Map.of("seed", seed), Map.of(), Map.of("err", new double[] {5, v[seed]}), "done"));
            shifted.add(cell(Map.of("seed", seed), Map.of(), Map.of("err", new double[] {5, v[seed] + 0.2}), "done"));
        }
        cells.add(cell(Map.of("seed", 4), Map.of(), Map.of("err", new double[] {5, 9}), "diverged"));
        Verdict holds = new Mean("closed form", "err", 10, -0.1, 0.1, null).evaluate(results(cells));
        assertVerdict(HOLDS, holds);
        assertEquals(0, holds.estimate(), 1e-15);
        assertEquals(-0.0821701, holds.ciLow(), 1e-6);
        assertEquals(0.0821701, holds.ciHigh(), 1e-6);
        assertEquals(4, holds.cellsUsed());
        Verdict narrow = new Mean("within 5%", "err", 10, -0.05, 0.05, null).evaluate(results(cells));
        assertVerdict(INCONCLUSIVE, narrow);
        assertTrue(narrow.seedsNeeded() != null && narrow.seedsNeeded() > 4, narrow.toString());
        assertVerdict(FAILS, new Mean("shifted", "err", 10, -0.1, 0.1, null).evaluate(results(shifted)));
        assertVerdict(HOLDS, new Mean("one-sided", "err", 10, null, 0.1, null).evaluate(results(cells)));
        assertVerdict(HOLDS, new Mean("last value", "err", null, -0.1, 0.1, null).evaluate(results(cells)));
        assertVerdict(FAILS, new Mean("step 0", "err", 0, -0.1, 0.1, null).evaluate(results(cells)));
        assertVerdict(INCONCLUSIVE, new Mean("no such step", "err", 30, -0.1, 0.1, null).evaluate(results(cells)));
        assertVerdict(INCONCLUSIVE, new Mean("one cell", "err", 10, -0.1, 0.1, null).evaluate(results(cells.subList(0, 1))));
    }

    /**
     * Seeds of a log-normal y with log y ~ N(0, 5 beta) in each (depth, width) group: E[y^2] / E[y]^2 = exp(5 beta) exactly, so
     * the slope of log r against depth/width is 5; with 1000 seeds a group the bootstrap interval must hold [4, 6] and fail
     * [0, 3]; with 3 seeds a group it must not decide (the bootstrap of 3 draws is too narrow: it excluded 5). E[y^2]/E[y]^2 of {1, 3} is 2 * 10 / 16 = 1.25 by hand.
     */
    @Test
    void momentRatioFitsTheLogOfTheSecondMomentOverTheSquaredMean() {
        assertEquals(1.25, MomentRatio.ratio(List.of(1.0, 3.0)), 1e-15);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        List<CellResult> many = new ArrayList<>(), few = new ArrayList<>();
        // beta <= 1/16 (r <= 1.37): at larger beta the log-normal's sample moments are heavy-tailed enough to bias r low (at
        // beta = 1/8, 1000 seeds gave r = 1.65 for 1.87 and a slope interval [3.7, 4.5] that missed 5; at 5 beta = 1.25 the
        // relative variance of the mean of y^2 is e^5 - 1 = 147 a sample): the entry keeps its beta in this range
        for (int depth : new int[] {1, 2, 4}) for (int width : new int[] {64, 128, 256}) {
            double beta = (double) depth / width;
            for (int seed = 0; seed < 1000; seed++) {
                double y = Math.exp(Math.sqrt(5 * beta) * random.nextGaussian() - 2.5 * beta);
                CellResult c = cell(Map.of("depth", depth, "width", width, "seed", seed, "data_seed", seed), Map.of("k", y), Map.of(), "done");
                many.add(c);
                if (seed < 3) few.add(c);
            }
        }
        MomentRatio fits = new MomentRatio("grows like exp(5 beta)", "k", "depth/width", null, 4, 6);
        Verdict v = fits.evaluate(results(many));
        assertVerdict(HOLDS, v);
        assertEquals(5, v.estimate(), 1.0);
        assertTrue(v.ciLow() < v.estimate() && v.estimate() < v.ciHigh(), "a bootstrap interval around the slope: " + v.ciLow() + ", " + v.ciHigh());
        assertVerdict(FAILS, new MomentRatio("at most exp(3 beta)", "k", "depth/width", null, 0, 3).evaluate(results(many)));
        // 40 seeds a group: the slope's interval is several units wide, so a claim of [4.5, 5.5] is undecided (a bootstrap
        // that did not resample would collapse the interval to the point and decide it either way)
        List<CellResult> forty = many.stream().filter(c -> c.number("seed") < 40).toList();
        Verdict wide = new MomentRatio("within 0.5 of 5", "k", "depth/width", null, 4.5, 5.5).evaluate(results(forty));
        assertVerdict(INCONCLUSIVE, wide);
        assertTrue(wide.ciHigh() - wide.ciLow() > 1, wide.toString());
        assertVerdict(INCONCLUSIVE, fits.evaluate(results(few)));
        assertVerdict(INCONCLUSIVE, new MomentRatio("one group", "k", "depth/width", Map.of("depth", "1", "width", "64"), 4, 6).evaluate(results(many)));
    }

    /** Cells of one value each: y = v[i], seed i, and the given field = value. */
    static List<CellResult> valued(String field, String value, double... v) {
        List<CellResult> cells = new ArrayList<>();
        for (int i = 0; i < v.length; i++) cells.add(cell(Map.of("seed", i, field, value), Map.of("risk", v[i]), Map.of(), "done"));
        return cells;
    }

    /**
     * Median, one group: 1, 2, ..., 10 (N = 10, median 5.5). B ~ Binomial(10, 1/2): P(B <= 1) = 11/1024, P(B <= 2) = 56/1024, so
     * l = 2 covers 1 - 22/1024 = 0.978516 >= 0.95 and l = 3 only 0.890625: the interval is [X_(2), X_(9)] = [2, 9]. It lies in
     * [1, 10] (HOLDS), wholly below [10, 20] (FAILS) and straddles 5 of [5, 20] (INCONCLUSIVE). Replacing 10 by 1e12 leaves
     * median and interval unchanged (the mean would be 1e11). Five values: l = 1 covers 1 - 2/32 = 0.9375 < 0.95, no interval.
     */
    @Test
    void medianDecidesOnTheOrderStatisticInterval() {
        assertEquals(11 / 1024.0, Median.binomialCdf(1, 10), 1e-15);
        assertEquals(56 / 1024.0, Median.binomialCdf(2, 10), 1e-15);
        List<CellResult> cells = valued("width", "8", 3, 1, 4, 10, 5, 9, 2, 6, 8, 7);
        Verdict holds = new Median("median", "risk", 1.0, 10.0, null).evaluate(results(cells));
        assertVerdict(HOLDS, holds);
        assertEquals(5.5, holds.estimate(), 0);
        assertEquals(2, holds.ciLow(), 0);
        assertEquals(9, holds.ciHigh(), 0);
        assertTrue(holds.measured().contains("coverage 0.9785"), holds.measured());
        assertVerdict(FAILS, new Median("above", "risk", 10.0, 20.0, null).evaluate(results(cells)));
        Verdict straddles = new Median("straddles", "risk", 5.0, 20.0, null).evaluate(results(cells));
        assertVerdict(INCONCLUSIVE, straddles);
        assertTrue(straddles.seedsNeeded() != null && straddles.seedsNeeded() > 10, straddles.toString());
        Verdict robust = new Median("outlier", "risk", 1.0, 10.0, null).evaluate(results(valued("width", "8", 3, 1, 4, 1e12, 5, 9, 2, 6, 8, 7)));
        assertVerdict(HOLDS, robust);
        assertEquals(9, robust.ciHigh(), 0);
        Verdict five = new Median("five", "risk", -100.0, 100.0, null).evaluate(results(valued("width", "8", 1, 2, 3, 4, 5)));
        assertVerdict(INCONCLUSIVE, five);
        assertEquals(Double.POSITIVE_INFINITY, five.ciHigh());
    }

    /**
     * Median, two groups at 97.5% each: 11..20 against 1..10. l = 2 covers 0.978516 >= 0.975, so [12, 19] (median 15.5) and
     * [2, 9] (median 5.5): difference 10 in [12 - 9, 19 - 2] = [3, 17]. Higher: HOLDS; lower: FAILS; higher by more than 5:
     * INCONCLUSIVE (3 < 5 < 17). Seven values: l = 1 covers 1 - 2/128 = 0.984375 >= 0.975, l = 2 only 0.875: [X_(1), X_(7)].
     */
    @Test
    void medianComparesTwoGroupsWithBonferroniIntervals() {
        List<CellResult> cells = new ArrayList<>(valued("width", "40", 11, 12, 13, 14, 15, 16, 17, 18, 19, 20));
        cells.addAll(valued("width", "10", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        Verdict higher = new Median("peak", "risk", "width", "40", "10", "higher", null, null).evaluate(results(cells));
        assertVerdict(HOLDS, higher);
        assertEquals(10, higher.estimate(), 0);
        assertEquals(3, higher.ciLow(), 0);
        assertEquals(17, higher.ciHigh(), 0);
        assertVerdict(FAILS, new Median("lower", "risk", "width", "40", "10", "lower", null, null).evaluate(results(cells)));
        assertVerdict(INCONCLUSIVE, new Median("by 5", "risk", "width", "40", "10", "higher", 5.0, null).evaluate(results(cells)));
        Median.Interval seven = Median.interval(new double[] {7, 1, 6, 2, 5, 3, 4}, 0.025);
        assertEquals(1, seven.l());
        assertEquals(1, seven.low(), 0);
        assertEquals(7, seven.high(), 0);
        assertEquals(0.984375, seven.coverage(), 1e-15);
        assertVerdict(INCONCLUSIVE, new Median("missing", "risk", "width", "40", "99", "higher", null, null).evaluate(results(cells)));
        // six values a group: l = 1 covers 1 - 2/64 = 0.96875, enough for 95% alone but not for 97.5%, so even groups far apart
        // (101..106 against 1..6) stay undecided, while each group alone has its interval [X_(1), X_(6)]
        List<CellResult> six = new ArrayList<>(valued("width", "40", 101, 102, 103, 104, 105, 106));
        six.addAll(valued("width", "10", 1, 2, 3, 4, 5, 6));
        assertVerdict(INCONCLUSIVE, new Median("six", "risk", "width", "40", "10", "higher", null, null).evaluate(results(six)));
        assertVerdict(HOLDS, new Median("six alone", "risk", 101.0, 106.0, Map.of("width", "40")).evaluate(results(six)));
    }
}
