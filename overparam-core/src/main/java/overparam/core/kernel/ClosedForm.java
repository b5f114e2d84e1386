package overparam.core.kernel;

/**
 * Closed-form Gaussian expectations of an activation sigma, for (u, v) ~ N(0, [[a, c], [c, b]]) and
 * u ~ N(0, a): what an infinite-width layer with that activation does to its covariance.
 */
public interface ClosedForm {
    /** E[sigma(u)]. */
    double mean(double a);

    /** E[sigma(u) sigma(v)]. */
    double products(double a, double b, double c);

    /** E[sigma'(u) sigma'(v)]. */
    double derivativeProducts(double a, double b, double c);

    /**
     * Both expectations of one pair: out[0] = E[sigma(u) sigma(v)], out[1] = E[sigma'(u) sigma'(v)]. An activation whose
     * two share work (relu: one correlation, one arccos) computes them together, to the same bits as apart: the tiled
     * kernels call this for every entry of every layer.
     */
    default void productsAndDerivative(double a, double b, double c, double[] out) {
        out[0] = products(a, b, c);
        out[1] = derivativeProducts(a, b, c);
    }

    /** c / sqrt(ab), clamped to [-1, 1] against rounding; 0 when a variance is 0. */
    static double correlation(double a, double b, double c) {
        double s = Math.sqrt(a * b);
        return s == 0 ? 0 : Math.max(-1, Math.min(1, c / s));
    }
}
