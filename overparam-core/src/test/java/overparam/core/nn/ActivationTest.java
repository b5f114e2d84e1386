package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import overparam.core.kernel.GaussianExpectation;

class ActivationTest {
    static final double[] POINTS = {-30, -5, -1.3, -0.2, 0.3, 1.7, 2.45, 2.55, 4, 25};

    static Iterable<String> names() { return Activation.FIXED; }

    /** h = 1e-6: truncation h^2 |f'''| / 6 ~ 1e-13, rounding eps |f| / h ~ 1e-10 |f|. */
    @ParameterizedTest
    @MethodSource("names")
    void derivativeAgreesWithCentralDifferences(String name) {
        Activation f = Activation.parse(name, 0.1);
        double h = 1e-6;
        for (double z : POINTS) {
            double numeric = (f.value(z + h) - f.value(z - h)) / (2 * h);
            assertEquals(numeric, f.derivative(z), 1e-8 * Math.max(1, Math.abs(f.value(z))), name + "'(" + z + ")");
        }
    }

    /**
     * sigma'' against central differences of sigma' (the Hessian-vector product's curvature term rests on it); the points
     * stay off relu's kink, where both sides see the same piece and sigma'' = 0 holds exactly. Truncation h^2 |f''''| / 6 ~
     * 1e-12, rounding eps |f'| / h ~ 2e-10 |f'|.
     */
    @ParameterizedTest
    @MethodSource("names")
    void secondDerivativeAgreesWithCentralDifferencesOfTheDerivative(String name) {
        Activation f = Activation.parse(name, 0.1);
        double h = 1e-6;
        for (double z : POINTS) {
            double numeric = (f.derivative(z + h) - f.derivative(z - h)) / (2 * h);
            assertEquals(numeric, f.secondDerivative(z), 1e-8 * Math.max(1, Math.abs(f.derivative(z))), name + "''(" + z + ")");
        }
    }

    /** The fused loop of the forward pass computes exactly scale * value and scale * derivative. */
    @ParameterizedTest
    @MethodSource("names")
    void fusedLoopAgreesWithValueAndDerivative(String name) {
        Activation f = Activation.parse(name, 0.1);
        int n = 2001;
        DoubleBuffer pre = buffer(n), out = buffer(n), slope = buffer(n);
        for (int i = 0; i < n; i++) pre.put(i, -40 + 80.0 * i / (n - 1));
        double scale = 0.37;
        f.apply(pre, out, slope, scale, 0, n);
        for (int i = 0; i < n; i++) {
            double z = pre.get(i);
            assertEquals(scale * f.value(z), out.get(i), 4e-16 * Math.abs(scale * f.value(z)) + 1e-300, name + "(" + z + ")");
            assertEquals(scale * f.derivative(z), slope.get(i), 4e-16 * Math.abs(scale * f.derivative(z)) + 1e-300, name + "'(" + z + ")");
        }
    }

    @Test
    void reluDerivativeAtZeroIsZero() {
        assertEquals(0.0, new Activation.Relu().derivative(0.0));
        assertEquals(0.25, new Activation.LeakyRelu(0.25).derivative(0.0));
    }

    /** Softplus is log(1 + e^z) with no threshold: exact far into both tails (values from mpmath, 40 digits). */
    @Test
    void softplusIsExactInBothTails() {
        Activation f = new Activation.Softplus();
        assertEquals(4.248354255291588986e-18, f.value(-40), 2e-16 * 4.25e-18);
        assertEquals(0.6931471805599453094, f.value(0), 2e-16);
        assertEquals(3.048587351573742059, f.value(3), 4e-16 * 3.05);
        assertEquals(0.04858735157374205876, f.value(-3), 2e-16 * 0.0486);
        assertEquals(800.0, f.value(800), 0.0);
        assertEquals(1.0, f.derivative(800), 0.0);
    }

    /** erf against mpmath (40 digits) to 2 ulp, on both sides of the switch between its two expansions at 2.5. */
    @Test
    void erfAgreesWithHighPrecisionValues() {
        double[][] xErf = {{0.1, 0.1124629160182848984}, {0.5, 0.5204998778130465377}, {1.0, 0.8427007929497148693},
                {2.4, 0.9993114861033549211}, {2.5, 0.9995930479825550411}, {2.6, 0.9997639655834706509},
                {3.5, 0.9999992569016276586}, {5.5, 0.9999999999999926422}};
        for (double[] p : xErf) {
            assertEquals(p[1], ErfFunction.erf(p[0]), 4.5e-16 * p[1], "erf(" + p[0] + ")");           // 2 ulp
            assertEquals(-p[1], ErfFunction.erf(-p[0]), 4.5e-16 * p[1], "erf(-" + p[0] + ")");
        }
        double[][] xErfc = {{2.5, 4.069520174449589396e-4}, {2.6, 2.360344165293490878e-4}, {3.5, 7.430983723414127455e-7},
                {5.5, 7.357847917974398063e-15}, {5.99, 2.430045512732134608e-17}};
        // e^(-x^2) turns the rounding of x^2 into a relative error of about 2 x^2 eps: that, plus a few roundings
        for (double[] p : xErfc)
            assertEquals(p[1], ErfFunction.erfc(p[0]), (2 * p[0] * p[0] + 4) * 1.1e-16 * p[1], "erfc(" + p[0] + ")");
    }

    /** c_sigma = 1 / E[sigma(z)^2]: closed forms against quadrature, quadrature against mpmath's (40 digits). */
    @Test
    void cSigmaMatchesClosedFormsAndHighPrecisionValues() {
        for (String name : new String[] {"relu", "leaky-relu", "erf", "identity", "quadratic"}) {
            Activation f = Activation.parse(name, 0.1);
            double byQuadrature = 1 / GaussianExpectation.of(z -> f.value(z) * f.value(z));
            assertEquals(f.cSigma(), byQuadrature, 1e-14 * f.cSigma(), name);
        }
        assertEquals(1.085486502988343418, new Activation.Softplus().cSigma(), 4.5e-16 * 1.09);     // 2 ulp
        assertEquals(3.408559841623102983, new Activation.Sigmoid().cSigma(), 4.5e-16 * 3.41);
        assertEquals(2.536175433217453754, new Activation.Tanh().cSigma(), 4.5e-16 * 2.54);
    }

    private static DoubleBuffer buffer(int n) {
        return ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }
}
