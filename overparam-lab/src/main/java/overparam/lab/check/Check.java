package overparam.lab.check;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * A falsifiable prediction of an experiment, evaluated on its own results (a check that cannot fail is a defect:
 * CheckTest feeds every type results that violate it). Specs name the type in a {@code type:} field.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Checks.Bound.class, name = "bound"),
    @JsonSubTypes.Type(value = Checks.Slope.class, name = "slope"),
    @JsonSubTypes.Type(value = Checks.SlopeCompare.class, name = "slope_compare"),
    @JsonSubTypes.Type(value = Checks.Monotone.class, name = "monotone"),
    @JsonSubTypes.Type(value = Checks.Converges.class, name = "converges"),
    @JsonSubTypes.Type(value = Checks.Rate.class, name = "rate"),
    @JsonSubTypes.Type(value = Checks.Threshold.class, name = "threshold"),
    @JsonSubTypes.Type(value = Checks.Reaches.class, name = "reaches"),
    @JsonSubTypes.Type(value = Checks.Compare.class, name = "compare")})
public sealed interface Check permits Checks.Bound, Checks.Slope, Checks.SlopeCompare, Checks.Monotone, Checks.Converges,
        Checks.Rate, Checks.Threshold, Checks.Reaches, Checks.Compare {
    String name();

    Verdict evaluate(Results results);

    /**
     * A per-run value (lambda_0, final_loss, ...) when the cell has it, else the metric's last recorded value.
     * "steps_to:METRIC<=V" (or >=) is the first recorded step at which the metric reached V: how long training took
     * to get there (NaN when it never did). "relative:METRIC" is its last value over its first (how much of the way a
     * distance has closed).
     */
    static double valueOf(CellResult c, String name) {
        if (name.startsWith("steps_to:")) return stepsTo(c, name.substring("steps_to:".length()));
        if (name.startsWith("relative:")) {
            var s = c.series(name.substring("relative:".length()));
            if (s.isEmpty() || s.firstEntry().getValue() == null || s.lastEntry().getValue() == null) return Double.NaN;
            return s.lastEntry().getValue() / s.firstEntry().getValue();
        }
        return c.values().containsKey(name) ? c.value(name) : c.last(name);
    }

    private static double stepsTo(CellResult c, String condition) {
        boolean atMost = condition.contains("<=");
        String[] parts = condition.split(atMost ? "<=" : ">=");
        if (parts.length != 2) throw new IllegalArgumentException("steps_to:" + condition + ": expected steps_to:METRIC<=VALUE or >=VALUE");
        return stepsTo(c, parts[0].trim(), atMost, Double.parseDouble(parts[1].trim()));
    }

    /** The first recorded step at which metric <= target (atMost) or >= target, NaN when it never gets there. */
    static double stepsTo(CellResult c, String metric, boolean atMost, double target) {
        for (var e : c.series(metric).entrySet()) {
            Double v = e.getValue();
            if (v != null && (atMost ? v <= target : v >= target)) return e.getKey();
        }
        return Double.NaN;
    }

    /** (x, y) of the cells a filter keeps, dropping non-finite values and, on log axes, non-positive ones. */
    static double[][] points(List<CellResult> cells, String x, String y, boolean logX, boolean logY) {
        List<double[]> p = new ArrayList<>();
        for (CellResult c : cells) {
            double vx = c.number(x), vy = valueOf(c, y);
            if (!Double.isFinite(vx) || !Double.isFinite(vy) || (logX && vx <= 0) || (logY && vy <= 0)) continue;
            p.add(new double[] {vx, vy});
        }
        double[][] out = new double[2][p.size()];
        for (int i = 0; i < p.size(); i++) { out[0][i] = p.get(i)[0]; out[1][i] = p.get(i)[1]; }
        return out;
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

    static boolean logX(String scale) { return scale == null || scale.equalsIgnoreCase("loglog"); }

    static boolean logY(String scale) { return scale == null || !scale.equalsIgnoreCase("linear"); }

    static String describe(Map<String, String> where) {
        return where == null || where.isEmpty() ? "all cells" : "cells with " + where;
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
