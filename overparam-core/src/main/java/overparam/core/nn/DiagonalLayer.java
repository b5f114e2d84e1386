package overparam.core.nn;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Matrix;

/**
 * The diagonal linear network of Woodworth et al. (COLT 2020), f(x) = <w_+ o w_+ - w_- o w_-, x>, as one hidden layer
 * of 2d units read out by the fixed a = (+1 (d times), -1 (d times)): with w = (w_+, w_-) the 2d x 1 weights, unit r
 * reads coordinate j = r mod d of the input and
 * <pre>
 *   pre_ir = x_ij w_r,   out_ir = w_r pre_ir = x_ij w_r^2,   slope_ir = d out_ir / d pre_ir = w_r.
 * </pre>
 * The weight enters twice (d out_ir / d w_r = 2 w_r x_ij), so the weight gradient is 2 sum_i signal_ir x_ij with
 * signal = d(.)/d pre = gradOut o slope; it is not the dense layer's signal^T X, which is why the Gram instruments (whose
 * formula is that of a dense weight matrix) do not apply to this layer. O(n d) loops: there is no product to hand to
 * BLAS, and nothing is allocated.
 */
public record DiagonalLayer(Matrix weights) implements Layer {
    /** The diagonal network's only layer; no width to grow (it has 2d units for d inputs). */
    public static final LayerKind KIND = LayerKind.withoutLimit("diagonal", (w, activation, spec, h) -> new DiagonalLayer(w),
            "the diagonal network has 2d units for d inputs: no width to grow");

    @Override public double scale() { return 1; }

    private static final Activation IDENTITY = new Activation.Identity();

    @Override public Activation activation() { return IDENTITY; }

    @Override public Patches patches() { return Patches.NONE; }

    @Override public int level() { return 0; }

    @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws) {
        DoubleBuffer x = in.buffer(), w = weights.buffer(), p = pre.buffer(), o = out.buffer(), s = slope.buffer();
        int n = in.rows(), d = in.cols(), units = 2 * d;
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < units; r++) {
                double wr = w.get(r), z = x.get(i * d + r % d) * wr;
                p.put(i * units + r, z);
                o.put(i * units + r, wr * z);
                s.put(i * units + r, wr);
            }
        }
    }

    @Override public void backward(Matrix gradOut, Matrix pre, Matrix slope, Matrix signal, Matrix gradIn, Workspace ws) {
        Elementwise.multiply(gradOut, slope, signal);
        if (gradIn == null) return;
        DoubleBuffer g = gradOut.buffer(), w = weights.buffer(), gi = gradIn.buffer();
        int n = gradOut.rows(), units = gradOut.cols(), d = units / 2;
        for (int i = 0; i < n; i++) {                                  // d out_ir / d x_ij = w_r^2 for r = j, j + d
            for (int j = 0; j < d; j++) {
                double wp = w.get(j), wm = w.get(j + d);
                gi.put(i * d + j, g.get(i * units + j) * wp * wp + g.get(i * units + j + d) * wm * wm);
            }
        }
    }

    @Override public void accumulateGradient(double alpha, Matrix signal, Matrix in, double beta, Matrix target, Workspace ws) {
        DoubleBuffer s = signal.buffer(), x = in.buffer(), t = target.buffer();
        int n = in.rows(), d = in.cols(), units = 2 * d;
        for (int r = 0; r < units; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += s.get(i * units + r) * x.get(i * d + r % d);
            t.put(r, (beta == 0 ? 0 : beta * t.get(r)) + alpha * 2 * sum);
        }
    }
}
