package overparam.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/** The optimizer's names (summary.json's "optimizer"), its checks, and the rounding of its steps. */
class OptimizerTest {
    @Test
    void namesAreTheSummarysText() {
        assertEquals("gd", Optimizer.gradientDescent(0.1).name(30));
        assertEquals("gd", new Optimizer(0.1, 30).name(30));
        assertEquals("sgd", new Optimizer(0.1, 8).name(30));
        assertEquals("sgd momentum 0.9 weight decay 5.0E-4, schedule cosine", new Optimizer(0.1, 8, 0.9, 5e-4, Optimizer.Schedule.cosine()).name(30));
        assertEquals("gd weight decay 0.001, schedule step:10:0.5", new Optimizer(0.1, 0, 0, 1e-3, Optimizer.Schedule.step(10, 0.5)).name(30));
        assertEquals("chain(scale_by_learning_rate(0.1, constant))", Optimizer.gradientDescent(0.1).chain(30, 30, 5).toString());
        assertEquals("chain(add_decayed_weights(0.001), trace(0.0), scale_by_learning_rate(0.1, constant))",
                new Optimizer(0.1, 0, 0, 1e-3, null).chain(30, 30, 5).toString());
    }

    @Test
    void invariantsAreCheckedInNeutralWords() {
        assertEquals("eta must be a positive finite number, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> Optimizer.gradientDescent(-1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Optimizer(0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer(0.1, 0, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer(0.1, 0, 0, Double.NaN, null));
        assertThrows(IllegalArgumentException.class, () -> Optimizer.Schedule.step(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> Optimizer.Schedule.step(10, 1.5));
    }

    /**
     * The chains round exactly as the update written into the network did before this package (bit for bit: the
     * training runs' files must not change): plain, theta += (-eta_k * gradScale) G into theta and
     * alpha - eta_k * (gradScale * g); with momentum, v = mu v + gradScale G, v += lambda theta, theta += (-eta_k) v and
     * v = mu v + gradScale * g + lambda alpha, alpha - eta_k * v. gradScale = 30 / 7 and a cosine eta_k are not dyadic,
     * so any other association of the products shows.
     */
    @Test
    void stepsRoundAsTheUpdateBeforeTheChain() {
        int n = 30, b = 7, steps = 5;
        double gradScale = (double) n / b;
        Optimizer.Schedule cosine = Optimizer.Schedule.cosine();
        for (double[] muLambda : new double[][] {{0, 0}, {0.9, 3e-3}, {0, 3e-3}}) {
            double mu = muLambda[0], lambda = muLambda[1], eta = 0.3;
            boolean velocity = mu > 0 || lambda > 0;
            try (KnownGradients known = new KnownGradients(); KnownGradients before = new KnownGradients();
                 Descent d = new Descent(new Optimizer(eta, b, mu, lambda, cosine).chain(n, b, steps), known);
                 Matrix v = Matrix.zeros(2, 2)) {
                double slopeVelocity = 0;
                for (int k = 0; k < steps; k++) {
                    known.g.set(1, 0.3 * k - 1.1);
                    before.g.set(1, 0.3 * k - 1.1);
                    known.slopeGradient = before.slopeGradient = 0.7 - 0.2 * k;
                    d.step();
                    double stepSize = eta * cosine.factor(k, steps), alpha = before.alpha(), g = gradScale * before.slopeGradient;
                    if (!velocity) {
                        before.accumulate(0, -stepSize * gradScale, 1.0, before.theta);
                        before.slope.set(0, alpha - stepSize * g);
                    } else {
                        before.accumulate(0, gradScale, mu, v);
                        if (lambda > 0) Linalg.addScaled(lambda, before.theta, v);
                        Linalg.addScaled(-stepSize, v, before.theta);
                        slopeVelocity = mu * slopeVelocity + g + lambda * alpha;
                        before.slope.set(0, alpha - stepSize * slopeVelocity);
                    }
                    for (int e = 0; e < 4; e++) assertEquals(before.theta.get(e), known.theta.get(e), 0, "mu " + mu + ", step " + k + ", theta[" + e + "]");
                    assertEquals(before.alpha(), known.alpha(), 0, "mu " + mu + ", step " + k + ", alpha");
                }
            }
        }
    }
}
