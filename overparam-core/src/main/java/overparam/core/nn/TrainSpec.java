package overparam.core.nn;

import overparam.core.optim.Optimizer;

/**
 * How to train: the loss, the optimizer, the number of steps K, the recording interval R (records are taken
 * at steps 0, R, 2R, ... and K), which parameters are trained, and the seed of the SGD sampler.
 */
public record TrainSpec(Loss loss, Optimizer optimizer, int steps, int recordEvery, TrainedLayers trained, long seed) {
    public TrainSpec {
        if (steps < 0) throw new IllegalArgumentException("steps " + steps + ": expected >= 0");
        if (recordEvery < 1) throw new IllegalArgumentException("record every " + recordEvery + ": expected >= 1");
        if (trained.isEmpty()) throw new IllegalArgumentException("no trained parameter: expected at least one");
    }

    /** Whether step k is recorded. */
    public boolean records(int step) { return step % recordEvery == 0 || step == steps; }
}
