package overparam.core.nn;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Matrix;

/** The elementwise loops of a training step, kept in one place and run on the BLAS thread count. */
final class Elementwise {
    private Elementwise() {}

    private static final ParallelLoops.Kernel ACTIVATE = (s, from, to) -> s.activation.apply(s.x, s.y, s.z, s.scalar, from, to);

    private static final ParallelLoops.Kernel MULTIPLY = (s, from, to) -> {
        DoubleBuffer x = s.x, y = s.y, z = s.z;
        for (int i = from; i < to; i++) z.put(i, x.get(i) * y.get(i));
    };

    private static final ParallelLoops.Kernel MULTIPLY_ADD = (s, from, to) -> {
        DoubleBuffer x = s.x, y = s.y, z = s.z;
        for (int i = from; i < to; i++) z.put(i, z.get(i) + x.get(i) * y.get(i));
    };

    private static final ParallelLoops.Kernel SCALE_ROWS = (s, from, to) -> {        // units are rows
        DoubleBuffer x = s.x, f = s.y, z = s.z;
        int cols = s.cols;
        for (int r = from; r < to; r++) {
            double factor = f.get(r);
            for (int j = r * cols, end = j + cols; j < end; j++) z.put(j, factor * x.get(j));
        }
    };

    private static final ParallelLoops.Kernel BROADCAST_ROW = (s, from, to) -> {     // units are rows
        DoubleBuffer v = s.x, z = s.z;
        int cols = s.cols;
        for (int r = from; r < to; r++) for (int j = 0, base = r * cols; j < cols; j++) z.put(base + j, v.get(j));
    };

    /** out = scale * sigma(pre), slope = scale * sigma'(pre). */
    static void activate(Activation activation, Matrix pre, Matrix out, Matrix slope, double scale) {
        ParallelLoops.Slots s = ParallelLoops.slots();
        s.activation = activation;
        s.x = pre.buffer(); s.y = out.buffer(); s.z = slope.buffer(); s.scalar = scale;
        ParallelLoops.run(ACTIVATE, (int) pre.size(), 1);
    }

    /** c = a o b (Hadamard product), same shapes; c may alias a or b. */
    static void multiply(Matrix a, Matrix b, Matrix c) {
        ParallelLoops.Slots s = ParallelLoops.slots();
        s.x = a.buffer(); s.y = b.buffer(); s.z = c.buffer();
        ParallelLoops.run(MULTIPLY, (int) c.size(), 1);
    }

    /** c += a o b (same shapes; c aliasing neither): the curvature term of a Hessian-vector product. */
    static void multiplyAdd(Matrix a, Matrix b, Matrix c) {
        ParallelLoops.Slots s = ParallelLoops.slots();
        s.x = a.buffer(); s.y = b.buffer(); s.z = c.buffer();
        ParallelLoops.run(MULTIPLY_ADD, (int) c.size(), 1);
    }

    /** out = diag(rowScale) in: row i of in times rowScale[i]. */
    static void scaleRows(Matrix rowScale, Matrix in, Matrix out) {
        ParallelLoops.Slots s = ParallelLoops.slots();
        s.x = in.buffer(); s.y = rowScale.buffer(); s.z = out.buffer(); s.cols = in.cols();
        ParallelLoops.run(SCALE_ROWS, in.rows(), in.cols());
    }

    /** Every row of out is the vector v (out = 1 v^T). */
    static void broadcastRow(Matrix v, Matrix out) {
        ParallelLoops.Slots s = ParallelLoops.slots();
        s.x = v.buffer(); s.z = out.buffer(); s.cols = out.cols();
        ParallelLoops.run(BROADCAST_ROW, out.rows(), out.cols());
    }
    /** out = in + c, every element (a scalar bias; out may alias in). */
    static void shift(Matrix in, double c, Matrix out) {
        DoubleBuffer x = in.buffer(), z = out.buffer();
        for (int i = 0, n = (int) out.size(); i < n; i++) z.put(i, x.get(i) + c);
    }

    /** The sum of every element: the gradient of a scalar bias added to all of them (in order, so the same bits each run). */
    static double sum(Matrix a) {
        DoubleBuffer x = a.buffer();
        double total = 0;
        for (int i = 0, n = (int) a.size(); i < n; i++) total += x.get(i);
        return total;
    }

    /** sum_{i,k} a_ik v_k: the sum of a's rows weighted by v (a vector as long as a has columns), in order. */
    static double weightedSum(Matrix a, Matrix v) {
        DoubleBuffer x = a.buffer(), w = v.buffer();
        int cols = a.cols();
        double total = 0;
        for (int i = 0, n = (int) a.size(); i < n; i++) total += x.get(i) * w.get(i % cols);
        return total;
    }
}
