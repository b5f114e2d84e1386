package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * How a quantity's spread over the seeds grows: in each group of cells that differ only in the seed, the second moment
 * of y relative to its squared mean, r = E[y^2] / E[y]^2 = 1 + Var(y) / E[y]^2 (Hanin and Nica 2020: for the on-diagonal
 * NTK of a relu network E[K^2] / E[K]^2 = exp(5 beta) to leading order, beta = depth / width), and the slope of log r against
 * x (a configuration field, or the ratio of two, "depth/width") lies in [min, max]. The estimate is the least-squares slope
 * over the groups; its interval is the percentile bootstrap (Points.RESAMPLES resamples): every group's seeds are drawn with
 * replacement, independently across groups (each group is a network of its own), and r and the fit are recomputed. A group
 * needs {@link #MIN_SEEDS} seeds: a bootstrap of a variance from a handful of draws is too narrow (with 3 seeds it
 * excluded the true slope; CheckTest), so fewer leave the claim undecided; the fit needs two distinct x.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MomentRatio(String name, String y, String x, Map<String, String> where, double min, double max) implements Check {
    /** Fields that tell the seeds of one group apart, not the groups. */
    private static final List<String> SEED_FIELDS = List.of("seed", "data_seed", "out");
    /** Seeds a group needs before its spread counts. */
    public static final int MIN_SEEDS = 20;

    public Verdict evaluate(Results results) {
        String expected = "slope of log(E[" + y + "^2] / E[" + y + "]^2) over the seeds against " + x + " in [" + min + ", " + max + "], "
                + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, Double> xs = new LinkedHashMap<>();
        for (CellResult c : cells) {
            double v = c.diverged() ? Double.NaN : c.valueOf(y), at = xOf(c);
            if (!Double.isFinite(v) || !Double.isFinite(at)) continue;
            String key = groupKey(c);
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
            xs.put(key, at);
        }
        values.values().removeIf(v -> v.size() < MIN_SEEDS);
        int used = values.values().stream().mapToInt(List::size).sum();
        Coverage coverage = Check.coverage(results, Where.of(where), used);
        long distinct = values.keySet().stream().map(xs::get).distinct().count();
        if (values.size() < 2 || distinct < 2)
            return Verdict.noEvidence(name, values.size() + " groups with " + MIN_SEEDS + " or more seeds at " + distinct + " values of " + x
                    + " (a slope needs two)", expected, coverage);
        List<String> keys = new ArrayList<>(values.keySet());
        double[][] draws = new double[keys.size()][];
        for (int g = 0; g < keys.size(); g++) draws[g] = values.get(keys.get(g)).stream().mapToDouble(Double::doubleValue).toArray();
        double[] gx = new double[keys.size()], logR = new double[keys.size()];
        for (int g = 0; g < keys.size(); g++) {
            gx[g] = xs.get(keys.get(g));
            logR[g] = Math.log(ratio(values.get(keys.get(g))));
        }
        double slope = Fit.of(gx, logR).slope();
        SplittableRandom random = Statistics.bootstrapRandom();
        double[] slopes = new double[Points.RESAMPLES];
        double[] resampledLogR = new double[keys.size()];
        for (int b = 0; b < slopes.length; b++) {
            for (int g = 0; g < keys.size(); g++) {
                double[] v = draws[g];
                double s1 = 0, s2 = 0;
                for (int i = 0; i < v.length; i++) {
                    double draw = v[random.nextInt(v.length)];
                    s1 += draw;
                    s2 += draw * draw;
                }
                resampledLogR[g] = Math.log(v.length * s2 / (s1 * s1));
            }
            slopes[b] = Fit.of(gx, resampledLogR).slope();
        }
        double low = Statistics.percentile(slopes, Evidence.ALPHA / 2), high = Statistics.percentile(slopes, 1 - Evidence.ALPHA / 2);
        double se = Math.sqrt(Statistics.variance(slopes));
        Evidence e = new Evidence(slope, low, high, se, Double.POSITIVE_INFINITY, used, Check.seeds(cells), Evidence.ALPHA);
        StringBuilder groups = new StringBuilder();
        TreeMap<Double, String> byX = new TreeMap<>();
        for (int g = 0; g < keys.size(); g++) byX.merge(gx[g], Check.number(Math.exp(logR[g])), (a, b) -> a + ", " + b);
        for (Iterator<Map.Entry<Double, String>> it = byX.entrySet().iterator(); it.hasNext(); ) {
            var en = it.next();
            groups.append(x).append(" = ").append(Check.number(en.getKey())).append(": r = ").append(en.getValue()).append(it.hasNext() ? "; " : "");
        }
        String measured = "slope " + Check.number(slope) + " [" + Check.number(low) + ", " + Check.number(high) + "] (95%, seed bootstrap), "
                + keys.size() + " groups, " + used + " runs (" + groups + ")";
        return Verdict.decide(name, e, Prediction.between(min, max), measured, expected, coverage);
    }

    /** E[v^2] / E[v]^2 over the seeds of one group. */
    static double ratio(List<Double> v) {
        double s1 = 0, s2 = 0;
        for (double d : v) { s1 += d; s2 += d * d; }
        return v.size() * s2 / (s1 * s1);
    }

    /** x of a cell: a numeric field, or the ratio a/b of two. */
    private double xOf(CellResult c) {
        int slash = x.indexOf('/');
        return slash < 0 ? c.number(x.trim()) : c.number(x.substring(0, slash).trim()) / c.number(x.substring(slash + 1).trim());
    }

    private static String groupKey(CellResult c) {
        var config = c.config().deepCopy();
        if (config instanceof com.fasterxml.jackson.databind.node.ObjectNode o) o.remove(SEED_FIELDS);
        return config.toString();
    }
}
