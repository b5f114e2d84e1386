package overparam.core.nn;

import java.util.ArrayList;
import java.util.List;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;

/**
 * The loss and accuracy of a network over a whole data set (the training set under SGD, or a test set), a block of
 * rows at a time, so that 60,000 images need the memory of {@link #BLOCK} of them. Buffers and row views are made
 * once; an evaluation allocates nothing.
 */
public final class Evaluator implements AutoCloseable {
    /** Rows a block: large enough for BLAS to run at full rate, small enough to bound memory. */
    public static final int BLOCK = 1024;

    public record Result(double loss, double accuracy) {}

    private final Dataset data;
    private final Workspace full, tail;
    private final List<Matrix> xs = new ArrayList<>(), ys = new ArrayList<>();

    public Evaluator(NetworkSpec spec, Dataset data) {
        this.data = data;
        int n = data.n(), rows = Math.min(n, BLOCK), rest = n % rows;
        full = new Workspace(spec, rows);
        tail = rest > 0 ? new Workspace(spec, rest) : null;
        for (int first = 0; first < n; first += rows) {
            int count = Math.min(rows, n - first);
            xs.add(data.x().rowRange(first, count));
            ys.add(data.y().rowRange(first, count));
        }
    }

    /** Bytes for a data set of n rows: at most two workspaces of a block. */
    public static double bytes(NetworkSpec spec, int n) {
        return 2 * Workspace.bytes(spec, Math.min(n, BLOCK));
    }

    public Dataset data() { return data; }

    /** L over the whole set (the sum of the blocks' sums, or the mean of the rows for a mean loss) and the accuracy. */
    public Result evaluate(Network network, Loss loss) {
        double total = 0, right = 0;
        for (int b = 0; b < xs.size(); b++) {
            Matrix x = xs.get(b), y = ys.get(b);
            Workspace ws = x.rows() == full.rows() ? full : tail;
            network.forward(ws, x);
            double l = loss.evaluate(ws.predictions, y, ws.residuals);
            total += loss.isMean() ? l * x.rows() : l;
            right += Loss.accuracy(ws.predictions, y) * x.rows();
        }
        int n = data.n();
        return new Result(loss.isMean() ? total / n : total, right / n);
    }

    @Override public void close() {
        full.close();
        if (tail != null) tail.close();
        for (Matrix m : xs) m.close();
        for (Matrix m : ys) m.close();
    }
}
