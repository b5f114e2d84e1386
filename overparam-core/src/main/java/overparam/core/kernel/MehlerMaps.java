package overparam.core.kernel;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import overparam.core.linalg.Linalg;
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
        IntStream.range(0, n).parallel().forEach(i -> {                          // lower triangle, then one mirror
            Series si = series[v.classOf[i]];
            double ai = v.representatives[v.classOf[i]];
            for (int j = 0, row = i * n; j <= i; j++) {
                Series sj = series[v.classOf[j]];
                double aj = v.representatives[v.classOf[j]];
                double c = k.get(row + j), rho = ClosedForm.correlation(ai, aj, c);
                double value = si.certifiedProduct(sj, rho);
                if (Double.isNaN(value)) {
                    fallbacks.incrementAndGet();
                    value = BivariateQuadrature.expect(f, f, k.get(i * n + i), k.get(j * n + j), c);
                }
                o.put(row + j, value);
            }
        });
        Linalg.mirrorLower(out);
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
        final double[] halfLogTail;       // log(tail[k]) / 2, so that bounds multiply by adding
        final double energy;

        private Series(double[] coefficients, double energy) {
            this.coefficients = coefficients;
            this.energy = energy;
            this.tail = new double[coefficients.length];
            this.halfLogTail = new double[coefficients.length];
            double sum = 0;
            for (int k = 0; k < coefficients.length; k++) {
                sum += coefficients[k] * coefficients[k];
                tail[k] = Math.max(energy - sum, TAIL_FLOOR * energy);
                halfLogTail[k] = 0.5 * Math.log(tail[k]);
            }
        }

        /**
         * A series for every variance, all with one number of terms (doubled from 64 up to MAX_TERMS) after
         * which every tail energy is below TOLERANCE E f^2: sqrt(t_a t_b) <= TOLERANCE sqrt(E_a E_b) then
         * certifies even products at correlation 1. One length for all: a pair uses as many terms as its
         * shorter series has, and a fast-converging variance must not cap its product with a slow one.
         */
        static Series[] forAll(DoubleUnaryOperator f, double[] variances) {
            Series[] out = new Series[variances.length];
            for (int terms = 64; ; terms *= 2) {
                Coefficients.compute(f, variances, terms, out);
                boolean all = true;
                for (int c = 0; c < out.length; c++) all &= out[c].tail[terms - 1] <= TOLERANCE * out[c].energy;
                if (all || terms >= MAX_TERMS) return out;
            }
        }

        /**
         * sum_k rho^k F_k G_k with the fewest terms whose truncation bound |rho|^(K+1) sqrt(t_F t_G) is below
         * TOLERANCE sqrt(E_F E_G); NaN when no K up to the series' length certifies it.
         */
        double certifiedProduct(Series other, double rho) {
            int last = Math.min(coefficients.length, other.coefficients.length) - 1;
            double target = TOLERANCE * Math.sqrt(energy * other.energy);
            if (target == 0) return coefficients[0] * other.coefficients[0];
            double logTarget = Math.log(target), logR = Math.log(Math.abs(rho));        // -infinity at rho = 0: one term
            if (logBound(other, logR, last) > logTarget) return Double.NaN;
            int lo = 0, hi = last;
            while (lo < hi) {                                     // the bound falls with K: bisect for the fewest terms
                int mid = (lo + hi) >>> 1;
                if (logBound(other, logR, mid) <= logTarget) hi = mid; else lo = mid + 1;
            }
            double sum = coefficients[lo] * other.coefficients[lo];
            for (int k = lo - 1; k >= 0; k--) sum = sum * rho + coefficients[k] * other.coefficients[k];
            return sum;
        }

        /** log of |rho|^(k+1) sqrt(t_F(k) t_G(k)). */
        private double logBound(Series other, double logR, int k) {
            return (k + 1) * logR + halfLogTail[k] + other.halfLogTail[k];
        }
    }

    /**
     * F_k(a) = E[f(sqrt(a) z) h_k(z)] for many variances at once, by composite Gauss-Legendre quadrature: a
     * breakpoint at 0 (relu-like kinks, and the narrow bend of softplus(sqrt(a) z) when a is large, sit there),
     * panels of width 1/(2 sqrt a) near it (rounded to a power of two, so that a few rules serve every variance),
     * 1/2 further out (h_k oscillates with wavelength near 2 pi / sqrt(2k)), out to |z| = 14: the Hermite
     * functions h_k sqrt(phi) are bounded by 1 for every k (Cramer), so the integrand is at most |f| sqrt(phi),
     * below 1e-21 |f| past 14 whatever k is. (Gauss-Hermite rules are cheaper but miss that bend: at a = 100
     * they left errors of 1e-11.) With Psi[k][j] = sqrt(W_j) h_k(t_j) for the rule's nodes t_j and weights W_j
     * (times phi) and F[c][j] = sqrt(W_j) f(sqrt(a_c) t_j), the coefficients of every variance are one
     * product C = F Psi^T; E f^2 comes from the same rule, as the row sums of F squared.
     */
    static final class Coefficients {
        private static final int POINTS = 20;
        private static final double END = 14;
        private static final double[] X, W;
        private static final java.util.concurrent.ConcurrentHashMap<Integer, double[][]> RULES = new java.util.concurrent.ConcurrentHashMap<>();

        static {
            var rule = new org.hipparchus.analysis.integration.gauss.GaussIntegratorFactory().legendre(POINTS, -1, 1);
            X = new double[POINTS];
            W = new double[POINTS];
            for (int i = 0; i < POINTS; i++) { X[i] = rule.getPoint(i); W[i] = rule.getWeight(i); }
        }

        /** Fills out[c] with the series of variances[c], `terms` coefficients each. */
        static void compute(DoubleUnaryOperator f, double[] variances, int terms, Series[] out) {
            java.util.Map<Integer, java.util.List<Integer>> byLevel = new java.util.TreeMap<>();
            for (int c = 0; c < variances.length; c++) byLevel.computeIfAbsent(level(Math.sqrt(variances[c])), l -> new java.util.ArrayList<>()).add(c);
            for (var group : byLevel.entrySet()) {
                double[][] rule = RULES.computeIfAbsent(group.getKey(), Coefficients::rule);
                double[] nodes = rule[0], sqrtWeights = rule[1];
                java.util.List<Integer> members = group.getValue();
                int q = nodes.length, g = members.size();
                try (overparam.core.linalg.Matrix values = overparam.core.linalg.Matrix.zeros(g, q);
                     overparam.core.linalg.Matrix psi = hermiteFunctions(nodes, sqrtWeights, terms);
                     overparam.core.linalg.Matrix c = overparam.core.linalg.Matrix.zeros(g, terms)) {
                    DoubleBuffer v = values.buffer();
                    double[] energy = new double[g];
                    IntStream.range(0, g).parallel().forEach(r -> {
                        double sa = Math.sqrt(variances[members.get(r)]), e = 0;
                        for (int j = 0; j < q; j++) {
                            double fw = f.applyAsDouble(sa * nodes[j]) * sqrtWeights[j];
                            v.put(r * q + j, fw);
                            e += fw * fw;
                        }
                        energy[r] = e;
                    });
                    overparam.core.linalg.Linalg.multTransB(1.0, values, psi, 0.0, c);          // C = F Psi^T
                    for (int r = 0; r < g; r++) out[members.get(r)] = new Series(c.row(r), energy[r]);
                }
            }
        }

        /** The refinement level of a standard deviation: panels of 1/2^(level+1) near 0; level 0 for sd <= 1. */
        static int level(double sd) {
            return sd <= 1 ? 0 : (int) Math.ceil(Math.log(sd) / Math.log(2));
        }

        /** Psi[k][j] = sqrt(W_j) h_k(t_j), k < terms, by the three-term recurrence (bounded by about 1: no overflow). */
        private static overparam.core.linalg.Matrix hermiteFunctions(double[] nodes, double[] sqrtWeights, int terms) {
            int q = nodes.length;
            overparam.core.linalg.Matrix psi = overparam.core.linalg.Matrix.zeros(terms, q);
            DoubleBuffer p = psi.buffer();
            for (int j = 0; j < q; j++) {
                double t = nodes[j], previous = 0, current = sqrtWeights[j];
                p.put(j, current);
                for (int k = 1; k < terms; k++) {
                    double next = (t * current - Math.sqrt(k - 1.0) * previous) / Math.sqrt(k);
                    previous = current;
                    current = next;
                    p.put(k * q + j, current);
                }
            }
            return psi;
        }

        /** {nodes, sqrt(weight * phi(node))} over [-14, 14], panels of 1/2^(level+1) within 12 of them from 0. */
        private static double[][] rule(int level) {
            double fine = 0.5 / (1 << level), fineEnd = Math.min(END, 12 * fine);
            java.util.List<double[]> panels = new java.util.ArrayList<>();
            for (double lo = 0; lo < END; ) {
                double width = lo < fineEnd ? fine : 0.5, hi = Math.min(END, lo + width);
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
