package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Optimizer;

/**
 * The l_p loss (Arora, Cohen and Hazan 2018) and the exponential loss (Lyu and Li 2020) against values worked out by
 * hand and against central differences of their own values; lp:2 against squared bit for bit; the exponential loss
 * at extreme margins and its labels; every loss's name back through parse; and a short training run with each.
 */
class LossTest {
    private static Matrix signs(Matrix y) {
        for (int i = 0; i < y.rows(); i++) y.set(i, y.get(i) >= 0 ? 1 : -1);
        return y;
    }

    @Test
    void lpAndExponentialGiveTheValuesWorkedOutByHand() {
        try (Matrix u = Matrix.vectorOf(1, 0); Matrix y = Matrix.vectorOf(0, 2); Matrix g = Matrix.vector(2)) {
            // residuals r = u - y = {1, -2}: L = (1^4 + 2^4) / 4 = 17 / 4, dL/du = |r|^3 sign(r) = {1, -8}
            assertEquals(4.25, Loss.lp(4).evaluate(u, y, g), 1e-15);
            assertEquals(1.0, g.get(0), 1e-15);
            assertEquals(-8.0, g.get(1), 1e-15);
            // p = 3: L = (1 + 8) / 3 = 3, dL/du = r^2 sign(r) = {1, -4}
            assertEquals(3.0, Loss.lp(3).evaluate(u, y, g), 1e-15);
            assertEquals(1.0, g.get(0), 1e-15);
            assertEquals(-4.0, g.get(1), 1e-15);
        }
        try (Matrix u = Matrix.vectorOf(0, 1, 1); Matrix y = Matrix.vectorOf(1, 1, -1); Matrix g = Matrix.vector(3)) {
            // margins y u = {0, 1, -1}: L = 1 + e^-1 + e, dL/du = -y exp(-y u) = {-1, -e^-1, e}
            double e = Math.E;
            assertEquals(1 + 1 / e + e, Loss.EXPONENTIAL.evaluate(u, y, g), 1e-15);
            assertEquals(-1.0, g.get(0), 1e-15);
            assertEquals(-1 / e, g.get(1), 1e-15);
            assertEquals(e, g.get(2), 1e-15);
        }
    }

    @Test
    void gradientsAgreeWithCentralDifferencesOfTheValue() {
        int n = 8;
        List<Loss> losses = List.of(Loss.lp(2), Loss.lp(2.5), Loss.lp(3), Loss.lp(4), Loss.lp(7.5), Loss.EXPONENTIAL);
        for (Loss loss : losses) {
            for (long seed = 0; seed < 3; seed++) {
                try (Matrix u = Synthetic.gaussianLabels(n, seed + 100); Matrix y = Synthetic.gaussianLabels(n, seed);
                     Matrix g = Matrix.vector(n); Matrix scratch = Matrix.vector(n)) {
                    if (loss.takesSigns()) signs(y);
                    loss.evaluate(u, y, g);
                    // h = 1e-5: truncation h^2 / 6 |L'''| <= 1e-11 * (p-1)(p-2)|r|^(p-3), below 1e-7 |dL/du| for these
                    // |r| < 4 (and |r| > 1e-3, where p = 2.5's L''' ~ |r|^-1/2 stays small); rounding eps |L| / h ~ 1e-8
                    double h = 1e-5;
                    for (int i = 0; i < n; i++) {
                        double v = u.get(i);
                        u.set(i, v + h);
                        double plus = loss.evaluate(u, y, scratch);
                        u.set(i, v - h);
                        double minus = loss.evaluate(u, y, scratch);
                        u.set(i, v);
                        double numeric = (plus - minus) / (2 * h);
                        assertTrue(Math.abs(v - y.get(i)) > 1e-3, "seed " + seed + ": a residual too close to 0 for p = 2.5");
                        assertEquals(numeric, g.get(i), 1e-6 * Math.max(1, Math.abs(numeric)), loss + " seed " + seed + " dL/du[" + i + "]");
                    }
                }
            }
        }
    }

    /** lp:2's formula, (1/2) sum |r|^(2-1) sign(r) r with dL/du = pow(|r|, 1) sign(r), is squared's to the last bit. */
    @Test
    void lp2IsSquaredBitForBit() {
        int n = 64;
        for (long seed = 0; seed < 5; seed++) {
            for (double scale : new double[] {1, 1e-170, 1e-3, 1e150, 1e200}) {       // subnormal squares and overflow included
                try (Matrix u = Synthetic.gaussianLabels(n, seed + 7); Matrix y = Synthetic.gaussianLabels(n, seed);
                     Matrix gSquared = Matrix.vector(n); Matrix gLp = Matrix.vector(n)) {
                    for (int i = 0; i < n; i++) { u.set(i, u.get(i) * scale); y.set(i, y.get(i) * scale); }
                    double squared = Loss.SQUARED.evaluate(u, y, gSquared), lp = Loss.lp(2).evaluate(u, y, gLp);
                    assertEquals(Double.doubleToRawLongBits(squared), Double.doubleToRawLongBits(lp), "L at scale " + scale + ": " + squared + " vs " + lp);
                    for (int i = 0; i < n; i++)
                        assertEquals(Double.doubleToRawLongBits(gSquared.get(i)), Double.doubleToRawLongBits(gLp.get(i)), "dL/du[" + i + "] at scale " + scale);
                }
            }
        }
    }

    @Test
    void exponentialStaysFiniteAtLargeMarginsAndOverflowsOnlyWhereItMust() {
        try (Matrix u = Matrix.vectorOf(800, -800, 1e308, -1e308); Matrix y = Matrix.vectorOf(1, -1, 1, -1); Matrix g = Matrix.vector(4)) {
            assertEquals(0.0, Loss.EXPONENTIAL.evaluate(u, y, g), "margins of 800 and more: exp(-margin) underflows to 0");
            for (int i = 0; i < 4; i++) assertEquals(0.0, Math.abs(g.get(i)), "dL/du[" + i + "] is 0, not NaN");
        }
        try (Matrix u = Matrix.vectorOf(-700); Matrix y = Matrix.vectorOf(1); Matrix g = Matrix.vector(1)) {
            double l = Loss.EXPONENTIAL.evaluate(u, y, g);                        // e^700 ~ 1e304: large but finite
            assertTrue(Double.isFinite(l) && l > 1e300 && g.get(0) == -l, l + ", " + g.get(0));
        }
        try (Matrix u = Matrix.vectorOf(-800); Matrix y = Matrix.vectorOf(1); Matrix g = Matrix.vector(1)) {
            // e^800 exceeds the largest double: the loss is infinite, which the trainer reports as a diverged run
            assertEquals(Double.POSITIVE_INFINITY, Loss.EXPONENTIAL.evaluate(u, y, g));
            assertFalse(Double.isNaN(g.get(0)));
        }
    }

    @Test
    void exponentialTakesOnlySignLabelsAndLpTakesAny() {
        try (Matrix good = Matrix.vectorOf(1, -1, 1); Matrix bad = Matrix.vectorOf(1, 0.5, -1)) {
            Loss.EXPONENTIAL.checkLabels(good, "y.npy");
            BadInputException e = assertThrows(BadInputException.class, () -> Loss.EXPONENTIAL.checkLabels(bad, "y.npy"));
            assertTrue(e.getMessage().contains("y.npy (label 1)") && e.getMessage().contains("{-1, +1} for the exponential loss"), e.getMessage());
            BadInputException logistic = assertThrows(BadInputException.class, () -> Loss.LOGISTIC.checkLabels(bad, "y.npy"));
            assertEquals("y.npy (label 1): expected labels in {-1, +1} for the logistic loss, found 0.5. Map your classes to -1 and +1, "
                    + "or use --loss squared.", logistic.getMessage(), "logistic's message as before");
            Loss.lp(4).checkLabels(bad, "y.npy");
            assertTrue(Loss.EXPONENTIAL.takesSigns() && Loss.LOGISTIC.takesSigns() && !Loss.lp(4).takesSigns() && !Loss.SQUARED.takesSigns());
            assertTrue(Loss.EXPONENTIAL.classifies(bad), "exponential classifies, as logistic");
            assertFalse(Loss.lp(4).classifies(bad), "lp classifies only sign labels, as squared");
            assertTrue(Loss.lp(4).classifies(good));
            assertFalse(Loss.lp(4).isMean() || Loss.EXPONENTIAL.isMean(), "both are sums");
            assertEquals(1, Loss.lp(4).outputs(5));
            assertEquals(1, Loss.EXPONENTIAL.outputs(5));
        }
    }

    @Test
    void parseGivesEveryLossBackFromItsName() {
        List<Loss> all = new ArrayList<>(Loss.named());
        for (double p : new double[] {2, 2.5, 3, 4, 7.25, 100, 1e20}) all.add(Loss.lp(p));
        for (Loss loss : all) {
            assertEquals(loss, Loss.parse(loss.cliName()), loss.cliName());
            assertEquals(loss.cliName(), loss.toString());
        }
        for (Loss loss : Loss.named()) assertSame(loss, Loss.parse(loss.cliName()), "one object per fixed loss, so == works");
        assertEquals(List.of(Loss.SQUARED, Loss.MSE, Loss.CROSS_ENTROPY, Loss.LOGISTIC, Loss.EXPONENTIAL, Loss.ONE_HOT_SQUARED, Loss.ONE_HOT_MSE),
                Loss.named());
        assertEquals(List.of("squared", "mse", "cross-entropy", "logistic", "exponential", "one-hot-squared", "one-hot-mse", "lp:P"), Loss.NAMES);
        assertEquals("lp:4", Loss.lp(4).cliName(), "a whole exponent without .0");
        assertEquals("lp:4", Loss.parse(" LP:4.0 ").cliName());
        assertEquals("lp:2.5", Loss.parse("lp:2.50").cliName());
        assertEquals(Loss.lp(40), Loss.parse("lp:4e1"));
        for (String bad : new String[] {"hinge", "", "lp:1.5", "lp:1", "lp:abc", "lp:", "lp:NaN", "lp:inf", "lp:Infinity", "lp:-4", "lp:1e400", "lp:4d", "lp:0x10"})
            assertThrows(IllegalArgumentException.class, () -> Loss.parse(bad), bad);
        assertThrows(IllegalArgumentException.class, () -> Loss.lp(1.99));
        assertThrows(IllegalArgumentException.class, () -> Loss.lp(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Loss.lp(Double.POSITIVE_INFINITY));
    }

    /** evaluate runs in the training step: the quietest of five windows of 1000 calls allocates nothing. */
    @Test
    void evaluateAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Matrix u = Synthetic.gaussianLabels(32, 1); Matrix y = signs(Synthetic.gaussianLabels(32, 2)); Matrix g = Matrix.vector(32)) {
            for (Loss loss : List.of(Loss.lp(4), Loss.lp(2.5), Loss.EXPONENTIAL)) {
                long quietest = Long.MAX_VALUE;
                double sink = 0;
                for (int window = 0; window < 5; window++) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int k = 0; k < 1000; k++) sink += loss.evaluate(u, y, g);
                    quietest = Math.min(quietest, threads.getCurrentThreadAllocatedBytes() - before);
                }
                assertTrue(Double.isFinite(sink));
                assertEquals(0, quietest, loss + ": bytes allocated over 1000 calls");
            }
        }
    }

    /** Full-batch gradient descent on a one-hidden-layer fc network lowers each new loss at every record, well below its start. */
    @Test
    void gradientDescentLowersLp4AndExponential() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 4, 256, 1);
        for (Loss loss : List.of(Loss.lp(4), Loss.EXPONENTIAL)) {
            try (Dataset data = Fixtures.sphere(8, 4, 3); Network net = Network.initialize(spec, 5)) {
                if (loss.takesSigns()) signs(data.y());
                List<StepRecord> records = TrainerTest.train(net, data, new TrainSpec(loss, Optimizer.gradientDescent(0.01), 400, 100,
                        TrainedLayers.all(spec), 0), List.of());
                for (int k = 1; k < records.size(); k++)
                    assertTrue(records.get(k).number("loss") < records.get(k - 1).number("loss"), loss + ": loss rose at step " + records.get(k).step());
                double first = records.get(0).number("loss"), last = records.get(records.size() - 1).number("loss");
                assertTrue(last < 0.25 * first, loss + ": loss went from " + first + " to " + last);
            }
        }
    }
}
