package overparam.core.nn;

import java.nio.DoubleBuffer;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * Training objectives over the predictions u (n x k: one row per sample, k outputs) and labels y (n x 1), with
 * their gradient dL/du (n x k). The sums (squared, logistic) are seed 004's eq. 1 and its logistic twin; the means
 * (mse, cross-entropy) are what seed 002 and classification practice report, so that their eta is PyTorch's lr.
 */
public enum Loss {
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

        @Override public int outputs(int classes) { return classes; }

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

        @Override public void checkLabels(Matrix y, String source) {
            for (int i = 0; i < y.rows(); i++) {
                double v = y.get(i);
                if (v != 1.0 && v != -1.0)
                    throw BadInputException.of(source + " (label " + i + ")", v, "labels in {-1, +1} for the logistic loss",
                            "Map your classes to -1 and +1, or use --loss squared.");
            }
        }
    };

    private final String cliName;

    Loss(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    /** L(u, y); writes dL/du into gradient. No allocation. */
    public abstract double evaluate(Matrix u, Matrix y, Matrix gradient);

    /** Refuses labels this loss cannot take. */
    public void checkLabels(Matrix y, String source) {}

    /**
     * Whether L is a mean over the samples (mse, cross-entropy) rather than a sum (squared, logistic). A minibatch's
     * mean gradient already estimates the full mean gradient; a sum's batch gradient is scaled by n / b instead.
     */
    public boolean isMean() { return false; }

    /** The network outputs k this loss needs for labels with this many classes: 1 except for cross-entropy. */
    public int outputs(int classes) { return 1; }

    /**
     * Whether accuracy means something for these labels under this loss: cross-entropy's class indices, logistic's
     * signs, or any loss on labels that are all -1 or +1 (a two-class problem read by the sign of one output).
     */
    public boolean classifies(Matrix y) { return this == CROSS_ENTROPY || this == LOGISTIC || labelsAreSigns(y); }

    /** Refuses labels that are not class indices 0, 1, 2, ... */
    static void requireClasses(Matrix y, String source, String what) {
        for (int i = 0; i < y.rows(); i++) {
            double v = y.get(i);
            if (!(v >= 0) || v != Math.rint(v) || v > 1 << 20)
                throw BadInputException.of(source + " (label " + i + ")", v, "class indices 0, 1, 2, ... for " + what,
                        "Save the labels as integers from 0 (numpy.save('y.npy', classes.astype('int64'))).");
        }
    }

    /** Whether every label is -1 or +1 (a two-class problem for one output, read by its sign). */
    public static boolean labelsAreSigns(Matrix y) {
        for (int i = 0; i < y.rows(); i++) if (Math.abs(y.get(i)) != 1.0) return false;
        return true;
    }

    /** The number of classes of class-index labels: the largest label + 1. */
    public static int classCount(Matrix y) {
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

    @Override public String toString() { return cliName; }
}
