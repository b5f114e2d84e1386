package overparam.core.nn;

import overparam.core.linalg.Matrix;
import overparam.core.optim.Gradients;

/**
 * The gradient of the loss with respect to a network's trained parameters as one {@link ParameterVector}, on any rows
 * of the caller's choosing (the whole training set, a minibatch, one sample): L(theta) = the loss as {@link Loss}
 * defines it over those rows (a sum for seed 004's squared loss, a mean for the mean losses), and dL/dtheta by the same
 * backward pass training uses ({@link Network#gradients}), each block formed by BLAS straight into its slice of the
 * vector. Its workspace is made once, for a fixed number of rows, and the block views once per target vector; evaluating
 * into the same vector again allocates nothing.
 * <p>
 * Bound to one network: pass the run's network to read the gradient at the run's weights (nothing is written to
 * them), or a network of one's own whose weights were set through {@link ParameterVector#write} to evaluate elsewhere.
 */
public final class LossGradient implements AutoCloseable {
    private final Network network;
    private final Loss loss;
    private final ParameterVector layout;
    private final Workspace ws;
    private final Gradients gradients;
    private Matrix lastTarget;                  // the P-vector of the last evaluation and its block views, reused when it comes again
    private Matrix[] targetViews;

    public LossGradient(Network network, TrainedLayers trained, Loss loss, int rows) {
        this.network = network;
        this.loss = loss;
        this.layout = ParameterVector.of(network, trained);
        this.ws = new Workspace(network.spec(), rows);
        this.gradients = network.gradients(ws, trained);
        if (gradients.count() != layout.blocks()) throw new AssertionError("gradient blocks " + gradients.count() + " != " + layout.blocks());
    }

    public ParameterVector layout() { return layout; }

    /** Rows per evaluation. */
    public int rows() { return ws.rows(); }

    /** L on the rows (x, y) and dL/dtheta into g (a P-vector); x has {@link #rows} rows. */
    public double evaluate(Matrix x, Matrix y, Matrix g) {
        if (x.rows() != ws.rows()) throw new IllegalArgumentException("this gradient takes " + ws.rows() + " rows, got " + x.rows());
        network.forward(ws, x);
        double value = loss.evaluate(ws.predictions, y, ws.residuals);
        gradients.prepare();
        if (g != lastTarget) {                  // callers evaluate into the same vector many times (noise batches, smoothness)
            targetViews = layout.views(g);
            lastTarget = g;
        }
        for (int b = 0; b < layout.blocks(); b++) gradients.accumulate(b, 1.0, 0.0, targetViews[b]);
        return value;
    }

    /** The workspace of the last evaluation (its predictions, residuals and, for one-output networks, signals B_h). */
    public Workspace workspace() { return ws; }

    @Override public void close() { ws.close(); }
}
