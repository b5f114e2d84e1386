package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * The slopes of y against x of two groups (e.g. arch fc and resnet) compare as expected: "first_below" means first's
 * slope < second's - margin (first falls faster), "first_above" first's > second's + margin. The estimate is the
 * difference of the two fitted slopes, with the standard error sqrt(se_1^2 + se_2^2) and Welch-Satterthwaite degrees
 * of freedom; where the groups share seeds, the interval is widened to contain the paired seed bootstrap's (each
 * resample keeps a seed's runs in both groups).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SlopeCompare(String name, String y, String x, String group, String first, String second, String expect,
                           String scale, Double margin, Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        boolean below = !"first_above".equals(expect);
        double mg = margin == null ? 0 : margin;
        String expected = "slope of " + y + " vs " + x + " (" + (scale == null ? "loglog" : scale) + ") for " + group + " = " + first
                + (below ? " below " : " above ") + "that for " + second + (mg > 0 ? " by more than " + mg : "") + ", " + Check.describe(where);
        List<CellResult> kept = results.where(Where.of(where));
        Points a = Points.of(kept.stream().filter(c -> c.field(group).equals(first)).toList(), x, y, Check.logX(scale), Check.logY(scale));
        Points b = Points.of(kept.stream().filter(c -> c.field(group).equals(second)).toList(), x, y, Check.logX(scale), Check.logY(scale));
        Coverage coverage = Check.coverage(results, c -> Where.of(where).test(c) && (c.field(group).equals(first) || c.field(group).equals(second)),
                a.size() + b.size());
        if (a.size() < 3 || b.size() < 3 || Slope.distinct(a.x()) < 2 || Slope.distinct(b.x()) < 2)
            return Verdict.noEvidence(name, "only " + a.size() + " and " + b.size() + " usable runs (each group needs 3)", expected, coverage);
        Fit fa = Check.fit(scale, a.x(), a.y()), fb = Check.fit(scale, b.x(), b.y());
        double se = Math.hypot(fa.slopeError(), fb.slopeError());
        double df = Statistics.satterthwaite(fa.slopeError(), fa.points() - 2, fb.slopeError(), fb.points() - 2);
        List<String> seeds = new ArrayList<>(new LinkedHashSet<>(a.seeds()));
        seeds.retainAll(b.seeds());
        Evidence e = Evidence.tInterval(fa.slope() - fb.slope(), se, df, a.size() + b.size(), Math.max(1, seeds.size()), Evidence.ALPHA);
        boolean paired = a.sharesSeeds() || b.sharesSeeds() || !seeds.isEmpty();
        if (paired && seeds.size() == a.seeds().size() && seeds.size() == b.seeds().size()) {
            double[] boot = Points.seedBootstrap(seeds,
                    draws -> Check.slopeOrNaN(scale, a.resampled(seeds, draws)) - Check.slopeOrNaN(scale, b.resampled(seeds, draws)), e.alpha());
            if (boot != null) e = e.widenedTo(boot[0], boot[1]);
        }
        Prediction p = below ? Prediction.below(-mg) : Prediction.above(mg);
        return Verdict.decide(name, e, p, first + " " + fa.describe() + ", " + second + " " + fb.describe() + "; difference "
                + Slope.interval(e) + " (95%" + (paired ? ", t and paired seed bootstrap" : "") + ")", expected, coverage);
    }
}
