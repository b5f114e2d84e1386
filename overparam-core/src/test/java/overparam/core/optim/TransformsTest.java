package overparam.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each transformation alone against its update worked out by hand, on theta = [[1, 2], [3, 4]] with gradient
 * G = [[0.5, -1], [2, 0.25]] and a scalar alpha = 0.25 with gradient -0.5 (dyadic numbers: every expected value is
 * exact, so the comparisons are exact); then the chain of SGD with momentum and weight decay against PyTorch's rule.
 */
class TransformsTest {
    private static void steps(KnownGradients known, int steps, GradientTransformation... transforms) {
        try (Descent d = new Descent(new Chain(List.of(transforms)), known)) {
            for (int k = 0; k < steps; k++) d.step();
        }
    }

    /** theta += (n / b) G, formed by one product straight into theta: no gradient buffer. */
    @Test
    void scaleByBatchMultipliesTheGradientByNOverB() {
        try (KnownGradients known = new KnownGradients()) {
            steps(known, 1, new ScaleByBatch(30, 8));                                  // 30 / 8 = 3.75
            assertArrayEquals(new double[] {1 + 1.875, 2 - 3.75, 3 + 7.5, 4 + 0.9375}, known.theta(), 0);
            assertEquals(0.25 - 1.875, known.alpha(), 0);
            assertEquals(List.of(new KnownGradients.Call(3.75, 1.0, known.theta)), known.calls);
        }
    }

    /** u + lambda theta; a later scaling scales the pending lambda theta too. */
    @Test
    void addDecayedWeightsAddsLambdaTheta() {
        try (KnownGradients known = new KnownGradients()) {
            steps(known, 1, new AddDecayedWeights(0.25));                              // theta + G + theta / 4
            assertArrayEquals(new double[] {1.75, 1.5, 5.75, 5.25}, known.theta(), 0);
            assertEquals(0.25 - 0.5 + 0.0625, known.alpha(), 0);
        }
        try (KnownGradients known = new KnownGradients()) {
            steps(known, 1, new AddDecayedWeights(0.25), new ScaleByLearningRate(0.5, Optimizer.Schedule.CONSTANT, 1));
            assertArrayEquals(new double[] {1 - 0.375, 2 + 0.25, 3 - 1.375, 4 - 0.625}, known.theta(), 0);   // theta - (G + theta / 4) / 2
            assertEquals(0.25 - 0.5 * (-0.5 + 0.0625), known.alpha(), 0);
        }
    }

    /** v = mu v + G from v = 0: G after one step, (1 + mu) G after two; the update is v. */
    @Test
    void traceAccumulatesMomentum() {
        try (KnownGradients known = new KnownGradients(); Trace trace = new Trace(0.5)) {
            try (Descent d = new Descent(trace, known)) {
                d.step();
                assertArrayEquals(known.g.toArray(), trace.velocity(0).toArray(), 0);
                assertEquals(-0.5, trace.velocity(1).get(0), 0);
                assertEquals(List.of(new KnownGradients.Call(1.0, 0.5, trace.velocity(0))), known.calls, "G formed in v, beta = mu");
                d.step();
                assertArrayEquals(new double[] {0.75, -1.5, 3, 0.375}, trace.velocity(0).toArray(), 0);      // 1.5 G
                assertEquals(-0.75, trace.velocity(1).get(0), 0);
            }
            assertArrayEquals(new double[] {1 + 1.25, 2 - 2.5, 3 + 5, 4 + 0.625}, known.theta(), 0);         // theta + G + 1.5 G
            assertEquals(0.25 - 0.5 - 0.75, known.alpha(), 0);
        }
    }

    /** theta -= eta_k G, eta_k = eta * schedule(k, K), k counted by the transform. */
    @Test
    void scaleByLearningRateStepsByTheSchedule() {
        try (KnownGradients known = new KnownGradients()) {
            steps(known, 3, new ScaleByLearningRate(0.5, Optimizer.Schedule.step(2, 0.5), 3));   // eta_k = 0.5, 0.5, 0.25
            assertArrayEquals(new double[] {1 - 1.25 * 0.5, 2 + 1.25, 3 - 1.25 * 2, 4 - 1.25 * 0.25}, known.theta(), 0);
            assertEquals(0.25 + 1.25 * 0.5, known.alpha(), 0);
            assertEquals(-0.25, known.calls.get(0).alpha(), 0, "the third step's alpha is -eta_2");
        }
    }

    @Test
    void schedulesGiveTheirFactorsAndTheirNames() {
        Optimizer.Schedule cosine = Optimizer.Schedule.cosine(), step = Optimizer.Schedule.step(10, 0.5);
        assertEquals(0.5 * (1 + Math.cos(Math.PI / 4)), cosine.factor(1, 4), 0);
        assertEquals(0.75, cosine.factor(1, 3), 1e-15);                              // (1 + cos(pi / 3)) / 2
        assertEquals(0.125, step.factor(30, 100), 0);
        assertEquals(1.0, step.factor(9, 100), 0);
        assertEquals(List.of("constant", "cosine", "step:10:0.5"), List.of(Optimizer.Schedule.constant().describe(), cosine.describe(), step.describe()));
    }

    /**
     * PyTorch's SGD (torch.optim.SGD, momentum and weight_decay, dampening 0) written out on SGD's scaled gradient:
     * g = (n / b) G_k + lambda theta; v = g at the first step, else mu v + g; theta -= eta_k v. The chain adds
     * lambda theta after mu v + (n / b) G_k instead, so the two differ by rounding only: about 1e-16 relative per step.
     */
    @Test
    void sgdWithMomentumAndWeightDecayIsPyTorchsRule() {
        double eta = 0.1, mu = 0.9, lambda = 5e-4, scale = 30.0 / 8;
        int steps = 4;
        Optimizer opt = new Optimizer(eta, 8, mu, lambda, Optimizer.Schedule.cosine());
        Chain chain = opt.chain(30, 8, steps);
        assertEquals("chain(scale_by_batch(30 / 8), add_decayed_weights(5.0E-4), trace(0.9), scale_by_learning_rate(0.1, cosine))", chain.toString());
        try (KnownGradients known = new KnownGradients(); Descent d = new Descent(chain, known)) {
            double[] theta = known.theta(), v = new double[4], g0 = known.g.toArray();
            double alpha = known.alpha(), va = 0;
            for (int k = 0; k < steps; k++) {
                double etaK = eta * 0.5 * (1 + Math.cos(Math.PI * k / steps)), gk = 1 + k;   // G_k = (1 + k) G, g_k = -(1 + k) / 2
                for (int e = 0; e < 4; e++) known.g.set(e, gk * g0[e]);
                known.slopeGradient = -0.5 * gk;
                d.step();
                for (int e = 0; e < 4; e++) {
                    double g = scale * gk * g0[e] + lambda * theta[e];
                    v[e] = k == 0 ? g : mu * v[e] + g;
                    theta[e] -= etaK * v[e];
                }
                double g = scale * known.slopeGradient + lambda * alpha;
                va = k == 0 ? g : mu * va + g;
                alpha -= etaK * va;
            }
            double[] actual = known.theta();
            for (int e = 0; e < 4; e++) assertEquals(theta[e], actual[e], 1e-14 * Math.abs(theta[e]), "theta[" + e + "]");
            assertEquals(alpha, known.alpha(), 1e-14 * Math.abs(alpha), "alpha");
        }
    }

    /** Plain gradient descent forms no buffer: G goes straight into theta, alpha = -eta_k (n / b). */
    @Test
    void plainGradientDescentAccumulatesIntoTheWeights() {
        try (KnownGradients known = new KnownGradients(); Descent d = new Descent(new Optimizer(0.1, 7).chain(30, 7, 5), known)) {
            d.step();
            assertEquals(1, known.calls.size());
            assertSame(known.theta, known.calls.get(0).target());
            assertEquals(1.0, known.calls.get(0).beta(), 0);
        }
    }
}
