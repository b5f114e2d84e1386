package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import overparam.lab.store.Results;

/**
 * The slope of y against x (loglog: the exponent of a power law) lies in [min, max]. The estimate is the least-squares
 * fit over every cell with its t-interval (n - 2 degrees of freedom); where cells share seeds (one seed's runs at every
 * width), the interval is widened to contain the seed bootstrap's, since those runs are not independent.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Slope(String name, String y, String x, String scale, Map<String, String> where, double min, double max) implements Check {
    public Verdict evaluate(Results results) {
        String expected = "slope of " + y + " vs " + x + " (" + (scale == null ? "loglog" : scale) + ") in [" + min + ", " + max + "], "
                + Check.describe(where);
        Points p = Points.of(results.where(Where.of(where)), x, y, Check.logX(scale), Check.logY(scale));
        Coverage coverage = Check.coverage(results, Where.of(where), p.size());
        if (p.size() < 3 || p.size() - 2 < 1 || distinct(p.x()) < 2)
            return Verdict.noEvidence(name, "only " + p.size() + " usable runs (a slope with an interval needs 3, at 2 or more values of " + x + ")",
                    expected, coverage);
        Evidence e = fitted(scale, p);
        return Verdict.decide(name, e, Prediction.between(min, max),
                "slope " + interval(e) + " (95%" + (p.sharesSeeds() ? ", t and seed bootstrap" : "") + "), " + p.size() + " runs", expected, coverage);
    }

    /** The slope's t-interval, widened by the seed bootstrap's where cells share seeds. */
    static Evidence fitted(String scale, Points p) {
        Evidence e = Check.fit(scale, p.x(), p.y()).evidence(p.seeds().size());
        if (!p.sharesSeeds()) return e;
        List<String> seeds = p.seeds();
        double[] boot = Points.seedBootstrap(seeds, draws -> Check.slopeOrNaN(scale, p.resampled(seeds, draws)), e.alpha());
        return boot == null ? e : e.widenedTo(boot[0], boot[1]);
    }

    static int distinct(double[] v) {
        return (int) java.util.Arrays.stream(v).distinct().count();
    }

    static String interval(Evidence e) {
        return String.format(java.util.Locale.ROOT, "%.3g [%.3g, %.3g]", e.estimate(), e.low(), e.high());
    }
}
