package overparam.core.nn;

import java.nio.DoubleBuffer;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/** Training objectives over the predictions u and labels y, with their gradient dL/du. */
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
                    throw BadInputException.of(source + " (label " + i + ")", v, "labels in {-1, +1} for --loss logistic",
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

    public static Loss parse(String name) {
        for (Loss l : values()) if (l.cliName.equals(name == null ? "" : name.trim().toLowerCase(Locale.ROOT))) return l;
        throw BadInputException.of("--loss " + name, "an unknown loss", "squared or logistic", "e.g. --loss squared");
    }

    @Override public String toString() { return cliName; }
}
