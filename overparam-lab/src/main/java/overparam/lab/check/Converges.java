package overparam.lab.check;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/**
 * Every cell kept converged: final loss <= ratio * initial loss, and none diverged. A per-cell fact: the estimate is
 * the largest final / initial ratio, exact; it holds only when every planned cell ran.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Converges(String name, double ratio, Map<String, String> where) implements Check {
    public Verdict evaluate(Results results) {
        String expected = "final loss <= " + ratio + " x initial loss, " + Check.describe(where);
        List<CellResult> cells = results.where(Where.of(where));
        double worst = Double.NEGATIVE_INFINITY;
        String at = "", diverged = null;
        int used = 0;
        for (CellResult c : cells) {
            if (c.diverged()) { diverged = c.cell(); continue; }
            double r = c.value("final_loss") / c.value("initial_loss");
            used++;
            if (!(r <= worst)) { worst = r; at = c.cell(); }       // NaN (a value missing) counts as the worst
        }
        Coverage coverage = Check.coverage(results, Where.of(where), used);
        if (used == 0 && diverged == null) return Verdict.noEvidence(name, "no cell to check", expected, coverage);
        boolean holds = diverged == null && worst <= ratio;
        String measured = (used > 0 ? "largest final / initial = " + Check.number(worst) + " (" + at + "), " + used + " cells" : "")
                + (diverged != null ? (used > 0 ? "; " : "") + "cell " + diverged + " diverged" : "");
        return Verdict.everyCell(name, holds ? Verdict.Outcome.HOLDS : Verdict.Outcome.FAILS, Evidence.exact(worst), measured, expected, coverage, "");
    }
}
