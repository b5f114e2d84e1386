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

    /** (x, y) of the cells a filter keeps, dropping non-finite values and, on log axes, non-positive ones. */
    static double[][] points(List<CellResult> cells, String x, String y, boolean logX, boolean logY) {
        List<double[]> p = new ArrayList<>();
        for (CellResult c : cells) {
            double vx = c.number(x), vy = c.valueOf(y);
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
