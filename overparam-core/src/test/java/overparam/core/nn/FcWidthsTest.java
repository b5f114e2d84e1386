package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;

/** The fc network with a width of its own for each hidden layer (--widths; LeNet-300-100 is depth 2, widths 300, 100). */
class FcWidthsTest {
    static NetworkSpec fc(int d, String activation, int... widths) {
        int max = java.util.Arrays.stream(widths).max().orElseThrow();
        return new NetworkSpec(Arch.FC, d, max, widths.length, Activation.parse(activation, 0.1), 0.5, Patches.NONE, 1, widths);
    }

    /** W_h is m_h x m_{h-1}, a is m_H long. */
    @Test
    void layersTakeTheirOwnWidths() {
        NetworkSpec spec = fc(4, "relu", 3, 2);
        assertArrayEquals(new int[] {3, 4}, spec.parameterShape(1));
        assertArrayEquals(new int[] {2, 3}, spec.parameterShape(2));
        assertArrayEquals(new int[] {2, 1}, spec.parameterShape(3));
        try (Network net = Network.initialize(spec, 7)) {
            assertEquals(3, net.parameter(1).rows());
            assertEquals(2, net.parameter(2).rows());
            assertEquals(2, net.parameter(3).rows());
        }
    }

    /**
     * Seed 004 eq. 2 with layer h's own width, computed by hand: x^(1) = sqrt(c/m_1) sigma(W1 x), x^(2) = sqrt(c/m_2) sigma(W2 x^(1)),
     * u = a . x^(2); the limit's q_h = c_sigma at every layer whatever m_h.
     */
    @Test
    void forwardIsEquationTwoWithEachLayersWidth() {
        NetworkSpec spec = fc(3, "tanh", 3, 2);
        double c = spec.cSigma();
        assertEquals(c, spec.widthFreeScale(1), 1e-15 * c);
        assertEquals(c, spec.widthFreeScale(2), 1e-15 * c);
        try (Network net = Network.initialize(spec, 3); Dataset data = Fixtures.sphere(2, 3, 5); Matrix u = net.predict(data.x())) {
            for (int i = 0; i < 2; i++) {
                double[] x0 = data.x().row(i);
                double[] x1 = layer(net.parameter(1), x0, Math.sqrt(c / 3));
                double[] x2 = layer(net.parameter(2), x1, Math.sqrt(c / 2));
                double expected = 0;
                for (int r = 0; r < 2; r++) expected += net.parameter(3).get(r) * x2[r];
                assertEquals(expected, u.get(i), 1e-14 * (1 + Math.abs(expected)));
            }
        }
    }

    private static double[] layer(Matrix w, double[] x, double scale) {
        double[] out = new double[w.rows()];
        for (int r = 0; r < w.rows(); r++) {
            double z = 0;
            for (int j = 0; j < x.length; j++) z += w.get(r, j) * x[j];
            out[r] = scale * Math.tanh(z);
        }
        return out;
    }

    /** Back-propagation through layers of widths 3 and 2 against central differences of the loss. */
    @Test
    void gradientsAgreeWithCentralDifferences() {
        for (String activation : new String[] {"tanh", "softplus", "relu"}) {
            NetworkSpec spec = fc(4, activation, 3, 2);
            long seed = 0;
            while (true) {
                try (Network net = Network.initialize(spec, seed); Dataset data = Fixtures.sphere(5, 4, seed)) {
                    if (Fixtures.distanceToKink(net, data) > 1e-3) {
                        Fixtures.assertGradientMatchesCentralDifferences(net, data);
                        break;
                    }
                }
                seed++;
            }
        }
    }

    /** Widths that are all equal are the ordinary network: the same spec, so the same draws and the same training. */
    @Test
    void equalWidthsAreTheOrdinaryNetwork() {
        NetworkSpec chosen = fc(5, "relu", 8, 8), plain = new NetworkSpec(Arch.FC, 5, 8, 2, Activation.parse("relu", 0.1), 0.5);
        assertEquals(plain, chosen);
        assertNull(chosen.hiddenWidths());
    }
}
