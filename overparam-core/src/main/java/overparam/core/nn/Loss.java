package overparam.core.nn;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * Training objectives over the predictions u (n x k: one row per sample, k outputs) and labels y (n x 1), with
 * their gradient dL/du (n x k). The sums (squared, logistic) are seed 004's eq. 1 and its logistic twin; the means
 * (mse, cross-entropy) are what seed 002 and classification practice report, so that their eta is PyTorch's lr.
 * Two more sums: the l_p loss of Arora, Cohen and Hazan (ICML 2018), which carries its exponent p, and the
 * exponential loss of Lyu and Li (ICLR 2020). And the squared loss over k outputs on class labels with the one-hot targets
 * the kernel predictions regress on ({@link #TARGET_CLASS}, {@link #TARGET_OTHER}), as a sum and as a mean.
 *
 * <p>The losses without a parameter are the constants of {@link Fixed}, one object each, so {@code ==} compares
 * them as it did when Loss was an enum; {@link #lp} makes an {@link Lp}, equal by its p. Loss declares no default
 * (or other non-static) method on purpose: an interface with one is initialized together with the enum that
 * implements it, and if {@code Fixed} were touched first, the constants below would read its fields before they
 * exist and stay null.
 */
public sealed interface Loss permits Loss.Fixed, Loss.Lp {
    /** L = 1/2 sum_i (u_i - y_i)^2 (seed 004, eq. 1); see {@link Fixed#SQUARED}. */
    Loss SQUARED = Fixed.SQUARED;
    /** L = (1/n) sum_i (u_i - y_i)^2 (seed 002, eq. 2); see {@link Fixed#MSE}. */
    Loss MSE = Fixed.MSE;
    /** Softmax cross-entropy over k outputs, a mean; see {@link Fixed#CROSS_ENTROPY}. */
    Loss CROSS_ENTROPY = Fixed.CROSS_ENTROPY;
    /** L = sum_i log(1 + exp(-y_i u_i)), labels +-1; see {@link Fixed#LOGISTIC}. */
    Loss LOGISTIC = Fixed.LOGISTIC;
    /** L = sum_i exp(-y_i u_i), labels +-1 (Lyu and Li 2020); see {@link Fixed#EXPONENTIAL}. */
    Loss EXPONENTIAL = Fixed.EXPONENTIAL;
    /** L = 1/2 sum_{i,c} (u_ic - t_ic)^2 over k outputs on class labels, one-hot targets; see {@link Fixed#ONE_HOT_SQUARED}. */
    Loss ONE_HOT_SQUARED = Fixed.ONE_HOT_SQUARED;
    /** L = (1/(n k)) sum_{i,c} (u_ic - t_ic)^2, the same targets' mean squared error; see {@link Fixed#ONE_HOT_MSE}. */
    Loss ONE_HOT_MSE = Fixed.ONE_HOT_MSE;

    /**
     * One-hot regression targets for class labels: t_ic = TARGET_CLASS where c is sample i's class, TARGET_OTHER elsewhere
     * (Lee et al. 2018, Section 3; Arora et al. 2019, Section 6, both on 10 classes). With 10 classes each target vector
     * sums to zero, the zero prior mean of the infinite network's outputs. The one place these numbers live: the one-hot
     * squared loss trains on them and the kernel predictions regress on them, so a network and its infinite twin fit the
     * same numbers.
     */
    double TARGET_CLASS = 0.9, TARGET_OTHER = -0.1;

    /** The spellings the command line accepts, for messages: every fixed loss's name, then lp:P. */
    List<String> NAMES = names();

    /** The l_p loss L = (1/p) sum_i |u_i - y_i|^p for a finite p >= 2 (lp(2) is {@link #SQUARED}'s formula). */
    static Loss lp(double p) { return new Lp(p); }

    /** The losses that take no parameter, in declaration order. */
    static List<Loss> named() { return List.of(Fixed.values()); }

    /**
     * The loss of this name: a fixed loss's cliName, or lp:P with P a plain decimal number (digits, an optional
     * fraction and exponent), finite and >= 2. Case and surrounding blanks are ignored. Anything else is an
     * IllegalArgumentException, which the caller turns into a message naming its own input.
     */
    static Loss parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Fixed f : Fixed.values()) if (f.cliName.equals(key)) return f;
        if (key.startsWith(Lp.PREFIX)) {
            String exponent = key.substring(Lp.PREFIX.length());
            if (!exponent.matches("[0-9]+(\\.[0-9]*)?(e[+-]?[0-9]+)?"))
                throw new IllegalArgumentException("loss '" + name + "': the exponent of lp:P must be a number, e.g. lp:4");
            return lp(Double.parseDouble(exponent));
        }
        throw new IllegalArgumentException("unknown loss '" + name + "': expected one of " + String.join(", ", names()));
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Fixed f : Fixed.values()) names.add(f.cliName);
        names.add(Lp.PREFIX + "P");
        return List.copyOf(names);
    }

    /** The name on the command line and in outputs; parse(cliName()) gives this loss back. */
    String cliName();

    /** L(u, y); writes dL/du into gradient. No allocation. */
    double evaluate(Matrix u, Matrix y, Matrix gradient);

    /** Refuses labels this loss cannot take. */
    void checkLabels(Matrix y, String source);

    /**
     * Whether L is a mean over the samples (mse, cross-entropy) rather than a sum (squared, logistic, lp, exponential).
     * A minibatch's mean gradient already estimates the full mean gradient; a sum's batch gradient is scaled by n / b
     * instead.
     */
    boolean isMean();

    /** The network outputs k this loss needs for labels with this many classes: 1 except for the losses that take classes. */
    int outputs(int classes);

    /** Whether the labels are class indices 0, ..., k-1 read over k outputs (cross-entropy, one-hot squared). */
    boolean takesClasses();

    /** Whether this loss takes only labels in {-1, +1} (logistic, exponential), so synthetic labels are made signs. */
    boolean takesSigns();

    /**
     * Whether accuracy means something for these labels under this loss: cross-entropy's class indices, logistic's
     * and exponential's signs, or any loss on labels that are all -1 or +1 (a two-class problem read by the sign of
     * one output).
     */
    boolean classifies(Matrix y);

    /** The losses without a parameter. */
    enum Fixed implements Loss {
        /** L = 1/2 sum_i (u_i - y_i)^2 (seed 004, eq. 1); dL/du = u - y. */
        SQUARED("squared") {
            @Override public double evaluate(Matrix u, Matrix y, Matrix gradient) {
                DoubleBuffer p = u.buffer(), t = y.buffer(), g = gradient.buffer();
                double sum = 0;
                for (int i = 0; i < u.rows(); i++) {
                    double r = p.get(i) - t.get(i);
                    g.put(i, r);
                    sum += r * r;
                }
                return 0.5 * sum;
            }
        },
        /** L = (1/n) sum_i (u_i - y_i)^2, seed 002's eq. 2 over a sample (PyTorch's MSELoss); dL/du = 2 (u - y) / n. */
        MSE("mse") {
            @Override public double evaluate(Matrix u, Matrix y, Matrix gradient) {
                DoubleBuffer p = u.buffer(), t = y.buffer(), g = gradient.buffer();
                int n = u.rows();
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    double r = p.get(i) - t.get(i);
                    g.put(i, 2 * r / n);
                    sum += r * r;
                }
                return sum / n;
            }

            @Override public boolean isMean() { return true; }
        },
        /**
         * Softmax cross-entropy over k outputs, labels y_i in {0, ..., k-1}: L = (1/n) sum_i (logsumexp(u_i) - u_{i,y_i}),
         * dL/du_i = (softmax(u_i) - e_{y_i}) / n (PyTorch's cross_entropy with reduction 'mean'). The maximum is
         * subtracted before exponentiating, so no logit overflows.
         */
        CROSS_ENTROPY("cross-entropy") {
            @Override public double evaluate(Matrix u, Matrix y, Matrix gradient) {
                DoubleBuffer p = u.buffer(), t = y.buffer(), g = gradient.buffer();
                int n = u.rows(), k = u.cols();
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    int row = i * k;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < k; c++) max = Math.max(max, p.get(row + c));
                    double z = 0;
                    for (int c = 0; c < k; c++) {
                        double e = Math.exp(p.get(row + c) - max);
                        g.put(row + c, e);
                        z += e;
                    }
                    int label = (int) t.get(i);
                    sum += Math.log(z) + max - p.get(row + label);
                    for (int c = 0; c < k; c++) g.put(row + c, (g.get(row + c) / z - (c == label ? 1 : 0)) / n);
                }
                return sum / n;
            }

            @Override public boolean isMean() { return true; }

            @Override public boolean takesClasses() { return true; }

            @Override public void checkLabels(Matrix y, String source) { requireClasses(y, source, "the cross-entropy loss"); }
        },
        /** L = sum_i log(1 + exp(-y_i u_i)) for labels y_i in {-1, +1}; dL/du_i = -y_i / (1 + exp(y_i u_i)). */
        LOGISTIC("logistic") {
            @Override public double evaluate(Matrix u, Matrix y, Matrix gradient) {
                DoubleBuffer p = u.buffer(), t = y.buffer(), g = gradient.buffer();
                double sum = 0;
                for (int i = 0; i < u.rows(); i++) {
                    double margin = t.get(i) * p.get(i);
                    double e = Math.exp(-Math.abs(margin));                              // never overflows
                    sum += Math.max(-margin, 0) + Math.log1p(e);                         // softplus(-margin)
                    double sigmoidOfMinusMargin = margin >= 0 ? e / (1 + e) : 1 / (1 + e);
                    g.put(i, -t.get(i) * sigmoidOfMinusMargin);
                }
                return sum;
            }

            @Override public void checkLabels(Matrix y, String source) { requireSigns(y, source, "the logistic loss"); }

            @Override public boolean takesSigns() { return true; }
        },
        /**
         * L = sum_i exp(-y_i u_i) for labels y_i in {-1, +1} (Lyu and Li, ICLR 2020); dL/du_i = -y_i exp(-y_i u_i). A large
         * positive margin gives exp(-margin) = 0, never NaN; a margin below about -709 overflows to infinity, which the
         * trainer reports as a diverged run.
         */
        EXPONENTIAL("exponential") {
            @Override public double evaluate(Matrix u, Matrix y, Matrix gradient) {
                DoubleBuffer p = u.buffer(), t = y.buffer(), g = gradient.buffer();
                double sum = 0;
                for (int i = 0; i < u.rows(); i++) {
                    double e = Math.exp(-t.get(i) * p.get(i));                           // exp(-margin)
                    g.put(i, -t.get(i) * e);
                    sum += e;
                }
                return sum;
            }

            @Override public void checkLabels(Matrix y, String source) { requireSigns(y, source, "the exponential loss"); }

            @Override public boolean takesSigns() { return true; }
        },
        /**
         * The squared loss over k outputs on class labels y_i in {0, ..., k-1}, with the one-hot targets t_ic =
         * {@link #TARGET_CLASS} for c = y_i and {@link #TARGET_OTHER} elsewhere: L = 1/2 sum_{i,c} (u_ic - t_ic)^2, dL/du = u - t.
         * A sum, as {@link #SQUARED} (seed 004, eq. 1), so that in the linearized regime a gradient-descent step is
         * u <- u - eta Theta (u - t) on each output column (the NTK of a k-output network is Theta times I_k at infinite
         * width): the dynamics KernelPrediction.atStep follows, and the loss Lee et al. 2020 train their finite networks with.
         */
        ONE_HOT_SQUARED("one-hot-squared") {
            @Override public double evaluate(Matrix u, Matrix y, Matrix gradient) {
                return 0.5 * oneHotResiduals(u, y, gradient, 1);
            }

            @Override public boolean takesClasses() { return true; }

            @Override public void checkLabels(Matrix y, String source) { requireClasses(y, source, "the one-hot squared loss"); }
        },
        /**
         * L = (1/(n k)) sum_{i,c} (u_ic - t_ic)^2, the mean over the n x k entries of the same one-hot targets: PyTorch's
         * MSELoss on one-hot targets, the loss Lee et al. 2020 train their finite networks with. dL/du = 2 (u - t) / (n k).
         * A mean, so a minibatch's gradient estimates the full one and one eta suits every training set size (the sum's
         * stable eta falls like 1 / lambda_max(Theta), which grows with n).
         */
        ONE_HOT_MSE("one-hot-mse") {
            @Override public double evaluate(Matrix u, Matrix y, Matrix gradient) {
                double entries = (double) u.rows() * u.cols();
                return oneHotResiduals(u, y, gradient, 2 / entries) / entries;
            }

            @Override public boolean isMean() { return true; }

            @Override public boolean takesClasses() { return true; }

            @Override public void checkLabels(Matrix y, String source) { requireClasses(y, source, "the one-hot mean squared loss"); }
        };

        private final String cliName;

        Fixed(String cliName) { this.cliName = cliName; }

        @Override public String cliName() { return cliName; }

        @Override public void checkLabels(Matrix y, String source) {}

        @Override public boolean isMean() { return false; }

        @Override public int outputs(int classes) { return takesClasses() ? classes : 1; }

        @Override public boolean takesClasses() { return false; }

        @Override public boolean takesSigns() { return false; }

        @Override public boolean classifies(Matrix y) { return takesClasses() || takesSigns() || Loss.labelsAreSigns(y); }

        @Override public String toString() { return cliName; }

        /** Refuses labels that are not class indices 0, 1, 2, ... */
        /**
         * The one-hot losses' common part: r_ic = u_ic - t_ic against the targets {@link #TARGET_CLASS} / {@link #TARGET_OTHER}
         * of the class indices y, gradient_ic = scale r_ic, and sum r_ic^2 returned (the sum form takes half of it, the mean
         * form divides it by n k).
         */
        static double oneHotResiduals(Matrix u, Matrix y, Matrix gradient, double scale) {
            DoubleBuffer p = u.buffer(), t = y.buffer(), g = gradient.buffer();
            int n = u.rows(), k = u.cols();
            double sum = 0;
            for (int i = 0; i < n; i++) {
                int row = i * k, label = (int) t.get(i);
                for (int c = 0; c < k; c++) {
                    double r = p.get(row + c) - (c == label ? TARGET_CLASS : TARGET_OTHER);
                    g.put(row + c, scale * r);
                    sum += r * r;
                }
            }
            return sum;
        }

        static void requireClasses(Matrix y, String source, String what) {
            for (int i = 0; i < y.rows(); i++) {
                double v = y.get(i);
                if (!(v >= 0) || v != Math.rint(v) || v > 1 << 20)
                    throw BadInputException.of(source + " (label " + i + ")", v, "class indices 0, 1, 2, ... for " + what,
                            "Save the labels as integers from 0 (numpy.save('y.npy', classes.astype('int64'))).");
            }
        }

        /** Refuses labels that are not -1 or +1. */
        static void requireSigns(Matrix y, String source, String what) {
            for (int i = 0; i < y.rows(); i++) {
                double v = y.get(i);
                if (v != 1.0 && v != -1.0)
                    throw BadInputException.of(source + " (label " + i + ")", v, "labels in {-1, +1} for " + what,
                            "Map your classes to -1 and +1, or use --loss squared.");
            }
        }
    }

    /**
     * The l_p loss L = (1/p) sum_i |u_i - y_i|^p (Arora, Cohen and Hazan, ICML 2018, who write it without the 1/p;
     * with it, dL/du_i = |r_i|^(p-1) sign(r_i) for r = u - y, and p = 2 is {@link #SQUARED} bit for bit: the gradient
     * is then pow(|r|, 1) sign(r) = r exactly, and |r|^p is formed as that gradient times r). A sum, like squared;
     * p >= 2, below which the gradient is not Lipschitz at r = 0.
     */
    record Lp(double p) implements Loss {
        static final String PREFIX = "lp:";

        public Lp {
            if (!(p >= 2) || p == Double.POSITIVE_INFINITY)
                throw new IllegalArgumentException("the l_p loss needs a finite exponent p >= 2, got " + p);
        }

        /** lp:P, P without ".0" when it is a whole number (lp:4, lp:2.5). */
        @Override public String cliName() {
            return PREFIX + (p == Math.rint(p) && p < 1e15 ? Long.toString((long) p) : Double.toString(p));
        }

        @Override public double evaluate(Matrix u, Matrix y, Matrix gradient) {
            DoubleBuffer q = u.buffer(), t = y.buffer(), g = gradient.buffer();
            double sum = 0;
            for (int i = 0; i < u.rows(); i++) {
                double r = q.get(i) - t.get(i);
                double slope = Math.copySign(Math.pow(Math.abs(r), p - 1), r);      // |r|^(p-1) sign(r)
                g.put(i, slope);
                sum += slope * r;                                                   // |r|^p, one pow per sample
            }
            return sum / p;
        }

        @Override public void checkLabels(Matrix y, String source) {}

        @Override public boolean isMean() { return false; }

        @Override public int outputs(int classes) { return 1; }

        @Override public boolean takesClasses() { return false; }

        @Override public boolean takesSigns() { return false; }

        @Override public boolean classifies(Matrix y) { return Loss.labelsAreSigns(y); }

        @Override public String toString() { return cliName(); }
    }

    /** Whether every label is -1 or +1 (a two-class problem for one output, read by its sign). */
    static boolean labelsAreSigns(Matrix y) {
        for (int i = 0; i < y.rows(); i++) if (Math.abs(y.get(i)) != 1.0) return false;
        return true;
    }

    /** n x k one-hot targets of class-index labels: {@link #TARGET_CLASS} at the class, {@link #TARGET_OTHER} elsewhere. */
    static Matrix oneHot(Matrix classIndices, int classes) {
        int n = classIndices.rows();
        Matrix t = Matrix.zeros(n, classes);
        t.fill(TARGET_OTHER);
        for (int i = 0; i < n; i++) t.set(i, (int) classIndices.get(i), TARGET_CLASS);
        return t;
    }

    /** The number of classes of class-index labels: the largest label + 1. */
    static int classCount(Matrix y) {
        double max = 0;
        for (int i = 0; i < y.rows(); i++) max = Math.max(max, y.get(i));
        return (int) max + 1;
    }

    /**
     * The fraction of samples classified correctly: argmax_c u_ic = y_i for k outputs, sign(u_i) = y_i for one
     * output with labels +-1 (u_i = 0 counts as wrong). Ties in the argmax go to the lowest class, as numpy's.
     */
    public static double accuracy(Matrix u, Matrix y) {
        DoubleBuffer p = u.buffer(), t = y.buffer();
        int n = u.rows(), k = u.cols(), right = 0;
        for (int i = 0; i < n; i++) {
            if (k == 1) {
                double v = p.get(i), label = t.get(i);
                if (v > 0 && label > 0 || v < 0 && label < 0) right++;
                continue;
            }
            int best = 0;
            for (int c = 1; c < k; c++) if (p.get(i * k + c) > p.get(i * k + best)) best = c;
            if (best == (int) t.get(i)) right++;
        }
        return (double) right / n;
    }
}
