package overparam.core.instruments;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Matrix;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.Workspace;

/**
 * The size of the forward signal, the quantity Fixup controls (Zhang, Dauphin, Ma, ICLR 2019, Section 2: at He
 * initialization a residual network without normalization has Var[x_L] growing exponentially with the number of blocks L,
 * 3^L for two-layer relu branches). Records forward_signal_log10, the mean over training inputs of
 * log10(||x^(H)_i||^2 / ||x_i||^2), and forward_signal_layer_log10, the same at every hidden layer h = 1..H. Each squared
 * norm is taken as M^2 sum (v / M)^2 with M = max |v_r|, so it is finite for any finite activations (squaring alone
 * overflows once entries pass 1e154); once the forward pass itself overflows (3^L > 1e308 past ~645 blocks) the value is
 * infinite or NaN and is recorded as null: the run's own loss is then not finite, and the lab records it as diverged.
 */
public final class ForwardSignalInstrument implements Observer {
    private final int depth;

    public ForwardSignalInstrument(NetworkSpec spec) {
        if (!applies(spec)) throw new IllegalArgumentException("the forward signal is read from dense hidden layers (no pixels, H >= 1)");
        this.depth = spec.depth();
    }

    /** Dense networks with at least one hidden layer. */
    public static boolean applies(NetworkSpec spec) { return spec.depth() >= 1 && spec.pixels() == 1; }

    @Override public void onRecord(RunView view, StepRecord record) {
        Workspace pass = view.pass(depth + 1);
        Matrix x = pass.layerInput(1);
        int n = x.rows();
        double[] inputLog = new double[n], layers = new double[depth];
        for (int i = 0; i < n; i++) inputLog[i] = log10NormSq(x, i);
        for (int h = 1; h <= depth; h++) {
            Matrix out = pass.output(h);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += log10NormSq(out, i) - inputLog[i];
            layers[h - 1] = sum / n;
        }
        record.put("forward_signal_log10", layers[depth - 1]);
        record.put("forward_signal_layer_log10", layers);
    }

    /** log10 ||row i of m||^2, as 2 log10 M + log10 sum (v / M)^2 (M = max |v|): -inf for a zero row, not finite past overflow. */
    static double log10NormSq(Matrix m, int i) {
        DoubleBuffer b = m.buffer();
        int cols = m.cols();
        double max = 0;
        for (int c = 0; c < cols; c++) max = Math.max(max, Math.abs(b.get(i * cols + c)));
        if (max == 0) return Double.NEGATIVE_INFINITY;
        if (!Double.isFinite(max)) return Double.NaN;
        double sum = 0;
        for (int c = 0; c < cols; c++) { double v = b.get(i * cols + c) / max; sum += v * v; }
        return 2 * Math.log10(max) + Math.log10(sum);
    }
}
