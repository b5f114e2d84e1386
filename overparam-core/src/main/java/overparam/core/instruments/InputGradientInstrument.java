package overparam.core.instruments;

import java.nio.DoubleBuffer;
import java.util.Set;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.DenseLayer;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;

/**
 * Input gradients df/dx_i at every training input, the quantity of Balduzzi et al. (ICML 2017, "The shattered gradients
 * problem: if resnets are the answer, then what is the question?"). For a one-output network whose first layer is dense,
 * pre^(1) = X W1^T, so df/dx_i = B_1[i] W1: one product on the back-propagated signals the run already forms (seed 004's
 * B_h). Records
 * <ul>
 *   <li>input_grad_norm: the mean over inputs of ||df/dx_i||;</li>
 *   <li>along a 1-D path x_i = x(t_i) with direction v (the inputs in path order, evenly spaced), the directional
 *       derivatives g_i = df/dx_i . v (input_grad_path, kept when n <= {@link #PATH_LIMIT}), and for lags k = 1..K
 *       their uncentred autocorrelation sum_i g_i g_{i+k} / sqrt(sum_i g_i^2 sum_i g_{i+k}^2) (input_grad_autocorr, exactly
 *       1 when the gradient is constant, as for a linear network) and the centred one, Pearson's correlation of
 *       (g_1..g_{n-k}) with (g_{1+k}..g_n) (input_grad_autocorr_centred, undefined and recorded as null when either
 *       side is constant); input_grad_lag1 and input_grad_lag1_centred are the lag-1 values. Balduzzi et al.'s
 *       Theorem 1 and Figure 1: the correlation of gradients at neighbouring inputs decays like 2^-L in a feedforward
 *       relu net and like 1/sqrt(L) in a resnet.</li>
 * </ul>
 */
public final class InputGradientInstrument implements Observer {
    /** The longest path whose gradients are kept in metrics.jsonl, one list a record (Balduzzi et al. use 256 points). */
    public static final int PATH_LIMIT = 256;
    /** The largest lag K of the autocorrelations. */
    public static final int MAX_LAG = 8;

    private static final Set<Object> DENSE_FIRST = Set.of(DenseLayer.KIND, DenseLayer.LINEAR_KIND, DenseLayer.QUADRATIC_KIND, DenseLayer.FIXED_WIDTH_KIND);

    private final Matrix gradient;            // n x d: row i is df/dx_i
    private final double[] direction;         // v, or null when the inputs are no path
    private final double[] path;              // g_i

    /** n inputs; direction: the path's direction v (length d), or null to record only the norm. */
    public InputGradientInstrument(NetworkSpec spec, int n, double[] direction) {
        if (!applies(spec)) throw new IllegalArgumentException("input gradients B_1 W1 need one output, fixed activations and a dense first layer");
        if (direction != null && direction.length != spec.inputDim())
            throw new IllegalArgumentException("the path's direction has " + direction.length + " coordinates, the inputs " + spec.inputDim());
        this.gradient = Matrix.zeros(n, spec.inputDim());
        this.direction = direction == null ? null : direction.clone();
        this.path = new double[n];
    }

    /** Whether df/dx = B_1 W1 holds: per-sample signals (one output, fixed activations) and a dense first layer on pixel-free inputs. */
    public static boolean applies(NetworkSpec spec) {
        return spec.hasSampleSignals() && spec.depth() >= 1 && spec.pixels() == 1 && DENSE_FIRST.contains(spec.layerKind(1));
    }

    /** Native bytes: the n x d gradients. */
    public static double bytes(NetworkSpec spec, long n) { return Matrix.bytes(n, spec.inputDim()); }

    @Override public void onRecord(RunView view, StepRecord record) {
        Linalg.mult(1.0, view.pass(1).signalPixels(1), view.network().parameter(1), 0.0, gradient);   // df/dX = B_1 W1
        int n = gradient.rows(), d = gradient.cols();
        DoubleBuffer g = gradient.buffer();
        double norms = 0;
        for (int i = 0; i < n; i++) {
            double sq = 0, dot = 0;
            for (int c = 0; c < d; c++) {
                double v = g.get(i * d + c);
                sq += v * v;
                if (direction != null) dot += v * direction[c];
            }
            norms += Math.sqrt(sq);
            path[i] = dot;
        }
        record.put("input_grad_norm", norms / n);
        if (direction == null || n < 2) return;
        int lags = Math.min(MAX_LAG, n - 1);
        double[] uncentred = new double[lags], centred = new double[lags];
        for (int k = 1; k <= lags; k++) {
            uncentred[k - 1] = autocorrelation(path, k, false);
            centred[k - 1] = autocorrelation(path, k, true);
        }
        if (n <= PATH_LIMIT) record.put("input_grad_path", path);
        record.put("input_grad_autocorr", uncentred);
        record.put("input_grad_autocorr_centred", centred);
        record.put("input_grad_lag1", uncentred[0]);
        record.put("input_grad_lag1_centred", centred[0]);
    }

    /**
     * The lag-k correlation of (g_1..g_{n-k}) with (g_{1+k}..g_n): uncentred, sum a_i b_i / sqrt(sum a_i^2 sum b_i^2); centred,
     * the same on a - mean(a), b - mean(b) (Pearson's). NaN when a side has no spread (all zero, or constant when centred).
     */
    static double autocorrelation(double[] g, int k, boolean centre) {
        int count = g.length - k;
        double meanA = 0, meanB = 0;
        if (centre) {
            for (int i = 0; i < count; i++) { meanA += g[i]; meanB += g[i + k]; }
            meanA /= count;
            meanB /= count;
        }
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < count; i++) {
            double a = g[i] - meanA, b = g[i + k] - meanB;
            ab += a * b;
            aa += a * a;
            bb += b * b;
        }
        return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : Double.NaN;
    }

    @Override public void close() { gradient.close(); }
}
