package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.kernel.KernelPrediction;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Optimizer;

/**
 * The squared loss over k outputs on class labels with one-hot targets 0.9 / -0.1: a tiny case worked out by hand, the
 * gradient against central differences (in the outputs and in the weights), the exact relation to the one-output squared
 * loss on +-1 labels for two classes, its labels and properties, and gradient descent on it.
 */
class OneHotSquaredLossTest {
    private static final Loss LOSS = Loss.ONE_HOT_SQUARED;

    /** Two samples, three classes: every residual by hand. */
    @Test
    void valueAndGradientOfATinyCaseByHand() {
        try (Matrix u = Matrix.of(new double[][] {{1, 0, 0}, {0.5, -0.5, 2}}); Matrix y = Matrix.vectorOf(0, 2); Matrix g = Matrix.zeros(2, 3)) {
            // targets: row 0 (class 0) {0.9, -0.1, -0.1}, row 1 (class 2) {-0.1, -0.1, 0.9}
            // residuals: row 0 {0.1, 0.1, 0.1}; row 1 {0.6, -0.4, 1.1}
            // L = 1/2 (0.01 + 0.01 + 0.01 + 0.36 + 0.16 + 1.21) = 1/2 * 1.76 = 0.88
            assertEquals(0.88, LOSS.evaluate(u, y, g), 1e-15);
            double[][] expected = {{0.1, 0.1, 0.1}, {0.6, -0.4, 1.1}};
            for (int i = 0; i < 2; i++) for (int c = 0; c < 3; c++) assertEquals(expected[i][c], g.get(i, c), 1e-15, "dL/du[" + i + "][" + c + "]");
        }
        try (Matrix u = Matrix.zeros(1, 10); Matrix y = Matrix.vectorOf(7); Matrix g = Matrix.zeros(1, 10)) {
            // at u = 0 on 10 classes: L = 1/2 (0.81 + 9 * 0.01) = 0.45, the loss every one-hot run starts near
            assertEquals(0.45, LOSS.evaluate(u, y, g), 1e-15);
            assertEquals(-0.9, g.get(0, 7), 0.0);
            assertEquals(0.1, g.get(0, 3), 0.0);
        }
    }

    /**
     * The mean form, one-hot-mse: the tiny case above is L = 1.76 / (2 x 3) = 0.29333 and dL/du = 2 r / 6 (the same residuals);
     * on random outputs it is the sum form times 2 / (n k), value and gradient, to rounding. A mean: its minibatch gradient is
     * not scaled by n / b, and it takes class labels over k outputs like the sum.
     */
    @Test
    void theMeanFormIsTheSumTimesTwoOverNk() {
        Loss mean = Loss.ONE_HOT_MSE;
        try (Matrix u = Matrix.of(new double[][] {{1, 0, 0}, {0.5, -0.5, 2}}); Matrix y = Matrix.vectorOf(0, 2); Matrix g = Matrix.zeros(2, 3)) {
            assertEquals(1.76 / 6, mean.evaluate(u, y, g), 1e-15);
            double[][] residuals = {{0.1, 0.1, 0.1}, {0.6, -0.4, 1.1}};
            for (int i = 0; i < 2; i++) for (int c = 0; c < 3; c++) assertEquals(2 * residuals[i][c] / 6, g.get(i, c), 1e-15, "dL/du[" + i + "][" + c + "]");
        }
        int n = 9, k = 5;
        SplittableRandom rng = new SplittableRandom(3);
        try (Matrix u = Matrix.zeros(n, k); Matrix y = Matrix.vector(n); Matrix gMean = Matrix.zeros(n, k); Matrix gSum = Matrix.zeros(n, k)) {
            for (int i = 0; i < n; i++) {
                y.set(i, rng.nextInt(k));
                for (int c = 0; c < k; c++) u.set(i, c, rng.nextGaussian());
            }
            double scale = 2.0 / (n * k);
            assertEquals(scale * LOSS.evaluate(u, y, gSum), mean.evaluate(u, y, gMean), 1e-15);
            for (int i = 0; i < n * k; i++) assertEquals(scale * gSum.get(i), gMean.get(i), 1e-16);
        }
        assertTrue(mean.isMean() && mean.takesClasses() && !LOSS.isMean());
        assertEquals(7, mean.outputs(7));
        assertSame(mean, Loss.parse("one-hot-mse"));
        assertThrows(BadInputException.class, () -> mean.checkLabels(Matrix.vectorOf(0.5, 1), "y.npy"));
    }

    /** h = 1e-5: L is quadratic, so the central difference has no truncation error; rounding eps |L| / h ~ 1e-10. */
    @Test
    void gradientAgreesWithCentralDifferencesOfTheValue() {
        int n = 6, k = 4;
        for (long seed = 0; seed < 3; seed++) {
            SplittableRandom rng = new SplittableRandom(40 + seed);
            try (Matrix u = Matrix.zeros(n, k); Matrix y = Matrix.vector(n); Matrix g = Matrix.zeros(n, k); Matrix scratch = Matrix.zeros(n, k)) {
                for (int i = 0; i < n; i++) {
                    y.set(i, rng.nextInt(k));
                    for (int c = 0; c < k; c++) u.set(i, c, 2 * rng.nextGaussian());
                }
                LOSS.evaluate(u, y, g);
                double h = 1e-5;
                for (int i = 0; i < n; i++) for (int c = 0; c < k; c++) {
                    double v = u.get(i, c);
                    u.set(i, c, v + h);
                    double plus = LOSS.evaluate(u, y, scratch);
                    u.set(i, c, v - h);
                    double minus = LOSS.evaluate(u, y, scratch);
                    u.set(i, c, v);
                    double numeric = (plus - minus) / (2 * h);
                    assertEquals(numeric, g.get(i, c), 1e-7 * Math.max(1, Math.abs(numeric)), "seed " + seed + " dL/du[" + i + "][" + c + "]");
                }
            }
        }
    }

    /** The training step's weight gradient on a 3-output fc network against central differences of the loss in each weight. */
    @Test
    void weightGradientOfAThreeOutputNetworkAgreesWithCentralDifferences() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "softplus", 4, 16, 2, 3);
        try (Dataset data = new Dataset(Synthetic.sphere(6, 4, 3), Matrix.vectorOf(0, 1, 2, 2, 1, 0), "three classes");
             Network net = Network.initialize(spec, 17)) {
            Matrix[] grad = Fixtures.gradient(net, data, LOSS);
            double h = 1e-5;                                        // softplus is smooth: truncation h^2 |L'''| / 6 ~ 1e-10
            for (int p = 1; p <= spec.parameterCount(); p++) {
                Matrix w = net.parameter(p);
                for (int e = 0; e < w.size(); e += 7) {
                    double v = w.get(e);
                    w.set(e, v + h);
                    double plus = Fixtures.loss(net, data, LOSS);
                    w.set(e, v - h);
                    double minus = Fixtures.loss(net, data, LOSS);
                    w.set(e, v);
                    double numeric = (plus - minus) / (2 * h);
                    assertEquals(numeric, grad[p - 1].get(e), 1e-7 * Math.max(1, Math.abs(numeric)), "parameter " + p + " entry " + e);
                }
            }
            for (Matrix m : grad) m.close();
        }
    }

    /**
     * Two classes, class 0 read as -1 and class 1 as +1 (the image sets' rule for one output): with v = u_1 - u_0 and
     * s = u_0 + u_1, and the targets' difference t_1 - t_0 = y (+-1) and sum t_0 + t_1 = 0.8 for every sample,
     * (u_0 - t_0)^2 + (u_1 - t_1)^2 = ((v - y)^2 + (s - 0.8)^2) / 2, so
     * L_onehot(u; c) = L_squared(v; y) / 2 + L_squared(s; 0.8) / 2 exactly, the gradients' difference
     * dL/du_1 - dL/du_0 = v - y is squared's gradient at v, and the argmax of (u_0, u_1) is the sign of v.
     * Equal in exact arithmetic; in doubles to a few roundings of the terms, hence the 1e-14 relative tolerance.
     */
    @Test
    void twoClassesAreTheSquaredLossOnPlusMinusOneOfTheOutputsDifference() {
        int n = 9;
        SplittableRandom rng = new SplittableRandom(5);
        try (Matrix u = Matrix.zeros(n, 2); Matrix classes = Matrix.vector(n); Matrix g = Matrix.zeros(n, 2);
             Matrix v = Matrix.vector(n); Matrix s = Matrix.vector(n); Matrix signs = Matrix.vector(n); Matrix sum = Matrix.vector(n);
             Matrix gv = Matrix.vector(n); Matrix gs = Matrix.vector(n)) {
            for (int i = 0; i < n; i++) {
                int c = rng.nextInt(2);
                classes.set(i, c);
                signs.set(i, 2 * c - 1);
                sum.set(i, Loss.TARGET_CLASS + Loss.TARGET_OTHER);
                u.set(i, 0, rng.nextGaussian());
                u.set(i, 1, rng.nextGaussian());
                v.set(i, u.get(i, 1) - u.get(i, 0));
                s.set(i, u.get(i, 0) + u.get(i, 1));
            }
            double oneHot = LOSS.evaluate(u, classes, g);
            double squared = Loss.SQUARED.evaluate(v, signs, gv), offset = Loss.SQUARED.evaluate(s, sum, gs);
            assertEquals(squared / 2 + offset / 2, oneHot, 1e-14 * oneHot);
            for (int i = 0; i < n; i++) assertEquals(gv.get(i), g.get(i, 1) - g.get(i, 0), 1e-14 * Math.max(1, Math.abs(gv.get(i))), "row " + i);
            assertEquals(Loss.accuracy(v, signs), Loss.accuracy(u, classes), 0.0, "argmax of two outputs = sign of their difference");
        }
    }

    /**
     * The same relation for the infinite network: the kernel predictions are linear in the targets, so the difference of
     * the one-hot prediction's two columns is the prediction on +-1 labels, at every step k of gradient descent on the
     * one-hot squared loss (u <- u - eta Theta (u - t) column by column) and at convergence.
     */
    @Test
    void twoClassKernelPredictionsDifferAsTheOneOutputPrediction() {
        int n = 8, nTest = 5, d = 3;
        NetworkSpec spec = new NetworkSpec(Arch.FC, d, 1, 1, Activation.parse("relu", 0.1), 0.5, Patches.NONE, 1);
        try (Matrix x = Synthetic.sphere(n, d, 61); Matrix xt = Synthetic.sphere(nTest, d, 62); Matrix classes = Matrix.vector(n);
             Matrix signs = Matrix.vector(n); CrossKernels k = CrossKernels.of(spec, xt, x, TrainedLayers.all(spec))) {
            for (int i = 0; i < n; i++) { classes.set(i, i % 2); signs.set(i, 2 * (i % 2) - 1); }
            double eta = 0.5 / overparam.core.linalg.Spectrum.of(k.ntk()).max();
            try (Matrix t = Loss.oneHot(classes, 2);
                 KernelPrediction.Prediction two = KernelPrediction.atStep(k.ntk(), k.ntkCross(), t, eta, 40, null, null);
                 KernelPrediction.Prediction one = KernelPrediction.atStep(k.ntk(), k.ntkCross(), signs, eta, 40, null, null)) {
                for (int i = 0; i < nTest; i++) {
                    double diff = two.values().get(i, 1) - two.values().get(i, 0);
                    assertEquals(one.values().get(i, 0), diff, 1e-12, "test point " + i);
                }
            }
        }
    }

    @Test
    void takesClassIndicesOverKOutputsAndParsesBack() {
        assertSame(LOSS, Loss.parse("one-hot-squared"));
        assertEquals("one-hot-squared", LOSS.cliName());
        assertEquals(10, LOSS.outputs(10));
        assertTrue(LOSS.takesClasses() && Loss.CROSS_ENTROPY.takesClasses());
        assertFalse(Loss.SQUARED.takesClasses() || Loss.LOGISTIC.takesClasses() || Loss.lp(4).takesClasses());
        assertFalse(LOSS.isMean(), "a sum, as squared");
        assertFalse(LOSS.takesSigns());
        try (Matrix good = Matrix.vectorOf(0, 3, 1, 2); Matrix real = Matrix.vectorOf(0, 1.5, 2); Matrix negative = Matrix.vectorOf(1, -1, 0)) {
            LOSS.checkLabels(good, "y.npy");
            assertTrue(LOSS.classifies(good));
            BadInputException e = assertThrows(BadInputException.class, () -> LOSS.checkLabels(real, "y.npy"));
            assertTrue(e.getMessage().contains("y.npy (label 1)") && e.getMessage().contains("class indices 0, 1, 2, ... for the one-hot squared loss"),
                    e.getMessage());
            BadInputException signs = assertThrows(BadInputException.class, () -> LOSS.checkLabels(negative, "y.npy"));
            assertTrue(signs.getMessage().contains("(label 1)"), signs.getMessage());
        }
    }

    /** evaluate runs in the training step: the quietest of five windows of 1000 calls allocates nothing. */
    @Test
    void evaluateAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Matrix u = Matrix.zeros(32, 10); Matrix y = Matrix.vector(32); Matrix g = Matrix.zeros(32, 10)) {
            for (int i = 0; i < 32; i++) y.set(i, i % 10);
            long quietest = Long.MAX_VALUE;
            double sink = 0;
            for (int window = 0; window < 5; window++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int k = 0; k < 1000; k++) sink += LOSS.evaluate(u, y, g);
                quietest = Math.min(quietest, threads.getCurrentThreadAllocatedBytes() - before);
            }
            assertTrue(Double.isFinite(sink));
            assertEquals(0, quietest, "bytes allocated over 1000 calls");
        }
    }

    /**
     * Full-batch gradient descent on a 3-output network (m = 512 >> n = 9) fits the one-hot targets: the loss falls at
     * every record to below 1e-4 of its start and every training sample is classified by its largest output.
     */
    @Test
    void gradientDescentFitsTheOneHotTargets() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 4, 512, 1, 3);
        try (Dataset data = new Dataset(Synthetic.sphere(9, 4, 8), Matrix.vectorOf(0, 1, 2, 0, 1, 2, 0, 1, 2), "three classes");
             Network net = Network.initialize(spec, 3)) {
            List<StepRecord> records = TrainerTest.train(net, data, new TrainSpec(LOSS, Optimizer.gradientDescent(0.2), 600, 100,
                    TrainedLayers.all(spec), 0), List.of());
            for (int r = 1; r < records.size(); r++)
                assertTrue(records.get(r).number("loss") < records.get(r - 1).number("loss"), "loss rose at step " + records.get(r).step());
            double first = records.get(0).number("loss"), last = records.get(records.size() - 1).number("loss");
            assertTrue(last < 1e-4 * first, "loss went from " + first + " to " + last);
            try (Matrix u = net.predict(data.x())) {
                assertEquals(1.0, Loss.accuracy(u, data.y()), 0.0);
            }
        }
    }
}
