package overparam.lab.check;

import java.util.Locale;

/**
 * The outcome of one check: the estimate with its 95% interval, how many cells it rests on out of those the
 * experiment plans, and HOLDS (the whole interval inside what the claim predicts), FAILS (wholly outside) or
 * INCONCLUSIVE, with the seeds per cell the observed spread suggests would decide it.
 *
 * @param seedsNeeded null where decided, or where more seeds cannot decide (the note says why)
 * @param note what a reader must know beside the verdict: a partial experiment, why seeds cannot decide; "" if nothing
 */
public record Verdict(String name, Outcome outcome, String measured, String expected, double estimate, double ciLow, double ciHigh,
                      int cellsUsed, int cellsExpected, Integer seedsNeeded, String note) {
    /** Ordered from best to worst: one failing part fails a claim made of parts, one undecided part leaves it undecided. */
    public enum Outcome {
        HOLDS, INCONCLUSIVE, FAILS;

        /** The worse of the two. */
        public Outcome worst(Outcome other) { return compareTo(other) >= 0 ? this : other; }
    }

    /** The interval against the prediction; for INCONCLUSIVE, the seeds that would decide it. */
    static Verdict decide(String name, Evidence e, Prediction p, String measured, String expected, Coverage coverage) {
        Outcome o = p.judge(e.low(), e.high());
        Integer seeds = o == Outcome.INCONCLUSIVE ? e.seedsToDecide(p) : null;
        String why = o == Outcome.INCONCLUSIVE && seeds == null ? undecidable(e, p) : "";
        return new Verdict(name, o, measured, expected, e.estimate(), e.low(), e.high(), coverage.used(), coverage.expected(), seeds,
                join(coverage.note(), why));
    }

    /**
     * A claim about every cell ("the loss stays under the bound in each run"), decided cell by cell: one cell outside
     * fails it; it holds only when every planned cell was run and is inside. Missing cells leave it INCONCLUSIVE.
     */
    static Verdict everyCell(String name, Outcome onPresent, Evidence worst, String measured, String expected, Coverage coverage, String undecided) {
        Outcome o = onPresent == Outcome.HOLDS && coverage.missing() > 0 ? Outcome.INCONCLUSIVE : onPresent;
        String why = o != Outcome.INCONCLUSIVE ? "" : coverage.missing() > 0 && onPresent == Outcome.HOLDS
                ? "holds on every cell run; " + coverage.missing() + " not run yet (run --resume to decide)" : undecided;
        return new Verdict(name, o, measured, expected, worst.estimate(), worst.low(), worst.high(), coverage.used(), coverage.expected(),
                null, join(coverage.note(), why));
    }

    /** No usable evidence at all: INCONCLUSIVE, saying why. */
    static Verdict noEvidence(String name, String measured, String expected, Coverage coverage) {
        return new Verdict(name, Outcome.INCONCLUSIVE, measured, expected, Double.NaN, Double.NaN, Double.NaN, coverage.used(),
                coverage.expected(), null, coverage.note());
    }

    private static String undecidable(Evidence e, Prediction p) {
        if (!(e.standardError() > 0) || !Double.isFinite(e.standardError())) return "too few runs to measure the spread";
        if (p.margin(e.estimate()) == 0) return "the estimate sits on the predicted boundary: no number of seeds decides it";
        return "more than a million seeds per cell would be needed";
    }

    /** Two notes as one, "; " between them when both say something. */
    static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }

    public boolean holds() { return outcome == Outcome.HOLDS; }

    public boolean fails() { return outcome == Outcome.FAILS; }

    /** The verdict's word: HOLDS, FAILS or INCONCLUSIVE. */
    public String verdict() { return outcome.name(); }

    /** "0.412 [0.301, 0.523]"; "0.9946 (exact)" for a per-cell fact without sampling error; "" when there is no estimate. */
    public String interval() {
        if (Double.isNaN(estimate)) return "";
        if (ciLow == estimate && ciHigh == estimate) return String.format(Locale.ROOT, "%.4g (exact)", estimate);
        return String.format(Locale.ROOT, "%.4g [%.4g, %.4g]", estimate, ciLow, ciHigh);
    }

    @Override public String toString() {
        return String.format(Locale.ROOT, "%s  %s: measured %s; expected %s; %d of %d cells", verdict(), name, measured, expected, cellsUsed, cellsExpected)
                + (seedsNeeded != null ? "; about " + seedsNeeded + " seeds per cell would decide it" : "")
                + (note.isEmpty() ? "" : " [" + note + "]");
    }
}
