package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Elementary's functions against StrictMath (fdlibm, within 1 ulp of the exact value). */
class ElementaryTest {
    static void within(double expected, double actual, double ulps, String what) {
        assertEquals(expected, actual, ulps * Math.ulp(expected) + Double.MIN_NORMAL, what);
    }

    @Test
    void inverseSineAndCosineOverTheWholeRange() {
        Random r = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            double x = i < 100_000 ? 2 * r.nextDouble() - 1 : (r.nextBoolean() ? 1 : -1) * (1 - Math.pow(10, -16 * r.nextDouble()));
            within(StrictMath.acos(x), Elementary.acos(x), 3, "acos(" + x + ")");
            within(StrictMath.asin(x), Elementary.asin(x), 3, "asin(" + x + ")");
        }
        assertEquals(0.0, Elementary.acos(1.0));
        assertEquals(Math.PI, Elementary.acos(-1.0));
        assertEquals(Math.PI / 2, Elementary.acos(0.0));
        assertEquals(Math.PI / 2, Elementary.asin(1.0));
        assertEquals(true, Double.isNaN(Elementary.acos(1.0000001)));
    }
}
