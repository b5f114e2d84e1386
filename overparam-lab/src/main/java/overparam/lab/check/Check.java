package overparam.lab.check;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import overparam.lab.store.CellResult;
import overparam.lab.store.Configured;
import overparam.lab.store.Results;

/**
 * A falsifiable prediction of an experiment, evaluated on its own results into a three-valued {@link Verdict}: an
 * estimate with its 95% interval against what the claim predicts. CheckTest gives every type results on which it
 * must hold, fail, and stay inconclusive. Specs name the type in a {@code type:} field; docs/ARCHITECTURE.md says how
 * to add one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Bound.class, name = "bound"),
    @JsonSubTypes.Type(value = Slope.class, name = "slope"),
    @JsonSubTypes.Type(value = SlopeCompare.class, name = "slope_compare"),
    @JsonSubTypes.Type(value = Monotone.class, name = "monotone"),
    @JsonSubTypes.Type(value = Converges.class, name = "converges"),
    @JsonSubTypes.Type(value = Rate.class, name = "rate"),
    @JsonSubTypes.Type(value = Threshold.class, name = "threshold"),
    @JsonSubTypes.Type(value = Reaches.class, name = "reaches"),
    @JsonSubTypes.Type(value = Compare.class, name = "compare"),
    @JsonSubTypes.Type(value = Trend.class, name = "trend"),
    @JsonSubTypes.Type(value = Mean.class, name = "mean"),
    @JsonSubTypes.Type(value = Fraction.class, name = "fraction"),
    @JsonSubTypes.Type(value = MomentRatio.class, name = "moment_ratio"),
    @JsonSubTypes.Type(value = Relation.class, name = "relation"),
    @JsonSubTypes.Type(value = CompareBest.class, name = "compare_best"),
    @JsonSubTypes.Type(value = Median.class, name = "median")})
public sealed interface Check permits Bound, Slope, SlopeCompare, Monotone, Converges, Rate, Threshold, Reaches, Compare, Trend, Mean, Fraction,
        MomentRatio, Relation, CompareBest, Median {
    String name();

    Verdict evaluate(Results results);

    /** The cells used against those planned that the filter keeps: finished, missing (not run, interrupted), diverged. */
    static Coverage coverage(Results results, Predicate<Configured> filter, int used) {
        List<CellResult> finished = results.where(filter);
        int expected = Math.max(results.planned(filter), finished.size());
        int diverged = (int) finished.stream().filter(CellResult::diverged).count();
        return new Coverage(used, expected, expected - finished.size(), diverged);
    }

    /** Distinct seeds among cells: the repeats per sweep cell (1 when the cells carry no seed). */
    static int seeds(List<? extends Configured> cells) {
        var seen = new HashSet<String>();
        for (Configured c : cells) seen.add(c.field("seed"));
        return Math.max(1, seen.size());
    }

    /** The fit a scale names: loglog (power law), semilog (exponential in x) or linear. */
    static Fit fit(String scale, double[] x, double[] y) {
        return switch (scale == null ? "loglog" : scale.toLowerCase(Locale.ROOT)) {
            case "loglog" -> Fit.logLog(x, y);
            case "semilog" -> Fit.semiLog(x, y);
            case "linear" -> Fit.of(x, y);
            default -> throw new IllegalArgumentException("scale " + scale + ": expected loglog, semilog or linear");
        };
    }

    /** The fitted slope, or NaN where the points do not determine one (fewer than two distinct x). */
    static double slopeOrNaN(String scale, Points p) {
        if (p.size() < 3) return Double.NaN;
        try {
            return fit(scale, p.x(), p.y()).slope();
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
    }

    static boolean logX(String scale) { return scale == null || scale.equalsIgnoreCase("loglog"); }

    static boolean logY(String scale) { return scale == null || !scale.equalsIgnoreCase("linear"); }

    static String describe(Map<String, String> where) {
        return where == null || where.isEmpty() ? "all cells" : "cells with " + where;
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
