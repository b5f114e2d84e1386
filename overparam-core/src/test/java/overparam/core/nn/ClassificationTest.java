package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Optimizer;

/**
 * The classification side of training: softmax cross-entropy against its own definition and finite differences,
 * SGD with momentum and weight decay against PyTorch's update rule written out here, the schedules, the blocked
 * evaluation against one whole pass, seed 002's zero-initialization contrast, and a step that allocates nothing.
 */
class ClassificationTest {
    static final int CLASSES = 3;

    static Dataset classes(int n, int d, long seed) {
        Matrix x = Synthetic.sphere(n, d, seed), y = Matrix.vector(n);
        for (int i = 0; i < n; i++) y.set(i, (i * 7 + seed) % CLASSES);
        return new Dataset(x, y, "classes");
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxAndItsGradientMatchesCentralDifferences() {
        double[][] logits = {{1.0, -2.0, 0.5}, {300.0, 299.0, -300.0}, {0, 0, 0}};
        int[] labels = {2, 1, 0};
        Matrix u = Matrix.of(logits), y = Matrix.vector(3), g = Matrix.zeros(3, 3);
        for (int i = 0; i < 3; i++) y.set(i, labels[i]);
        double loss = Loss.CROSS_ENTROPY.evaluate(u, y, g);
        double expected = 0;
        for (int i = 0; i < 3; i++) {                        // log-sum-exp by its definition, shifted by the row max
            double max = Math.max(logits[i][0], Math.max(logits[i][1], logits[i][2])), z = 0;
            for (double v : logits[i]) z += Math.exp(v - max);
            expected += Math.log(z) + max - logits[i][labels[i]];
        }
        assertEquals(expected / 3, loss, 1e-14);
        assertTrue(Double.isFinite(loss), "logits of 300 do not overflow");
        double h = 1e-6;                                     // truncation h^2 |L'''| ~ 1e-12, rounding eps |L| / h ~ 1e-10
        try (Matrix scratch = Matrix.zeros(3, 3)) {
            for (int i = 0; i < 3; i++) for (int c = 0; c < 3; c++) {
                double v = u.get(i, c);
                u.set(i, c, v + h);
                double plus = Loss.CROSS_ENTROPY.evaluate(u, y, scratch);
                u.set(i, c, v - h);
                double minus = Loss.CROSS_ENTROPY.evaluate(u, y, scratch);
                u.set(i, c, v);
                assertEquals((plus - minus) / (2 * h), g.get(i, c), 1e-8, "dL/du[" + i + "," + c + "]");
            }
        }
        assertEquals(1.0 / 3, Loss.accuracy(u, y), 1e-15, "argmax: row 0 says 0 (label 2), row 1 says 0 (label 1), row 2 ties to 0 (label 0)");
        u.close(); y.close(); g.close();
    }

    /** PyTorch's SGD: g += lambda theta; v = mu v + g (v = g at the first step); theta -= eta_k v. */
    @Test
    void momentumAndWeightDecayFollowPyTorchsUpdate() {
        double eta = 0.3, mu = 0.9, lambda = 0.01;
        int steps = 4;
        NetworkSpec spec = Fixtures.spec(Arch.IDENTITY_MAPPING, "prelu", 5, 5, 2, CLASSES);
        try (Dataset data = classes(12, 5, 1); Network trained = Network.initialize(spec, 4); Network reference = Network.initialize(spec, 4)) {
            Optimizer.Schedule cosine = Optimizer.Schedule.cosine();
            Trainer.train(trained, data, new TrainSpec(Loss.CROSS_ENTROPY, new Optimizer(eta, 0, mu, lambda, cosine), steps, 100,
                    TrainedLayers.all(spec), 0), List.of(), TrainingListener.NONE);
            // the reference: the same update from gradients computed by the (finite-difference-tested) plain step
            int count = spec.parameterCount();
            List<Matrix> velocity = new ArrayList<>();
            for (int h = 1; h <= count; h++) velocity.add(Matrix.zeros(reference.parameter(h).rows(), reference.parameter(h).cols()));
            double[] slopeVelocity = new double[spec.depth()];
            for (int k = 0; k < steps; k++) {
                double step = eta * cosine.factor(k, steps);
                Matrix[] g = Fixtures.gradient(reference, data, Loss.CROSS_ENTROPY);
                double[] gs = Fixtures.slopeGradient(reference, data, Loss.CROSS_ENTROPY);
                for (int h = 1; h <= count; h++) {
                    Matrix theta = reference.parameter(h), v = velocity.get(h - 1);
                    Linalg.scale(mu, v);
                    Linalg.addScaled(1.0, g[h - 1], v);
                    Linalg.addScaled(lambda, theta, v);
                    Linalg.addScaled(-step, v, theta);
                    g[h - 1].close();
                }
                for (int l = 1; l <= spec.depth(); l++) {
                    Matrix alpha = ((Activation.PRelu) reference.layer(l).activation()).slope();
                    slopeVelocity[l - 1] = mu * slopeVelocity[l - 1] + gs[l - 1] + lambda * alpha.get(0);
                    alpha.set(0, alpha.get(0) - step * slopeVelocity[l - 1]);
                }
            }
            for (int h = 1; h <= count; h++) {
                double[] a = trained.parameter(h).toArray(), b = reference.parameter(h).toArray();
                for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-12, spec.parameterName(h) + "[" + i + "]");
            }
            for (int l = 0; l < spec.depth(); l++) assertEquals(reference.learnedSlopes()[l], trained.learnedSlopes()[l], 1e-12, "alpha" + (l + 1));
            velocity.forEach(Matrix::close);
        }
    }

    @Test
    void schedulesScaleTheStep() {
        Optimizer.Schedule cosine = Optimizer.Schedule.cosine(), step = Optimizer.Schedule.step(10, 0.5);
        assertEquals(1.0, cosine.factor(0, 100), 0);
        assertEquals(0.5, cosine.factor(50, 100), 1e-15);
        assertEquals(0.0, cosine.factor(100, 100), 1e-15);
        assertEquals(1.0, step.factor(9, 100), 0);
        assertEquals(0.25, step.factor(25, 100), 0);
        assertEquals(1.0, Optimizer.Schedule.CONSTANT.factor(77, 100), 0);
    }

    /** The evaluator's blocks (1024 rows and a remainder) give the loss and accuracy of one pass over every row. */
    @Test
    void blockedEvaluationEqualsOneWholePass() {
        int n = Evaluator.BLOCK + 37;
        for (Loss loss : new Loss[] {Loss.CROSS_ENTROPY, Loss.SQUARED}) {
            NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 6, 16, 2, loss == Loss.CROSS_ENTROPY ? CLASSES : 1);
            try (Dataset data = classes(n, 6, 2); Network net = Network.initialize(spec, 1);
                 Evaluator evaluator = new Evaluator(spec, data); Workspace ws = new Workspace(spec, n)) {
                if (loss == Loss.SQUARED) for (int i = 0; i < n; i++) data.y().set(i, data.y().get(i) > 0 ? 1 : -1);
                net.forward(ws, data.x());
                double whole = loss.evaluate(ws.predictions(), data.y(), ws.residuals());
                Evaluator.Result r = evaluator.evaluate(net, loss);
                assertEquals(whole, r.loss(), 1e-12 * Math.abs(whole), loss + " loss");
                assertEquals(Loss.accuracy(ws.predictions(), data.y()), r.accuracy(), 1e-15, loss + " accuracy");
            }
        }
    }

    /**
     * Seed 002, Section 5.3, from the networks' definitions: with every weight zero, sigma(W x) = 0 and every gradient
     * vanishes, so nothing moves; sigma((W + I) x) = sigma(x) gives the head a gradient and training proceeds.
     */
    @Test
    void zeroInitializationTrainsWithIdentityMappingOnly() {
        double[] finalLoss = new double[2];
        Arch[] archs = {Arch.IDENTITY_MAPPING, Arch.NO_IDENTITY};
        for (int a = 0; a < 2; a++) {
            NetworkSpec spec = Fixtures.spec(archs[a], "prelu", 6, 6, 1, CLASSES);
            try (Dataset data = classes(30, 6, 3); Network net = Network.initialize(spec, 0, Init.ZERO)) {
                List<Double> losses = new ArrayList<>();
                Trainer.train(net, data, new TrainSpec(Loss.CROSS_ENTROPY, new Optimizer(0.5, 0, 0.9, 0, null), 300, 300,
                        TrainedLayers.all(spec), 0), List.of(), new TrainingListener() {
                            @Override public void onStep(int step, double loss) { losses.add(loss); }
                        });
                finalLoss[a] = losses.get(losses.size() - 1);
                if (archs[a] == Arch.NO_IDENTITY) {
                    assertEquals(0.0, Linalg.normF(net.parameter(1)), 0, "W never moves");
                    assertEquals(0.0, Linalg.normF(net.parameter(2)), 0, "nor does the head");
                }
            }
        }
        assertEquals(Math.log(CLASSES), finalLoss[1], 1e-12, "without the identity the logits stay 0: loss log k");
        assertTrue(finalLoss[0] < 0.5 * Math.log(CLASSES), "with it the loss falls: " + finalLoss[0]);
    }

    /** A step of SGD with momentum, weight decay and a schedule on k classes allocates nothing, learned slope included. */
    @Test
    void aClassificationStepAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (NetworkSpec spec : List.of(Fixtures.spec(Arch.IDENTITY_MAPPING, "prelu", 8, 8, 2, CLASSES),
                                        Fixtures.spec(Arch.FC, "relu", 8, 64, 1, CLASSES))) {
            try (Dataset data = classes(32, 8, 1); Network net = Network.initialize(spec, 3)) {
                long[] allocated = new long[2];
                TrainingListener probe = new TrainingListener() {
                    @Override public void onStep(int step, double loss) {
                        if (step == 1000) allocated[0] = threads.getCurrentThreadAllocatedBytes();
                        if (step == 1999) allocated[1] = threads.getCurrentThreadAllocatedBytes();
                    }
                };
                long quietest = Long.MAX_VALUE;                  // as TrainerTest: the quietest of five windows must be 0
                for (int run = 0; run < 5; run++) {
                    Trainer.train(net, data, new TrainSpec(Loss.CROSS_ENTROPY, new Optimizer(1e-3, 8, 0.9, 1e-4, Optimizer.Schedule.cosine()),
                            2000, 1_000_000, TrainedLayers.all(spec), 0), List.of(), probe);
                    quietest = Math.min(quietest, allocated[1] - allocated[0]);
                }
                assertEquals(0, quietest, spec.arch() + ": bytes allocated over 999 steps");
            }
        }
    }
}
