package overparam.core;

import java.util.ArrayList;
import java.util.List;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Patches;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Workspace;
import overparam.core.optim.Descent;
import overparam.core.optim.Optimizer;

/** Small networks and data sets for tests, and the loss and gradient routes the tests compare. */
public final class Fixtures {
    private Fixtures() {}

    public static Dataset sphere(int n, int d, long seed) {
        return new Dataset(Synthetic.sphere(n, d, seed), Synthetic.gaussianLabels(n, seed), "sphere");
    }

    /** A network on inputs of d values; the convolutional ResNet reads them as a 1-channel signal of d pixels, 3-pixel patches. */
    public static NetworkSpec spec(Arch arch, String activation, int d, int width, int depth) {
        return spec(arch, activation, d, width, depth, 1);
    }

    /**
     * The same with k outputs; seed 002's networks are as wide as their input (width is then d); the linear models take
     * the identity activation whatever is named, the diagonal network its 2d units and depth 1, the quadratic network its
     * quadratic activation and depth 1.
     */
    public static NetworkSpec spec(Arch arch, String activation, int d, int width, int depth, int outputs) {
        Patches patches = arch == Arch.CONV_RESNET ? Patches.of(1, d, 3) : Patches.NONE;
        if (arch == Arch.DIAGONAL) return new NetworkSpec(arch, d, 2 * d, 1, new Activation.Identity(), 0.5, patches, outputs);
        if (arch == Arch.QUADRATIC) return new NetworkSpec(arch, d, width, 1, new Activation.Quadratic(), 0.5, patches, outputs);
        if (arch == Arch.LINEAR) return new NetworkSpec(arch, d, depth == 0 ? d : width, depth, new Activation.Identity(), 0.5, patches, outputs);
        return new NetworkSpec(arch, d, arch.isSeed002() ? d : width, arch == Arch.TWO_LAYER ? 1 : depth, Activation.parse(activation, 0.1),
                0.5, patches, outputs);
    }

    /** Every architecture with a depth that exercises it. */
    public static List<NetworkSpec> everyArch(String activation, int d, int width) {
        List<NetworkSpec> specs = new ArrayList<>();
        specs.add(spec(Arch.FC, activation, d, width, 3));
        specs.add(spec(Arch.RESNET, activation, d, width, 3));
        specs.add(spec(Arch.TWO_LAYER, activation, d, width, 1));
        specs.add(spec(Arch.CONV_RESNET, activation, d, width, 3));
        return specs;
    }

    /** The loss at the network's current weights, by a fresh forward pass. */
    public static double loss(Network net, Dataset data, Loss loss) {
        try (Workspace ws = new Workspace(net.spec(), data.n())) {
            net.forward(ws, data.x());
            return loss.evaluate(ws.predictions(), data.y(), ws.residuals());
        }
    }

    /** dL/dalpha_h of every learned PReLU slope as the production code computes it (a descent step of size 1, undone). */
    public static double[] slopeGradient(Network net, Dataset data, Loss loss) {
        double[] before = net.learnedSlopes();
        Matrix[] saved = new Matrix[net.spec().parameterCount()];
        for (int h = 1; h <= saved.length; h++) saved[h - 1] = net.parameter(h).copy();
        try (Workspace ws = new Workspace(net.spec(), data.n())) {
            net.forward(ws, data.x());
            loss.evaluate(ws.predictions(), data.y(), ws.residuals());
            unitStep(net, ws);
        }
        double[] after = net.learnedSlopes(), grad = new double[before.length];
        for (int h = 1; h <= before.length; h++) {
            grad[h - 1] = before[h - 1] - after[h - 1];
            ((Activation.PRelu) net.layer(h).activation()).slope().set(0, before[h - 1]);
        }
        for (int h = 1; h <= saved.length; h++) { net.parameter(h).copyFrom(saved[h - 1]); saved[h - 1].close(); }
        return grad;
    }

    /**
     * dL/d(parameter h) as the production code computes it: one descent step of size 1 moves every trained
     * parameter by minus its gradient; the weights are restored afterwards.
     */
    public static Matrix[] gradient(Network net, Dataset data, Loss loss) {
        int count = net.spec().parameterCount();
        Matrix[] before = new Matrix[count], grad = new Matrix[count];
        for (int h = 1; h <= count; h++) before[h - 1] = net.parameter(h).copy();
        double[] slopes = net.learnedSlopes();
        try (Workspace ws = new Workspace(net.spec(), data.n())) {
            net.forward(ws, data.x());
            loss.evaluate(ws.predictions(), data.y(), ws.residuals());
            unitStep(net, ws);
        }
        for (int h = 1; h <= count; h++) {
            grad[h - 1] = before[h - 1].copy();
            Linalg.addScaled(-1.0, net.parameter(h), grad[h - 1]);             // before - after = gradient
            net.parameter(h).copyFrom(before[h - 1]);
            before[h - 1].close();
        }
        for (int h = 1; h <= slopes.length; h++) ((Activation.PRelu) net.layer(h).activation()).slope().set(0, slopes[h - 1]);
        return grad;
    }

    /** One plain gradient step of size 1 on every parameter, from the last forward pass through ws. */
    private static void unitStep(Network net, Workspace ws) {
        try (Descent gd = new Descent(Optimizer.gradientDescent(1.0).chain(1, 1, 1), net.gradients(ws, TrainedLayers.all(net.spec())))) {
            gd.step();
        }
    }

    /** The smallest |pre-activation| over all layers and samples: how far the inputs are from relu's kink. */
    public static double distanceToKink(Network net, Dataset data) {
        double min = Double.POSITIVE_INFINITY;
        try (Workspace ws = new Workspace(net.spec(), data.n())) {
            net.forward(ws, data.x());
            for (int h = 1; h <= net.depth(); h++)
                for (double v : ws.preActivation(h).toArray()) min = Math.min(min, Math.abs(v));
        }
        return min;
    }

    /** H e_j for every j: the explicit P x P Hessian at the curvature's point (its asymmetry is rounding only). */
    public static Matrix explicitHessian(overparam.core.curvature.Curvature c) {
        int p = c.layout().size();
        Matrix h = Matrix.zeros(p, p);
        try (Matrix e = Matrix.vector(p); Matrix column = Matrix.vector(p)) {
            for (int j = 0; j < p; j++) {
                e.fill(0);
                e.set(j, 1);
                c.apply(e, column);
                for (int i = 0; i < p; i++) h.set(i, j, column.get(i));
            }
        }
        return h;
    }

    /**
     * Every parameter's backward-pass gradient of the squared loss against central differences of the loss, h = 1e-5
     * (truncation O(h^2) ~ 1e-10, rounding O(eps / h) ~ 1e-11), to 1e-7 relative.
     */
    public static void assertGradientMatchesCentralDifferences(Network net, Dataset data) {
        NetworkSpec spec = net.spec();
        Matrix[] grad = gradient(net, data, Loss.SQUARED);
        double h = 1e-5;
        for (int p = 1; p <= spec.parameterCount(); p++) {
            Matrix w = net.parameter(p);
            for (int i = 0; i < w.rows(); i++) for (int j = 0; j < w.cols(); j++) {
                double original = w.get(i, j);
                w.set(i, j, original + h);
                double plus = loss(net, data, Loss.SQUARED);
                w.set(i, j, original - h);
                double minus = loss(net, data, Loss.SQUARED);
                w.set(i, j, original);
                double numeric = (plus - minus) / (2 * h);
                org.junit.jupiter.api.Assertions.assertEquals(numeric, grad[p - 1].get(i, j), 1e-7 * Math.max(1, Math.abs(numeric)),
                        spec.parameterName(p) + "[" + i + "," + j + "]");
            }
        }
        for (Matrix g : grad) g.close();
    }
}
