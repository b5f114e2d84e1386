package overparam.core.nn;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Matrix;

/** The few elementwise loops of a training step, kept in one place. */
final class Elementwise {
    private Elementwise() {}

    /** c = a o b (Hadamard product), same shapes; c may alias a or b. */
    static void multiply(Matrix a, Matrix b, Matrix c) {
        DoubleBuffer x = a.buffer(), y = b.buffer(), z = c.buffer();
        int count = (int) c.size();
        for (int i = 0; i < count; i++) z.put(i, x.get(i) * y.get(i));
    }

    /** out = diag(rowScale) in: row i of in times rowScale[i]. */
    static void scaleRows(Matrix rowScale, Matrix in, Matrix out) {
        DoubleBuffer s = rowScale.buffer(), x = in.buffer(), y = out.buffer();
        int rows = in.rows(), cols = in.cols();
        for (int i = 0; i < rows; i++) {
            double f = s.get(i);
            int base = i * cols;
            for (int j = 0; j < cols; j++) y.put(base + j, f * x.get(base + j));
        }
    }

    /** Every row of out is the vector v (out = 1 v^T). */
    static void broadcastRow(Matrix v, Matrix out) {
        DoubleBuffer s = v.buffer(), y = out.buffer();
        int rows = out.rows(), cols = out.cols();
        for (int i = 0; i < rows; i++) {
            int base = i * cols;
            for (int j = 0; j < cols; j++) y.put(base + j, s.get(j));
        }
    }
}
