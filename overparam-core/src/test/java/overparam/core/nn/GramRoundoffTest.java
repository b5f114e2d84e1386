package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.kernel.TheoremQuantities;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.linalg.Svd;

/**
 * The round-off floor n eps ||G|| separates eigenvalues float64 resolves from those it cannot. The case with an exact
 * answer: the two-layer network with the quadratic activation has G_ij = (x_i . x_j) (1/m) sum_r 4 (w_r . x_i)(w_r . x_j),
 * the Hadamard product of two PSD matrices of rank d' for points in a d'-dimensional subspace, so rank G <= d'(d' + 1) / 2
 * (the symmetric tensors of the subspace; Panigrahi, Shetty, Goyal 2020) at every width, and so is the limit's
 * K_ij = 4 (x_i . x_j)^2. With d' = 2 and n = 10 exactly 3 eigenvalues are nonzero: 3 must be above the floor and 7
 * below it, and lambda_min is "below round-off", not a number; relu's Gram on the same points is resolved.
 */
class GramRoundoffTest {
    static final int N = 10, D = 8, D_PRIME = 2, RANK = D_PRIME * (D_PRIME + 1) / 2;

    static Dataset points() {
        return new Dataset(Synthetic.subspace(N, D, D_PRIME, 3, 4), Synthetic.gaussianLabels(N, 3), "subspace");
    }

    @Test
    void theQuadraticGramHasRankDPrimeChooseTwoAndItsLeastEigenvalueIsBelowTheFloor() {
        NetworkSpec spec = new NetworkSpec(Arch.TWO_LAYER, D, 512, 1, new Activation.Quadratic(), 0.5);
        try (Dataset data = points(); Network net = Network.initialize(spec, 1)) {
            GramInstrument gram = GramInstrumentTestAccess.measureAtInit(net, data);
            Spectrum.Extremes e = Spectrum.of(gram.gram());
            double floor = e.roundoff(N);
            assertFalse(e.resolvesMin(N), "lambda_min " + e.min() + " against the floor " + floor);
            double[] s = Svd.values(gram.gram());                           // |eigenvalues| of a symmetric matrix, descending
            for (int k = 0; k < RANK; k++) assertTrue(s[k] > 1e6 * floor, "eigenvalue " + k + ": " + s[k] + ", floor " + floor);
            for (int k = RANK; k < N; k++) assertTrue(s[k] < floor, "eigenvalue " + k + ": " + s[k] + ", floor " + floor);
            gram.close();
        }
    }

    @Test
    void theLimitOfTheQuadraticNetworkLeavesLambdaZeroUndefinedAndReluResolvesIt() {
        try (Dataset data = points()) {
            NetworkSpec quadratic = new NetworkSpec(Arch.TWO_LAYER, D, 1, 1, new Activation.Quadratic(), 0.5);
            try (LimitKernel k = LimitKernel.of(quadratic, data.x())) {
                TheoremQuantities q = TheoremQuantities.of(k, data.x(), data.y().toArray());
                assertFalse(q.lambda0Resolved(), "lambda_0 " + q.lambda0() + ", floor " + q.lambda0Roundoff());
                for (var r : q.requirements()) assertTrue(Double.isNaN(r.value()), r + " built on a lambda_0 below round-off");
                // K_ij = 4 (x_i . x_j)^2 (E[sigma'(u) sigma'(v)] = 4 E[u v] = 4 x_i . x_j, times x_i . x_j): rank 3 as well
                double[] s = Svd.values(k.limitGram());
                assertTrue(s[RANK - 1] > 1e6 * q.lambda0Roundoff() && s[RANK] < q.lambda0Roundoff(), java.util.Arrays.toString(s));
                assertEquals(4 * Math.pow(dot(data.x(), 0, 1), 2), k.limitGram().get(0, 1), 1e-12);
            }
            NetworkSpec relu = new NetworkSpec(Arch.TWO_LAYER, D, 1, 1, new Activation.Relu(), 0.5);
            try (LimitKernel k = LimitKernel.of(relu, data.x())) {
                TheoremQuantities q = TheoremQuantities.of(k, data.x(), data.y().toArray());
                assertTrue(q.lambda0Resolved(), "relu's lambda_0 " + q.lambda0() + " is resolved (floor " + q.lambda0Roundoff() + ")");
                for (var r : q.requirements()) assertTrue(Double.isFinite(r.value()), r.toString());
            }
        }
    }

    /**
     * The floor is n eps ||A||_2, LAPACK's backward-error bound (Users' Guide, Section 4.7), by hand: for extremes (-1, 3)
     * of a 5 x 5 matrix, 5 * 2^-52 * 3. (No matrix built here rounds a zero eigenvalue beyond eps ||A||, so only this
     * definition, not an example, tells n eps from eps.) The Gram instrument records the same floor for G^(H) and Theta.
     */
    @Test
    void theFloorIsNEpsTheSpectralNormAndTheInstrumentRecordsIt() {
        Spectrum.Extremes e = new Spectrum.Extremes(-1, 3);
        assertEquals(5 * 3 * Math.pow(2, -52), e.roundoff(5), 0.0);
        assertFalse(e.resolvesMin(5));
        assertTrue(new Spectrum.Extremes(1e-12, 3).resolvesMin(5) && !new Spectrum.Extremes(1e-15, 3).resolvesMin(5));
        NetworkSpec spec = new NetworkSpec(Arch.TWO_LAYER, D, 64, 1, new Activation.Relu(), 0.5);
        java.util.List<StepRecord> records = new java.util.ArrayList<>();
        try (Dataset data = points(); Network net = Network.initialize(spec, 2);
             GramInstrument gram = new GramInstrument(spec, N, TrainedLayers.all(spec))) {
            Trainer.train(net, data, new TrainSpec(Loss.SQUARED, overparam.core.optim.Optimizer.gradientDescent(0.1), 0, 1, TrainedLayers.all(spec), 0),
                    java.util.List.of(gram), new TrainingListener() {
                        @Override public void onRecord(StepRecord r) { records.add(r); }
                    });
            Spectrum.Extremes g = Spectrum.of(gram.gram()), ntk = Spectrum.of(gram.ntk());
            assertEquals(g.roundoff(N), records.get(0).number("gram_lambda_min_roundoff"), 0.0);
            assertEquals(ntk.roundoff(N), records.get(0).number("ntk_lambda_min_roundoff"), 0.0);
        }
    }

    private static double dot(Matrix x, int i, int j) {
        double s = 0;
        for (int c = 0; c < x.cols(); c++) s += x.get(i, c) * x.get(j, c);
        return s;
    }
}
