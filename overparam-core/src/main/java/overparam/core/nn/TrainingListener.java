package overparam.core.nn;

/** Receives a run's progress: every step (cheaply), and each completed record. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** After step k's forward pass; loss is that step's (batch) loss. Called every step: must not allocate. */
    default void onStep(int step, double loss) {}

    /** After every observer has added to the record of a recorded step. */
    default void onRecord(StepRecord record) {}

    /**
     * Before training, while the limit kernel (K^(H), Theta, lambda_0) is computed: {@code done} of {@code total} parts,
     * the H hidden layers' maps and then the output layer with lambda_0; called with done = 0 as it starts.
     */
    default void onLimitKernel(int done, int total) {}

    /**
     * Before training, while train --kernel-predict solves its converged predictions tile by tile (minutes to half an hour
     * at tens of thousands of samples): {@code done} of {@code total} units of work (flops of its BLAS and flop-equivalents of
     * the kernel maps, so proportional to time), and the phase under way; called with done = 0 as it starts. Never called for
     * an in-memory prediction (seconds) or one read from the kernel cache.
     */
    default void onKernelPrediction(double done, double total, String phase) {}
}
