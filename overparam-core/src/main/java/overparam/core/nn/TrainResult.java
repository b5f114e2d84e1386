package overparam.core.nn;

/**
 * How a run ended: {@link RunStatus#DONE} after all steps, or {@link RunStatus#DIVERGED} at the first step whose
 * loss was not finite (a result, not a crash). Times in seconds; instrumentSeconds is the part spent in observers.
 */
public record TrainResult(RunStatus status, int stepsDone, int divergedStep, double finalLoss,
                          double trainSeconds, double instrumentSeconds) {
    /** Short names for the two ways a run ends (Trainer builds its results with them). */
    public static final RunStatus DONE = RunStatus.DONE, DIVERGED = RunStatus.DIVERGED;

    public boolean diverged() { return status == RunStatus.DIVERGED; }
}
