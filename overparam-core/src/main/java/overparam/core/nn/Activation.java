package overparam.core.nn;

import java.nio.DoubleBuffer;
import java.util.List;
import java.util.Locale;
import overparam.core.kernel.ClosedForm;
import overparam.core.kernel.ClosedFormMaps;
import overparam.core.kernel.Elementary;
import overparam.core.kernel.GaussianExpectation;
import overparam.core.kernel.GaussianMaps;
import overparam.core.kernel.MehlerMaps;
import overparam.core.linalg.Matrix;

/**
 * An activation sigma with its derivative and its normalizer c_sigma = 1 / E[sigma(z)^2], z ~ N(0, 1)
 * (seed 004, eq. 2). Each kind writes its own fused loop {@link #apply}, which computes sigma and
 * sigma' in one pass (they share their costly part, e.g. one exp for softplus and its sigmoid
 * derivative), so the training step's elementwise work stays a small fraction of its BLAS work.
 */
public sealed interface Activation {
    /** The names the command line accepts. */
    List<String> NAMES = List.of("relu", "leaky-relu", "prelu", "softplus", "sigmoid", "tanh", "erf", "identity", "quadratic");

    /** The fixed activations: every one but prelu, whose slope is learned. Each has an infinite-width limit. */
    List<String> FIXED = NAMES.stream().filter(n -> !n.equals("prelu")).toList();

    /** The name used on the command line and in outputs. */
    /**
     * Whether sigma(t z) = t sigma(z) for every t > 0 (relu, leaky-relu, identity): then a bias-free network is
     * homogeneous in each weight matrix, which the balancedness law and the normalized margin rest on (Du, Hu, Lee 2018;
     * Lyu and Li 2020).
     */
    default boolean positivelyHomogeneous() { return this instanceof Relu || this instanceof LeakyRelu || this instanceof Identity; }

    String name();

    double value(double z);

    double derivative(double z);

    /**
     * sigma''(z), what the curvature term of a Hessian-vector product multiplies (Pearlmutter 1994: R{sigma'(pre)} =
     * sigma''(pre) R{pre}). 0 for the piecewise-linear activations (relu, leaky-relu, prelu, identity), exactly so away
     * from the kink, where sigma'' is a Dirac mass the Hessian of a finite network never sees almost surely.
     */
    double secondDerivative(double z);

    /** 1 / E[sigma(z)^2] for z ~ N(0, 1): closed form where one exists, else quadrature (about 1e-16 relative). */
    double cSigma();

    /**
     * For i in [from, to): out[i] = scale * sigma(pre[i]) and slope[i] = scale * sigma'(pre[i]).
     * The hot loop of every forward pass (run on several threads by {@link Elementwise#activate}); no allocation.
     */
    void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slope, double scale, int from, int to);

    /**
     * What an infinite-width layer with this activation does to a covariance (the layer's dual, seed 004
     * Defs. 5.1 and 6.1): closed forms where they exist, else certified Mehler series ({@link MehlerMaps}).
     */
    GaussianMaps gaussianMaps();

    /** The activation of this name (NAMES, and the spellings leaky_relu, leakyrelu, linear); leakySlope is leaky-relu's slope and prelu's initial slope. */
    static Activation parse(String name, double leakySlope) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "relu" -> new Relu();
            case "leaky-relu", "leaky_relu", "leakyrelu" -> new LeakyRelu(leakySlope);
            case "prelu" -> PRelu.initial(leakySlope);
            case "softplus" -> new Softplus();
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "erf" -> new ErfActivation();
            case "identity", "linear" -> new Identity();
            case "quadratic" -> new Quadratic();
            default -> throw new IllegalArgumentException("unknown activation '" + name + "': expected one of " + String.join(", ", NAMES));
        };
    }

    /** max(z, 0); relu'(0) = 0. c_sigma = 2. Its Gaussian expectations are the arc-cosine kernels (Cho and Saul 2009). */
    record Relu() implements Activation, ClosedForm {
        public String name() { return "relu"; }
        public double value(double z) { return z > 0 ? z : 0; }
        public double derivative(double z) { return z > 0 ? 1 : 0; }
        public double secondDerivative(double z) { return 0; }
        public double cSigma() { return 2; }
        public GaussianMaps gaussianMaps() { return new ClosedFormMaps(this); }
        public double mean(double a) { return Math.sqrt(a / (2 * Math.PI)); }
        public double products(double a, double b, double c) { return arcCosine(a, b, ClosedForm.correlation(a, b, c)); }
        /** P(u > 0, v > 0) = (pi - theta) / 2 pi; 0 when a variance is 0 (relu'(0) = 0). */
        public double derivativeProducts(double a, double b, double c) {
            return a == 0 || b == 0 ? 0 : (Math.PI - Elementary.acos(ClosedForm.correlation(a, b, c))) / (2 * Math.PI);
        }
        /** The two above with one sqrt(ab) and one arccos (the same operations in the same order, so the same bits). */
        @Override public void productsAndDerivative(double a, double b, double c, double[] out) {
            double s = Math.sqrt(a * b);
            double rho = s == 0 ? 0 : Math.max(-1, Math.min(1, c / s)), piMinusTheta = Math.PI - Elementary.acos(rho);
            out[0] = s == 0 ? 0 : s * (Math.sqrt((1 - rho) * (1 + rho)) + piMinusTheta * rho) / (2 * Math.PI);
            out[1] = a == 0 || b == 0 ? 0 : piMinusTheta / (2 * Math.PI);
        }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slope, double scale, int from, int to) {
            for (int i = from; i < to; i++) {
                double z = pre.get(i);
                boolean on = z > 0;
                out.put(i, on ? scale * z : 0);
                slope.put(i, on ? scale : 0);
            }
        }
    }

    /**
     * z for z > 0, slope * z otherwise; the derivative at 0 is the slope (relu's 0 when slope = 0). With
     * sigma(z) = relu(z) - slope relu(-z), its expectations are sums of arc-cosine kernels at rho and -rho.
     */
    record LeakyRelu(double slope) implements Activation, ClosedForm {
        public LeakyRelu {
            if (!Double.isFinite(slope) || slope < 0 || slope >= 1)
                throw new IllegalArgumentException("leaky-relu slope " + slope + ": expected a slope in [0, 1)");
        }
        public String name() { return "leaky-relu"; }
        public double value(double z) { return z > 0 ? z : slope * z; }
        public double derivative(double z) { return z > 0 ? 1 : slope; }
        public double secondDerivative(double z) { return 0; }
        /** E[sigma^2] = (1 + slope^2) / 2. */
        public double cSigma() { return 2 / (1 + slope * slope); }
        public GaussianMaps gaussianMaps() { return new ClosedFormMaps(this); }
        public double mean(double a) { return (1 - slope) * Math.sqrt(a / (2 * Math.PI)); }
        public double products(double a, double b, double c) {
            double rho = ClosedForm.correlation(a, b, c);
            return (1 + slope * slope) * arcCosine(a, b, rho) - 2 * slope * arcCosine(a, b, -rho);
        }
        /** (1 + s^2) P(u > 0, v > 0) + 2 s P(u > 0, v < 0), with sigma'(0) = s where a variance is 0. */
        public double derivativeProducts(double a, double b, double c) {
            if (a == 0 && b == 0) return slope * slope;
            if (a == 0 || b == 0) return slope * (1 + slope) / 2;
            double theta = Elementary.acos(ClosedForm.correlation(a, b, c));
            return ((1 + slope * slope) * (Math.PI - theta) + 2 * slope * theta) / (2 * Math.PI);
        }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slopes, double scale, int from, int to) {
            double low = scale * slope;
            for (int i = from; i < to; i++) {
                double z = pre.get(i);
                double s = z > 0 ? scale : low;
                out.put(i, s * z);
                slopes.put(i, s);
            }
        }
    }

    /** log(1 + e^z), exactly (no threshold): max(z, 0) + log1p(e^-|z|); its derivative is the sigmoid. */
    record Softplus() implements Activation {
        private static final double C_SIGMA = 1 / GaussianExpectation.of(z -> { double s = softplus(z); return s * s; });
        public String name() { return "softplus"; }
        public double value(double z) { return softplus(z); }
        public double derivative(double z) { return sigmoid(z); }
        /** The sigmoid's derivative s (1 - s) = e^-|z| / (1 + e^-|z|)^2, without cancellation. */
        public double secondDerivative(double z) { double e = Math.exp(-Math.abs(z)); return e / ((1 + e) * (1 + e)); }
        public double cSigma() { return C_SIGMA; }
        public GaussianMaps gaussianMaps() { return new MehlerMaps(this::value, this::derivative); }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slope, double scale, int from, int to) {
            for (int i = from; i < to; i++) {
                double z = pre.get(i);
                double e = Math.exp(-Math.abs(z));                      // in (0, 1]: never overflows
                double u = 1 + e, r = 1 / u;                            // r is also the sigmoid of |z|
                out.put(i, scale * (Math.max(z, 0) + log1p(e, u, r)));
                slope.put(i, scale * (z >= 0 ? r : e * r));
            }
        }
        static double softplus(double z) {
            double e = Math.exp(-Math.abs(z)), u = 1 + e;
            return Math.max(z, 0) + log1p(e, u, 1 / u);
        }
    }

    /** 1 / (1 + e^-z). */
    record Sigmoid() implements Activation {
        private static final double C_SIGMA = 1 / GaussianExpectation.of(z -> { double s = sigmoid(z); return s * s; });
        public String name() { return "sigmoid"; }
        public double value(double z) { return sigmoid(z); }
        public double derivative(double z) { double e = Math.exp(-Math.abs(z)); return e / ((1 + e) * (1 + e)); }
        /** (s (1 - s))' = s (1 - s) (1 - 2 s), with 1 - 2 s = tanh(-z / 2). */
        public double secondDerivative(double z) { return derivative(z) * Math.tanh(-z / 2); }
        public double cSigma() { return C_SIGMA; }
        public GaussianMaps gaussianMaps() { return new MehlerMaps(this::value, this::derivative); }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slope, double scale, int from, int to) {
            for (int i = from; i < to; i++) {
                double z = pre.get(i);
                double e = Math.exp(-Math.abs(z));
                double onePlus = 1 + e;
                double s = z >= 0 ? 1 / onePlus : e / onePlus;
                out.put(i, scale * s);
                slope.put(i, scale * e / (onePlus * onePlus));          // s (1 - s), without cancellation
            }
        }
    }

    record Tanh() implements Activation {
        private static final double C_SIGMA = 1 / GaussianExpectation.of(z -> { double t = Math.tanh(z); return t * t; });
        public String name() { return "tanh"; }
        public double value(double z) { return Math.tanh(z); }
        public double derivative(double z) { double e = Math.exp(-2 * Math.abs(z)); return 4 * e / ((1 + e) * (1 + e)); }
        /** (1 - tanh^2)' = -2 tanh (1 - tanh^2). */
        public double secondDerivative(double z) { return -2 * Math.tanh(z) * derivative(z); }
        public double cSigma() { return C_SIGMA; }
        public GaussianMaps gaussianMaps() { return new MehlerMaps(this::value, this::derivative); }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slope, double scale, int from, int to) {
            for (int i = from; i < to; i++) {
                double z = pre.get(i);
                double t = Math.tanh(z);
                out.put(i, scale * t);
                // 1 - tanh^2 = 4 e^-2|z| / (1 + e^-2|z|)^2, accurate also where tanh^2 rounds to 1
                double e = Math.exp(-2 * Math.abs(z));
                slope.put(i, scale * 4 * e / ((1 + e) * (1 + e)));
            }
        }
    }

    /**
     * The error function. Williams (1997): E[erf(u) erf(v)] = (2/pi) arcsin(2c / sqrt((1+2a)(1+2b))), and since
     * erf' = 2/sqrt(pi) e^(-z^2), E[erf'(u) erf'(v)] = (4/pi) det(I + 2 Sigma)^(-1/2); c_sigma from a = b = c = 1.
     */
    record ErfActivation() implements Activation, ClosedForm {
        private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
        public String name() { return "erf"; }
        public double value(double z) { return ErfFunction.erf(z); }
        public double derivative(double z) { return TWO_OVER_SQRT_PI * Math.exp(-z * z); }
        /** (2/sqrt(pi) e^(-z^2))' = -2 z erf'(z). */
        public double secondDerivative(double z) { return -2 * z * derivative(z); }
        public double cSigma() { return Math.PI / (2 * Math.asin(2.0 / 3.0)); }
        public GaussianMaps gaussianMaps() { return new ClosedFormMaps(this); }
        public double mean(double a) { return 0; }
        public double products(double a, double b, double c) {
            return 2 / Math.PI * Elementary.asin(Math.max(-1, Math.min(1, 2 * c / Math.sqrt((1 + 2 * a) * (1 + 2 * b)))));
        }
        public double derivativeProducts(double a, double b, double c) {
            return 4 / Math.PI / Math.sqrt((1 + 2 * a) * (1 + 2 * b) - 4 * c * c);
        }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slope, double scale, int from, int to) {
            for (int i = from; i < to; i++) {
                double z = pre.get(i);
                out.put(i, scale * ErfFunction.erf(z));
                slope.put(i, scale * TWO_OVER_SQRT_PI * Math.exp(-z * z));
            }
        }
    }

    /** sigma(z) = z: the linear network. c_sigma = 1; E[uv] = c, E[1 * 1] = 1. */
    record Identity() implements Activation, ClosedForm {
        public String name() { return "identity"; }
        public double value(double z) { return z; }
        public double derivative(double z) { return 1; }
        public double secondDerivative(double z) { return 0; }
        public double cSigma() { return 1; }
        public GaussianMaps gaussianMaps() { return new ClosedFormMaps(this); }
        public double mean(double a) { return 0; }
        public double products(double a, double b, double c) { return c; }
        public double derivativeProducts(double a, double b, double c) { return 1; }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slope, double scale, int from, int to) {
            for (int i = from; i < to; i++) {
                out.put(i, scale * pre.get(i));
                slope.put(i, scale);
            }
        }
    }

    /** sigma(z) = z^2; E[z^4] = 3, so c_sigma = 1/3. By Isserlis, E[u^2 v^2] = ab + 2c^2 and E[2u 2v] = 4c. */
    record Quadratic() implements Activation, ClosedForm {
        public String name() { return "quadratic"; }
        public double value(double z) { return z * z; }
        public double derivative(double z) { return 2 * z; }
        public double secondDerivative(double z) { return 2; }
        public double cSigma() { return 1.0 / 3.0; }
        public GaussianMaps gaussianMaps() { return new ClosedFormMaps(this); }
        public double mean(double a) { return a; }
        public double products(double a, double b, double c) { return a * b + 2 * c * c; }
        public double derivativeProducts(double a, double b, double c) { return 4 * c; }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slope, double scale, int from, int to) {
            for (int i = from; i < to; i++) {
                double z = pre.get(i);
                out.put(i, scale * z * z);
                slope.put(i, 2 * scale * z);
            }
        }
    }

    /** E[relu(u) relu(v)] = sqrt(ab) (sin theta + (pi - theta) cos theta) / 2 pi, theta = arccos rho (Cho and Saul 2009). */
    private static double arcCosine(double a, double b, double rho) {
        double s = Math.sqrt(a * b);
        if (s == 0) return 0;
        double sin = Math.sqrt((1 - rho) * (1 + rho));
        return s * (sin + (Math.PI - Elementary.acos(rho)) * rho) / (2 * Math.PI);
    }

    /** 1 / (1 + e^-z) without overflow. */
    private static double sigmoid(double z) {
        double e = Math.exp(-Math.abs(z));
        return z >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    /**
     * log(1 + e) for e in [0, 1], given u = fl(1 + e) and r = 1 / u, to about 1 ulp: log(u) is off by the
     * rounding of u, d = (u - 1) - e (computed exactly), and log(1 + e) = log(u) - d / u + O(d^2). Uses the
     * intrinsic Math.log and no division of its own (StrictMath's log1p is several times slower).
     */
    private static double log1p(double e, double u, double r) {
        return Math.log(u) - ((u - 1) - e) * r;
    }

    /**
     * PReLU (He et al. 2015), seed 002's activation: z for z > 0, alpha z otherwise, with the slope alpha learned, one
     * per layer. The slope lives in a 1 x 1 matrix that gradient descent updates, as a layer's weights do; each layer
     * of a network has its own ({@link #copy}), and {@link #gradient} receives dL/dalpha = sum gradOut o min(pre, 0)
     * from the backward pass. No infinite-width limit: it exists only in seed 002's networks.
     */
    record PRelu(Matrix slope, Matrix gradient) implements Activation {
        static PRelu initial(double alpha) {
            if (!Double.isFinite(alpha))
                throw new IllegalArgumentException("PReLU slope " + alpha + ": expected a finite initial slope");
            PRelu p = new PRelu(Matrix.vector(1), Matrix.vector(1));
            p.slope.set(0, alpha);
            return p;
        }

        /** A fresh slope with this one's value, for one layer. */
        PRelu copy() { return initial(alpha()); }

        public double alpha() { return slope.get(0); }

        public String name() { return "prelu"; }
        public double value(double z) { return z > 0 ? z : alpha() * z; }
        public double derivative(double z) { return z > 0 ? 1 : alpha(); }
        public double secondDerivative(double z) { return 0; }
        /** At the current slope, as leaky-relu's. */
        public double cSigma() { return 2 / (1 + alpha() * alpha()); }
        public GaussianMaps gaussianMaps() {
            throw new UnsupportedOperationException("prelu has a learned slope and no infinite-width limit: it exists only in seed 002's networks, whose width is d");
        }
        public void apply(DoubleBuffer pre, DoubleBuffer out, DoubleBuffer slopes, double scale, int from, int to) {
            double low = scale * alpha();
            for (int i = from; i < to; i++) {
                double z = pre.get(i);
                double s = z > 0 ? scale : low;
                out.put(i, s * z);
                slopes.put(i, s);
            }
        }

        /** gradient = sum_i gradOut_i min(pre_i, 0) over the whole buffers: dL/dalpha when gradOut is dL/d out. */
        void accumulateGradient(Matrix gradOut, Matrix pre) {
            DoubleBuffer g = gradOut.buffer(), z = pre.buffer();
            double sum = 0;
            for (int i = 0, size = (int) pre.size(); i < size; i++) {
                double v = z.get(i);
                if (v < 0) sum += g.get(i) * v;
            }
            gradient.set(0, sum);
        }
    }
}
