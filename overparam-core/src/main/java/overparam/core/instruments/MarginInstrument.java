package overparam.core.instruments;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainedLayers;

/**
 * The normalized margin of a homogeneous network (Lyu and Li, ICLR 2020; Soudry et al. 2018 for the linear model):
 * with theta the trained parameters and L the degree of f in theta (the sum of each trained parameter's degree,
 * {@link NetworkSpec#homogeneityDegree}), f(c theta) = c^L f(theta), so q_min / ||theta||^L does not change when the
 * weights only grow, and gradient descent on the logistic or exponential loss increases it once the data are fitted.
 * q_i = y_i f(x_i) for one output and labels +-1, q_i = f_{y_i}(x_i) - max_{c != y_i} f_c(x_i) for k class outputs. Records
 * margin_min (min_i q_i), param_norm (||theta||), normalized_margin (q_min / ||theta||^L) and, for the two losses of the
 * theorem, Lyu and Li's smoothed margin (their Section 4.1, the quantity proved monotone): log(1/L) / rho^L for the
 * exponential loss, -log(e^L - 1) / rho^L for the logistic loss, L the training loss (a sum) and rho = ||theta||.
 */
public final class MarginInstrument implements Observer {
    /** Which smoothed margin the loss has (NONE: the loss is not one of the theorem's). */
    public enum Smoothing { NONE, EXPONENTIAL, LOGISTIC }

    private final int degree;
    private final int[] trained;
    private final Smoothing smoothing;

    public MarginInstrument(NetworkSpec spec, TrainedLayers trained, Smoothing smoothing) {
        if (!spec.isHomogeneous()) throw new IllegalArgumentException("the normalized margin needs a homogeneous network, not " + spec.arch());
        int[] list = new int[spec.parameterCount()];
        int count = 0, degree = 0;
        for (int h = 1; h <= spec.parameterCount(); h++) {
            if (!trained.contains(h)) continue;
            list[count++] = h;
            degree += spec.homogeneityDegree(h);
        }
        this.trained = java.util.Arrays.copyOf(list, count);
        this.degree = degree;
        this.smoothing = smoothing;
    }

    /** L, the degree of f in the trained parameters. */
    public int degree() { return degree; }

    @Override public void onRecord(RunView view, StepRecord record) {
        Network network = view.network();
        Matrix u = view.pass(network.depth() + 1).predictions();
        double qMin = minimumMargin(u, view.data().y());
        double normSq = 0;
        for (int h : trained) {
            double f = Linalg.normF(network.parameter(h));
            normSq += f * f;
        }
        double rho = Math.sqrt(normSq), scale = Math.pow(rho, degree);
        record.put("margin_min", qMin);
        record.put("param_norm", rho);
        record.put("normalized_margin", qMin / scale);
        double loss = view.loss();
        switch (smoothing) {
            case EXPONENTIAL -> record.put("smoothed_margin", Math.log(1 / loss) / scale);
            case LOGISTIC -> record.put("smoothed_margin", -Math.log(Math.expm1(loss)) / scale);
            case NONE -> { }
        }
    }

    /** min_i q_i: y_i u_i for one output (labels +-1), else the class output minus the largest other. */
    static double minimumMargin(Matrix u, Matrix y) {
        DoubleBuffer p = u.buffer(), t = y.buffer();
        int n = u.rows(), k = u.cols();
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double q;
            if (k == 1) q = t.get(i) * p.get(i);
            else {
                int label = (int) t.get(i);
                double other = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) if (c != label) other = Math.max(other, p.get(i * k + c));
                q = p.get(i * k + label) - other;
            }
            min = Math.min(min, q);
        }
        return min;
    }
}
