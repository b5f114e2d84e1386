package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GaussianExpectationTest {
    /** Moments of N(0, v): E z^2 = v, E z^4 = 3 v^2, E z^6 = 15 v^3; E max(z,0) = sqrt(v / 2 pi) (the kink at 0). */
    @Test
    void momentsAndKinkedFunctionsToRounding() {
        for (double v : new double[] {1e-4, 0.3, 1, 7.5, 1e3}) {
            assertEquals(v, GaussianExpectation.of(z -> z * z, v), 1e-15 * v);
            assertEquals(3 * v * v, GaussianExpectation.of(z -> z * z * z * z, v), 1e-14 * v * v);
            assertEquals(15 * v * v * v, GaussianExpectation.of(z -> Math.pow(z, 6), v), 1e-14 * v * v * v);
            assertEquals(Math.sqrt(v / (2 * Math.PI)), GaussianExpectation.of(z -> Math.max(z, 0), v), 1e-15 * Math.sqrt(v));
            assertEquals(0.5, GaussianExpectation.of(z -> z > 0 ? 1 : 0, v), 1e-15);
        }
        assertEquals(Math.exp(0.5), GaussianExpectation.of(Math::exp), 1e-15 * Math.exp(0.5));
        assertEquals(5.0, GaussianExpectation.of(z -> 5.0, 0.0));
    }
}
