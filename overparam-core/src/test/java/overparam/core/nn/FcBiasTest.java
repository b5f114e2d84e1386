package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.NdArray;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Descent;
import overparam.core.optim.Optimizer;

/**
 * The fc network with biases (--bias-scale beta): x^(h) = sqrt(c_sigma / m_h) sigma(W^(h) x^(h-1) + beta b^(h)),
 * u = a^T x^(H) + beta b_out. Its forward pass by hand, every gradient (weights and biases) against central differences,
 * the optimizers' steps on the biases, and the weights files.
 */
class FcBiasTest {
    static final double BETA = 0.7;

    static NetworkSpec fc(int d, String activation, int outputs, double beta, int... widths) {
        int max = java.util.Arrays.stream(widths).max().orElseThrow();
        return new NetworkSpec(Arch.FC, d, max, widths.length, Activation.parse(activation, 0.1), 0.5, Patches.NONE, outputs, widths).withBiasScale(beta);
    }

    /** Depth 1, relu, m = 3, by hand: u = a . sqrt(2 / 3) relu(W x + beta b) + beta b_out. */
    @Test
    void forwardIsTheDefinitionByHand() {
        NetworkSpec spec = new NetworkSpec(Arch.FC, 2, 3, 1, Activation.parse("relu", 0.1), 0.5).withBiasScale(BETA);
        try (Network net = Network.initialize(spec, 11); Matrix x = Matrix.zeros(2, 2)) {
            x.set(0, 0, 1); x.set(1, 0, 0.3); x.set(1, 1, -0.8);
            try (Matrix u = net.predict(x)) {
                Matrix w = net.parameter(1), a = net.parameter(2), b = net.bias(1), bOut = net.bias(2);
                for (int i = 0; i < 2; i++) {
                    double expected = BETA * bOut.get(0);
                    for (int r = 0; r < 3; r++) {
                        double pre = w.get(r, 0) * x.get(i, 0) + w.get(r, 1) * x.get(i, 1) + BETA * b.get(r);
                        expected += a.get(r) * Math.sqrt(2.0 / 3) * Math.max(pre, 0);
                    }
                    assertEquals(expected, u.get(i), 1e-14 * (1 + Math.abs(expected)));
                }
                assertTrue(Math.abs(b.get(0)) + Math.abs(bOut.get(0)) > 0, "biases start N(0, 1), not 0");
            }
        }
    }

    /** Every parameter, weights and biases, against central differences; one output (per-sample signals) and 3 classes (loss signals). */
    @Test
    void gradientsOfWeightsAndBiasesAgreeWithCentralDifferences() {
        for (String activation : new String[] {"tanh", "relu"})
            for (Loss loss : new Loss[] {Loss.SQUARED, Loss.CROSS_ENTROPY}) {
                int k = loss == Loss.CROSS_ENTROPY ? 3 : 1;
                NetworkSpec spec = fc(4, activation, k, BETA, 3, 2);
                for (long seed = 0; ; seed++) {
                    try (Network net = Network.initialize(spec, seed); Dataset data = data(5, 4, k, seed)) {
                        if (Fixtures.distanceToKink(net, data) < 1e-3) continue;
                        Map<String, Matrix> grad = gradient(net, data, loss);
                        assertEquals(List.of("W1", "W2", "a", "b1", "b2", "b_out"), List.copyOf(grad.keySet()));
                        double h = 1e-5;       // truncation O(h^2) ~ 1e-10, rounding O(eps / h) ~ 1e-11
                        for (Map.Entry<String, Matrix> p : net.parametersAndScalars().entrySet()) {
                            Matrix w = p.getValue();
                            for (int e = 0; e < (int) w.size(); e++) {
                                double original = w.get(e);
                                w.set(e, original + h);
                                double plus = Fixtures.loss(net, data, loss);
                                w.set(e, original - h);
                                double minus = Fixtures.loss(net, data, loss);
                                w.set(e, original);
                                double numeric = (plus - minus) / (2 * h);
                                assertEquals(numeric, grad.get(p.getKey()).get(e), 1e-7 * Math.max(1, Math.abs(numeric)),
                                        activation + " " + loss + " " + p.getKey() + "[" + e + "]");
                            }
                        }
                        grad.values().forEach(Matrix::close);
                        break;
                    }
                }
            }
    }

    /**
     * Every optimizer moves the biases as it moves any parameter: GD -eta g; momentum's second step -eta (mu g1 + g2); weight
     * decay -eta (g + lambda b); Adam's first step -eta g / (|g| + eps) (bias-corrected moments g and g^2).
     */
    @Test
    void everyOptimizerTrainsTheBiases() {
        NetworkSpec spec = fc(4, "tanh", 1, BETA, 3, 2);
        double eta = 0.01, mu = 0.9, lambda = 0.1;
        Optimizer gd = Optimizer.gradientDescent(eta), momentum = new Optimizer(eta, 0, mu, 0, Optimizer.Schedule.CONSTANT),
                decay = new Optimizer(eta, 0, 0, lambda, Optimizer.Schedule.CONSTANT), adam = Optimizer.gradientDescent(eta).withAdam(Optimizer.Adam.DEFAULT);
        for (Optimizer o : new Optimizer[] {gd, momentum, decay, adam})
            try (Network net = Network.initialize(spec, 3); Dataset data = data(5, 4, 1, 3)) {
                String[] keys = {"b1", "b2", "b_out"};
                Map<String, Matrix> g1 = gradient(net, data, Loss.SQUARED), start = copies(net);
                try (Workspace ws = new Workspace(spec, data.n());
                     Descent descent = new Descent(o.chain(data.n(), data.n(), 2), net.gradients(ws, TrainedLayers.all(spec)))) {
                    step(net, ws, data, descent);
                    Map<String, Matrix> after1 = copies(net), g2 = gradient(net, data, Loss.SQUARED);
                    if (o == momentum) step(net, ws, data, descent);
                    for (String key : keys) {
                        Matrix b0 = start.get(key), now = net.parametersAndScalars().get(key);
                        for (int e = 0; e < (int) b0.size(); e++) {
                            double g = g1.get(key).get(e), expected;
                            if (o == gd) expected = b0.get(e) - eta * g;
                            else if (o == momentum) expected = after1.get(key).get(e) - eta * (mu * g + g2.get(key).get(e));
                            else if (o == decay) expected = b0.get(e) - eta * (g + lambda * b0.get(e));
                            else expected = b0.get(e) - eta * g / (Math.abs(g) + Optimizer.Adam.DEFAULT.eps());
                            assertEquals(expected, now.get(e), 1e-12 * (1 + Math.abs(expected)), key + "[" + e + "]");
                        }
                    }
                    for (Map<String, Matrix> m : List.of(g1, start, after1, g2)) m.values().forEach(Matrix::close);
                }
            }
    }

    /** weights_*.npz keep b1..bH and b_out as 1-D arrays and read back to the same function; a network without biases refuses them. */
    @Test
    void weightsFilesKeepTheBiases() {
        NetworkSpec spec = fc(4, "relu", 1, BETA, 3, 2);
        try (Network net = Network.initialize(spec, 5); Matrix x = Synthetic.sphere(3, 4, 1)) {
            Map<String, NdArray> arrays = net.weightArrays();
            assertEquals(List.of("W1", "W2", "b1", "b2", "b_out", "a"), List.copyOf(arrays.keySet()));
            assertEquals(List.of(3L), java.util.Arrays.stream(arrays.get("b1").shape()).boxed().toList());
            assertEquals(List.of(1L), java.util.Arrays.stream(arrays.get("b_out").shape()).boxed().toList());
            Map<String, Matrix> weights = new LinkedHashMap<>();
            arrays.forEach((k, v) -> weights.put(k, v.data()));
            try (Network back = Network.fromWeights(spec, weights, "w.npz"); Matrix u = net.predict(x); Matrix v = back.predict(x)) {
                for (int i = 0; i < 3; i++) assertEquals(u.get(i), v.get(i), 0.0);
            }
            NetworkSpec plain = fc(4, "relu", 1, 0, 3, 2);
            BadInputException e = assertThrows(BadInputException.class, () -> Network.fromWeights(plain, weights, "w.npz"));
            assertTrue(e.getMessage().contains("--bias-scale"), e.getMessage());
            weights.remove("b2");
            e = assertThrows(BadInputException.class, () -> Network.fromWeights(spec, weights, "w.npz"));
            assertTrue(e.getMessage().contains("b2"), e.getMessage());
            weights.values().forEach(Matrix::close);
        }
    }

    /** beta = 0 is seed 004's network: the same spec as one never given a bias scale, no bias matrices, no b keys. */
    @Test
    void zeroBiasScaleIsTheNetworkWithoutBiases() {
        NetworkSpec plain = new NetworkSpec(Arch.FC, 4, 6, 2, Activation.parse("relu", 0.1), 0.5);
        assertEquals(plain, plain.withBiasScale(0));
        assertEquals(plain.hashCode(), plain.withBiasScale(0).hashCode());
        assertFalse(plain.withBiasScale(0).hasBiases());
        try (Network net = Network.initialize(plain.withBiasScale(0), 1)) {
            assertNull(net.bias(1));
            assertNull(net.bias(3));
            Map<String, NdArray> arrays = net.weightArrays();
            assertEquals(List.of("W1", "W2", "a"), List.copyOf(arrays.keySet()));
            arrays.values().forEach(a -> a.data().close());
        }
        assertThrows(IllegalArgumentException.class, () -> new NetworkSpec(Arch.RESNET, 4, 6, 2, Activation.parse("relu", 0.1), 0.5).withBiasScale(0.1));
    }

    private static void step(Network net, Workspace ws, Dataset data, Descent descent) {
        net.forward(ws, data.x());
        Loss.SQUARED.evaluate(ws.predictions(), data.y(), ws.residuals());
        descent.step();
    }

    private static Map<String, Matrix> copies(Network net) {
        Map<String, Matrix> out = new LinkedHashMap<>();
        net.parametersAndScalars().forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    /** The production gradient of every trained parameter and bias: a plain descent step of size 1, undone. */
    static Map<String, Matrix> gradient(Network net, Dataset data, Loss loss) {
        Map<String, Matrix> before = copies(net);
        try (Workspace ws = new Workspace(net.spec(), data.n());
             Descent gd = new Descent(Optimizer.gradientDescent(1.0).chain(1, 1, 1), net.gradients(ws, TrainedLayers.all(net.spec())))) {
            net.forward(ws, data.x());
            loss.evaluate(ws.predictions(), data.y(), ws.residuals());
            gd.step();
        }
        Map<String, Matrix> grad = new LinkedHashMap<>();
        for (Map.Entry<String, Matrix> p : net.parametersAndScalars().entrySet()) {
            Matrix g = before.get(p.getKey()).copy();
            overparam.core.linalg.Linalg.addScaled(-1.0, p.getValue(), g);          // before - after = gradient
            p.getValue().copyFrom(before.get(p.getKey()));
            grad.put(p.getKey(), g);
        }
        before.values().forEach(Matrix::close);
        return grad;
    }

    static Dataset data(int n, int d, int k, long seed) {
        Matrix x = Synthetic.sphere(n, d, seed), y = Synthetic.gaussianLabels(n, seed);
        if (k > 1) for (int i = 0; i < n; i++) y.set(i, i % k);
        return new Dataset(x, y, "test");
    }
}
