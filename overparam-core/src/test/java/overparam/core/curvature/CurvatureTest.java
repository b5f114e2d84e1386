package overparam.core.curvature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.linalg.Hutchinson;
import overparam.core.linalg.Lanczos;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.LossGradient;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/**
 * The curvature quantities against explicit routes: a small network's Hessian assembled column by column from P products
 * (Fixtures.explicitHessian) and decomposed by dsyevd (top eigenpairs, exact trace), and Tr(H Sigma) against the linear
 * model's closed form (H = X^T X, g_i = r_i x_i) and against the explicit Hessian with per-sample gradients in the uncentred form.
 */
class CurvatureTest {
    @Test
    void lanczosAndHutchinsonAgreeWithTheExplicitHessian() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "tanh", 3, 4, 2, 1);
        try (Network net = Network.initialize(spec, 3); Dataset data = Fixtures.sphere(5, 3, 3);
             Curvature c = new Curvature(net, TrainedLayers.all(spec), Loss.SQUARED, 5, 32, false)) {
            c.at(data.x(), data.y());
            int p = c.layout().size();
            assertEquals(12 + 16 + 4, p);
            try (Matrix h = Fixtures.explicitHessian(c)) {
                double trace = 0, asym = 0, scale = 0;
                for (int i = 0; i < p; i++) {
                    trace += h.get(i, i);
                    for (int j = 0; j < p; j++) { asym = Math.max(asym, Math.abs(h.get(i, j) - h.get(j, i))); scale = Math.max(scale, Math.abs(h.get(i, j))); }
                }
                assertTrue(asym <= 1e-13 * scale, "asymmetry " + asym);
                try (Spectrum.Decomposition exact = Spectrum.decompose(h); Lanczos.Eigenpairs top = c.topEigenpairs(3, 1e-10, new SplittableRandom(1))) {
                    for (int k = 0; k < 3; k++) {
                        double lambda = exact.values()[p - 1 - k];
                        assertEquals(lambda, top.values()[k], top.residuals()[k] + 1e-12 * Math.abs(exact.values()[p - 1]), "eigenvalue " + k);
                        double dot = 0;
                        for (int i = 0; i < p; i++) dot += top.vectors().get(i, k) * exact.vectors().get(i, p - 1 - k);
                        assertEquals(1.0, Math.abs(dot), 1e-6, "eigenvector " + k);
                    }
                }
                Hutchinson.Estimate t = c.trace(300, new SplittableRandom(2));
                assertEquals(trace, t.trace(), 4 * t.standardError());
                assertTrue(t.standardError() > 0);
            }
        }
    }

    /**
     * The linear model f = a^T x: for 1/2 sum (a^T x_i - y_i)^2, H = X^T X and g_i = r_i x_i; for the mse (1/n) sum r_i^2,
     * H = (2/n) X^T X and the one-row loss r_i^2 has g_i = 2 r_i x_i. Tr(H Sigma) by hand from both.
     */
    @Test
    void traceTimesNoiseCovarianceOfTheLinearModelIsItsClosedForm() {
        int n = 7, d = 4;
        NetworkSpec spec = Fixtures.spec(Arch.LINEAR, "identity", d, d, 0, 1);
        for (Loss loss : new Loss[] {Loss.SQUARED, Loss.MSE}) {
            try (Network net = Network.initialize(spec, 5); Dataset data = Fixtures.sphere(n, d, 5);
                 Curvature c = new Curvature(net, TrainedLayers.all(spec), loss, n, 8, true)) {
                Matrix x = data.x(), a = net.parameter(1);
                double hScale = loss == Loss.SQUARED ? 1 : 2.0 / n, gScale = loss == Loss.SQUARED ? 1 : 2;
                double[][] h = new double[d][d], g = new double[n][d];
                double[] gbar = new double[d];
                for (int i = 0; i < n; i++) {
                    double r = -data.y().get(i);
                    for (int j = 0; j < d; j++) r += a.get(j) * x.get(i, j);
                    for (int j = 0; j < d; j++) { g[i][j] = gScale * r * x.get(i, j); gbar[j] += g[i][j] / n; }
                    for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) h[j][k] += hScale * x.get(i, j) * x.get(i, k);
                }
                double expected = 0, traceSigma = 0, traceH = 0;          // sum_jk H_jk Sigma_kj, sum_k Sigma_kk, sum_k H_kk
                for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) {
                    double sigma = -gbar[k] * gbar[j];
                    for (int i = 0; i < n; i++) sigma += g[i][k] * g[i][j] / n;
                    expected += h[j][k] * sigma;
                    if (j == k) { traceSigma += sigma; traceH += h[j][j]; }
                }
                c.at(x, data.y());
                Curvature.NoiseAlignment got = c.noiseAlignment(traceH);
                assertTrue(expected > 0);
                assertEquals(expected, got.traceHSigma(), 1e-13 * expected, loss.cliName());
                assertEquals(traceSigma, got.traceSigma(), 1e-13 * traceSigma, loss.cliName());
                // isotropic noise of the same trace, (tr Sigma / P) I with P = d: Tr(H Sigma_iso) = tr Sigma tr H / d
                assertEquals(traceSigma * traceH / d, got.traceHSigmaIsotropic(), 1e-13 * traceSigma * traceH, loss.cliName());
                assertEquals(expected / (traceSigma * traceH / d), got.ratio(), 1e-12 * got.ratio(), loss.cliName());
            }
        }
    }

    /** A tanh network with cross-entropy: (1/n) sum g_i^T H g_i - gbar^T H gbar with the explicit H. */
    @Test
    void traceTimesNoiseCovarianceAgreesWithTheExplicitHessian() {
        int n = 6;
        NetworkSpec spec = Fixtures.spec(Arch.RESNET, "tanh", 3, 4, 2, 3);
        try (Network net = Network.initialize(spec, 8); Dataset data = Fixtures.sphere(n, 3, 8)) {
            for (int i = 0; i < n; i++) data.y().set(i, i % 3);
            try (Curvature c = new Curvature(net, TrainedLayers.all(spec), Loss.CROSS_ENTROPY, n, 8, true);
                 LossGradient one = new LossGradient(net, TrainedLayers.all(spec), Loss.CROSS_ENTROPY, 1)) {
                c.at(data.x(), data.y());
                int p = c.layout().size();
                try (Matrix h = Fixtures.explicitHessian(c); Matrix g = Matrix.vector(p)) {
                    double[] gbar = new double[p];
                    double quad = 0;
                    for (int i = 0; i < n; i++) {
                        one.evaluate(data.x().rowRange(i, 1), data.y().rowRange(i, 1), g);
                        for (int j = 0; j < p; j++) gbar[j] += g.get(j) / n;
                        quad += quadratic(h, g.toArray()) / n;
                    }
                    double expected = quad - quadratic(h, gbar);
                    double got = c.noiseAlignment(1).traceHSigma();
                    assertTrue(expected > 0);
                    assertEquals(expected, got, 1e-10 * Math.abs(quad));
                }
            }
        }
    }

    private static double quadratic(Matrix h, double[] v) {
        double s = 0;
        for (int i = 0; i < v.length; i++) for (int j = 0; j < v.length; j++) s += v[i] * h.get(i, j) * v[j];
        return s;
    }
}
