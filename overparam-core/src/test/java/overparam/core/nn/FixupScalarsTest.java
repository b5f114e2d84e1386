package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import overparam.core.BadInputException;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.NdArray;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Optimizer;

/**
 * Fixup's scalar biases and multipliers (Zhang, Dauphin, Ma 2019, Section 3, rule 3) in the unit-branch residual MLP
 * ({@link BranchLayer}): the network at Fixup initialization is still exactly x -> x^(1) then identities with u = 0; a
 * forward pass with nonzero scalars solved by hand; every coordinate of the loss gradient (weights and scalars, in
 * {@link ParameterVector}'s layout) against central differences of the loss; the optimizer's step on a scalar; the
 * weights file's round trip; and training that moves the scalars and repeats bit for bit.
 */
class FixupScalarsTest {
    private static NetworkSpec spec(String activation, int d, int width, int depth, int outputs) {
        return new NetworkSpec(Arch.RESNET_UNIT, d, width, depth, Activation.parse(activation, 0.1), 0.5, Patches.NONE, outputs)
                .withFixupScalars(true);
    }

    /** Every trained scalar of the network set to a draw from N(0, 0.5^2) (the multipliers 1 + that), away from the start. */
    private static void perturbScalars(Network net, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int h = 1; h <= net.spec().parameterCount(); h++)
            for (int k = 0; k < net.scalars(h).size(); k++) {
                boolean multiplier = net.scalarNames(h).get(k).endsWith("_m");
                net.scalars(h).get(k).set(0, (multiplier ? 1 : 0) + 0.5 * rng.nextGaussian());
            }
    }

    /** Fixup's starting point with the scalars (b = 0, m = 1): every block is exactly the identity and u = 0. */
    @Test void fixupWithScalarsIsExactlyTheIdentityAtInitialization() {
        NetworkSpec spec = spec("relu", 5, 32, 9, 1);
        try (Dataset data = Fixtures.sphere(6, 5, 3); Network net = Network.initialize(spec, 7, Init.FIXUP); Workspace ws = new Workspace(spec, 6)) {
            net.forward(ws, data.x());
            double[] first = ws.output(1).toArray(), top = ws.output(9).toArray();
            for (int k = 0; k < first.length; k++) assertEquals(first[k], top[k], 0.0);
            for (double u : ws.predictions().toArray()) assertEquals(0.0, u, 0.0);
            for (int h = 2; h <= 10; h++)
                for (int k = 0; k < net.scalars(h).size(); k++)
                    assertEquals(net.scalarNames(h).get(k).endsWith("_m") ? 1.0 : 0.0, net.scalars(h).get(k).get(0), 0.0, net.scalarNames(h).get(k));
        }
    }

    /** With the scalars at their start, any weights give the same outputs bit for bit as the network without scalars. */
    @Test void scalarsAtTheirStartChangeNothing() {
        NetworkSpec with = spec("softplus", 4, 8, 7, 1), without = with.withFixupScalars(false);
        try (Dataset data = Fixtures.sphere(5, 4, 1); Network a = Network.initialize(with, 3); Network b = Network.initialize(without, 3)) {
            assertArrayEquals(b.predict(data.x()).toArray(), a.predict(data.x()).toArray(), 0.0);
        }
    }

    /**
     * d = m = 2, H = 3 (one block), relu, s = sqrt(c_sigma / m) = 1, x = (1, -1), W1 = I, W_in = [[1, 2], [0, -1]],
     * W_out = [[1, 1], [2, 0]], a = (1, -1), b1 = 0.5, b2 = -0.25, b3 = 0.1, m = 2, b4 = 0.3, output bias -0.2:
     * x^(1) = relu(x) = (1, 0); W_in (x^(1) + b1) + b2 = (2.5, -0.5) - 0.25 = (2.25, -0.75); z + b3 = (2.25, 0) + 0.1 =
     * (2.35, 0.1); W_out (z + b3) = (2.45, 4.7); x^(2) = (1, 0) + 2 (2.45, 4.7) + 0.3 = (6.2, 9.7); u = a . (x^(2) - 0.2) =
     * 6.0 - 9.5 = -3.5.
     */
    @Test void aForwardPassWithNonzeroScalarsSolvedByHand() {
        NetworkSpec spec = spec("relu", 2, 2, 3, 1);
        Map<String, Matrix> weights = new LinkedHashMap<>();
        weights.put("W1", Matrix.of(new double[][] {{1, 0}, {0, 1}}));
        weights.put("W2", Matrix.of(new double[][] {{1, 2}, {0, -1}}));
        weights.put("W3", Matrix.of(new double[][] {{1, 1}, {2, 0}}));
        weights.put("a", Matrix.vectorOf(1, -1));
        weights.put("branch1_b1", Matrix.vectorOf(0.5));
        weights.put("branch1_b2", Matrix.vectorOf(-0.25));
        weights.put("branch1_b3", Matrix.vectorOf(0.1));
        weights.put("branch1_m", Matrix.vectorOf(2));
        weights.put("branch1_b4", Matrix.vectorOf(0.3));
        weights.put("output_b", Matrix.vectorOf(-0.2));
        assertEquals(1.0, spec.layerScale(2), 0.0);
        try (Network net = Network.fromWeights(spec, weights, "hand"); Workspace ws = new Workspace(spec, 1)) {
            net.forward(ws, Matrix.of(new double[][] {{1, -1}}));
            assertArrayEquals(new double[] {2.25, -0.75}, ws.preActivation(2).toArray(), 1e-14);
            assertArrayEquals(new double[] {2.35, 0.1}, ws.output(2).toArray(), 1e-14);
            assertArrayEquals(new double[] {6.0, 9.5}, ws.output(3).toArray(), 1e-13);    // x^(H) + the output bias, what a reads
            assertEquals(-3.5, ws.predictions().get(0), 1e-13);
        }
        weights.values().forEach(Matrix::close);
    }

    /**
     * Every coordinate of dL/dtheta (W^(h), a and every scalar, through LossGradient in ParameterVector's layout) against
     * central differences of the loss, at weights and scalars away from the start, for one and for three outputs, and for
     * a run training only W3 and a (the branch-out layer is then the lowest the backward pass reaches).
     */
    @ParameterizedTest
    @CsvSource({"tanh, 1, all", "softplus, 1, all", "tanh, 3, all", "softplus, 1, 'W3,a'"})
    void theGradientOfEveryParameterAndScalarMatchesCentralDifferences(String activation, int outputs, String trainedText) {
        NetworkSpec spec = spec(activation, 3, 4, 5, outputs);
        TrainedLayers trained = TrainedLayers.parse(trainedText, spec);
        int n = 5;
        try (Dataset data = Fixtures.sphere(n, 3, 4); Network net = Network.initialize(spec, 9);
             Matrix y = labels(n, outputs); LossGradient grad = new LossGradient(net, trained, Loss.SQUARED, n)) {
            perturbScalars(net, 2);
            ParameterVector layout = grad.layout();
            int scalars = 0;
            for (int b = 0; b < layout.blocks(); b++) if (layout.isScalar(b)) scalars++;
            assertEquals(trainedText.equals("all") ? 5 * 2 + 1 : 3, scalars, "scalar blocks");
            Matrix g = layout.zeros(), e = layout.zeros();
            grad.evaluate(data.x(), y, g);
            double step = 1e-5;
            for (int j = 0; j < layout.size(); j++) {
                e.fill(0);
                e.set(j, 1.0);
                layout.add(step, e, net);
                double plus = loss(net, data.x(), y);
                layout.add(-2 * step, e, net);
                double minus = loss(net, data.x(), y);
                layout.add(step, e, net);
                double numeric = (plus - minus) / (2 * step);
                assertEquals(numeric, g.get(j), 1e-7 * Math.max(1, Math.abs(numeric)), "coordinate " + j);
            }
            g.close(); e.close();
        }
    }

    /** The order of the blocks: W^(h), then layer h's scalars; a, then the bias before it. */
    @Test void theParameterVectorPutsEachScalarAfterItsParameter() {
        NetworkSpec spec = spec("relu", 3, 4, 5, 1);
        try (Network net = Network.initialize(spec, 1)) {
            ParameterVector layout = ParameterVector.of(net, TrainedLayers.all(spec));
            assertEquals(List.of("W1", "W2", "branch1_b1", "branch1_b2", "branch1_b3", "W3", "branch1_m", "branch1_b4",
                    "W4", "branch2_b1", "branch2_b2", "branch2_b3", "W5", "branch2_m", "branch2_b4", "a", "output_b"), blockNames(net, layout));
            assertEquals(3 * 4 + 4 * 16 + 4 + 11, layout.size());
        }
    }

    /** Each block's weights-file key: W^(h) or a, or the k-th scalar of parameter h counted from the block after it. */
    private static List<String> blockNames(Network net, ParameterVector layout) {
        List<String> names = new ArrayList<>();
        int k = 0;
        for (int b = 0; b < layout.blocks(); b++) {
            int h = layout.layer(b);
            if (layout.isScalar(b)) names.add(net.scalarNames(h).get(k++));
            else { names.add(net.spec().parameterName(h)); k = 0; }
        }
        return names;
    }

    /**
     * Plain gradient descent moves each scalar by exactly -eta times its gradient (the optimizer steps it like any
     * parameter), so one step of the trainer from perturbed scalars lands on theta - eta g for every coordinate.
     */
    @Test void oneDescentStepMovesEveryScalarByMinusEtaTimesItsGradient() {
        NetworkSpec spec = spec("tanh", 3, 4, 5, 1);
        double eta = 0.01;
        int n = 6;
        try (Dataset data = Fixtures.sphere(n, 3, 8); Network net = Network.initialize(spec, 5);
             LossGradient grad = new LossGradient(net, TrainedLayers.all(spec), Loss.SQUARED, n)) {
            perturbScalars(net, 3);
            ParameterVector layout = grad.layout();
            Matrix g = layout.zeros(), before = layout.zeros(), after = layout.zeros();
            grad.evaluate(data.x(), data.y(), g);
            layout.read(net, before);
            Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(eta), 1, 1, TrainedLayers.all(spec), 0),
                    List.of(), new TrainingListener() {});
            layout.read(net, after);
            for (int b = 0; b < layout.blocks(); b++) {
                if (!layout.isScalar(b)) continue;
                int j = layout.offset(b);
                assertNotEquals(0.0, g.get(j), "a scalar's gradient away from the start");
                assertEquals(before.get(j) - eta * g.get(j), after.get(j), 1e-15 * Math.max(1, Math.abs(before.get(j))), "scalar block " + b);
            }
            g.close(); before.close(); after.close();
        }
    }

    /**
     * From Fixup's start (W_out = a = 0) every branch scalar's gradient is 0 at step 0 (dL/dx^(H) = R a^T = 0) and moves
     * once a and W_out do; after 30 steps of momentum every scalar has left its start, and two runs repeat bit for bit.
     */
    @Test void trainingMovesTheScalarsAndRepeatsBitForBit() {
        NetworkSpec spec = spec("relu", 4, 16, 7, 1);
        double[][] finals = new double[2][];
        for (int run = 0; run < 2; run++) {
            try (Dataset data = Fixtures.sphere(8, 4, 6); Network net = Network.initialize(spec, 4, Init.FIXUP)) {
                Trainer.train(net, data, new TrainSpec(Loss.SQUARED, new Optimizer(0.05, 0, 0.9, 0, null), 30, 10, TrainedLayers.all(spec), 0),
                        List.of(), new TrainingListener() {});
                ParameterVector layout = ParameterVector.of(net, TrainedLayers.all(spec));
                List<String> names = blockNames(net, layout);
                try (Matrix theta = layout.zeros()) {
                    layout.read(net, theta);
                    finals[run] = theta.toArray();
                    for (int b = 0; b < layout.blocks(); b++) {
                        if (!layout.isScalar(b)) continue;
                        double start = names.get(b).endsWith("_m") ? 1 : 0;
                        assertNotEquals(start, theta.get(layout.offset(b)), names.get(b) + " moved");
                    }
                }
            }
        }
        assertArrayEquals(finals[0], finals[1], 0.0);
    }

    /** weights_final's arrays hold every scalar under its name; a network read back predicts the same bits; a missing scalar is refused. */
    @Test void theWeightsFileKeepsTheScalarsAndReadsThemBack() {
        NetworkSpec spec = spec("softplus", 3, 4, 5, 1);
        try (Dataset data = Fixtures.sphere(4, 3, 2); Network net = Network.initialize(spec, 6)) {
            perturbScalars(net, 5);
            Map<String, Matrix> weights = new LinkedHashMap<>();
            for (Map.Entry<String, NdArray> e : net.weightArrays().entrySet()) weights.put(e.getKey(), e.getValue().data());
            assertTrue(weights.keySet().containsAll(List.of("branch1_b1", "branch1_b2", "branch1_b3", "branch1_m", "branch1_b4",
                    "branch2_b1", "branch2_b2", "branch2_b3", "branch2_m", "branch2_b4", "output_b")), weights.keySet().toString());
            assertEquals(net.scalars(3).get(0).get(0), weights.get("branch1_m").get(0), 0.0);
            try (Network back = Network.fromWeights(spec, weights, "weights.npz")) {
                assertArrayEquals(net.predict(data.x()).toArray(), back.predict(data.x()).toArray(), 0.0);
            }
            weights.remove("branch2_m");
            BadInputException e = assertThrows(BadInputException.class, () -> Network.fromWeights(spec, weights, "weights.npz"));
            assertTrue(e.getMessage().contains("branch2_m"), e.getMessage());
        }
    }

    /** Gram machinery and Hessian-vector products say why they do not cover the scalars instead of leaving them out. */
    @Test void perSampleSignalsAndHessianProductsAreRefusedWithAReason() {
        NetworkSpec spec = spec("relu", 3, 4, 5, 1);
        assertTrue(!spec.hasSampleSignals() && !spec.hasDenseGram());
        assertTrue(spec.withFixupScalars(false).hasSampleSignals());
        assertTrue(HessianVectorProduct.unsupported(spec).orElseThrow().contains("Fixup's scalar"));
        assertThrows(IllegalArgumentException.class, () -> new NetworkSpec(Arch.RESNET, 3, 4, 5, Activation.parse("relu", 0.1), 0.5).withFixupScalars(true));
    }

    private static Matrix labels(int n, int outputs) {
        Matrix y = Matrix.zeros(n, outputs);
        SplittableRandom rng = new SplittableRandom(11);
        for (int i = 0; i < n; i++) for (int c = 0; c < outputs; c++) y.set(i, c, rng.nextGaussian());
        return y;
    }

    private static double loss(Network net, Matrix x, Matrix y) {
        try (Matrix u = net.predict(x); Matrix r = Matrix.zeros(y.rows(), y.cols())) { return Loss.SQUARED.evaluate(u, y, r); }
    }
}
