package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * The mean of y over the cells at each value of x moves in one direction as x grows (decreasing or increasing).
 * Each step between neighbouring values of x is a difference of means with Welch's interval; the k - 1 intervals are
 * simultaneous (Bonferroni: each at 95% / (k - 1)), so that the trend as a whole is claimed at 95%. It HOLDS when every
 * step's interval lies on the predicted side of 0, FAILS when one step's interval lies wholly on the other side (a tie
 * of runs that do not vary is not a trend either), and is INCONCLUSIVE otherwise. Every value of x needs two runs:
 * one run shows no spread.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Monotone(String name, String y, String x, String direction, Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        boolean down = !"increasing".equals(direction);
        String expected = "mean " + y + " " + (down ? "decreasing" : "increasing") + " in " + x + " (every step, simultaneous 95% intervals), "
                + Check.describe(where);
        List<CellResult> kept = results.where(Where.of(where));
        TreeMap<Double, List<Double>> byX = new TreeMap<>();
        for (CellResult c : kept) {
            double vx = c.number(x), vy = c.diverged() ? Double.NaN : c.valueOf(y);
            if (Double.isFinite(vx) && Double.isFinite(vy)) byX.computeIfAbsent(vx, k -> new ArrayList<>()).add(vy);
        }
        int used = byX.values().stream().mapToInt(List::size).sum();
        Coverage coverage = Check.coverage(results, Where.of(where), used);
        if (byX.size() < 2) return Verdict.noEvidence(name, "only " + byX.size() + " values of " + x, expected, coverage);
        List<Double> xs = new ArrayList<>(byX.keySet());
        List<String> shown = new ArrayList<>();
        for (double v : xs) {
            double[] ys = values(byX.get(v));
            shown.add(Check.number(v) + ": " + Check.number(Statistics.mean(ys)) + (ys.length > 1 ? " +- " + Check.number(Math.sqrt(Statistics.variance(ys) / ys.length)) : "")
                    + " (n = " + ys.length + ")");
        }
        Prediction side = down ? Prediction.below(0) : Prediction.above(0);
        double alpha = Evidence.ALPHA / (xs.size() - 1);
        int seeds = Check.seeds(kept);
        Evidence decisive = null;
        String at = "";
        Verdict.Outcome outcome = Verdict.Outcome.HOLDS;
        int seedsNeeded = 0;
        boolean undecidable = false;
        for (int i = 0; i + 1 < xs.size(); i++) {
            Evidence step = Statistics.welch(values(byX.get(xs.get(i + 1))), values(byX.get(xs.get(i))), seeds, alpha);
            Verdict.Outcome o = side.judge(step.low(), step.high());
            if (o == Verdict.Outcome.INCONCLUSIVE) {
                Integer s = step.seedsToDecide(side);
                if (s == null) undecidable = true; else seedsNeeded = Math.max(seedsNeeded, s);
            }
            // the step reported: the worst outcome, and among equals the one whose interval reaches furthest to the wrong side
            boolean worse = decisive == null || o.compareTo(outcome) > 0
                    || (o == outcome && (down ? step.high() > decisive.high() : step.low() < decisive.low()));
            if (worse) { decisive = step; at = Check.number(xs.get(i)) + " -> " + Check.number(xs.get(i + 1)); }
            outcome = outcome.worst(o);
        }
        String measured = String.join(", ", shown) + "; least certain step " + at + ": " + Slope.interval(decisive) + " (simultaneous 95%)";
        boolean open = outcome == Verdict.Outcome.INCONCLUSIVE;
        String note = open && undecidable ? Verdict.join(coverage.note(), "a step has one run per value, or ties without spread: more seeds may not decide it")
                : coverage.note();
        return new Verdict(name, outcome, measured, expected, decisive.estimate(), decisive.low(), decisive.high(), coverage.used(),
                coverage.expected(), open && !undecidable ? seedsNeeded : null, note);
    }

    private static double[] values(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
