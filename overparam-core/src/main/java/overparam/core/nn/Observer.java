package overparam.core.nn;

/**
 * An instrument: watches a training run at its recorded steps through a read-only {@link RunView} and
 * adds what it measured to the step's record. It never changes the run: the same seed gives bit-identical
 * weights with every observer on or off (tested).
 */
public interface Observer extends AutoCloseable {
    /** Called at step 0, every R steps and at the last step, after that step's forward pass and before its update. */
    void onRecord(RunView view, StepRecord record);

    /** Releases native buffers. */
    @Override default void close() {}
}
