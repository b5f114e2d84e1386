package overparam.core.nn;

/**
 * How a run ended: {@code done} after all steps, or {@code diverged} at the first step whose loss was not
 * finite (a result, not a crash). Times in seconds; instrumentSeconds is the part spent in observers.
 */
public record TrainResult(String status, int stepsDone, int divergedStep, double finalLoss,
                          double trainSeconds, double instrumentSeconds) {
    public static final String DONE = "done", DIVERGED = "diverged";

    public boolean diverged() { return DIVERGED.equals(status); }
}
