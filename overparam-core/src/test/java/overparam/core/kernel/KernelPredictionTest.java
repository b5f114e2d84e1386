package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Arch;
import overparam.core.nn.CrossKernels;
import overparam.core.nn.LimitKernel;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/** The infinite network's predictions against hand solutions, its own training-set twin, and Gaussian conditioning. */
class KernelPredictionTest {
    // Theta = [[2, 1], [1, 2]], Theta^-1 = [[2, -1], [-1, 2]] / 3; two test points with cross rows (1, 0) and (0.5, 0.5)
    static Matrix theta() { return Matrix.of(new double[][] {{2, 1}, {1, 2}}); }
    static Matrix cross() { return Matrix.of(new double[][] {{1, 0}, {0.5, 0.5}}); }
    static Matrix targets() { return Matrix.of(new double[][] {{1, 0}, {-1, 3}}); }   // two outputs

    @Test
    void convergedPredictionOfTwoPointsByHand() {
        try (Matrix t = theta(); Matrix c = cross(); Matrix y = targets(); KernelPrediction.Prediction p = KernelPrediction.converged(t, c, y, 0)) {
            // alpha = Theta^-1 y: column 1 (3, -3) / 3 = (1, -1), column 2 (-3, 6) / 3 = (-1, 2)
            assertEquals(1.0, p.values().get(0, 0), 1e-15);
            assertEquals(0.0, p.values().get(1, 0), 1e-15);
            assertEquals(-1.0, p.values().get(0, 1), 1e-15);
            assertEquals(0.5, p.values().get(1, 1), 1e-15);
            assertTrue(p.relativeResidual() < 1e-15, "residual " + p.relativeResidual());
        }
        // ridge 1: (Theta + I)^-1 = [[3, -1], [-1, 3]] / 8, alpha = (4, -4) / 8 for column 1
        try (Matrix t = theta(); Matrix c = cross(); Matrix y = targets(); KernelPrediction.Prediction p = KernelPrediction.converged(t, c, y, 1)) {
            assertEquals(0.5, p.values().get(0, 0), 1e-15);
            assertEquals(0.0, p.values().get(1, 0), 1e-15);
        }
    }

    @Test
    void firstStepsOfTwoPointsByHand() {
        // Theta^-1 (I - (I - eta Theta)^k): eta I at k = 1, 2 eta I - eta^2 Theta at k = 2
        try (Matrix t = theta(); Matrix c = cross(); Matrix y = targets();
             KernelPrediction.Prediction one = KernelPrediction.atStep(t, c, y, 0.1, 1, null, null);
             KernelPrediction.Prediction two = KernelPrediction.atStep(t, c, y, 0.1, 2, null, null);
             KernelPrediction.Prediction zero = KernelPrediction.atStep(t, c, y, 0.1, 0, null, null)) {
            assertEquals(0.1, one.values().get(0, 0), 1e-15);
            assertEquals(0.0, one.values().get(1, 0), 1e-15);
            // column 1: 0.2 (1, -1) - 0.01 Theta (1, -1) = 0.19 (1, -1); column 2: 0.2 (0, 3) - 0.01 (3, 6) = (-0.03, 0.54)
            assertEquals(0.19, two.values().get(0, 0), 1e-15);
            assertEquals(-0.03, two.values().get(0, 1), 1e-15);
            assertEquals(0.255, two.values().get(1, 1), 1e-15);
            assertEquals(0.0, zero.values().get(0, 0), 0.0);
        }
    }

    @Test
    void nngpPosteriorOfTwoPointsByHand() {
        // K(x*, x*) = 2 and 1: variances 2 - (1, 0) K^-1 (1, 0) = 2 - 2/3, and 1 - (0.5, 0.5) K^-1 (0.5, 0.5) = 1 - 1/6
        try (Matrix k = theta(); Matrix c = cross(); Matrix y = targets();
             KernelPrediction.Posterior p = KernelPrediction.nngpPosterior(k, c, new double[] {2, 1}, y, 0)) {
            assertEquals(4.0 / 3, p.variance()[0], 1e-15);
            assertEquals(5.0 / 6, p.variance()[1], 1e-15);
            assertEquals(1.0, p.mean().get(0, 0), 1e-15);
            assertEquals(0.5, p.mean().get(1, 1), 1e-15);
        }
    }

    @Test
    void singularKernelIsRefusedAndARidgeResolvesIt() {
        try (Matrix k = Matrix.of(new double[][] {{1, 1}, {1, 1}}); Matrix c = cross(); Matrix y = targets()) {
            KernelPrediction.NotPositiveDefinite e = assertThrows(KernelPrediction.NotPositiveDefinite.class, () -> KernelPrediction.converged(k, c, y, 0));
            assertTrue(e.getMessage().contains("not numerically positive definite"), e.getMessage());
            try (KernelPrediction.Prediction p = KernelPrediction.converged(k, c, y, 1e-3)) {
                assertTrue(p.values().allFinite());
            }
        }
    }

    /** fc softplus depth 3 on 6 unit-sphere points (a well-conditioned Theta) and 4 test points. */
    static CrossKernels kernels() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "softplus", 3, 64, 3);
        try (Matrix x = Synthetic.sphere(6, 3, 41); Matrix xt = Synthetic.sphere(4, 3, 42)) {
            return CrossKernels.of(spec, xt, x, TrainedLayers.all(spec));
        }
    }

    /**
     * With X* = X and the finite run's u0, the closed form is InfiniteTrajectory's u(k), which steps through the
     * eigenbasis of the same Theta: at every k from 0 to 60.
     */
    @Test
    void onTheTrainingSetItIsTheInfiniteTrajectory() {
        try (CrossKernels c = kernels(); Matrix y = Synthetic.gaussianLabels(6, 43); Matrix u0 = Synthetic.gaussianLabels(6, 44)) {
            Matrix theta = c.ntk();
            double eta = 1.0 / Spectrum.of(theta).max();
            try (InfiniteTrajectory twin = new InfiniteTrajectory(theta, eta, y.toArray(), u0.toArray())) {
                for (int k = 0; k <= 60; k++) {
                    double[] expected = twin.predictions(y.toArray(), k);
                    try (KernelPrediction.Prediction p = KernelPrediction.atStep(theta, theta, y, eta, k, u0, u0)) {
                        for (int i = 0; i < 6; i++) assertEquals(expected[i], p.values().get(i, 0), 1e-12, "u_" + i + "(" + k + ")");
                    }
                }
            }
        }
    }

    /** k -> infinity: 10^6 steps of eta = 1 / lambda_max leave (1 - eta lambda_min)^k below 1e-30 here: the converged formula. */
    @Test
    void manyStepsReachTheConvergedPrediction() {
        try (CrossKernels c = kernels(); Matrix y = Synthetic.gaussianLabels(6, 45)) {
            Spectrum.Extremes e = Spectrum.of(c.ntk());
            double eta = 1.0 / e.max();
            assertTrue(Math.pow(1 - eta * e.min(), 1_000_000) < 1e-30, "lambda_min / lambda_max = " + e.min() / e.max());
            try (KernelPrediction.Prediction late = KernelPrediction.atStep(c.ntk(), c.ntkCross(), y, eta, 1_000_000, null, null);
                 KernelPrediction.Prediction end = KernelPrediction.converged(c.ntk(), c.ntkCross(), y, 0)) {
                double cond = e.max() / e.min();
                for (int i = 0; i < 4; i++)
                    assertEquals(end.values().get(i, 0), late.values().get(i, 0), 1e-14 * cond * Math.abs(end.values().get(i, 0)) + 1e-14, "f(x*_" + i + ")");
                assertTrue(end.relativeResidual() < 1e-13 && late.relativeResidual() < 1e-13, end.relativeResidual() + ", " + late.relativeResidual());
            }
        }
    }

    /**
     * The NNGP posterior of one test point, by Gaussian conditioning through the inverse of the joint covariance
     * [[K**, k*^T], [k*, K]] (its Schur complement): variance 1 / P_00 and mean -P_{0,rest} y / P_00, P = joint^-1.
     */
    @Test
    void nngpPosteriorIsGaussianConditioningOnTheJointKernel() {
        double ridge = 0.01;
        try (CrossKernels c = kernels(); Matrix y = Synthetic.gaussianLabels(6, 46);
             KernelPrediction.Posterior p = KernelPrediction.nngpPosterior(c.nngp(), c.nngpCross(), c.nngpTest(), y, ridge)) {
            for (int t = 0; t < 4; t++) {
                try (Matrix joint = Matrix.zeros(7, 7)) {
                    joint.set(0, 0, c.nngpTest()[t]);
                    for (int j = 0; j < 6; j++) {
                        joint.set(0, j + 1, c.nngpCross().get(t, j));
                        joint.set(j + 1, 0, c.nngpCross().get(t, j));
                        for (int l = 0; l < 6; l++) joint.set(j + 1, l + 1, c.nngp().get(j, l) + (j == l ? ridge : 0));
                    }
                    double[] e0 = new double[7];
                    e0[0] = 1;
                    double[] column;
                    try (Cholesky ch = Cholesky.of(joint)) {
                        column = ch.solve(e0);
                    }
                    double variance = 1 / column[0], mean = 0;
                    for (int j = 0; j < 6; j++) mean -= column[j + 1] * y.get(j) / column[0];
                    assertEquals(variance, p.variance()[t], 1e-10 * c.nngpTest()[t], "variance at x*_" + t);
                    assertEquals(mean, p.mean().get(t, 0), 1e-10, "mean at x*_" + t);
                    assertTrue(p.variance()[t] > 0 && p.variance()[t] < c.nngpTest()[t]);
                }
            }
        }
    }

    /** The weight of an eigendirection: eta k at lambda = 0, and it keeps its digits where eta lambda is 1e-12. */
    @Test
    void gainAtTinyEigenvalues() {
        assertEquals(0.5 * 7, KernelPrediction.gain(0.5, 0, 7), 0);
        double eta = 0.5, lambda = 2e-12;
        // 1 - (1 - t)^k = k t - k(k-1)/2 t^2 + ...: for k = 1000, the second term is 5e-7 of the first
        double expected = eta * 1000 * (1 - 999 / 2.0 * eta * lambda);
        assertEquals(expected, KernelPrediction.gain(eta, lambda, 1000), 1e-15 * expected);
        assertEquals(0.25, KernelPrediction.gain(0.5, 3, 2), 1e-16);          // t = 1.5, k = 2: (1 - 0.25) / 3 = 2 eta - eta^2 lambda = 0.25
    }
}
