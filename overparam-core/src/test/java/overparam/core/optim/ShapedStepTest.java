package overparam.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.linalg.Matrix;

/**
 * Clipping by the global norm, normalization and Langevin noise, each alone on {@link KnownGradients} (theta 2 x 2 with
 * G = [[0.5, -1], [2, 0.25]] and a learned scalar with gradient -0.5, so ||g||^2 = 5.5625 over all five coordinates),
 * then in the chain against PyTorch's clip_grad_norm_ + SGD written out, and clipped against fixed-step gradient descent
 * on Zhang et al.'s (L0, L1)-smooth example f(x) = cosh x.
 */
class ShapedStepTest {
    private static final double NORM = Math.sqrt(5.5625);           // ||g|| in R^5, the scalar's -0.5 included

    private static void steps(Gradients known, int steps, GradientTransformation... transforms) {
        try (Descent d = new Descent(new Chain(List.of(transforms)), known)) {
            for (int k = 0; k < steps; k++) d.step();
        }
    }

    /** ||g|| = 2.358... > G = 1: theta + g / ||g||; G = 4 > ||g||: theta + g, untouched. */
    @Test
    void clippingScalesTheWholeGradientToNormGWhenLonger() {
        try (KnownGradients known = new KnownGradients()) {
            steps(known, 1, new ClipByGlobalNorm(1.0));
            double c = 1 / NORM;
            assertArrayEquals(new double[] {1 + 0.5 * c, 2 - c, 3 + 2 * c, 4 + 0.25 * c}, known.theta(), 1e-15);
            assertEquals(0.25 - 0.5 * c, known.alpha(), 1e-15);
        }
        try (KnownGradients known = new KnownGradients()) {
            steps(known, 1, new ClipByGlobalNorm(4.0));
            assertArrayEquals(new double[] {1.5, 1, 5, 4.25}, known.theta(), 0);
            assertEquals(-0.25, known.alpha(), 0);
        }
        assertThrows(IllegalArgumentException.class, () -> new ClipByGlobalNorm(0));
        assertThrows(IllegalArgumentException.class, () -> new ClipByGlobalNorm(Double.POSITIVE_INFINITY));
    }

    /** g / ||g|| for G = 4 as well (normalization is not clipping), with unit norm; a zero gradient stays zero. */
    @Test
    void normalizationDividesByTheGlobalNorm() {
        try (KnownGradients known = new KnownGradients()) {
            steps(known, 1, new NormalizeByGlobalNorm(0));
            double c = 1 / NORM;
            assertArrayEquals(new double[] {1 + 0.5 * c, 2 - c, 3 + 2 * c, 4 + 0.25 * c}, known.theta(), 1e-15);
            assertEquals(0.25 - 0.5 * c, known.alpha(), 1e-15);
        }
        try (KnownGradients known = new KnownGradients()) {
            steps(known, 1, new NormalizeByGlobalNorm(0.5));                   // eq. (6): g / (||g|| + beta)
            double c = 1 / (NORM + 0.5);
            assertArrayEquals(new double[] {1 + 0.5 * c, 2 - c, 3 + 2 * c, 4 + 0.25 * c}, known.theta(), 1e-15);
        }
        try (KnownGradients known = new KnownGradients()) {
            known.g.fill(0);
            known.slopeGradient = 0;
            steps(known, 1, new NormalizeByGlobalNorm(0));
            assertArrayEquals(new double[] {1, 2, 3, 4}, known.theta(), 0);
        }
    }

    /**
     * torch: clip_grad_norm_(G) on the batch-scaled gradient, then SGD with weight decay and momentum:
     * g = clip(s G_k) + lambda theta; v = mu v + g; theta -= eta v. Clipping sees the raw gradient, not lambda theta.
     */
    @Test
    void clippingComesBeforeWeightDecayAndMomentumAsInPyTorch() {
        double eta = 0.1, mu = 0.9, lambda = 0.01, scale = 30.0 / 8, clip = 3.0;
        Optimizer opt = new Optimizer(eta, 8, mu, lambda, null).shaped(clip, false, null);
        Chain chain = opt.chain(30, 8, 4);
        assertEquals("chain(scale_by_batch(30 / 8), clip_by_global_norm(3.0), add_decayed_weights(0.01), trace(0.9), "
                + "scale_by_learning_rate(0.1, constant))", chain.toString());
        assertEquals("sgd momentum 0.9 weight decay 0.01 clip norm 3.0", opt.name(30));
        try (KnownGradients known = new KnownGradients(); Descent d = new Descent(chain, known)) {
            double[] theta = known.theta(), v = new double[5], g0 = known.g.toArray();
            double[] x = {theta[0], theta[1], theta[2], theta[3], known.alpha()};
            for (int k = 0; k < 4; k++) {
                double gk = 0.5 + k;                                       // ||s G_k|| = 3.75 (0.5 + k) NORM > 3: clipped
                for (int e = 0; e < 4; e++) known.g.set(e, gk * g0[e]);
                known.slopeGradient = -0.5 * gk;
                d.step();
                double[] g = new double[5];
                for (int e = 0; e < 4; e++) g[e] = scale * gk * g0[e];
                g[4] = scale * known.slopeGradient;
                double norm = 0;
                for (double ge : g) norm += ge * ge;
                norm = Math.sqrt(norm);
                for (int e = 0; e < 5; e++) {
                    double ge = g[e] * Math.min(1, clip / norm) + lambda * x[e];
                    v[e] = k == 0 ? ge : mu * v[e] + ge;
                    x[e] -= eta * v[e];
                }
            }
            double[] actual = known.theta();
            for (int e = 0; e < 4; e++) assertEquals(x[e], actual[e], 1e-14 * Math.abs(x[e]), "theta[" + e + "]");
            assertEquals(x[4], known.alpha(), 1e-14 * Math.abs(x[4]), "alpha");
        }
        assertThrows(IllegalArgumentException.class, () -> new Optimizer(0.1, 0).shaped(1, true, null));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer(0.1, 0).shaped(-1, false, null));
    }

    /**
     * The noise added over N = 40000 steps: theta moves by exactly G + epsilon_k, and the empirical covariance of epsilon
     * (mean known to be 0) is (T / P) I with P = 5. Standard errors from the Gaussian: an estimate of E[e_i^2] = s^2 has
     * sd sqrt(2 / N) s^2, of E[e_i e_j] sd s^2 / sqrt(N), of the trace sqrt(2 P / N) s^2; each is held to 5 of them.
     */
    @Test
    void langevinNoiseHasThePrescribedTraceAndIsIsotropic() {
        double trace = 2.5, s2 = trace / 5;
        int n = 40_000;
        double[][] sum = new double[5][5];
        try (KnownGradients known = new KnownGradients(); AddNoise noise = new AddNoise(NoiseShape.ISOTROPIC, trace, 11);
             Descent d = new Descent(new Chain(List.of(noise)), known)) {
            double[] e = new double[5];
            for (int k = 0; k < n; k++) {
                double[] before = known.theta();
                double alphaBefore = known.alpha();
                d.step();
                for (int c = 0; c < 4; c++) e[c] = noise.noise(0).get(c);
                e[4] = noise.noise(1).get(0);
                if (k < 3) {                                               // theta + G + epsilon, the scalar too
                    double[] after = known.theta();
                    for (int c = 0; c < 4; c++) assertEquals(before[c] + known.g.get(c) + e[c], after[c], 1e-12);
                    assertEquals(alphaBefore - 0.5 + e[4], known.alpha(), 1e-12);
                }
                for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) sum[i][j] += e[i] * e[j];
            }
        }
        double total = 0;
        for (int i = 0; i < 5; i++) {
            total += sum[i][i] / n;
            assertEquals(s2, sum[i][i] / n, 5 * Math.sqrt(2.0 / n) * s2, "variance of coordinate " + i);
            for (int j = 0; j < i; j++) assertEquals(0, sum[i][j] / n, 5 * s2 / Math.sqrt(n), "covariance " + i + ", " + j);
        }
        assertEquals(trace, total, 5 * Math.sqrt(2.0 * 5 / n) * s2, "trace");
    }

    /** Same seed, same draws, bit for bit; another seed, other draws. */
    @Test
    void langevinNoiseIsSeeded() {
        double[][] runs = new double[3][];
        long[] seeds = {7, 7, 8};
        for (int r = 0; r < 3; r++) {
            try (KnownGradients known = new KnownGradients()) {
                steps(known, 5, new AddNoise(NoiseShape.ISOTROPIC, 1.0, seeds[r]), new ScaleByLearningRate(0.1, Optimizer.Schedule.CONSTANT, 5));
                runs[r] = known.theta();
            }
        }
        assertArrayEquals(runs[0], runs[1], 0);
        assertTrue(runs[0][0] != runs[2][0]);
        Optimizer.Langevin langevin = new Optimizer.Langevin(NoiseShape.ISOTROPIC, 0.5);
        Optimizer opt = new Optimizer(0.1, 0).shaped(1.0, false, langevin);
        assertEquals("chain(clip_by_global_norm(1.0), add_noise(isotropic, trace 0.5), scale_by_learning_rate(0.1, constant))", opt.chain(30, 30, 5, 3).toString());
        assertEquals("gd clip norm 1.0 langevin isotropic noise trace 0.5", opt.name(30));
    }

    /** f(x) = cosh x on one 1 x 1 parameter: the gradient sinh x, formed as Network's gradients are (alpha G + beta target). */
    private static final class Cosh implements Gradients, AutoCloseable {
        final Matrix x = Matrix.vectorOf(10.0);
        private double g;

        @Override public int count() { return 1; }
        @Override public Matrix parameter(int i) { return x; }
        @Override public boolean isScalar(int i) { return false; }
        @Override public void prepare() { g = Math.sinh(x.get(0)); }
        @Override public void accumulate(int i, double alpha, double beta, Matrix target) {
            target.set(0, (beta == 0 ? 0 : beta * target.get(0)) + alpha * g);
        }
        @Override public double scalar(int i) { throw new UnsupportedOperationException(); }
        @Override public void close() { x.close(); }
    }

    /** Steps until |f'(x)| < 1e-8 (from x0 = 10), or -1 if not within max steps or when x leaves [-50, 50]. */
    private static int stepsToStationary(Optimizer opt, int max) {
        try (Cosh f = new Cosh(); Descent d = new Descent(opt.chain(1, 1, max), f)) {
            for (int k = 0; k <= max; k++) {
                double x = f.x.get(0);
                if (Math.abs(Math.sinh(x)) < 1e-8) return k;
                if (!(Math.abs(x) <= 50)) return -1;
                d.step();
            }
            return -1;
        }
    }

    /**
     * Zhang et al. (ICLR 2020), Theorem 3 on their example: cosh is (L0, L1) = (1, 1)-smooth (|f''| = cosh <= 1 + |sinh|)
     * but not L-smooth. Clipped GD (eta = 0.5, G = 1) moves by eta per step while |sinh x| > 1, about 18 steps down from
     * x = 10, then contracts like x - 0.5 x. Fixed-step GD must start with eta sinh(10) of order 10 at most, so by the time
     * it is near 0 (f'' ~ 1) it contracts by 1 - eta ~ 1 - 1e-3 per step: about 2e4 steps at the grid's best.
     */
    @Test
    void clippedGradientDescentReachesAStationaryPointOrdersOfMagnitudeSoonerOnCosh() {
        int clipped = stepsToStationary(new Optimizer(0.5, 0).shaped(1.0, false, null), 1000);
        assertTrue(clipped > 0 && clipped < 100, "clipped GD took " + clipped + " steps");
        int best = Integer.MAX_VALUE;
        double bestEta = 0;
        for (int j = 0; j <= 20; j++) {                                 // eta = 2^-j, 1 down to 1e-6
            double eta = Math.scalb(1.0, -j);
            int k = stepsToStationary(Optimizer.gradientDescent(eta), 200_000);
            if (k > 0 && k < best) { best = k; bestEta = eta; }
        }
        System.out.println("cosh from 10: clipped GD " + clipped + " steps; fixed-step GD at the grid's best eta " + bestEta + ": " + best);
        assertTrue(best < Integer.MAX_VALUE, "no fixed step of the grid reached |f'| < 1e-8 in 200000 steps");
        assertTrue(best > 100 * clipped, "fixed step " + bestEta + " took " + best + " steps against clipped GD's " + clipped);
    }
}
