package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;

/**
 * The finite network is the referee of every limit: at initialization the Gram matrices G^(h)(0) of the real
 * network converge to the analytic limits with an error falling like m^(-1/2) (the Monte Carlo rate); a wrong
 * formula shows as an error that stops falling.
 */
class LimitKernelTest {
    static final int NARROW = 128, WIDE = 2048, SEEDS = 8;

    /** Inputs of unequal norms (0.6 .. 1.4), so the general path of every layer map is exercised. */
    static Matrix unequalNorms() {
        Matrix x = Synthetic.sphere(4, 3, 5);
        double[] norms = {0.6, 1.0, 1.4, 0.85};
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) x.set(i, j, x.get(i, j) * norms[i]);
        return x;
    }

    static Stream<Arguments> everyLayerAndActivation() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String act : Activation.FIXED) for (Arch arch : Arch.seed004()) b.add(Arguments.of(arch, act));
        return b.build();
    }

    /**
     * Mean over seeds of ||G^(h)(0) - limit||_F / ||limit||_F, for every parameter and the NNGP: 16x the width
     * should divide it by about 4 (m^-1/2), or by up to 16 where a 1/m bias still dominates at m = 128 (seen for
     * the quadratic activation). With 8 seeds each mean is known to about 25%, so a correct limit gives a ratio
     * well below 0.45; a formula error leaves an error that stops falling, a ratio near 1. Where the finite Gram
     * equals its limit at every width (the linear two-layer net, a_r = +-1) the error is rounding at both widths.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyLayerAndActivation")
    void finiteGramsConvergeToTheLimitAtTheMonteCarloRate(Arch arch, String activation) {
        NetworkSpec narrow = Fixtures.spec(arch, activation, 3, NARROW, 3), wide = Fixtures.spec(arch, activation, 3, WIDE, 3);
        try (Matrix x = unequalNorms(); LimitKernel limit = LimitKernel.withLayerGrams(narrow, x, TrainedLayers.all(narrow))) {
            double[] errNarrow = meanRelativeErrors(narrow, x, limit), errWide = meanRelativeErrors(wide, x, limit);
            for (int p = 0; p < errNarrow.length; p++) {
                String what = (p < narrow.parameterCount() ? "G^(" + (p + 1) + ")" : p == narrow.parameterCount() ? "NNGP" : "NTK")
                        + " of " + arch + " " + activation;
                double ratio = errWide[p] / errNarrow[p];
                if (errNarrow[p] < 1e-12 && errWide[p] < 1e-12) continue;               // exact at every width
                assertTrue(ratio < 0.45, what + ": error " + errNarrow[p] + " at m = " + NARROW + ", " + errWide[p]
                        + " at m = " + WIDE + " (ratio " + ratio + ", expected about 0.25)");
            }
        }
    }

    /** For each parameter h = 1..H+1, then the NNGP, then the NTK: mean over seeds of the relative Frobenius error. */
    static double[] meanRelativeErrors(NetworkSpec spec, Matrix x, LimitKernel limit) {
        int count = spec.parameterCount();
        double[] err = new double[count + 2];
        try (Matrix y = Matrix.vector(x.rows())) {
            Dataset data = new Dataset(x.copy(), y.copy(), "mc");
            for (int s = 0; s < SEEDS; s++) {
                try (Network net = Network.initialize(spec, 7000 + s);
                     GramInstrument gram = GramInstrumentTestAccess.measureAtInit(net, data);
                     Workspace ws = new Workspace(spec, x.rows())) {
                    for (int h = 1; h <= count; h++) err[h - 1] += relativeError(gram.layerGram(h), limit.gram(h)) / SEEDS;
                    err[count + 1] += relativeError(gram.ntk(), limit.limitNtk()) / SEEDS;
                    net.forward(ws, x);
                    try (Matrix outer = Matrix.zeros(x.rows(), x.rows())) {
                        overparam.core.linalg.Linalg.multOuter(ws.output(spec.depth()), outer);
                        err[count] += relativeError(outer, limit.nngp()) / SEEDS;
                    }
                }
            }
            data.close();
        }
        return err;
    }

    static double relativeError(Matrix finite, Matrix limit) {
        double diff = 0, norm = 0;
        for (int i = 0; i < finite.size(); i++) {
            diff += Math.pow(finite.get(i) - limit.get(i), 2);
            norm += limit.get(i) * limit.get(i);
        }
        return Math.sqrt(diff / norm);
    }

    /** Kernels are symmetric positive semi-definite; lambda_min comes from LAPACK. */
    @Test
    void kernelsAreSymmetricPositiveSemiDefinite() {
        for (String activation : Activation.FIXED) {
            for (NetworkSpec spec : Fixtures.everyArch(activation, 5, 1)) {
                try (Matrix x = Synthetic.gaussianPoints(30, 5, 2); LimitKernel k = LimitKernel.withLayerGrams(spec, x, TrainedLayers.all(spec))) {
                    List<Matrix> all = new ArrayList<>(k.grams());
                    all.add(k.nngp());
                    all.add(k.limitNtk());
                    for (Matrix m : all) {
                        for (int i = 0; i < 30; i++) for (int j = 0; j < 30; j++) assertEquals(m.get(i, j), m.get(j, i), 0.0);
                        Spectrum.Extremes e = Spectrum.of(m);
                        assertTrue(e.min() > -1e-12 * e.max(), spec.arch() + " " + activation + ": lambda_min " + e.min());
                    }
                }
            }
        }
    }

    /**
     * Two routes to Theta: the running sum the fold keeps, and the sum of the separately kept layer limits; and
     * K^(H) is the last layer's own limit. For a trained subset, only its layers count.
     */
    @Test
    void theNtkIsTheSumOfTheTrainedLayersLimits() {
        for (NetworkSpec spec : Fixtures.everyArch("softplus", 4, 1)) {
            for (String subset : new String[] {"all", "W1", spec.arch() == Arch.TWO_LAYER ? "W1" : "W1,a"}) {
                TrainedLayers trained = TrainedLayers.parse(subset, spec);
                try (Matrix x = Synthetic.gaussianPoints(7, 4, 3); LimitKernel k = LimitKernel.withLayerGrams(spec, x, trained)) {
                    for (int i = 0; i < 49; i++) {
                        double sum = 0;
                        for (int h = 1; h <= spec.parameterCount(); h++) if (trained.contains(h)) sum += k.gram(h).get(i);
                        assertEquals(sum, k.limitNtk().get(i), 1e-13 * Math.abs(sum) + 1e-15, spec.arch() + " " + subset);
                        assertEquals(k.gram(spec.depth()).get(i), k.limitGram().get(i), 0.0);
                        assertEquals(k.gram(spec.depth() + 1).get(i), k.nngp().get(i), 0.0);
                    }
                }
            }
        }
    }

    /** Identities in the spirit of ABRelu(0,1) == Relu: a linear fc net's K^(H) is X X^T; the two-layer relu net's is Du et al.'s H-infinity. */
    @Test
    void knownKernelsComeOutExactly() {
        try (Matrix x = Synthetic.gaussianPoints(6, 4, 1); Matrix xxT = Matrix.zeros(6, 6)) {
            overparam.core.linalg.Linalg.multOuter(x, xxT);
            try (LimitKernel linear = LimitKernel.of(Fixtures.spec(Arch.FC, "identity", 4, 1, 4), x)) {
                for (int i = 0; i < 36; i++) assertEquals(xxT.get(i), linear.limitGram().get(i), 1e-14);
            }
            try (LimitKernel twoLayer = LimitKernel.of(Fixtures.spec(Arch.TWO_LAYER, "relu", 4, 1, 1), x)) {
                for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) {
                    double c = xxT.get(i, j), rho = c / Math.sqrt(xxT.get(i, i) * xxT.get(j, j));
                    double hInfinity = c * (Math.PI - Math.acos(Math.max(-1, Math.min(1, rho)))) / (2 * Math.PI);
                    assertEquals(hInfinity, twoLayer.limitGram().get(i, j), 1e-14);
                }
            }
        }
    }
}
