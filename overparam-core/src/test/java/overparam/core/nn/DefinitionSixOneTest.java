package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.kernel.GaussianMaps;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * Seed 004's Definition 6.1 as printed pairs b_i^(h-1) with E[sigma(u)], u ~ N(0, K_ii): the cross term of
 * sample i with itself. The network says b_i E[sigma(v_j)] (ResidualLayer.limit). The two agree when every
 * input has the same norm (Theorem 6.1's assumption), and the finite network tells them apart otherwise:
 * the error of the derived limit keeps falling with the width, that of the printed one stops
 * (docs/def-6.1.md reports these numbers).
 */
class DefinitionSixOneTest {
    static final double C_RES = 0.9;
    static final int DEPTH = 3;

    /**
     * relu, whose mean E[sigma(u)] grows like sqrt(K_ii), shows the difference best: the printed and derived limits
     * differ by 1.9% here (softplus: 0.16%, below what 48 seeds resolve). The seed-mean of the finite G^(H)(0)
     * approaches the derived limit (its error falls with the width) and stays at that gap from the printed one.
     */
    @Test
    void finiteResNetFollowsTheDerivedCrossTermNotThePrintedOne() {
        NetworkSpec spec = new NetworkSpec(Arch.RESNET, 3, 256, DEPTH, Activation.parse("relu", 0), C_RES);
        try (Matrix x = LimitKernelTest.unequalNorms(); LimitKernel derived = LimitKernel.of(spec, x); Matrix printed = printedLimitGram(spec, x)) {
            double gap = LimitKernelTest.relativeError(printed, derived.limitGram());
            double[] errDerived = new double[2], errPrinted = new double[2];
            int[] widths = {256, 4096};
            for (int w = 0; w < 2; w++) {
                try (Matrix mean = meanFiniteGram(withWidth(spec, widths[w]), x, 48)) {
                    errDerived[w] = LimitKernelTest.relativeError(mean, derived.limitGram());
                    errPrinted[w] = LimitKernelTest.relativeError(mean, printed);
                }
            }
            System.out.printf("Def. 6.1, relu, c_res %.1f, H %d, norms 0.6..1.4, printed vs derived %.2e: relative error of the"
                    + " 48-seed mean G^(H)(0) against the derived limit %.2e (m = 256) -> %.2e (m = 4096); against the printed %.2e -> %.2e%n",
                    C_RES, DEPTH, gap, errDerived[0], errDerived[1], errPrinted[0], errPrinted[1]);
            assertTrue(errDerived[1] < 0.5 * errDerived[0], "the derived limit's error should keep falling");
            assertTrue(errPrinted[1] > 0.5 * gap, "the printed limit's error should stop at the gap between the two");
            assertTrue(errPrinted[1] > 3 * errDerived[1], "at m = 4096 the network should be far closer to the derived limit");
        }
    }

    @Test
    void forInputsOfEqualNormTheTwoCoincide() {
        for (String activation : new String[] {"relu", "softplus"}) {
            NetworkSpec spec = new NetworkSpec(Arch.RESNET, 3, 1, DEPTH, Activation.parse(activation, 0), C_RES);
            try (Matrix x = Synthetic.sphere(5, 3, 1); LimitKernel derived = LimitKernel.of(spec, x); Matrix printed = printedLimitGram(spec, x)) {
                for (int i = 0; i < 25; i++) assertEquals(derived.limitGram().get(i), printed.get(i), 1e-14 * Math.abs(printed.get(i)) + 1e-16);
            }
        }
    }

    /** Def. 6.1 exactly as printed: K^(h)_ij = K^(h-1)_ij + E[c_res b_i sigma(u)/H + c_res b_j sigma(v)/H + c_res^2 sigma(u) sigma(v)/H^2]. */
    static Matrix printedLimitGram(NetworkSpec spec, Matrix x) {
        GaussianMaps maps = spec.activation().gaussianMaps();
        int n = x.rows();
        double cSigma = spec.cSigma(), c = spec.cRes(), h2 = spec.depth() * spec.depth();
        Matrix k = Matrix.zeros(n, n), products = Matrix.zeros(n, n);
        Linalg.multOuter(x, k);                                                    // K^(0)
        maps.products(k, products);
        double[] mu = maps.means(k), b = new double[n];
        for (int i = 0; i < n; i++) b[i] = Math.sqrt(cSigma) * mu[i];              // b^(1)
        Linalg.scale(cSigma, products);
        k.copyFrom(products);                                                      // K^(1)
        for (int h = 2; h <= spec.depth() - 1; h++) {
            maps.products(k, products);
            mu = maps.means(k);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    k.set(i, j, k.get(i, j) + c * b[i] * mu[i] / spec.depth() + c * b[j] * mu[j] / spec.depth() + c * c * products.get(i, j) / h2);
            for (int i = 0; i < n; i++) b[i] += c / spec.depth() * mu[i];
        }
        maps.derivativeProducts(k, products);                                      // K^(H) = c^2/H^2 K^(H-1) o E[sigma' sigma']
        for (int i = 0; i < n * n; i++) products.set(i, c * c / h2 * k.get(i) * products.get(i));
        k.close();
        return products;
    }

    static NetworkSpec withWidth(NetworkSpec s, int width) {
        return new NetworkSpec(s.arch(), s.inputDim(), width, s.depth(), s.activation(), s.cRes());
    }

    static Matrix meanFiniteGram(NetworkSpec spec, Matrix x, int seeds) {
        int n = x.rows();
        Matrix mean = Matrix.zeros(n, n);
        try (Dataset data = new Dataset(x.copy(), Matrix.vector(n), "mc")) {
            for (int s = 0; s < seeds; s++) {
                try (Network net = Network.initialize(spec, 9100 + s); GramInstrument g = GramInstrumentTestAccess.measureAtInit(net, data)) {
                    Linalg.addScaled(1.0 / seeds, g.gram(), mean);
                }
            }
        }
        return mean;
    }
}
