package overparam.lab.check;

import java.util.Locale;

/**
 * The set of values a claim predicts for an estimate: an interval whose ends may be infinite, each closed or open
 * (a slope "in [-0.65, -0.35]" is closed; "fc falls faster", a difference of slopes "< 0", is open: a tie is not it).
 * A verdict compares the estimate's whole 95% interval with this set.
 */
public record Prediction(double low, boolean lowOpen, double high, boolean highOpen) {
    public static Prediction between(double min, double max) { return new Prediction(min, false, max, false); }

    /** x < bound. */
    public static Prediction below(double bound) { return new Prediction(Double.NEGATIVE_INFINITY, true, bound, true); }

    /** x > bound. */
    public static Prediction above(double bound) { return new Prediction(bound, true, Double.POSITIVE_INFINITY, true); }

    /** x <= bound. */
    public static Prediction atMost(double bound) { return new Prediction(Double.NEGATIVE_INFINITY, true, bound, false); }

    /** x >= bound. */
    public static Prediction atLeast(double bound) { return new Prediction(bound, false, Double.POSITIVE_INFINITY, true); }

    public boolean contains(double x) {
        return (lowOpen ? x > low : x >= low) && (highOpen ? x < high : x <= high);
    }

    /** Every value of [from, to] is predicted. */
    public boolean containsAll(double from, double to) { return contains(from) && contains(to); }

    /** No value of [from, to] is predicted: the interval lies wholly on one side. */
    public boolean excludesAll(double from, double to) {
        return (highOpen ? from >= high : from > high) || (lowOpen ? to <= low : to < low);
    }

    /** HOLDS when the whole interval is predicted, FAILS when none of it is, INCONCLUSIVE otherwise. */
    public Verdict.Outcome judge(double from, double to) {
        return containsAll(from, to) ? Verdict.Outcome.HOLDS : excludesAll(from, to) ? Verdict.Outcome.FAILS : Verdict.Outcome.INCONCLUSIVE;
    }

    /** How far x is from the nearest end of the set (0 on an end): the half-width an interval must get under to decide. */
    public double margin(double x) {
        return Math.min(Math.abs(x - low), Math.abs(x - high));
    }

    public String describe() {
        if (Double.isInfinite(low)) return (highOpen ? "< " : "<= ") + number(high);
        if (Double.isInfinite(high)) return (lowOpen ? "> " : ">= ") + number(low);
        return (lowOpen ? "(" : "[") + number(low) + ", " + number(high) + (highOpen ? ")" : "]");
    }

    private static String number(double v) { return String.format(Locale.ROOT, "%.4g", v); }
}
