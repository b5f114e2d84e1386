package overparam.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * "Did you mean": the valid spellings closest to a misspelt name (a command, an option, a catalogue entry) by
 * Levenshtein distance, the number of one-character insertions, deletions and substitutions between them.
 */
public final class Spelling {
    private Spelling() {}

    /** Levenshtein distance between a and b (two rows of the dynamic programme). */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1], current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /**
     * The candidates at the least distance from typed, in their given order, if that distance is small enough to be a
     * typo: at most 2, or a third of typed's length if more (a swap of two letters costs 2), so that "trian" finds "train"
     * and "du2019-dept" finds "du2019-depth", but "x" finds nothing.
     */
    public static List<String> closest(String typed, Collection<String> candidates) {
        int limit = Math.max(2, typed.length() / 3), best = Integer.MAX_VALUE;
        List<String> found = new ArrayList<>();
        for (String c : candidates) {
            int d = distance(typed, c);
            if (d > limit || d > best) continue;
            if (d < best) found.clear();
            best = d;
            if (!found.contains(c)) found.add(c);
        }
        return found;
    }

    /** "; did you mean X?" (or "X or Y?") naming the closest candidates, or "" when none is close. */
    public static String didYouMean(String typed, Collection<String> candidates) {
        List<String> found = closest(typed, candidates);
        return found.isEmpty() ? "" : "; did you mean " + String.join(" or ", found) + "?";
    }
}
