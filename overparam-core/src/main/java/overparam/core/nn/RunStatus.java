package overparam.core.nn;

import java.util.Arrays;

/**
 * Where a training run stands: {@code running} until it ends, then {@code done} after all its steps or
 * {@code diverged} at the first step whose loss was not finite (a result, not a crash). The words are what
 * summary.json's "status" and the store's {@code runs.status} column hold. {@code interrupted} is the store's word
 * for a cell whose process died while it ran (the next process to hold the experiment's lock sees that no one is
 * running it any more); a training run itself never ends in it.
 */
public enum RunStatus {
    RUNNING("running"), DONE("done"), DIVERGED("diverged"), INTERRUPTED("interrupted");

    private final String word;

    RunStatus(String word) { this.word = word; }

    /** The word written to summary.json and the store. */
    public String word() { return word; }

    /** Whether the run has ended with a result (done or diverged); an interrupted run has none. */
    public boolean finished() { return this == DONE || this == DIVERGED; }

    /** The status a word names; the words are those of {@link #word()}. */
    public static RunStatus parse(String word) {
        for (RunStatus s : values()) if (s.word.equals(word)) return s;
        throw new IllegalArgumentException("run status '" + word + "': expected one of "
                + Arrays.stream(values()).map(RunStatus::word).toList());
    }
}
