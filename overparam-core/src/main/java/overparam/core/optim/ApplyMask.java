package overparam.core.optim;

import overparam.core.linalg.Matrix;

/**
 * Keeps pruned weights at exactly 0 (Frankle and Carbin 2019's masked training): {@link #init} zeroes them, and every
 * step's update is set to 0 where the mask is 0, so theta + 0 stays 0. It is the chain's last transform: the state of
 * those before it (a momentum trace, Adam's moments, Langevin noise, weight decay's lambda theta) may differ from 0 at a
 * pruned weight, but the step that reaches theta cannot. The layers stay dense and unaware of the mask; the price is
 * one formed update per masked parameter (so masked plain GD no longer accumulates its gradient straight into theta).
 */
public final class ApplyMask implements GradientTransformation {
    private final WeightMask mask;
    private Matrix[] masks = new Matrix[0], buffers = new Matrix[0];

    public ApplyMask(WeightMask mask) {
        if (mask == null) throw new IllegalArgumentException("a mask is needed");
        this.mask = mask;
    }

    @Override public void init(Update[] updates) {
        close();
        mask.applyToWeights();
        masks = new Matrix[updates.length];
        buffers = new Matrix[updates.length];
        for (int i = 0; i < updates.length; i++) {
            Matrix p = updates[i].parameter();
            masks[i] = mask.maskOf(p);
            if (masks[i] != null) buffers[i] = Matrix.zeros(p.rows(), p.cols());
        }
    }

    @Override public void update(Update[] updates) {
        for (int i = 0; i < updates.length; i++) {
            if (masks[i] == null) continue;
            updates[i].accumulateInto(0, buffers[i]);                         // the finished step, formed
            WeightMask.zeroPruned(masks[i], buffers[i]);
            updates[i].assign(buffers[i]);
        }
    }

    @Override public void close() {
        for (Matrix b : buffers) if (b != null) b.close();
        buffers = new Matrix[0];
        masks = new Matrix[0];
    }

    @Override public String toString() { return "apply_mask"; }
}
