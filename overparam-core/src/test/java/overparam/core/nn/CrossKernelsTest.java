package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The cross kernels Theta(X*, X), K(X*, X) and the test diagonals: blocks of the stacked fold, equal to the kernels each
 * set has alone (no sample leaks into another's entries), and, for one network, the mean of the finite network's NTK and
 * NNGP at initialization over seeds.
 */
class CrossKernelsTest {
    static Stream<Arguments> everyNetworkAndActivation() {
        Stream.Builder<Arguments> b = Stream.builder();
        // conv-resnet's maps are the dense ones plus patch sums: two activations (one of zero, one of nonzero mean) check that
        // no patch sum reaches across samples, and keep its quadrature-heavy cases (tanh: 12 s) out of the suite
        for (String act : Activation.FIXED)
            for (NetworkSpec spec : Fixtures.everyArch(act, 3, 64))
                if (spec.arch() != Arch.CONV_RESNET || act.equals("relu") || act.equals("softplus")) b.add(Arguments.of(spec.arch(), act));
        return b.build();
    }

    /** Five training and three test inputs of unequal norms (0.5 .. 1.5), so every map's general path runs. */
    static Matrix scaled(int n, long seed, double first) {
        Matrix x = Synthetic.sphere(n, 3, seed);
        for (int i = 0; i < n; i++) for (int j = 0; j < 3; j++) x.set(i, j, x.get(i, j) * (first + 0.25 * i));
        return x;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyNetworkAndActivation")
    void blocksAreTheStackedKernelAndEachSetAlone(Arch arch, String activation) {
        NetworkSpec spec = Fixtures.spec(arch, activation, 3, 64, arch == Arch.TWO_LAYER ? 1 : 3);
        TrainedLayers all = TrainedLayers.all(spec);
        try (Matrix x = scaled(5, 11, 0.5); Matrix xt = scaled(3, 12, 0.75); Matrix stacked = Matrix.zeros(8, 3);
             CrossKernels c = CrossKernels.of(spec, xt, x, all)) {
            for (int i = 0; i < 3; i++) stacked.setRow(i, xt.row(i));
            for (int i = 0; i < 5; i++) stacked.setRow(3 + i, x.row(i));
            try (LimitKernel whole = LimitKernel.of(spec, stacked); LimitKernel train = LimitKernel.of(spec, x); LimitKernel test = LimitKernel.of(spec, xt)) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 5; j++) {
                        assertEquals(whole.limitNtk().get(i, 3 + j), c.ntkCross().get(i, j), 0.0, "Theta(x*_" + i + ", x_" + j + ")");
                        assertEquals(whole.nngp().get(i, 3 + j), c.nngpCross().get(i, j), 0.0, "K(x*_" + i + ", x_" + j + ")");
                    }
                    // the test points' own entries, from a fold that never saw the training set
                    assertEquals(test.limitNtk().get(i, i), c.ntkTest()[i], 1e-13 * Math.abs(c.ntkTest()[i]), "Theta(x*_" + i + ", x*_" + i + ")");
                    assertEquals(test.nngp().get(i, i), c.nngpTest()[i], 1e-13 * Math.abs(c.nngpTest()[i]), "K(x*_" + i + ", x*_" + i + ")");
                }
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 5; j++) {
                        assertEquals(train.limitNtk().get(i, j), c.ntk().get(i, j), 1e-13 * Math.abs(train.limitNtk().get(i, i)), "Theta(x_" + i + ", x_" + j + ")");
                        assertEquals(train.nngp().get(i, j), c.nngp().get(i, j), 1e-13 * Math.abs(train.nngp().get(i, i)), "K(x_" + i + ", x_" + j + ")");
                    }
            }
        }
    }

    /**
     * Monte Carlo over initializations of fc relu depth 2 at m = 2048: each cross entry's mean over 24 seeds lies within
     * 4 standard errors (estimated from the seeds) of the limit. The finite entries fluctuate by O(m^-1/2) with an O(1/m)
     * bias, here about a tenth of the standard error; a wrong cross block (a transposed or shifted one) is off by O(1).
     */
    @Test
    void finiteNetworkAtInitializationAveragesToTheCrossKernels() {
        int width = 2048, seeds = 24, nt = 2, n = 3;
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 3, width, 2);
        try (Matrix x = scaled(n, 21, 0.6); Matrix xt = scaled(nt, 22, 0.8); Matrix stacked = Matrix.zeros(nt + n, 3);
             CrossKernels c = CrossKernels.of(spec, xt, x, TrainedLayers.all(spec))) {
            for (int i = 0; i < nt; i++) stacked.setRow(i, xt.row(i));
            for (int i = 0; i < n; i++) stacked.setRow(nt + i, x.row(i));
            int entries = nt * n + nt;
            double[][] ntk = new double[seeds][entries], nngp = new double[seeds][entries];
            Dataset data = new Dataset(stacked.copy(), Matrix.vector(nt + n), "mc");
            for (int s = 0; s < seeds; s++) {
                try (Network net = Network.initialize(spec, 9100 + s); GramInstrument gram = GramInstrumentTestAccess.measureAtInit(net, data);
                     Workspace ws = new Workspace(spec, nt + n); Matrix outer = Matrix.zeros(nt + n, nt + n)) {
                    net.forward(ws, stacked);
                    Linalg.multOuter(ws.output(spec.depth()), outer);
                    for (int i = 0; i < nt; i++) {
                        for (int j = 0; j < n; j++) {
                            ntk[s][i * n + j] = gram.ntk().get(i, nt + j);
                            nngp[s][i * n + j] = outer.get(i, nt + j);
                        }
                        ntk[s][nt * n + i] = gram.ntk().get(i, i);
                        nngp[s][nt * n + i] = outer.get(i, i);
                    }
                }
            }
            data.close();
            for (int e = 0; e < entries; e++) {
                double theta = e < nt * n ? c.ntkCross().get(e / n, e % n) : c.ntkTest()[e - nt * n];
                double k = e < nt * n ? c.nngpCross().get(e / n, e % n) : c.nngpTest()[e - nt * n];
                MonteCarlo.assertWithinStandardErrors(ntk, e, theta, "Theta entry " + e);
                MonteCarlo.assertWithinStandardErrors(nngp, e, k, "K entry " + e);
            }
        }
    }
}
