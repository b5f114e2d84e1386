package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;

/**
 * The three routes to E[f(u) f(v)] agree where they overlap: closed forms and certified Mehler series against
 * the nested adaptive quadrature, and that against mpmath (30 digits), to 1e-12 of sqrt(E f(u)^2 E f(v)^2),
 * over variances from 0 to 100 and correlations up to +-1.
 */
class GaussianMapsTest {
    /** (a, b, c) with c^2 <= ab: equal and unequal variances, zero variance, correlations near and at +-1. */
    static List<double[]> grid() {
        List<double[]> g = new ArrayList<>();
        double[][] variances = {{1, 1}, {0.2, 3}, {4, 0.5}, {0.01, 0.02}, {9, 16}, {100, 1}, {0, 2}, {0, 0}};
        double[] rhos = {-1, -0.999999, -0.7, -0.2, 0, 0.3, 0.9, 0.999999999, 1};
        for (double[] v : variances) for (double r : rhos) g.add(new double[] {v[0], v[1], r * Math.sqrt(v[0] * v[1])});
        return g;
    }

    static double scale(DoubleUnaryOperator f, double a, double b) {
        return Math.sqrt(GaussianExpectation.of(z -> f.applyAsDouble(z) * f.applyAsDouble(z), a)
                * GaussianExpectation.of(z -> f.applyAsDouble(z) * f.applyAsDouble(z), b));
    }

    @Test
    void closedFormsAgreeWithQuadrature() {
        for (String name : new String[] {"relu", "leaky-relu", "erf", "identity", "quadratic"}) {
            Activation act = Activation.parse(name, 0.2);
            ClosedForm form = (ClosedForm) act;
            for (double[] p : grid()) {
                double a = p[0], b = p[1], c = p[2];
                double s = scale(act::value, a, b), sd = scale(act::derivative, a, b);
                assertEquals(BivariateQuadrature.expect(act::value, act::value, a, b, c), form.products(a, b, c), 1e-12 * s + 1e-300,
                        name + " products " + a + " " + b + " " + c);
                if (!(a > 0 && b > 0) || Math.abs(c) != Math.sqrt(a * b) || name.equals("erf") || name.equals("identity") || name.equals("quadratic"))
                    assertEquals(BivariateQuadrature.expect(act::derivative, act::derivative, a, b, c), form.derivativeProducts(a, b, c),
                            1e-12 * sd + 1e-300, name + " derivatives " + a + " " + b + " " + c);
                assertEquals(GaussianExpectation.of(act::value, a), form.mean(a), 1e-14 * Math.sqrt(Math.max(a, 1e-300)) + 1e-15, name + " mean");
            }
        }
    }

    @Test
    void mehlerSeriesAgreeWithQuadrature() {
        for (String name : new String[] {"softplus", "sigmoid", "tanh"}) {
            Activation act = Activation.parse(name, 0);
            GaussianMaps maps = act.gaussianMaps();
            for (double[] p : grid()) {
                double a = p[0], b = p[1], c = p[2];
                try (Matrix cov = Matrix.of(new double[][] {{a, c}, {c, b}}); Matrix out = Matrix.zeros(2, 2); Matrix outD = Matrix.zeros(2, 2)) {
                    maps.products(cov, out);
                    maps.derivativeProducts(cov, outD);
                    assertEquals(BivariateQuadrature.expect(act::value, act::value, a, b, c), out.get(0, 1), 1e-12 * scale(act::value, a, b) + 1e-300,
                            name + " products " + a + " " + b + " " + c);
                    assertEquals(BivariateQuadrature.expect(act::derivative, act::derivative, a, b, c), outD.get(0, 1),
                            1e-12 * scale(act::derivative, a, b) + 1e-300, name + " derivatives " + a + " " + b + " " + c);
                    assertEquals(out.get(0, 1), out.get(1, 0), 0.0);
                    assertEquals(GaussianExpectation.of(act::value, a), maps.means(cov)[0], 1e-14, name + " mean");
                }
            }
        }
    }

    /** The reference itself against mpmath at 25-30 digits. */
    @Test
    void quadratureAgreesWithHighPrecisionValues() {
        Activation sp = Activation.parse("softplus", 0), tanh = Activation.parse("tanh", 0);
        assertEquals(0.72665387530292965678, BivariateQuadrature.expect(sp::value, sp::value, 1, 1, 0.3), 2e-15);
        assertEquals(0.83951300980283484054, BivariateQuadrature.expect(sp::value, sp::value, 0.2, 3, 0.5), 2e-15);
        assertEquals(5.8536447674789082553, BivariateQuadrature.expect(sp::value, sp::value, 100, 1, 9), 2e-14);
        assertEquals(-0.25122614855450536777, BivariateQuadrature.expect(tanh::value, tanh::value, 2, 0.5, -0.7), 2e-15);
    }

    /** Unit-norm inputs share one coefficient vector (the correlation-only fast path): same values as entry by entry. */
    @Test
    void theConstantDiagonalPathMatchesTheGeneralOne() {
        Activation act = Activation.parse("softplus", 0);
        GaussianMaps maps = act.gaussianMaps();
        int n = 6;
        try (Matrix x = overparam.core.data.Synthetic.sphere(n, 4, 3); Matrix cov = Matrix.zeros(n, n); Matrix out = Matrix.zeros(n, n)) {
            overparam.core.linalg.Linalg.multOuter(x, cov);
            maps.products(cov, out);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
                double a = cov.get(i, i), b = cov.get(j, j), c = cov.get(i, j);
                assertEquals(BivariateQuadrature.expect(act::value, act::value, a, b, c), out.get(i, j), 1e-12 * scale(act::value, a, b));
            }
        }
        assertTrue(((MehlerMaps) maps).fallbacks() == 0, "unit norms never need the fallback");
    }
}
