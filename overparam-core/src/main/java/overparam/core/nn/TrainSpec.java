package overparam.core.nn;

import overparam.core.BadInputException;
import overparam.core.optim.Optimizer;

/**
 * How to train: the loss, the optimizer, the number of steps K, the recording interval R (records are taken
 * at steps 0, R, 2R, ... and K), which parameters are trained, and the seed of the SGD sampler.
 */
public record TrainSpec(Loss loss, Optimizer optimizer, int steps, int recordEvery, TrainedLayers trained, long seed) {
    public TrainSpec {
        requireSchedule(steps, recordEvery);
        if (trained.isEmpty())
            throw BadInputException.of("--train-layers", "no parameter", "at least one trained parameter", "e.g. --train-layers all");
    }

    /** Refuses a negative number of steps or a recording interval below 1. */
    public static void requireSchedule(int steps, int recordEvery) {
        if (steps < 0) throw BadInputException.of("--steps " + steps, steps, "a number of steps >= 0", "e.g. --steps 500");
        if (recordEvery < 1)
            throw BadInputException.of("--record-every " + recordEvery, recordEvery, "an interval >= 1", "e.g. --record-every 25");
    }

    /** Whether step k is recorded. */
    public boolean records(int step) { return step % recordEvery == 0 || step == steps; }
}
