package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every term of every width and step-size requirement, each on numbers where that term is the largest, against
 * the value worked out by hand from the theorem as printed (seed 004, Theorems 5.1, 6.1, 7.1; Du et al. 2018,
 * Theorem 3.2 as seed 001 quotes it), hidden constants 1. A requirement is a max of terms, so a test on one set of
 * numbers sees only the term that binds there: a changed exponent in any other term passes unnoticed. Hence one
 * case per term. Relative tolerance 1e-12: the values are a few floating-point operations from their inputs.
 */
class TheoremFormulasTest {
    private static void assertValue(double expected, Theorems.Requirement r) {
        assertEquals(expected, r.value(), 1e-12 * Math.abs(expected), r.label());
    }

    private static Theorems.Requirement width(List<Theorems.Requirement> rs) { return rs.get(0); }

    private static Theorems.Requirement step(List<Theorems.Requirement> rs) { return rs.get(1); }

    /** Theorem 5.1: m >= 2^H max(n^4 / l0^4, n / delta, n^2 log(H n / delta) / l0^2), eta <= l0 / (n^2 2^H). */
    @Test
    void fullyConnectedTheoremFiveOne() {
        // n = 10, H = 3, l0 = 1/2, delta = 0.1: (n / l0)^4 = 20^4 = 160000 > n / delta = 100 > 100 ln(300) * 4 = 2281.6
        assertValue(8 * 160_000, width(Theorems.fullyConnected(10, 3, 0.5, 0.1)));
        // n = 2, H = 1, l0 = 1, delta = 1e-3: n / delta = 2000 > 4 ln(2000) = 30.4 > 16
        assertValue(2 * 2000, width(Theorems.fullyConnected(2, 1, 1, 1e-3)));
        // n = 4, H = 20, l0 = 2, delta = 1/2: (n / l0)^2 log(H n / delta) = 4 ln(160) = 20.30 > (n / l0)^4 = 16 > n / delta = 8
        assertValue(1_048_576 * 4 * Math.log(160), width(Theorems.fullyConnected(4, 20, 2, 0.5)));
        // eta <= l0 / (n^2 2^H): 0.5 / (100 * 8) and, at H = 1, 2 / (4 * 2)
        assertValue(6.25e-4, step(Theorems.fullyConnected(10, 3, 0.5, 0.1)));
        assertValue(0.25, step(Theorems.fullyConnected(2, 1, 2, 0.1)));
    }

    /**
     * Theorem 6.1: m >= max(n^4 / (l0^4 H^6), n^2 / (l0^2 H^2), n / delta, n^2 log(H n / delta) / l0^2),
     * eta <= l0 H^2 / n^2. The second term binds only where log(H n / delta) < 1 / H^2, that is delta > H n / e^(1/H^2):
     * never at a probability delta < 1 with n >= 1, so it is pinned at delta = 100, as arithmetic.
     */
    @Test
    void resNetTheoremSixOne() {
        // n = 10, l0 = 0.1, H = 2, delta = 0.1: 100^4 / 64 = 1562500 > 100 ln(200) / 0.01 = 52983 > 100^2 / 4 = 2500 > 100
        assertValue(1_562_500, width(Theorems.resNet(10, 2, 0.1, 0.1)));
        // n = 2, l0 = 3, H = 2, delta = 100: 4 / (9 * 4) = 1/9 > n / delta = 0.02 > 16 / (81 * 64); the log term is negative
        assertValue(1.0 / 9, width(Theorems.resNet(2, 2, 3, 100)));
        // n = 2, l0 = 2, H = 2, delta = 1e-3: n / delta = 2000 > ln(4000) = 8.3 > 1/4 > 1/64
        assertValue(2000, width(Theorems.resNet(2, 2, 2, 1e-3)));
        // n = 8, l0 = 2, H = 2, delta = 1/2: 16 ln(32) = 55.45 > n / delta = 16 > 4^4 / 64 = 4 = 16 / 4
        assertValue(16 * Math.log(32), width(Theorems.resNet(8, 2, 2, 0.5)));
        // eta <= l0 H^2 / n^2 = 0.5 * 9 / 100
        assertValue(0.045, step(Theorems.resNet(10, 3, 0.5, 0.1)));
    }

    /**
     * Theorem 7.1 (p pixels, poly(p) = p): m >= p max(n^4 / (l0^4 H^6), n^4 / (l0^4 H^2), n / delta,
     * n^2 log(H n / delta) / l0^2), eta <= l0 H^2 / (n^2 p). Its first term never exceeds its second (H >= 1), so only
     * the other three can bind.
     */
    @Test
    void convResNetTheoremSevenOne() {
        // n = 10, l0 = 0.5, H = 2, p = 3, delta = 0.1: 20^4 / 4 = 40000 > 2500 > 100 ln(200) * 4 = 2119 > 100
        assertValue(3 * 40_000, width(Theorems.convResNet(10, 2, 3, 0.5, 0.1)));
        // n = 2, l0 = 2, H = 2, p = 3, delta = 1e-3: n / delta = 2000 > ln(4000) = 8.3 > 1/4
        assertValue(3 * 2000, width(Theorems.convResNet(2, 2, 3, 2, 1e-3)));
        // n = 8, l0 = 2, H = 4, p = 3, delta = 1/2: 16 ln(64) = 66.5 > 4^4 / 16 = 16 = n / delta
        assertValue(3 * 16 * Math.log(64), width(Theorems.convResNet(8, 4, 3, 2, 0.5)));
        // eta <= l0 H^2 / (n^2 p) = 0.5 * 9 / 300
        assertValue(0.015, step(Theorems.convResNet(10, 3, 3, 0.5, 0.1)));
    }

    /** Du et al. 2018, Theorem 3.2: m >= n^6 / (l0^4 delta^3), eta <= l0 / n^2. */
    @Test
    void twoLayerDuEtAl2018() {
        // 10^6 / (0.0625 * 0.001) = 1.6e10; 3^6 / (2^4 * 0.5^3) = 729 / 2
        assertValue(1.6e10, width(Theorems.twoLayer(10, 0.5, 0.1)));
        assertValue(364.5, width(Theorems.twoLayer(3, 2, 0.5)));
        // 0.5 / 100; 2 / 9
        assertValue(0.005, step(Theorems.twoLayer(10, 0.5, 0.1)));
        assertValue(2.0 / 9, step(Theorems.twoLayer(3, 2, 0.5)));
    }

    /** Theorems 5.1 and 6.1: L(k) <= (1 - eta l0 / 2)^k L(0); eta = 0.25, l0 = 2: rate 3/4, after 3 steps 27/64 L(0). */
    @Test
    void lossContractsByOneMinusEtaLambdaHalf() {
        assertEquals(0.75, Theorems.predictedRate(0.25, 2), 0);
        assertEquals(27.0 / 64 * 8, Theorems.lossBound(8, 0.25, 2, 3), 0);
    }
}
