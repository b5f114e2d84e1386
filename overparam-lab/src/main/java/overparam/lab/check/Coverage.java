package overparam.lab.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The cells a check rests on against those the experiment plans for it: a verdict on a partial experiment
 * (cells not run yet or interrupted, diverged, or without a usable value) says so.
 *
 * @param used cells whose values entered the estimate
 * @param expected cells the spec plans that the check's filter keeps
 * @param missing planned cells with no finished run (not run yet, running, or interrupted)
 * @param diverged finished cells that diverged
 */
public record Coverage(int used, int expected, int missing, int diverged) {
    /** "" when every planned cell was used; else "partial: 20 of 24 cells (3 not run, 1 diverged)". */
    public String note() {
        if (used >= expected && missing == 0) return "";
        List<String> why = new ArrayList<>();
        if (missing > 0) why.add(missing + " not run or unfinished");
        if (diverged > 0) why.add(diverged + " diverged");
        int unusable = expected - missing - diverged - used;
        if (unusable > 0) why.add(unusable + " without a usable value");
        return "partial: " + used + " of " + expected + " cells" + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")");
    }
}
