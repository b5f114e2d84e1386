package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import overparam.core.Fixtures;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;

/**
 * c_sigma = 1 / E[sigma(z)^2] is what makes seed 004's fully-connected network (eq. 2) keep the scale of its
 * input: on unit-norm inputs every layer's output has squared norm 1, exactly in the limit (K^(h)(x, x) = 1, the
 * variance-preserving fixed point) and in expectation at any width. The finite network and its limit share the
 * scale sqrt(c_sigma / m), so a test tying the one to the other cannot see the scale: these pin it to the number 1.
 */
class VariancePreservingTest {
    static java.util.List<String> fixedActivations() { return Activation.FIXED; }

    /**
     * K^(0)(x, x) = ||x||^2 = 1 and K^(h)(x, x) = c_sigma E[sigma(z)^2] with z ~ N(0, K^(h-1)(x, x)) = 1 for every h:
     * 1 is a fixed point for every activation, by the definition of c_sigma. Quadrature and closed forms are exact
     * to about 1e-12 here (GaussianExpectationTest), so 1e-9 leaves room and sees any change of c_sigma.
     */
    @ParameterizedTest
    @MethodSource("fixedActivations")
    void limitNngpOfUnitInputsStaysOneAtEveryDepth(String activation) {
        try (Matrix x = Synthetic.sphere(3, 4, 5)) {
            for (int depth = 1; depth <= 3; depth++)
                try (LimitKernel k = LimitKernel.of(Fixtures.spec(Arch.FC, activation, 4, 16, depth), x)) {
                    for (int i = 0; i < 3; i++)
                        assertEquals(1.0, k.nngp().get(i, i), 1e-9, activation + " depth " + depth + ": K^(H)(x_" + i + ", x_" + i + ")");
                }
        }
    }

    /**
     * relu (c_sigma = 2) by hand: for unit x, y at angle theta, Cho and Saul's arc-cosine kernel gives
     * K^(1)(x, y) = 2 E[relu(u) relu(v)] = (sin theta + (pi - theta) cos theta) / pi, and Definition 5.1's
     * K^(H) at H = 1 is c_sigma K^(0) E[relu'(u) relu'(v)] = 2 cos theta (pi - theta) / (2 pi), with diagonal
     * 2 * 1 * 1/2 = 1. At theta = pi / 3: K^(1) = (sqrt 3 / 2 + pi / 3) / pi, K^(H) = 1/3; at theta = pi / 2: 1 / pi and 0.
     */
    @Test
    void reluKernelsOfTwoInputsByHand() {
        double s = Math.sqrt(3) / 2;
        try (Matrix x = Matrix.of(new double[][] {{1, 0}, {0.5, s}, {0, 1}});
             LimitKernel k = LimitKernel.of(Fixtures.spec(Arch.FC, "relu", 2, 16, 1), x)) {
            assertEquals((s + Math.PI / 3) / Math.PI, k.nngp().get(0, 1), 1e-12, "nngp at pi/3");
            assertEquals(1 / Math.PI, k.nngp().get(0, 2), 1e-12, "nngp at pi/2");
            assertEquals(1.0 / 3, k.limitGram().get(0, 1), 1e-12, "K^(H) at pi/3");
            assertEquals(0.0, k.limitGram().get(0, 2), 1e-12, "K^(H) at pi/2");
            for (int i = 0; i < 3; i++) assertEquals(1.0, k.limitGram().get(i, i), 1e-12, "K^(H)(x, x)");
        }
    }

    /**
     * The finite relu network, eq. 2: S_h = ||x^(h)||^2 = (c_sigma / m) sum_r relu(w_r . x^(h-1))^2. Given
     * x^(h-1), the m terms are iid with relu(z)^2, z ~ N(0, S_(h-1)): E[relu(z)^2] = S_(h-1) / 2 and
     * Var[relu(z)^2] = (3/2 - 1/4) S_(h-1)^2 = (5/4) S_(h-1)^2. So E[S_h | S_(h-1)] = S_(h-1) (c_sigma = 2): E[S_h] = 1
     * exactly, at every width; and Var[S_h] = v_h with v_h = (5 / m)(1 + v_(h-1)) + v_(h-1), v_0 = 0.
     *
     * <p>The estimate averages S_h over n samples (correlated: they share the weights, so their mean has variance at
     * most v_h) and over independent networks (seeds), hence standard error at most sqrt(v_h / seeds). At m = 1024
     * and 16 seeds that is 0.0175 at h = 1 and 0.030 at h = 3; the test allows 4 standard errors. Dropping c_sigma
     * (scale 1 / sqrt m) makes E[S_h] = 2^-h: 0.5 at h = 1, 28 standard errors away, so the test cannot miss it;
     * c_sigma off by 10% moves S_1 by 0.1, 5.7 standard errors.
     */
    @Test
    void finiteReluNetworkKeepsUnitSquaredNormPerLayer() {
        int n = 8, d = 5, width = 1024, depth = 3, seeds = 16;
        double[] sum = new double[depth + 1];
        try (Matrix x = Synthetic.sphere(n, d, 2)) {
            for (int seed = 0; seed < seeds; seed++) {
                NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", d, width, depth);
                try (Network net = Network.initialize(spec, 100 + seed); Workspace ws = new Workspace(spec, n)) {
                    net.forward(ws, x);
                    for (int h = 1; h <= depth; h++) sum[h] += meanSquaredNorm(ws.output(h)) / seeds;
                }
            }
        }
        double v = 0;
        for (int h = 1; h <= depth; h++) {
            v = 5.0 / width * (1 + v) + v;
            double standardError = Math.sqrt(v / seeds);
            assertEquals(1.0, sum[h], 4 * standardError, "layer " + h + ": mean ||x^(h)||^2 (standard error " + standardError + ")");
        }
    }

    /**
     * The ResNet's first layer is eq. 2's too (seed 004, eq. 3: x^(1) = sqrt(c_sigma / m) sigma(W^(1) x)): the same
     * S_1 with E = 1, Var = 5 / m for relu; 16 networks of m = 1024 give standard error 0.0175, 4 of them allowed.
     */
    @Test
    void resNetFirstLayerKeepsUnitSquaredNorm() {
        int n = 8, d = 5, width = 1024, seeds = 16;
        double mean = 0;
        try (Matrix x = Synthetic.sphere(n, d, 3)) {
            for (int seed = 0; seed < seeds; seed++) {
                NetworkSpec spec = Fixtures.spec(Arch.RESNET, "relu", d, width, 2);
                try (Network net = Network.initialize(spec, 200 + seed); Workspace ws = new Workspace(spec, n)) {
                    net.forward(ws, x);
                    mean += meanSquaredNorm(ws.output(1)) / seeds;
                }
            }
        }
        double standardError = Math.sqrt(5.0 / width / seeds);
        assertEquals(1.0, mean, 4 * standardError);
    }

    /** The mean over rows of the squared row norms. */
    private static double meanSquaredNorm(Matrix out) {
        double s = 0;
        for (int i = 0; i < out.rows(); i++) for (int j = 0; j < out.cols(); j++) s += out.get(i, j) * out.get(i, j);
        return s / out.rows();
    }
}
