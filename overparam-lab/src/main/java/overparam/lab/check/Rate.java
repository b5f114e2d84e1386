package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import overparam.core.kernel.Theorems;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * Linear convergence at or above the rate the theorem predicts, in every cell: the per-step rate fitted to log loss
 * over the recorded steps (until the loss reaches 1e-20 of its start) is at most 1 - eta lambda_0 / 2 (Theorems 5.1,
 * 6.1). The estimate per cell is the speed ratio log(fitted rate) / log(predicted rate), >= 1 when the loss falls at
 * least as fast as predicted, with the interval of the fitted slope (t, records - 2 degrees of freedom). It holds when
 * every cell's interval is >= 1, fails when one cell's interval is wholly below 1; more seeds cannot narrow a cell's
 * own fit (more records can). The cell reported is the one nearest to failing.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Rate(String name, Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        String expected = "fitted loss rate per step <= 1 - eta lambda_0 / 2 in every cell (speed ratio >= 1), " + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        Prediction atLeastPredicted = Prediction.atLeast(1);
        Evidence worst = null;
        Verdict.Outcome worstOutcome = Verdict.Outcome.HOLDS;
        Verdict.Outcome outcome = Verdict.Outcome.HOLDS;
        String shown = "", fault = null;
        int used = 0;
        for (CellResult c : cells) {
            if (c.diverged()) { fault = "cell " + c.cell() + " diverged"; outcome = Verdict.Outcome.FAILS; continue; }
            double predicted = Theorems.predictedRate(c.value("eta"), c.value("lambda_0"));
            Fit fit = fittedLogLoss(c);
            if (fit == null || !(predicted > 0 && predicted < 1)) {
                fault = fault != null ? fault : "cell " + c.cell() + " has no rate (too few records, or no lambda_0)";
                continue;
            }
            used++;
            double log = Math.log(predicted);       // < 0: dividing flips the slope's interval
            Evidence e = new Evidence(fit.slope() / log, fit.slopeHigh() / log, fit.slopeLow() / log, fit.slopeError() / -log,
                    fit.points() - 2, fit.points(), 1, Evidence.ALPHA);
            Verdict.Outcome o = atLeastPredicted.judge(e.low(), e.high());
            // the cell reported: the worst outcome, among equals the lowest interval
            if (worst == null || o.compareTo(worstOutcome) > 0 || (o == worstOutcome && e.low() < worst.low())) {
                worst = e;
                worstOutcome = o;
                shown = "measured " + rate(Math.exp(fit.slope())) + " vs predicted " + rate(predicted) + ", speed ratio "
                        + Slope.interval(e) + " (95%) (" + c.cell() + ")";
            }
        }
        if (worst != null) outcome = outcome.worst(worstOutcome);
        Coverage coverage = Check.coverage(results, Where.of(where), used);
        if (worst == null) return fault == null ? Verdict.noEvidence(name, "no cell to check", expected, coverage)
                : Verdict.everyCell(name, outcome == Verdict.Outcome.FAILS ? outcome : Verdict.Outcome.INCONCLUSIVE, Evidence.exact(Double.NaN),
                        fault, expected, coverage, fault);
        if (fault != null && outcome == Verdict.Outcome.HOLDS) outcome = Verdict.Outcome.INCONCLUSIVE;
        String measured = "the cell nearest to failing: " + shown + ", " + used + " cells" + (fault != null ? "; " + fault : "");
        return Verdict.everyCell(name, outcome, worst, measured, expected, coverage,
                fault != null ? fault : "a cell's fitted rate straddles the prediction: more seeds do not narrow it; record more steps");
    }

    /** A per-step rate near 1 reads as 1 - decrement, where the digits that matter are. */
    static String rate(double r) {
        return r > 0.9 && r < 1 ? "1 - " + Check.number(1 - r) : Check.number(r);
    }

    /** The fit of log loss against step, over the records before the loss falls below 1e-20 of its start; null with fewer than 3. */
    static Fit fittedLogLoss(CellResult c) {
        NavigableMap<Integer, Double> loss = c.series("loss");
        if (loss.size() < 3) return null;
        double start = loss.firstEntry().getValue();
        List<double[]> p = new ArrayList<>();
        for (var e : loss.entrySet()) {
            if (e.getValue() == null || e.getValue() <= 1e-20 * start) break;
            p.add(new double[] {e.getKey(), e.getValue()});
        }
        if (p.size() < 3) return null;
        double[] x = new double[p.size()], y = new double[p.size()];
        for (int i = 0; i < p.size(); i++) { x[i] = p.get(i)[0]; y[i] = p.get(i)[1]; }
        return Fit.semiLog(x, y);
    }
}
