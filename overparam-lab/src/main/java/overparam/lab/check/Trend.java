package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * A metric moves in one direction along training in every cell kept: increasing (never falls) or decreasing (never
 * rises) between consecutive recorded steps, from the first step at which the `after` condition holds
 * ("METRIC<=V" or "METRIC>=V", e.g. train_error<=0: Lyu and Li's smoothed margin is monotone once the data are fitted)
 * or from the start. A per-cell fact like {@link Bound}: the estimate is the worst relative move against the direction,
 * (v_k - v_{k+1}) / |v_k| for increasing, exact; a move of at most `slack` (default {@link Bound#DEFAULT_SLACK}, rounding)
 * is forgiven. A cell that never meets the condition, keeps fewer than two records after it, or diverged, leaves the
 * claim INCONCLUSIVE (nothing to judge) or FAILS (diverged); it holds only when every planned cell ran.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Trend(String name, String metric, String direction, String after, Map<String, String> where, Double slack) implements Check {
    public Verdict evaluate(Results results) {
        if (direction != null && !direction.equals("increasing") && !direction.equals("decreasing"))
            throw new IllegalArgumentException("trend '" + name + "': direction " + direction + ", expected increasing or decreasing");
        boolean up = !"decreasing".equals(direction);
        double s = slack == null ? Bound.DEFAULT_SLACK : slack;
        String expected = metric + (up ? " never falls" : " never rises") + " between recorded steps" + (after == null ? "" : " once " + after)
                + ", " + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        double worst = Double.NEGATIVE_INFINITY;
        String at = "", fault = null;
        boolean diverged = false;
        int used = 0;
        for (CellResult c : cells) {
            if (c.diverged()) { fault = "cell " + c.cell() + " diverged"; diverged = true; continue; }
            int from = after == null ? Integer.MIN_VALUE : start(c);
            NavigableMap<Integer, Double> series = c.series(metric).tailMap(from, true);
            Double previous = null;
            int points = 0;
            for (var e : series.entrySet()) {
                Double v = e.getValue();
                if (v == null || Double.isNaN(v)) continue;
                if (previous != null) {
                    double against = (up ? previous - v : v - previous) / Math.max(Math.abs(previous), Double.MIN_NORMAL);
                    if (against > worst) { worst = against; at = c.cell() + ", step " + e.getKey(); }
                }
                previous = v;
                points++;
            }
            if (points < 2) { fault = fault != null ? fault : "cell " + c.cell() + (from == Integer.MAX_VALUE ? " never met " + after : " kept fewer than two records of " + metric); continue; }
            used++;
        }
        Coverage coverage = Check.coverage(results, Where.of(where), used);
        if (used == 0 && fault == null) return Verdict.noEvidence(name, "no cell to check", expected, coverage);
        boolean broken = worst > s;
        Verdict.Outcome o = broken || diverged ? Verdict.Outcome.FAILS : fault != null ? Verdict.Outcome.INCONCLUSIVE : Verdict.Outcome.HOLDS;
        String measured = (used > 0 ? "largest relative move " + (up ? "down " : "up ") + Check.number(Math.max(worst, 0)) + (worst > 0 ? " (" + at + ")" : "")
                + ", " + used + " cells" : "") + (fault != null ? (used > 0 ? "; " : "") + fault : "");
        return Verdict.everyCell(name, o, Evidence.exact(Math.max(worst, 0)), measured, expected, coverage, fault != null ? fault : "");
    }

    /** The first recorded step at which `after` holds; Integer.MAX_VALUE when it never does. */
    private int start(CellResult c) {
        boolean atMost = after.contains("<=");
        String[] parts = after.split(atMost ? "<=" : ">=");
        if (parts.length != 2) throw new IllegalArgumentException("trend '" + name + "': after " + after + ", expected METRIC<=VALUE or METRIC>=VALUE");
        double step = c.stepsTo(parts[0].trim(), atMost, Double.parseDouble(parts[1].trim()));
        return Double.isNaN(step) ? Integer.MAX_VALUE : (int) step;
    }
}
