package overparam.core.kernel;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.hipparchus.analysis.integration.gauss.GaussIntegrator;
import org.hipparchus.analysis.integration.gauss.GaussIntegratorFactory;

/**
 * E[f(u) g(v)] for (u, v) ~ N(0, [[a, c], [c, b]]) by nested adaptive Gauss-Legendre quadrature: the
 * reference route, and the fallback where a faster one cannot certify its accuracy.
 *
 * <p>Write u = sqrt(a) z1 and v = mu(z1) + s z2 with mu = c z1 / sqrt(a), s = sqrt(b - c^2/a), z1, z2
 * independent N(0, 1). The inner integral over z2 gets a breakpoint where mu + s z2 = 0 and the outer one at
 * z1 = 0, so relu-like kinks sit on panel edges; each panel is split until its 10- and 20-point
 * Gauss-Legendre values agree to the tolerance. Accuracy about 1e-14 relative to sqrt(E f(u)^2 E g(v)^2)
 * (tested against closed forms), at some 10^5 function values per expectation.
 */
public final class BivariateQuadrature {
    private static final double L = 12.5;                     // phi(12.5) / phi(0) = 1e-34: beyond, nothing counts
    private static final double TOLERANCE = 1e-14;      // per-panel agreement; asking for 1e-15 chases rounding
    private static final double[] X10, W10, X20, W20;

    static {
        GaussIntegratorFactory factory = new GaussIntegratorFactory();
        GaussIntegrator r10 = factory.legendre(10, -1, 1), r20 = factory.legendre(20, -1, 1);
        X10 = new double[10]; W10 = new double[10]; X20 = new double[20]; W20 = new double[20];
        for (int i = 0; i < 10; i++) { X10[i] = r10.getPoint(i); W10[i] = r10.getWeight(i); }
        for (int i = 0; i < 20; i++) { X20[i] = r20.getPoint(i); W20[i] = r20.getWeight(i); }
    }

    private BivariateQuadrature() {}

    public static double expect(DoubleUnaryOperator f, DoubleUnaryOperator g, double a, double b, double c) {
        a = Math.max(a, 0);
        b = Math.max(b, 0);
        if (a == 0) return f.applyAsDouble(0) * GaussianExpectation.of(g, b);
        if (b == 0) return g.applyAsDouble(0) * GaussianExpectation.of(f, a);
        double sa = Math.sqrt(a), slope = c / sa, s = Math.sqrt(Math.max(0, b - c * c / a));
        double scaleF = Math.sqrt(GaussianExpectation.of(z -> f.applyAsDouble(z) * f.applyAsDouble(z), a));
        double scaleG = Math.sqrt(GaussianExpectation.of(z -> g.applyAsDouble(z) * g.applyAsDouble(z), b));
        if (scaleF == 0 || scaleG == 0) return 0;
        double innerTolerance = TOLERANCE * scaleG;
        DoubleUnaryOperator outer = z1 -> {
            double fu = f.applyAsDouble(sa * z1);
            if (fu == 0) return 0;
            double mu = slope * z1;
            double inner = s == 0 ? g.applyAsDouble(mu) : integrate(z2 -> g.applyAsDouble(mu + s * z2), -mu / s, innerTolerance);
            return fu * inner;
        };
        // Near |rho| = 1 the inner integral changes over z1 ~ s / |slope| around 0 (a thin wedge where both
        // kinks are active): breakpoints at 0, +-w, +-4w, +-16w, ... keep the panels from stepping over it.
        double w = Math.abs(slope) > 0 ? s / Math.abs(slope) : L;
        java.util.List<Double> points = new java.util.ArrayList<>(List.of(0.0));
        if (w > 0) for (double x = w; x < L; x *= 4) { points.add(x); points.add(-x); }   // s = 0: no wedge
        return integrate(outer, points, TOLERANCE * scaleF * scaleG);
    }

    /** E[h(z)], z ~ N(0, 1), over [-L, L] split at the breakpoints. */
    private static double integrate(DoubleUnaryOperator h, double breakpoint, double tolerance) {
        return integrate(h, List.of(breakpoint), tolerance);
    }

    private static double integrate(DoubleUnaryOperator h, List<Double> breakpoints, double tolerance) {
        DoubleUnaryOperator weighted = z -> h.applyAsDouble(z) * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        double[] edges = java.util.stream.DoubleStream.concat(java.util.stream.DoubleStream.of(-L, L),
                breakpoints.stream().mapToDouble(Double::doubleValue).filter(b -> b > -L && b < L)).sorted().distinct().toArray();
        double sum = 0, share = tolerance / (edges.length - 1);
        for (int e = 0; e + 1 < edges.length; e++) sum += adaptive(weighted, edges[e], edges[e + 1], share, 0);
        return sum;
    }

    private static double adaptive(DoubleUnaryOperator h, double lo, double hi, double tolerance, int depth) {
        double mid = (lo + hi) / 2, half = (hi - lo) / 2;
        double coarse = 0, fine = 0;
        for (int i = 0; i < 10; i++) coarse += W10[i] * h.applyAsDouble(mid + half * X10[i]);
        for (int i = 0; i < 20; i++) fine += W20[i] * h.applyAsDouble(mid + half * X20[i]);
        coarse *= half;
        fine *= half;
        if (Math.abs(fine - coarse) <= tolerance || depth >= 40) return fine;
        double t = tolerance / Math.sqrt(2);
        return adaptive(h, lo, mid, t, depth + 1) + adaptive(h, mid, hi, t, depth + 1);
    }
}
