package overparam.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.curvature.Curvature;
import overparam.core.curvature.HessianNoise;
import overparam.core.data.Dataset;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Workspace;

/**
 * Hessian-shaped Langevin noise against the explicit Hessian (P = 32, assembled column by column from P exact products and
 * diagonalized by LAPACK dsyevd): every draw lies in the span of its top-k eigenvectors, and over N draws the noise has the
 * prescribed trace and variance c lambda_j along each u_j, c = T / sum lambda_j, each within 4 standard errors of the
 * Gaussian's (Var ||eps||^2 = 2 sum (c lambda_j)^2, Var (u_j . eps)^2 = 2 (c lambda_j)^2).
 */
class HessianNoiseTest {
    static final int K = 3, N = 20000;
    static final double TRACE = 2.0;

    @Test
    void drawsLieAlongTheTopEigenvectorsWithThePrescribedCovariance() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "tanh", 3, 4, 2, 1);
        TrainedLayers all = TrainedLayers.all(spec);
        try (Network net = Network.initialize(spec, 3); Dataset data = Fixtures.sphere(5, 3, 3);
             Curvature explicit = new Curvature(net, all, Loss.SQUARED, 5, 32, false)) {
            explicit.at(data.x(), data.y());
            int p = explicit.layout().size();
            Matrix h = Fixtures.explicitHessian(explicit);
            Spectrum.Decomposition exact = Spectrum.decompose(h);
            double[] lambda = new double[K];
            Matrix[] u = new Matrix[K];
            double positive = 0;
            for (int j = 0; j < K; j++) {
                lambda[j] = exact.values()[p - 1 - j];
                assertTrue(lambda[j] > 0, "the fixture's top eigenvalues are positive: " + lambda[j]);
                positive += lambda[j];
                u[j] = Matrix.vector(p);
                for (int i = 0; i < p; i++) u[j].set(i, exact.vectors().get(i, p - 1 - j));
            }
            double c = TRACE / positive;

            HessianNoise shape = new HessianNoise(net, all, Loss.SQUARED, data, K, 1_000_000, 5);
            ParameterVector layout = ParameterVector.of(net, all);
            Matrix eps = layout.zeros();
            Matrix[] noise = layout.views(eps);
            try (Workspace ws = new Workspace(spec, data.n())) {
                shape.init(updates(net, ws, all));
            }
            SplittableRandom rng = new SplittableRandom(11);
            double sumSq = 0;
            double[] along = new double[K];
            for (int draw = 0; draw < N; draw++) {
                shape.draw(rng, TRACE, noise);
                double norm2 = Linalg.dot(eps, eps), inSpan = 0;
                for (int j = 0; j < K; j++) {
                    double a = Linalg.dot(u[j], eps);
                    along[j] += a * a;
                    inSpan += a * a;
                }
                // the Ritz vectors match dsyevd's to Lanczos's tolerance 1e-6 (relative residual) over the spectral gap
                assertTrue(norm2 - inSpan <= 1e-8 * norm2, "draw " + draw + " leaves the top-" + K + " span: " + (norm2 - inSpan) + " of " + norm2);
                sumSq += norm2;
            }
            double varianceOfSq = 0;
            for (int j = 0; j < K; j++) varianceOfSq += 2 * Math.pow(c * lambda[j], 2);
            assertEquals(TRACE, sumSq / N, 4 * Math.sqrt(varianceOfSq / N), "mean ||eps||^2 = tr Cov");
            for (int j = 0; j < K; j++)
                assertEquals(c * lambda[j], along[j] / N, 4 * Math.sqrt(2.0 / N) * c * lambda[j], "variance along u_" + j);
            for (int j = 0; j < K; j++) assertEquals(lambda[j], shape.eigenvalues()[j], 1e-6 * lambda[0], "eigenvalue " + j);
            shape.close();
            h.close();
            exact.close();
            for (Matrix m : u) m.close();
        }
    }

    /** Recomputed every refresh steps at the weights of that step: moving the weights moves the directions after, not before. */
    @Test
    void theDirectionsAreRecomputedEveryRefreshStepsAndTheSameSeedGivesTheSameDraws() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "tanh", 3, 4, 2, 1);
        TrainedLayers all = TrainedLayers.all(spec);
        try (Network net = Network.initialize(spec, 3); Dataset data = Fixtures.sphere(5, 3, 3)) {
            ParameterVector layout = ParameterVector.of(net, all);
            Matrix eps = layout.zeros(), again = layout.zeros();
            HessianNoise shape = new HessianNoise(net, all, Loss.SQUARED, data, K, 2, 5);
            HessianNoise twin = new HessianNoise(net, all, Loss.SQUARED, data, K, 2, 5);
            try (Workspace ws = new Workspace(spec, data.n())) {
                shape.init(updates(net, ws, all));
                twin.init(updates(net, ws, all));
            }
            shape.draw(new SplittableRandom(1), TRACE, layout.views(eps));                 // step 0: computed here
            twin.draw(new SplittableRandom(1), TRACE, layout.views(again));
            assertArrayEquals(eps.toArray(), again.toArray(), 0.0);
            double[] before = shape.eigenvalues();
            Linalg.scale(1.5, net.parameter(2));                                             // the run's weights move
            shape.draw(new SplittableRandom(2), TRACE, layout.views(eps));                 // step 1: same directions
            assertArrayEquals(before, shape.eigenvalues(), 0.0);
            shape.draw(new SplittableRandom(3), TRACE, layout.views(eps));                 // step 2: recomputed
            assertTrue(Math.abs(shape.eigenvalues()[0] - before[0]) > 1e-6 * before[0], "recomputed at the new weights");
            shape.close();
            twin.close();
        }
    }

    static Update[] updates(Network net, Workspace ws, TrainedLayers trained) {
        Gradients g = net.gradients(ws, trained);
        Update[] u = new Update[g.count()];
        for (int i = 0; i < u.length; i++) u[i] = new Update(g, i);
        return u;
    }
}
