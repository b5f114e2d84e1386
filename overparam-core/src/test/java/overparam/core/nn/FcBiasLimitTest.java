package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.instruments.GramInstrument;
import overparam.core.linalg.Matrix;

/**
 * The limit kernels of the fc network with biases, u = a^T x^(H) + beta b_out, x^(h) = sqrt(c_sigma / m_h) sigma(W^(h) x^(h-1)
 * + beta b^(h)): per layer Sigma^(h) = K^(h-1) + beta^2 (the pre-activations' covariance), K^(h) = c_sigma E[sigma(u) sigma(v)],
 * Theta gains q K-dot o Sigma^(h) for (W^(h), b^(h)) and K^(H) + beta^2 for (a, b_out); the output's NNGP is K^(H) + beta^2.
 * Against a case solved by hand and against the finite network: its empirical NTK (the Gram of parameter gradients, biases
 * included) and its output covariance over initializations.
 */
class FcBiasLimitTest {
    /**
     * Depth 1, relu (c_sigma = 2), x1 = e1, x2 = e2, beta = 1: Sigma = [[2, 1], [1, 2]], cos theta = 1/2, theta = pi/3.
     * K^(1)_12 = (1/pi) sqrt(2 * 2) (sin theta + (pi - theta) cos theta) = sqrt 3 / pi + 2/3, K^(1)_11 = 2; K-dot_12 = 2 (pi - theta)
     * / (2 pi) = 2/3, K-dot_11 = 1. Theta_12 = K-dot_12 Sigma_12 + K^(1)_12 + 1 = 7/3 + sqrt 3 / pi, Theta_11 = 2 + 2 + 1 = 5;
     * NNGP_12 = sqrt 3 / pi + 5/3, NNGP_11 = 3; the hidden layer's Gram K-dot o Sigma = [[2, 2/3], [2/3, 2]].
     */
    @Test
    void depthOneReluWithBiasesByHand() {
        NetworkSpec spec = new NetworkSpec(Arch.FC, 2, 10, 1, Activation.parse("relu", 0.1), 0.5).withBiasScale(1.0);
        try (Matrix x = Matrix.zeros(2, 2)) {
            x.set(0, 0, 1); x.set(1, 1, 1);
            try (LimitKernel k = LimitKernel.withLayerGrams(spec, x, TrainedLayers.all(spec))) {
                double r3 = Math.sqrt(3) / Math.PI, tol = 1e-12;
                assertEquals(5, k.limitNtk().get(0, 0), tol);
                assertEquals(7.0 / 3 + r3, k.limitNtk().get(0, 1), tol);
                assertEquals(3, k.nngp().get(1, 1), tol);
                assertEquals(5.0 / 3 + r3, k.nngp().get(0, 1), tol);
                assertEquals(2, k.limitGram().get(0, 0), tol);
                assertEquals(2.0 / 3, k.limitGram().get(0, 1), tol);
                assertEquals(2.0 / 3 + r3 + 1, k.gram(2).get(0, 1), tol);       // (a, b_out): K^(1) + beta^2
            }
        }
    }

    /**
     * The same two inputs at beta = 0.5 (beta != beta^2): Sigma = [[1.25, 0.25], [0.25, 1.25]], cos theta = 0.2; K^(1)_12 = (1.25 / pi)
     * (sin theta + (pi - theta) 0.2), K-dot_12 = (pi - theta) / pi, Theta_12 = 0.25 K-dot_12 + K^(1)_12 + 0.25, Theta_11 = 1.25 + 1.25 + 0.25.
     */
    @Test
    void depthOneReluAtAnotherBetaByTheArcCosineFormula() {
        double beta = 0.5, theta = Math.acos(0.2);
        NetworkSpec spec = new NetworkSpec(Arch.FC, 2, 10, 1, Activation.parse("relu", 0.1), 0.5).withBiasScale(beta);
        try (Matrix x = Matrix.zeros(2, 2)) {
            x.set(0, 0, 1); x.set(1, 1, 1);
            try (LimitKernel k = LimitKernel.of(spec, x)) {
                double k12 = 1.25 / Math.PI * (Math.sin(theta) + (Math.PI - theta) * 0.2), kDot12 = (Math.PI - theta) / Math.PI;
                assertEquals(0.25 * kDot12 + k12 + 0.25, k.limitNtk().get(0, 1), 1e-12);
                assertEquals(2.75, k.limitNtk().get(1, 1), 1e-12);
                assertEquals(k12 + 0.25, k.nngp().get(0, 1), 1e-12);
                assertEquals(1.5, k.nngp().get(0, 0), 1e-12);
            }
        }
    }

    /**
     * At every width the Gram instrument's structured G (the one runs record and --eta auto reads) is the Gram of the
     * parameter gradients, biases included, to rounding: the bias terms (B B^T) beta^2 and beta^2 are in it.
     */
    @Test
    void gramInstrumentIsTheGramOfAllParameterGradients() {
        NetworkSpec spec = FcBiasTest.fc(4, "tanh", 1, 0.7, 6, 5);
        try (Network net = Network.initialize(spec, 2); Dataset data = FcBiasTest.data(4, 4, 1, 2);
             GramInstrument gram = GramInstrumentTestAccess.measureAtInit(net, data)) {
            double[][] ntk = gradientGram(net, data.x());
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) assertEquals(ntk[i][j], gram.ntk().get(i, j), 1e-12 * Math.abs(ntk[i][i]), "G " + i + ", " + j);
        }
    }

    /**
     * Monte Carlo over initializations, widths 1024 and 512, relu, beta = 1, three inputs of unequal norms: each entry of the
     * empirical NTK (the Gram of every parameter's gradient, biases included), averaged over 16 seeds, lies within 4 standard
     * errors (estimated from the seeds) of Theta; the output covariance E[u_i u_j] over 600 seeds at widths 128 and 64 within
     * 4 standard errors of the NNGP. The finite entries carry an O(1/m) bias, far below a standard error here; a dropped
     * beta^2 term moves Theta or the NNGP by O(1), tens of standard errors.
     */
    @Test
    void finiteNetworkAveragesToTheLimitKernels() {
        double beta = 1.0;
        try (Matrix x = Synthetic.sphere(3, 4, 17)) {
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) x.set(i, j, x.get(i, j) * (0.6 + 0.5 * i));
            NetworkSpec wide = FcBiasTest.fc(4, "relu", 1, beta, 1024, 512);
            int seeds = 16;
            double[][] theta = new double[seeds][9];
            for (int s = 0; s < seeds; s++)
                try (Network net = Network.initialize(wide, 500 + s)) {
                    double[][] g = gradientGram(net, x);
                    for (int e = 0; e < 9; e++) theta[s][e] = g[e / 3][e % 3];
                }
            NetworkSpec narrow = FcBiasTest.fc(4, "relu", 1, beta, 128, 64);
            int draws = 600;
            double[][] nngp = new double[draws][9];
            for (int s = 0; s < draws; s++)
                try (Network net = Network.initialize(narrow, 9000 + s); Matrix u = net.predict(x)) {
                    for (int e = 0; e < 9; e++) nngp[s][e] = u.get(e / 3) * u.get(e % 3);
                }
            try (LimitKernel limit = LimitKernel.of(wide, x)) {
                for (int e = 0; e < 9; e++) {
                    MonteCarlo.assertWithinStandardErrors(theta, e, limit.limitNtk().get(e / 3, e % 3), "Theta entry " + e);
                    MonteCarlo.assertWithinStandardErrors(nngp, e, limit.nngp().get(e / 3, e % 3), "NNGP entry " + e);
                }
            }
        }
    }

    /** G_ij = <du_i/dtheta, du_j/dtheta> over every trained parameter and bias, each du_i/dtheta the network's own backward pass. */
    static double[][] gradientGram(Network net, Matrix x) {
        int n = x.rows();
        java.util.List<Map<String, Matrix>> grads = new java.util.ArrayList<>();
        try (Matrix u = net.predict(x)) {
            for (int i = 0; i < n; i++) {
                Matrix y = u.copy();
                y.set(i, y.get(i) - 1);                                  // squared loss residuals u - y = e_i: dL/dtheta = du_i/dtheta
                try (Dataset unit = new Dataset(x.copy(), y, "e_i")) {
                    grads.add(FcBiasTest.gradient(net, unit, Loss.SQUARED));
                }
            }
        }
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (String key : grads.get(i).keySet()) {
                    Matrix a = grads.get(i).get(key), b = grads.get(j).get(key);
                    for (int e = 0; e < (int) a.size(); e++) g[i][j] += a.get(e) * b.get(e);
                }
        grads.forEach(m -> m.values().forEach(Matrix::close));
        return g;
    }
}
