package overparam.core.kernel;

/**
 * asin and acos from sqrt and a positive series, which the JIT compiles inline. In JDK 17 Math.acos and
 * Math.asin are native fdlibm calls through JNI, 130 ns each (235 ns for acos near 1), against 19 ns here:
 * per matrix entry they dominated the arc-cosine and arcsine kernels. Within 3 ulps of StrictMath
 * (ElementaryTest), with full relative accuracy for small angles.
 */
public final class Elementary {
    private static final double HALF_PI = Math.PI / 2;
    /**
     * Taylor coefficients of g(t) = asin(sqrt t) / sqrt t = sum_n c_n t^n, c_n = (2n)! / (4^n (n!)^2 (2n+1)):
     * all positive, so on t in [0, 1/4] Horner's rule adds no cancellation; 26 terms leave a tail below 1e-18.
     */
    private static final double[] ASIN_OVER_ROOT = new double[26];

    static {
        double central = 1;                                     // (2n)! / (4^n (n!)^2)
        for (int n = 0; n < ASIN_OVER_ROOT.length; n++) {
            if (n > 0) central *= (2.0 * n - 1) / (2.0 * n);
            ASIN_OVER_ROOT[n] = central / (2 * n + 1);
        }
    }

    private Elementary() {}

    /** asin(y) / y for y^2 = t in [0, 1/4]. */
    private static double asinOverRoot(double t) {
        double sum = ASIN_OVER_ROOT[ASIN_OVER_ROOT.length - 1];
        for (int n = ASIN_OVER_ROOT.length - 2; n >= 0; n--) sum = sum * t + ASIN_OVER_ROOT[n];
        return sum;
    }

    /** arcsin x for x in [-1, 1]: x g(x^2) for |x| <= 1/2, else pi/2 - 2 asin(sqrt((1 - |x|)/2)) (the half-angle formula). */
    public static double asin(double x) {
        double a = Math.abs(x);
        if (a <= 0.5) return x * asinOverRoot(x * x);
        if (a > 1) return Double.NaN;
        double y2 = (1 - a) / 2, y = Math.sqrt(y2);             // 1 - a is exact here (Sterbenz)
        double r = HALF_PI - 2 * y * asinOverRoot(y2);
        return x < 0 ? -r : r;
    }

    /** arccos x for x in [-1, 1], with full relative accuracy near x = 1 where the angle is small. */
    public static double acos(double x) {
        if (x > 0.5) {
            double y2 = (1 - x) / 2;
            return 2 * Math.sqrt(y2) * asinOverRoot(y2);
        }
        if (x < -0.5) {
            double y2 = (1 + x) / 2;
            return Math.PI - 2 * Math.sqrt(y2) * asinOverRoot(y2);
        }
        if (!(x >= -0.5)) return Double.NaN;
        return HALF_PI - x * asinOverRoot(x * x);
    }
}
