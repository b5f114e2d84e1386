package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * Every cell kept reaches the target at some recorded step: metric <= at_most (or >= at_least), e.g. zero training
 * error (Zhang et al. 2016: networks fit even random labels). With relative: true the target is a fraction of the
 * metric's first recorded value (a distance closed to 10% of its start). A diverged cell does not. A per-cell fact:
 * the estimate is the worst cell's best value, exact; it holds only when every planned cell ran.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Reaches(String name, String metric, Double atMost, Double atLeast, Boolean relative, Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        boolean down = atLeast == null, scaled = Boolean.TRUE.equals(relative);
        double target = down ? atMost : atLeast;
        String expected = metric + (down ? " <= " : " >= ") + Check.number(target) + (scaled ? " x its first value" : "")
                + " at some recorded step, " + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        Coverage coverage = Check.coverage(results, Where.of(where), cells.size());
        if (cells.isEmpty()) return Verdict.noEvidence(name, "no cell to check", expected, coverage);
        double latest = 0, worstBest = down ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        String missed = null;
        for (CellResult c : cells) {
            var series = c.series(metric);
            double first = series.isEmpty() || series.firstEntry().getValue() == null ? Double.NaN : series.firstEntry().getValue();
            double step = c.stepsTo(metric, down, scaled ? target * first : target);
            var values = series.values().stream().filter(Objects::nonNull).mapToDouble(v -> v);
            double best = (down ? values.min() : values.max()).orElse(Double.NaN) / (scaled ? first : 1);
            if (c.diverged() || Double.isNaN(step)) {
                if (missed == null || !(down ? best <= worstBest : best >= worstBest)) { worstBest = best; missed = c.cell(); }
                continue;
            }
            if (missed == null && (down ? best > worstBest : best < worstBest)) worstBest = best;
            latest = Math.max(latest, step);
        }
        if (missed != null)
            return Verdict.everyCell(name, Verdict.Outcome.FAILS, Evidence.exact(worstBest), "cell " + missed + " never did (best " + metric
                    + (scaled ? " / first " : " ") + Check.number(worstBest) + ")", expected, coverage, "");
        return Verdict.everyCell(name, Verdict.Outcome.HOLDS, Evidence.exact(worstBest), "all " + cells.size() + " cells, the last at step "
                + Check.number(latest) + " (worst best " + metric + (scaled ? " / first " : " ") + Check.number(worstBest) + ")", expected, coverage, "");
    }
}
