package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.linalg.Svd;
import overparam.core.optim.Descent;
import overparam.core.optim.Optimizer;

/**
 * The linear models of the implicit-bias papers: the deep linear network W_N ... W_1 x (Arora et al. 2018, 2019) with its
 * initializations, and the diagonal network <w_+^2 - w_-^2, x> (Woodworth et al. 2020); each against a route that does not
 * use the network's own forward or backward code. Their gradients against finite differences are in {@link GradientTest}.
 */
class LinearModelsTest {
    /** The linear model (N = 1, no hidden layer): u = X a, by hand. */
    @Test
    void linearModelWithoutHiddenLayerComputesXa() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 3, 0, 0, 2);
        try (Dataset data = Fixtures.sphere(5, 3, 1); Network net = Network.initialize(spec, 4); Matrix u = net.predict(data.x())) {
            Matrix a = net.parameter(1);
            assertEquals(3, a.rows());
            assertEquals(2, a.cols());
            for (int i = 0; i < 5; i++) for (int c = 0; c < 2; c++) {
                double sum = 0;
                for (int j = 0; j < 3; j++) sum += data.x().get(i, j) * a.get(j, c);
                assertEquals(sum, u.get(i, c), 1e-15);
            }
        }
    }

    /** Its gradient X^T (u - y) against central differences (the loss is quadratic: central differences are exact up to rounding). */
    @Test
    void linearModelGradientAgreesWithCentralDifferences() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 4, 0, 0, 1);
        try (Dataset data = Fixtures.sphere(6, 4, 2); Network net = Network.initialize(spec, 3)) {
            Matrix grad = Fixtures.gradient(net, data, Loss.SQUARED)[0];
            Matrix a = net.parameter(1);
            double h = 1e-5;
            for (int j = 0; j < 4; j++) {
                double w = a.get(j);
                a.set(j, w + h);
                double plus = Fixtures.loss(net, data, Loss.SQUARED);
                a.set(j, w - h);
                double minus = Fixtures.loss(net, data, Loss.SQUARED);
                a.set(j, w);
                assertEquals((plus - minus) / (2 * h), grad.get(j), 1e-9);
            }
        }
    }

    /**
     * Procedure 1 of Arora et al. (2019): W_{j+1}^T W_{j+1} = W_j W_j^T at every j (a = W_N^T), and every layer carries the
     * same singular values s^{1/N}, so the end-to-end matrix's are their N-th powers (its SVD computed separately).
     */
    @ParameterizedTest(name = "N = {0}, k = {1}")
    @CsvSource({"1, 1", "2, 1", "3, 1", "4, 3", "3, 5"})
    void balancedInitializationIsBalanced(int layers, int outputs) {
        int d = 6, width = 7;
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", d, layers == 1 ? d : width, layers - 1, outputs);
        try (Network net = Network.initialize(spec, 11, Init.BALANCED, 0.8)) {
            for (int h = 1; h < layers; h++) {
                Matrix w = net.parameter(h), next = net.parameter(h + 1);
                try (Matrix upper = Matrix.zeros(width, width); Matrix lower = Matrix.zeros(width, width)) {
                    if (h + 1 == layers) Linalg.multTransB(1.0, next, next, 0.0, upper);            // W_N^T W_N = a a^T
                    else Linalg.multTransA(1.0, next, next, 0.0, upper);
                    Linalg.multTransB(1.0, w, w, 0.0, lower);
                    Linalg.addScaled(-1.0, lower, upper);
                    assertTrue(Linalg.normF(upper) < 1e-13, "layer " + h + ": ||W_{h+1}^T W_{h+1} - W_h W_h^T|| = " + Linalg.normF(upper));
                }
            }
            try (Matrix e = endToEndByForward(net, d)) {
                // the product realizes the drawn end-to-end matrix A itself (N(0, alpha^2 / d) entries from its own stream)
                java.util.random.RandomGenerator rng = overparam.core.Seeds.stream(11, "init/end-to-end");
                for (int i = 0; i < outputs; i++) for (int j = 0; j < d; j++)
                    assertEquals(0.8 / Math.sqrt(d) * rng.nextGaussian(), e.get(j, i), 1e-13, "A[" + i + "," + j + "]");
                double[] endToEnd = Svd.values(e);
                double[] first = Svd.values(net.parameter(1));
                for (int i = 0; i < Math.min(d, outputs); i++)
                    assertEquals(Math.pow(first[i], layers), endToEnd[i], 1e-13 * endToEnd[0], "singular value " + i);
            }
        }
    }

    /**
     * Chosen widths (d = 4, m = 5, 3, 7, k = 2): W_h is m_h x m_{h-1}; the network computes W_4 W_3 W_2 W_1 x (the product
     * formed by BLAS from the weights, against the forward pass), its gradient agrees with central differences (a quartic
     * in the weights: truncation O(h^2) ~ 1e-10), a balanced start is balanced layer by layer, and the weights round-trip
     * through the files' shapes.
     */
    @Test
    void chosenWidthsChainAndTrain() {
        NetworkSpec spec = NetworkSpec.linear(4, new int[] {5, 3, 7}, 2);
        assertEquals(7, spec.width());
        assertEquals(3, spec.fanIn(3));
        assertEquals(7, spec.parameterShape(4)[0]);
        try (Network net = Network.initialize(spec, 5, Init.STANDARD, 1.0); Dataset data = Fixtures.sphere(6, 4, 3); Matrix e = endToEndByForward(net, 4)) {
            assertEquals(5, net.parameter(1).rows());
            assertEquals(3, net.parameter(2).rows());
            assertEquals(5, net.parameter(2).cols());
            assertEquals(7, net.parameter(4).rows());
            // W_e^T = W_1^T W_2^T W_3^T a, by BLAS from the weights
            try (Matrix t3 = Matrix.zeros(3, 2); Matrix t2 = Matrix.zeros(5, 2); Matrix t1 = Matrix.zeros(4, 2)) {
                Linalg.multTransA(1.0, net.parameter(3), net.parameter(4), 0.0, t3);
                Linalg.multTransA(1.0, net.parameter(2), t3, 0.0, t2);
                Linalg.multTransA(1.0, net.parameter(1), t2, 0.0, t1);
                for (int j = 0; j < 4; j++) for (int c = 0; c < 2; c++) assertEquals(t1.get(j, c), e.get(j, c), 1e-14);
            }
        }
        NetworkSpec one = NetworkSpec.linear(4, new int[] {5, 3, 7}, 1);
        try (Network net = Network.initialize(one, 7, Init.STANDARD, 1.0); Dataset data = Fixtures.sphere(6, 4, 3)) {
            Fixtures.assertGradientMatchesCentralDifferences(net, data);
        }
        try (Network net = Network.initialize(spec, 6, Init.BALANCED, 1.0)) {
            for (int h = 1; h < 4; h++) {
                Matrix w = net.parameter(h), next = net.parameter(h + 1);
                int m = spec.width(h);
                try (Matrix upper = Matrix.zeros(m, m); Matrix lower = Matrix.zeros(m, m)) {
                    if (h + 1 == 4) Linalg.multTransB(1.0, next, next, 0.0, upper);
                    else Linalg.multTransA(1.0, next, next, 0.0, upper);
                    Linalg.multTransB(1.0, w, w, 0.0, lower);
                    Linalg.addScaled(-1.0, lower, upper);
                    assertTrue(Linalg.normF(upper) < 1e-13, "layer " + h);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Network.initialize(NetworkSpec.linear(4, new int[] {5, 1, 7}, 2), 1, Init.BALANCED, 1));
        // chosen widths are the deep linear and the fc network's (fc --widths); a residual network's stream has one width
        assertThrows(IllegalArgumentException.class, () -> new NetworkSpec(Arch.RESNET, 4, 7, 2, new Activation.Identity(), 0.5, Patches.NONE, 1, new int[] {5, 7}));
        assertEquals(Fixtures.spec(Arch.LINEAR, "identity", 4, 6, 2, 1), NetworkSpec.linear(4, new int[] {6, 6}, 1), "one width: the ordinary network");
    }

    @Test
    void balancedInitializationRefusesWidthsBelowTheRank() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 5, 2, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.initialize(spec, 1, Init.BALANCED, 1));
        assertTrue(e.getMessage().contains("width >= min(d, k) = 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Network.initialize(Fixtures.spec(Arch.FC, "relu", 3, 4, 2), 1, Init.BALANCED, 1));
    }

    /** Identity initialization: every layer alpha I, so W_e = alpha^N I. */
    @Test
    void identityInitializationMultipliesToAlphaToTheN() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 3, 5, 3, 3);
        try (Network net = Network.initialize(spec, 2, Init.IDENTITY, 0.5); Matrix e = endToEndByForward(net, 3)) {
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertEquals(i == j ? Math.pow(0.5, 4) : 0, e.get(i, j), 1e-16);
        }
    }

    /**
     * The standard initialization draws N(0, alpha^2 / fan-in): the sample variance of 20,000 entries has a relative standard
     * error sqrt(2 / 20000) = 1%, so 5 standard errors is 5%.
     */
    @Test
    void standardInitializationHasVarianceAlphaSquaredOverFanIn() {
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", 50, 400, 2, 1);
        double alpha = 0.3;
        try (Network net = Network.initialize(spec, 5, Init.STANDARD, alpha)) {
            for (int h = 1; h <= 2; h++) {
                Matrix w = net.parameter(h);
                double f = Linalg.normF(w), variance = f * f / w.size(), expected = alpha * alpha / w.cols();
                assertEquals(expected, variance, 5 * Math.sqrt(2.0 / w.size()) * expected, "W" + h);
            }
        }
    }

    /** The diagonal network: u = X (w_+^2 - w_-^2) by hand, and its standard start w_+ = w_- = alpha 1 (beta(0) = 0). */
    @Test
    void diagonalNetworkComputesTheDifferenceOfSquares() {
        NetworkSpec spec = Fixtures.spec(Arch.DIAGONAL, "identity", 4, 0, 1, 1);
        try (Dataset data = Fixtures.sphere(3, 4, 6); Network net = Network.initialize(spec, 1, Init.STANDARD, 0.2)) {
            Matrix w = net.parameter(1);
            for (int r = 0; r < 8; r++) assertEquals(0.2, w.get(r), 0.0);
            try (Matrix u = net.predict(data.x())) { for (int i = 0; i < 3; i++) assertEquals(0.0, u.get(i), 1e-17); }
            double[] values = {0.3, -1.2, 0.5, 2.0, 0.7, 0.1, -0.4, 1.5};
            for (int r = 0; r < 8; r++) w.set(r, values[r]);
            try (Matrix u = net.predict(data.x())) {
                for (int i = 0; i < 3; i++) {
                    double sum = 0;
                    for (int j = 0; j < 4; j++) sum += data.x().get(i, j) * (values[j] * values[j] - values[j + 4] * values[j + 4]);
                    assertEquals(sum, u.get(i), 1e-14);
                }
            }
        }
    }

    /**
     * The discrete form of the balancedness law (Du, Hu, Lee 2018): for a network homogeneous in each weight matrix,
     * <g_h, W_h> = <g_{h+1}, W_{h+1}>, so one gradient step of size eta changes ||W_{h+1}||^2 - ||W_h||^2 by exactly
     * eta^2 (||g_{h+1}||^2 - ||g_h||^2), and each hidden neuron's incoming minus outgoing squared norm by the same expression
     * in its rows and columns. Exact in exact arithmetic: the tolerance is rounding, 1e-12 of the squared norms involved.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"fc, relu", "fc, leaky-relu", "linear, identity", "no-identity, relu"})
    void oneGradientStepChangesTheBalanceByEtaSquaredTimesTheGradients(String arch, String activation) {
        NetworkSpec spec = Fixtures.spec(Arch.parse(arch), activation, 5, 6, 3);
        double eta = 0.05;
        try (Dataset data = Fixtures.sphere(7, 5, 3); Network net = Network.initialize(spec, 8)) {
            int count = spec.parameterCount();
            Matrix[] g = Fixtures.gradient(net, data, Loss.SQUARED);
            Matrix[] before = new Matrix[count];
            for (int h = 1; h <= count; h++) before[h - 1] = net.parameter(h).copy();
            try (Workspace ws = new Workspace(spec, data.n());
                 Descent gd = new Descent(Optimizer.gradientDescent(eta).chain(data.n(), data.n(), 1), net.gradients(ws, TrainedLayers.all(spec)))) {
                net.forward(ws, data.x());
                Loss.SQUARED.evaluate(ws.predictions(), data.y(), ws.residuals());
                gd.step();
            }
            int trainedCount = spec.outputFixed() ? count - 1 : count;               // seed 002's a = 1 does not train
            for (int h = 1; h < trainedCount; h++) {
                double change = sq(net.parameter(h + 1)) - sq(net.parameter(h)) - (sq(before[h]) - sq(before[h - 1]));
                double predicted = eta * eta * (sq(g[h]) - sq(g[h - 1]));
                double scale = sq(before[h]) + sq(before[h - 1]);
                assertEquals(predicted, change, 1e-12 * scale, arch + " layers " + h + ", " + (h + 1));
                assertTrue(Math.abs(predicted) > 1e-6 * scale, "the step must move the balance measurably");
                boolean top = h + 1 == count;
                for (int j = 0; j < spec.width(); j++) {
                    double neuronChange = neuron(net.parameter(h), net.parameter(h + 1), j, top) - neuron(before[h - 1], before[h], j, top);
                    double neuronPredicted = eta * eta * neuron(g[h - 1], g[h], j, top);
                    assertEquals(neuronPredicted, neuronChange, 1e-12 * scale, arch + " layer " + h + " neuron " + j);
                }
            }
            for (Matrix m : before) m.close();
            for (Matrix m : g) m.close();
        }
    }

    /**
     * Arora, Cohen, Hazan (2018), Theorem 1: for a balanced deep linear network the end-to-end matrix moves, to first order in
     * eta, as W_e -= eta sum_{j=1}^N [W_e W_e^T]^{(j-1)/N} dL/dW_e [W_e^T W_e]^{(N-j)/N} (matrix powers of PSD matrices through
     * their eigendecomposition; power 0 is the identity). The rest is O(eta^2): halving eta divides the discrepancy by 4
     * (between 3 and 5 here, where the next term is 8 times smaller), while a wrong preconditioner leaves an O(eta) error
     * whose ratio is 2.
     */
    @Test
    void balancedEndToEndStepFollowsThePreconditionedFormula() {
        int d = 4, k = 2, layers = 3, width = 5;
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", d, width, layers - 1, k);
        try (Dataset inputs = Fixtures.sphere(6, d, 1); Matrix y = Matrix.zeros(6, k)) {
            Matrix x = inputs.x();
            java.util.random.RandomGenerator rng = overparam.core.Seeds.stream(4, "targets");
            for (int i = 0; i < 6; i++) for (int c = 0; c < k; c++) y.set(i, c, rng.nextGaussian());
            double[] errors = new double[2];
            for (int t = 0; t < 2; t++) {
                double eta = 0.02 / (1 << t);
                try (Network net = Network.initialize(spec, 3, Init.BALANCED, 1.0); Matrix e0 = endToEndByForward(net, d)) {
                    try (Matrix predicted = preconditionedStep(e0, x, y, layers, eta)) {
                        try (Workspace ws = new Workspace(spec, 6);
                             Descent gd = new Descent(Optimizer.gradientDescent(eta).chain(6, 6, 1), net.gradients(ws, TrainedLayers.all(spec)))) {
                            net.forward(ws, x);
                            vectorSquaredLoss(ws.predictions(), y, ws.residuals());
                            gd.step();
                        }
                        try (Matrix e1 = endToEndByForward(net, d)) {
                            Linalg.addScaled(-1.0, predicted, e1);
                            errors[t] = Linalg.normF(e1);
                        }
                    }
                }
            }
            double ratio = errors[0] / errors[1];
            assertTrue(ratio > 3 && ratio < 5, "discrepancy " + errors[0] + " then " + errors[1] + ": ratio " + ratio + ", expected 4 (O(eta^2))");
        }
    }

    /** 1/2 ||U - Y||_F^2 over k outputs, its gradient U - Y (the squared loss of seed 004 has one output). */
    private static void vectorSquaredLoss(Matrix u, Matrix y, Matrix gradient) {
        gradient.copyFrom(u);
        Linalg.addScaled(-1.0, y, gradient);
    }

    /** W_e^T (d x k, row j = f(e_j)): the network's forward pass on the rows of the identity. */
    static Matrix endToEndByForward(Network net, int d) {
        try (Matrix eye = Matrix.zeros(d, d)) {
            for (int j = 0; j < d; j++) eye.set(j, j, 1);
            return net.predict(eye);
        }
    }

    /** W_e^T after Arora et al.'s preconditioned step from W_e^T = et, with dL/dW_e^T = X^T (X W_e^T - Y). */
    private static Matrix preconditionedStep(Matrix et, Matrix x, Matrix y, int layers, double eta) {
        int d = et.rows(), k = et.cols(), n = x.rows();
        Matrix out = et.copy();
        try (Matrix r = Matrix.zeros(n, k); Matrix grad = Matrix.zeros(d, k); Matrix left = Matrix.zeros(d, d); Matrix right = Matrix.zeros(k, k);
             Matrix tmp = Matrix.zeros(d, k); Matrix term = Matrix.zeros(d, k)) {
            Linalg.mult(1.0, x, et, 0.0, r);
            Linalg.addScaled(-1.0, y, r);
            Linalg.multTransA(1.0, x, r, 0.0, grad);                         // (dL/dW_e)^T, d x k
            Linalg.multTransB(1.0, et, et, 0.0, left);                               // W_e^T W_e (d x d)
            Linalg.multTransA(1.0, et, et, 0.0, right);                              // W_e W_e^T (k x k)
            for (int j = 1; j <= layers; j++) {
                // transposed: [W_e^T W_e]^{(N-j)/N} G^T [W_e W_e^T]^{(j-1)/N}
                try (Matrix pl = power(left, (double) (layers - j) / layers); Matrix pr = power(right, (double) (j - 1) / layers)) {
                    Linalg.mult(1.0, pl, grad, 0.0, tmp);
                    Linalg.mult(1.0, tmp, pr, 0.0, term);
                }
                Linalg.addScaled(-eta, term, out);
            }
        }
        return out;
    }

    /** M^p for a symmetric PSD M (eigenvalues clipped at 0), M^0 = I. */
    private static Matrix power(Matrix m, double p) {
        int n = m.rows();
        Matrix out = Matrix.zeros(n, n);
        if (p == 0) {
            for (int i = 0; i < n; i++) out.set(i, i, 1);
            return out;
        }
        try (Spectrum.Decomposition e = Spectrum.decompose(m)) {
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < n; l++) s += e.vectors().get(i, l) * Math.pow(Math.max(0, e.values()[l]), p) * e.vectors().get(j, l);
                out.set(i, j, s);
            }
        }
        return out;
    }

    private static double sq(Matrix m) {
        double f = Linalg.normF(m);
        return f * f;
    }

    /** Incoming minus outgoing squared norm of hidden neuron j between parameters w (rows: neurons) and next (columns, or a's rows). */
    private static double neuron(Matrix w, Matrix next, int j, boolean nextIsOutput) {
        double in = 0, out = 0;
        for (int c = 0; c < w.cols(); c++) in += w.get(j, c) * w.get(j, c);
        if (nextIsOutput) for (int c = 0; c < next.cols(); c++) out += next.get(j, c) * next.get(j, c);
        else for (int r = 0; r < next.rows(); r++) out += next.get(r, j) * next.get(r, j);
        return in - out;
    }
}
