package overparam.core.kernel;

import java.util.ArrayList;
import java.util.List;
import overparam.core.linalg.Cholesky;
import overparam.core.linalg.Matrix;

/**
 * The quantities the convergence and generalization theorems are stated in. The theorems hide constants
 * (Omega, O, 2^O(H)); here every hidden constant is set to 1, and each requirement says so in its label: the
 * numbers are the theorems' shapes, for comparing with measured thresholds, not guarantees.
 */
public final class Theorems {
    /** One requirement of one theorem, with the formula it was evaluated by. */
    public record Requirement(String source, String quantity, String formula, double value) {
        public String label() { return source + ": " + quantity + " " + formula + " (hidden constants set to 1)"; }
    }

    private Theorems() {}

    /** Theorems 5.1 and 6.1: the rate 1 - eta lambda_0 / 2 by which the loss contracts each step at the least. */
    public static double predictedRate(double eta, double lambda0) {
        return 1 - eta * lambda0 / 2;
    }

    /** Theorems 5.1 and 6.1: L(k) <= (1 - eta lambda_0 / 2)^k L(0). */
    public static double lossBound(double initialLoss, double eta, double lambda0, int step) {
        return Math.pow(predictedRate(eta, lambda0), step) * initialLoss;
    }

    /** Seed 004, Theorem 5.1 (fc): width and step size. */
    public static List<Requirement> fullyConnected(int n, int depth, double lambda0, double delta) {
        double pow = Math.pow(2, depth);
        return List.of(
                new Requirement("Du et al. 2019, Theorem 5.1", "width m >=", "2^H max(n^4/l0^4, n/delta, n^2 log(Hn/delta)/l0^2)",
                        pow * max(Math.pow(n / lambda0, 4), n / delta, n * (double) n * Math.log(depth * n / delta) / (lambda0 * lambda0))),
                new Requirement("Du et al. 2019, Theorem 5.1", "step size eta <=", "l0 / (n^2 2^H)", lambda0 / ((double) n * n * pow)));
    }

    /** Seed 004, Theorem 6.1 (ResNet): width and step size. */
    public static List<Requirement> resNet(int n, int depth, double lambda0, double delta) {
        double h = depth;
        return List.of(
                new Requirement("Du et al. 2019, Theorem 6.1", "width m >=", "max(n^4/(l0^4 H^6), n^2/(l0^2 H^2), n/delta, n^2 log(Hn/delta)/l0^2)",
                        max(Math.pow(n / lambda0, 4) / Math.pow(h, 6), Math.pow(n / lambda0, 2) / (h * h), n / delta,
                                n * (double) n * Math.log(h * n / delta) / (lambda0 * lambda0))),
                new Requirement("Du et al. 2019, Theorem 6.1", "step size eta <=", "l0 H^2 / n^2", lambda0 * h * h / ((double) n * n)));
    }

    /**
     * Seed 004, Theorem 7.1 (convolutional ResNet, p pixels): width and step size. The theorem leaves the power
     * of p unstated ("poly(p)"); it is taken as p itself here, and the formula says so.
     */
    public static List<Requirement> convResNet(int n, int depth, int pixels, double lambda0, double delta) {
        double h = depth, p = pixels;
        return List.of(
                new Requirement("Du et al. 2019, Theorem 7.1", "width m >=",
                        "max(n^4/(l0^4 H^6), n^4/(l0^4 H^2), n/delta, n^2 log(Hn/delta)/l0^2) poly(p), poly(p) = p",
                        p * max(Math.pow(n / lambda0, 4) / Math.pow(h, 6), Math.pow(n / lambda0, 4) / (h * h), n / delta,
                                n * (double) n * Math.log(h * n / delta) / (lambda0 * lambda0))),
                new Requirement("Du et al. 2019, Theorem 7.1", "step size eta <=", "l0 H^2 / (n^2 poly(p)), poly(p) = p",
                        lambda0 * h * h / ((double) n * n * p)));
    }

    /** Du, Zhai, Poczos, Singh 2018, Theorem 3.2 (two-layer relu, only W trained). */
    public static List<Requirement> twoLayer(int n, double lambda0, double delta) {
        return List.of(
                new Requirement("Du et al. 2018, Theorem 3.2", "width m >=", "n^6 / (l0^4 delta^3)", Math.pow(n, 6) / (Math.pow(lambda0, 4) * Math.pow(delta, 3))),
                new Requirement("Du et al. 2018, Theorem 3.2", "step size eta <=", "l0 / n^2", lambda0 / ((double) n * n)));
    }

    /**
     * Seed 001's table for deep relu networks, by the separation phi = min over i != j of ||x_i - x_j|| (the
     * polylog factors of the Omega-tilde dropped too): Allen-Zhu et al. 2018, Zou et al. 2018, Zou and Gu 2019.
     */
    public static List<Requirement> deepReluTable(int n, int depth, double separation) {
        double l = depth, p = separation;
        List<Requirement> r = new ArrayList<>();
        r.add(new Requirement("Allen-Zhu et al. 2018 (seed 001)", "width m >=", "n^24 L^12 / phi^8", Math.pow(n, 24) * Math.pow(l, 12) / Math.pow(p, 8)));
        r.add(new Requirement("Zou et al. 2018 (seed 001)", "width m >=", "n^14 L^16 / phi^4", Math.pow(n, 14) * Math.pow(l, 16) / Math.pow(p, 4)));
        r.add(new Requirement("Zou and Gu 2019 (seed 001)", "width m >=", "n^8 L^12 / phi^4", Math.pow(n, 8) * Math.pow(l, 12) / Math.pow(p, 4)));
        return r;
    }

    /** The smallest distance between two inputs (rows of x): seed 001's phi. */
    public static double separation(Matrix x) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < x.rows(); i++) {
            double[] a = x.row(i);
            for (int j = 0; j < i; j++) {
                double[] b = x.row(j);
                double s = 0;
                for (int k = 0; k < a.length; k++) s += (a[k] - b[k]) * (a[k] - b[k]);
                best = Math.min(best, s);
            }
        }
        return Math.sqrt(best);
    }

    /** y^T K^-1 y by a Cholesky solve; NaN when K is not numerically positive definite. */
    public static double labelComplexity(Matrix k, double[] y) {
        try (Cholesky c = Cholesky.of(k)) {
            return c.quadraticForm(y);
        } catch (Cholesky.NotPositiveDefinite e) {
            return Double.NaN;
        }
    }

    /** Arora, Du, Hu, Li, Wang 2019: the generalization quantity sqrt(2 y^T H^-1 y / n). */
    public static double aroraBound(Matrix h, double[] y) {
        return aroraBound(labelComplexity(h, y), y.length);
    }

    /** Arora et al.'s sqrt(2 y^T H^-1 y / n) from y^T H^-1 y already computed (labelComplexity) and n samples. */
    public static double aroraBound(double labelComplexity, int n) {
        return Math.sqrt(2 * labelComplexity / n);
    }

    private static double max(double... v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }
}
