package overparam.core.kernel;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import overparam.core.linalg.Matrix;

/**
 * {@link GaussianMaps} for activations without closed forms (softplus, sigmoid, tanh), by Mehler's formula:
 * with u = sqrt(a) z1, v = sqrt(b) z2 and corr(z1, z2) = rho,
 * <pre>  E[f(u) f(v)] = sum_k rho^k F_k(a) F_k(b),   F_k(a) = E[f(sqrt(a) z) h_k(z)],  </pre>
 * h_k = He_k / sqrt(k!) the orthonormal Hermite polynomials. The coefficients of each distinct variance come
 * from a kink-aware quadrature; an entry is then a polynomial in its correlation. Equal variances (unit-norm
 * inputs) share one coefficient vector: each layer's map is then a function of the correlation alone.
 *
 * <p>The truncation is certified, not guessed: by Parseval, sum_k F_k(a)^2 = E[f(sqrt(a) z)^2], so the tail
 * energy t_a(K) = E f^2 - sum_{k<=K} F_k^2 is known, and by Cauchy-Schwarz the error of an entry truncated
 * after K terms is at most |rho|^(K+1) sqrt(t_a(K) t_b(K)). Each entry uses the fewest terms that bring this
 * below {@link #TOLERANCE} sqrt(E f(u)^2 E f(v)^2); an entry the series cannot certify within
 * {@link #MAX_TERMS} (large variances with correlation near 1) goes to {@link BivariateQuadrature}.
 */
public final class MehlerMaps implements GaussianMaps {
    /** Target error of every entry, relative to sqrt(E f(u)^2 E f(v)^2) (which bounds |E f(u) f(v)|). */
    public static final double TOLERANCE = 1e-13;
    static final int MAX_TERMS = 1024;
    private static final double SAME_VARIANCE = 1e-15;

    private final DoubleUnaryOperator sigma, derivative;
    private final AtomicLong fallbacks = new AtomicLong();

    public MehlerMaps(DoubleUnaryOperator sigma, DoubleUnaryOperator derivative) {
        this.sigma = sigma;
        this.derivative = derivative;
    }

    @Override public void products(Matrix cov, Matrix out) { expect(sigma, cov, out); }

    @Override public void derivativeProducts(Matrix cov, Matrix out) { expect(derivative, cov, out); }

    @Override public double[] means(Matrix cov) {
        Variances v = Variances.of(cov);
        double[] perClass = new double[v.representatives.length];
        for (int c = 0; c < perClass.length; c++) perClass[c] = GaussianExpectation.of(sigma, v.representatives[c]);
        double[] m = new double[cov.rows()];
        for (int i = 0; i < m.length; i++) m[i] = perClass[v.classOf[i]];
        return m;
    }

    /** How many entries so far needed the quadrature fallback (for tests and reports). */
    public long fallbacks() { return fallbacks.get(); }

    private void expect(DoubleUnaryOperator f, Matrix cov, Matrix out) {
        int n = cov.rows();
        Variances v = Variances.of(cov);
        Series[] series = Series.forAll(f, v.representatives);
        DoubleBuffer k = cov.buffer(), o = out.buffer();
        IntStream.range(0, n).parallel().forEach(i -> {
            Series si = series[v.classOf[i]];
            double ai = v.representatives[v.classOf[i]];
            for (int j = 0; j <= i; j++) {
                Series sj = series[v.classOf[j]];
                double aj = v.representatives[v.classOf[j]];
                double c = k.get(i * n + j), rho = ClosedForm.correlation(ai, aj, c);
                double value = si.certifiedProduct(sj, rho);
                if (Double.isNaN(value)) {
                    fallbacks.incrementAndGet();
                    value = BivariateQuadrature.expect(f, f, k.get(i * n + i), k.get(j * n + j), c);
                }
                o.put(i * n + j, value);
                o.put(j * n + i, value);
            }
        });
    }

    /** The distinct variances on a covariance's diagonal (equal within 1e-15 relative), and each sample's class. */
    record Variances(double[] representatives, int[] classOf) {
        static Variances of(Matrix cov) {
            int n = cov.rows();
            Integer[] order = new Integer[n];
            double[] a = new double[n];
            for (int i = 0; i < n; i++) { order[i] = i; a[i] = Math.max(0, cov.get(i, i)); }
            Arrays.sort(order, Comparator.comparingDouble(i -> a[i]));
            int[] classOf = new int[n];
            double[] reps = new double[n];
            int classes = 0;
            for (int r = 0; r < n; r++) {
                int i = order[r];
                if (classes == 0 || a[i] - reps[classes - 1] > SAME_VARIANCE * a[i]) reps[classes++] = a[i];
                classOf[i] = classes - 1;
            }
            return new Variances(Arrays.copyOf(reps, classes), classOf);
        }
    }

    /** F_k(a) for k = 0..K of one variance, with the tail energy after each k. */
    static final class Series {
        /**
         * The tail is known only up to the rounding of E f^2 - sum F_k^2 (a few ulps of E f^2: -1.6e-15 E was
         * seen for softplus at a = 1); clamping it at 0 would certify products it cannot.
         */
        private static final double TAIL_FLOOR = 1e-14;

        final double[] coefficients;
        final double[] tail;              // tail[k] = max(E f^2 - sum_{l <= k} F_l^2, TAIL_FLOOR E f^2)
        final double energy;

        private Series(double[] coefficients, double energy) {
            this.coefficients = coefficients;
            this.energy = energy;
            this.tail = new double[coefficients.length];
            double sum = 0;
            for (int k = 0; k < coefficients.length; k++) {
                sum += coefficients[k] * coefficients[k];
                tail[k] = Math.max(energy - sum, TAIL_FLOOR * energy);
            }
        }

        /**
         * A series for every variance, each with its own number of terms (doubled from 32 up to MAX_TERMS) after
         * which its tail energy is below TOLERANCE E f^2: sqrt(t_a t_b) <= TOLERANCE sqrt(E_a E_b) then
         * certifies even products at correlation 1.
         */
        static Series[] forAll(DoubleUnaryOperator f, double[] variances) {
            Series[] out = new Series[variances.length];
            double[] energy = new double[variances.length];
            IntStream.range(0, variances.length).parallel().forEach(c -> {
                double a = variances[c];
                energy[c] = GaussianExpectation.of(z -> { double y = f.applyAsDouble(z); return y * y; }, a);
                for (int terms = 32; ; terms *= 2) {
                    out[c] = new Series(coefficients(f, a, terms), energy[c]);
                    if (out[c].tail[terms - 1] <= TOLERANCE * energy[c] || terms >= MAX_TERMS) break;
                }
            });
            // a pair uses as many terms as its shorter series has: give every series the longest length, so that a
            // fast-converging variance does not cap the terms of its product with a slow one
            int longest = 0;
            for (Series sc : out) longest = Math.max(longest, sc.coefficients.length);
            int terms = longest;
            IntStream.range(0, variances.length).parallel().forEach(c -> {
                if (out[c].coefficients.length < terms) out[c] = new Series(coefficients(f, variances[c], terms), energy[c]);
            });
            return out;
        }

        /**
         * sum_k rho^k F_k G_k with the fewest terms whose truncation bound |rho|^(K+1) sqrt(t_F t_G) is below
         * TOLERANCE sqrt(E_F E_G); NaN when no K up to the series' length certifies it.
         */
        double certifiedProduct(Series other, double rho) {
            int last = Math.min(coefficients.length, other.coefficients.length) - 1;
            double target = TOLERANCE * Math.sqrt(energy * other.energy), r = Math.abs(rho);
            if (target == 0) return coefficients[0] * other.coefficients[0];
            int lo = 0, hi = last;
            if (bound(other, r, hi) > target) return Double.NaN;
            while (lo < hi) {                                     // the bound falls with K: bisect for the fewest terms
                int mid = (lo + hi) >>> 1;
                if (bound(other, r, mid) <= target) hi = mid; else lo = mid + 1;
            }
            double sum = coefficients[lo] * other.coefficients[lo];
            for (int k = lo - 1; k >= 0; k--) sum = sum * rho + coefficients[k] * other.coefficients[k];
            return sum;
        }

        private double bound(Series other, double r, int k) {
            return Math.pow(r, k + 1) * Math.sqrt(tail[k] * other.tail[k]);
        }

        /**
         * F_k(a) = E[f(sqrt(a) z) h_k(z)], k < terms, by composite Gauss-Legendre quadrature: a breakpoint at 0
         * (relu-like kinks, and the narrow bend of softplus(sqrt(a) z) when a is large, sit there), panels of
         * width 1/(2 sqrt a) near it, 1/2 further out (h_k oscillates with wavelength near 2 pi / sqrt(2k)), out
         * to sqrt(4 terms + 2) + 10, past which every h_k(z) sqrt(phi(z)) has decayed below double precision.
         * (Gauss-Hermite rules are cheaper but miss that bend: at a = 100 they left errors of 1e-11.)
         * The recurrence runs on sqrt(W_j) h_k(t_j) with W_j the node's weight times phi(t_j): bounded by about
         * 1, it never overflows where h_k is huge and phi underflows.
         */
        static double[] coefficients(DoubleUnaryOperator f, double a, int terms) {
            double sa = Math.sqrt(a);
            double[][] rule = Panels.rule(sa, Math.sqrt(4.0 * terms + 2) + 10);
            double[] nodes = rule[0], sqrtWeights = rule[1];
            double[] c = new double[terms], up = new double[terms], down = new double[terms];
            for (int k = 1; k < terms; k++) { up[k] = 1 / Math.sqrt(k); down[k] = Math.sqrt((k - 1.0) / k); }
            for (int j = 0; j < nodes.length; j++) {
                double t = nodes[j], sw = sqrtWeights[j];
                if (sw == 0) continue;
                double fw = f.applyAsDouble(sa * t) * sw;
                double previous = 0, current = sw;                                  // sqrt(W) h_0
                c[0] += fw * current;
                for (int k = 1; k < terms; k++) {
                    double next = t * current * up[k] - previous * down[k];          // sqrt(W) h_k
                    previous = current;
                    current = next;
                    c[k] += fw * current;
                }
            }
            return c;
        }
    }

    /** Composite Gauss-Legendre rules on [-T, T] for the standard normal, refined around 0 by the variance. */
    static final class Panels {
        private static final int POINTS = 20;
        private static final double[] X, W;

        static {
            var rule = new org.hipparchus.analysis.integration.gauss.GaussIntegratorFactory().legendre(POINTS, -1, 1);
            X = new double[POINTS];
            W = new double[POINTS];
            for (int i = 0; i < POINTS; i++) { X[i] = rule.getPoint(i); W[i] = rule.getWeight(i); }
        }

        /** {nodes, sqrt(weight * phi(node))} for E[h(z)] over [-end, end], z ~ N(0, 1). */
        static double[][] rule(double sd, double end) {
            double fine = Math.min(0.5, 0.5 / Math.max(sd, 1e-300)), fineEnd = Math.min(end, 12 * fine);
            java.util.List<double[]> panels = new java.util.ArrayList<>();
            for (double lo = 0; lo < end; ) {
                double width = lo < fineEnd ? fine : 0.5, hi = Math.min(end, lo + width);
                panels.add(new double[] {lo, hi});
                panels.add(new double[] {-hi, -lo});
                lo = hi;
            }
            double[] nodes = new double[panels.size() * POINTS], sqrtWeights = new double[nodes.length];
            int j = 0;
            for (double[] p : panels) {
                double mid = (p[0] + p[1]) / 2, half = (p[1] - p[0]) / 2;
                for (int i = 0; i < POINTS; i++, j++) {
                    double t = mid + half * X[i];
                    nodes[j] = t;
                    sqrtWeights[j] = Math.sqrt(half * W[i] * Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI));
                }
            }
            return new double[][] {nodes, sqrtWeights};
        }
    }
}
