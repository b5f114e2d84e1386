package overparam.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1; optax's scale_by_adam) on KnownGradients' theta = [[1, 2], [3, 4]] with
 * G = [[0.5, -1], [2, 0.25]] and the scalar alpha = 0.25 with gradient -0.5, at beta1 = 0.9, beta2 = 0.999, eps = 1e-8.
 */
class ScaleByAdamTest {
    private static final double B1 = 0.9, B2 = 0.999, EPS = 1e-8;

    /**
     * By hand. Step 1 (gradient G): m = 0.1 G, v = 0.001 G^2; the bias corrections 1 - 0.9 = 0.1 and 1 - 0.999 = 0.001
     * give m_hat = G, v_hat = G^2, so u = G / (|G| + eps) = sign(G) (1 - eps / |G|) to first order: 0.5 -> 0.99999998,
     * -1 -> -0.99999999, 2 -> 0.999999995, 0.25 -> 0.99999996. Step 2 (gradient 2G): m = 0.9 (0.1 G) + 0.1 (2G) = 0.29 G,
     * v = 0.999 (0.001 G^2) + 0.001 (4 G^2) = 0.004999 G^2; corrections 1 - 0.81 = 0.19 and 1 - 0.998001 = 0.001999, so
     * m_hat = (29/19) G = 1.5263158 G, v_hat = (4999/1999) G^2, sqrt = 1.5813761 |G|, and u = 0.9651820 sign(G) up to eps.
     * Without the corrections step 1 would be 0.1 / sqrt(0.001) = 3.16 sign(G); with beta1 and beta2 swapped step 2 would
     * be (0.999*0.1 + 0.2)/0.1999 = 1.4997 G over sqrt((0.9*0.001 + 0.004)/0.0019) = 1.6059 |G|, i.e. 0.9339.
     */
    @Test
    void firstTwoStepsByHand() {
        double eta = 0.5;
        try (KnownGradients known = new KnownGradients(); ScaleByAdam adam = new ScaleByAdam(B1, B2, EPS);
             Descent d = new Descent(new Chain(List.of(adam, new ScaleByLearningRate(eta, Optimizer.Schedule.CONSTANT, 2))), known)) {
            d.step();
            double[] u1 = {0.9999999800000003, -0.9999999900000002, 0.999999995, 0.9999999600000016};
            double[] theta1 = {1 - eta * u1[0], 2 - eta * u1[1], 3 - eta * u1[2], 4 - eta * u1[3]};
            assertArrayEquals(theta1, known.theta(), 1e-15);
            assertEquals(0.25 + eta * 0.9999999800000003, known.alpha(), 1e-15, "the scalar: g = -0.5, u = -0.99999998");
            assertArrayEquals(new double[] {0.05, -0.1, 0.2, 0.025}, adam.firstMoment(0).toArray(), 1e-16, "m = 0.1 G");
            assertArrayEquals(new double[] {0.00025, 0.001, 0.004, 0.0000625}, adam.secondMoment(0).toArray(), 1e-17, "v = 0.001 G^2");

            for (int e = 0; e < 4; e++) known.g.set(e, 2 * known.g.get(e));
            known.slopeGradient = -1;
            d.step();
            double[] u2 = {0.9651820136149122, -0.9651820197183434, 0.9651820227700589, 0.9651820014080503};
            double[] actual = known.theta();
            for (int e = 0; e < 4; e++) {
                assertEquals(theta1[e] - eta * u2[e], actual[e], 1e-14, "theta[" + e + "] (u2 to rounding: its m, v formed in another order)");
                assertEquals(0.9651820, Math.abs(u2[e]), 5e-8, "the hand value");
            }
            assertEquals(0.25 + eta * (0.9999999800000003 + 0.9651820136149122), known.alpha(), 1e-14);
            assertArrayEquals(new double[] {0.145, -0.29, 0.58, 0.0725}, adam.firstMoment(0).toArray(), 1e-15, "m = 0.29 G");
        }
    }

    /**
     * Algorithm 1 written out in doubles over 8 steps whose gradients change size and sign, G_k = c_k G with
     * c_k = (1 + k)(-1/2)^(k mod 2), at non-default betas so that a swap of beta1 and beta2 shows; weight decay lambda theta
     * joins the gradient first (torch.optim.Adam's weight_decay), and the step size follows a cosine schedule.
     */
    @Test
    void matchesAlgorithmOneOverSeveralSteps() {
        double eta = 0.1, b1 = 0.8, b2 = 0.95, eps = 1e-3, lambda = 0.01;
        int steps = 8;
        Optimizer opt = new Optimizer(eta, 0, 0, lambda, Optimizer.Schedule.cosine()).withAdam(new Optimizer.Adam(b1, b2, eps));
        Chain chain = opt.chain(30, 30, steps);
        assertEquals("chain(add_decayed_weights(0.01), scale_by_adam(0.8, 0.95, 0.001), scale_by_learning_rate(0.1, cosine))", chain.toString());
        try (KnownGradients known = new KnownGradients(); Descent d = new Descent(chain, known)) {
            double[] theta = known.theta(), g0 = known.g.toArray(), m = new double[5], v = new double[5];
            double alpha = known.alpha();
            for (int k = 0; k < steps; k++) {
                double c = (1 + k) * (k % 2 == 0 ? 1 : -0.5), etaK = eta * 0.5 * (1 + Math.cos(Math.PI * k / steps));
                for (int e = 0; e < 4; e++) known.g.set(e, c * g0[e]);
                known.slopeGradient = -0.5 * c;
                d.step();
                int t = k + 1;
                for (int e = 0; e < 5; e++) {
                    double w = e < 4 ? theta[e] : alpha;
                    double g = (e < 4 ? c * g0[e] : -0.5 * c) + lambda * w;
                    m[e] = b1 * m[e] + (1 - b1) * g;
                    v[e] = b2 * v[e] + (1 - b2) * g * g;
                    double mHat = m[e] / (1 - Math.pow(b1, t)), vHat = v[e] / (1 - Math.pow(b2, t));
                    w -= etaK * mHat / (Math.sqrt(vHat) + eps);
                    if (e < 4) theta[e] = w;
                    else alpha = w;
                }
            }
            double[] actual = known.theta();
            for (int e = 0; e < 4; e++) assertEquals(theta[e], actual[e], 1e-15 * Math.abs(theta[e]), "theta[" + e + "]");
            assertEquals(alpha, known.alpha(), 1e-15 * Math.abs(alpha), "alpha");
        }
    }

    @Test
    void refusesMomentumBesideAdamAndBadBetas() {
        assertThrows(IllegalArgumentException.class, () -> new Optimizer(0.1, 0, 0.9, 0, null).withAdam(Optimizer.Adam.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer.Adam(1, 0.999, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer.Adam(0.9, 0.999, 0));
    }
}
