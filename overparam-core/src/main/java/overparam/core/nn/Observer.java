package overparam.core.nn;

/**
 * An instrument: watches a training run at its recorded steps through a read-only {@link RunView} and
 * adds what it measured to the step's record. It never changes the run: the same seed gives bit-identical
 * weights with every observer on or off (tested).
 */
public interface Observer extends AutoCloseable {
    /** Called at step 0, every R steps and at the last step, after that step's forward pass and before its update. */
    void onRecord(RunView view, StepRecord record);

    /**
     * Called at step t - 1 when step t will be recorded, after that step's forward pass and before its update, with the
     * weights theta(t - 1) (live: read, never write). For an instrument that needs the step into a record, d = theta(t) -
     * theta(t - 1) (the local smoothness of Zhang et al. 2020); most observers ignore it.
     */
    default void beforeRecordedStep(int step, Network network) {}

    /** Releases native buffers. */
    @Override default void close() {}
}
