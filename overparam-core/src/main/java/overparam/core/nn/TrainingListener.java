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
}
