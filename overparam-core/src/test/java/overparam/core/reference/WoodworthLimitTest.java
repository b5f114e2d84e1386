package overparam.core.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.core.reference.Problems.*;

import org.junit.jupiter.api.Test;
import overparam.core.linalg.Matrix;

class WoodworthLimitTest {
    private static final double[] ALPHAS = {1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3};

    @Test
    void interpolatesForEveryScaleFromTenToTheMinusFourToTenToTheThree() {
        int n = 15, d = 50;
        try (Matrix x = gaussian(n, d, 51)) {
            double[] y = times(x, sparse(d, 4, 52));
            for (double alpha : ALPHAS) {
                WoodworthLimit.Solution s = WoodworthLimit.of(x, y, alpha);
                double residual = norm(minus(times(x, s.beta()), y));
                // the solver stops at 1e-12 relative; recomputing X beta by another summation order adds ~ d eps ||X|| ||beta||
                assertTrue(residual <= 1e-10 * norm(y), "alpha " + alpha + ": residual " + residual);
                // beta is on the flow's manifold 2 alpha^2 sinh(X^T nu), by construction, with the nu it reports
                double[] u = transposeTimes(x, s.nu());
                for (int j = 0; j < d; j++)
                    assertEquals(2 * alpha * alpha * Math.sinh(u[j]), s.beta()[j], 1e-12 * Math.max(1e-300, Math.abs(s.beta()[j])) + 1e-300);
                System.out.printf("alpha %.0e: %d Newton steps, residual %.1e%n", alpha, s.newtonSteps(), s.residual());
            }
        }
    }

    @Test
    void largeTargetsAtSmallScaleStayFinite() {
        // |beta_j| ~ 1e4 at alpha = 1e-4 needs (X^T nu)_j ~ ln(1e4 / 1e-8) ~ 28: past |u| = 20, where 2 alpha^2 sinh(u)
        // is evaluated as sign(u) exp(|u| + ln alpha^2); Math.sinh, still finite there, is the independent route
        int n = 8, d = 30;
        double alpha = 1e-4;
        try (Matrix x = gaussian(n, d, 57)) {
            double[] y = times(x, sparse(d, 2, 58));
            for (int i = 0; i < n; i++) y[i] *= 1e4;
            WoodworthLimit.Solution s = WoodworthLimit.of(x, y, alpha);
            assertTrue(norm(minus(times(x, s.beta()), y)) <= 1e-10 * norm(y));
            double[] u = transposeTimes(x, s.nu());
            assertTrue(normInf(u) > 20, "the test should reach the large-|u| branch, max |u| = " + normInf(u));
            for (int j = 0; j < d; j++)
                assertEquals(2 * alpha * alpha * Math.sinh(u[j]), s.beta()[j], 1e-12 * Math.abs(s.beta()[j]) + 1e-300);
        }
    }

    @Test
    void smallScaleApproachesTheL1InterpolantAndLargeScaleTheL2One() {
        int n = 20, d = 60;
        try (Matrix x = gaussian(n, d, 53)) {
            double[] betaStar = sparse(d, 3, 54), y = times(x, betaStar);
            double[] l1 = MinimumNormInterpolant.l1(x, y).beta(), l2 = MinimumNormInterpolant.l2(x, y).beta();
            assertTrue(distance(l1, betaStar) < 1e-10, "the sparse teacher is the l1 interpolant here");
            // rich regime: in general the gap to the l1 solution closes only like 1 / ln(1 / alpha) (Woodworth et al.,
            // Sec. 4); on this sparse case with a unique l1 solution it falls about tenfold per decade of alpha
            double previous = Double.POSITIVE_INFINITY;
            for (double alpha : new double[] {1e-1, 1e-2, 1e-3, 1e-4}) {
                double gap = distance(WoodworthLimit.of(x, y, alpha).beta(), l1);
                System.out.printf("alpha %.0e: ||beta - beta_l1|| = %.3e%n", alpha, gap);
                assertTrue(gap < previous, "alpha " + alpha + ": " + gap + " after " + previous);
                previous = gap;
            }
            assertTrue(previous < 0.05 * norm(l1), "alpha = 1e-4 is still " + previous + " from the l1 interpolant");
            // kernel regime: X^T nu ~ beta / (2 alpha^2), so sinh's cubic term makes the gap to the l2 solution
            // ~ |beta|^3 / alpha^4: a factor 1e4 per decade of alpha, down to round-off by alpha = 1e3
            previous = Double.POSITIVE_INFINITY;
            for (double alpha : new double[] {1, 10, 100, 1e3}) {
                double gap = distance(WoodworthLimit.of(x, y, alpha).beta(), l2);
                System.out.printf("alpha %.0e: ||beta - beta_l2|| = %.3e%n", alpha, gap);
                if (alpha <= 10) assertTrue(gap < 1e-2 * previous, "alpha " + alpha + ": " + gap + " after " + previous);
                previous = gap;
            }
            assertTrue(previous < 1e-9 * norm(l2), "alpha = 1e3 is still " + previous + " from the l2 interpolant");
        }
    }

    /**
     * The independent route: gradient descent on the diagonal network itself. GD with step eta multiplies
     * u_j by (1 - 2 eta g_j) and v_j by (1 + 2 eta g_j) (g = X^T r), so log(u_j v_j) drifts by about -4 eta^2 sum_k g_j^2
     * = -4 eta int g_j^2 dt: GD ends where the flow from the effective scale alpha_j^2 e^{-2 eta int g_j^2} would, and its
     * end point differs from beta_inf by O(eta) (Even, Pesme, Gunasekar and Flammarion, NeurIPS 2023, make this precise).
     * So halving eta must halve the gap, and the Richardson combination 2 beta(eta / 2) - beta(eta) must be far closer.
     */
    @Test
    void gradientDescentOnTheDiagonalNetworkEndsAtTheLimitAsTheStepShrinks() {
        int n = 5, d = 12;
        double alpha = 0.3;
        try (Matrix x = gaussian(n, d, 55)) {
            double[] y = times(x, sparse(d, 2, 56));
            double[] limit = WoodworthLimit.of(x, y, alpha).beta();
            double eta = 4e-3;
            double[] coarse = diagonalNetworkGd(x, y, alpha, eta), fine = diagonalNetworkGd(x, y, alpha, eta / 2);
            double gapCoarse = distance(coarse, limit), gapFine = distance(fine, limit);
            double[] extrapolated = new double[d];
            for (int j = 0; j < d; j++) extrapolated[j] = 2 * fine[j] - coarse[j];
            double gapExtrapolated = distance(extrapolated, limit);
            System.out.printf("diagonal network GD: gap %.3e (eta %.0e), %.3e (eta / 2), %.3e extrapolated; l1 %.3e, l2 %.3e away%n",
                    gapCoarse, eta, gapFine, gapExtrapolated, distance(limit, MinimumNormInterpolant.l1(x, y).beta()),
                    distance(limit, MinimumNormInterpolant.l2(x, y).beta()));
            assertTrue(gapFine / gapCoarse > 0.4 && gapFine / gapCoarse < 0.6, "first order in eta: " + gapFine + " vs " + gapCoarse);
            assertTrue(gapExtrapolated < 0.1 * gapFine, "the O(eta) term is what separates GD from the flow: " + gapExtrapolated);
            assertTrue(gapFine < 1e-2 * norm(limit));
        }
    }

    /** GD on L = 1/2 ||X (u o u - v o v) - y||^2 from u = v = alpha 1 until ||r|| / ||y|| < 1e-13 (plain loops: O(n d) a step). */
    private static double[] diagonalNetworkGd(Matrix x, double[] y, double alpha, double eta) {
        int d = x.cols();
        double[] u = new double[d], v = new double[d], beta = new double[d];
        java.util.Arrays.fill(u, alpha);
        java.util.Arrays.fill(v, alpha);
        for (int step = 0; step < 5_000_000; step++) {
            for (int j = 0; j < d; j++) beta[j] = u[j] * u[j] - v[j] * v[j];
            double[] r = minus(times(x, beta), y);
            if (norm(r) < 1e-13 * norm(y)) return beta;
            double[] g = transposeTimes(x, r);
            for (int j = 0; j < d; j++) {
                u[j] -= eta * 2 * u[j] * g[j];           // dL/du = 2 u o X^T r
                v[j] += eta * 2 * v[j] * g[j];           // dL/dv = -2 v o X^T r
            }
        }
        throw new AssertionError("GD on the diagonal network did not converge");
    }
}
