package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;

/**
 * Why c_res = 0.5 is the default (NetworkSpec.DEFAULT_C_RES): with the branch scale c_res / (H sqrt m) of
 * eq. 3, the residual stream at initialization stays O(1) at every depth, as the theorem's analysis needs:
 * ||x^(H)|| / ||x^(1)|| stays below 1.6 for every activation (about 1.13 for relu, 1.37 for softplus, 1.56
 * for quadratic at H = 64); the c_res / H steps add up like an ODE, so the ratio levels off as H grows.
 */
class ResNetScaleTest {
    @Test
    void residualStreamStaysOrderOneAtEveryDepth() {
        for (String activation : Activation.FIXED) {
            double previous = 0;
            for (int depth : new int[] {2, 8, 32}) {
                NetworkSpec spec = new NetworkSpec(Arch.RESNET, 10, 1024, depth, Activation.parse(activation, 0.01), NetworkSpec.DEFAULT_C_RES);
                double ratio = meanNormRatio(spec);
                assertTrue(ratio > 1 / 1.6 && ratio < 1.6, activation + " H = " + depth + ": ||x^(H)|| / ||x^(1)|| = " + ratio);
                assertTrue(depth == 2 || Math.abs(ratio - previous) < 0.25, activation + ": ratio keeps moving with depth, " + previous + " -> " + ratio);
                previous = ratio;
            }
        }
    }

    private static double meanNormRatio(NetworkSpec spec) {
        int n = 8;
        try (Network net = Network.initialize(spec, 1); Matrix x = Synthetic.sphere(n, spec.inputDim(), 1); Workspace ws = new Workspace(spec, n)) {
            net.forward(ws, x);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += Math.sqrt(sumSq(ws.output(spec.depth()).row(i)) / sumSq(ws.output(1).row(i)));
            return sum / n;
        }
    }

    private static double sumSq(double[] v) {
        double s = 0;
        for (double e : v) s += e * e;
        return s;
    }
}
