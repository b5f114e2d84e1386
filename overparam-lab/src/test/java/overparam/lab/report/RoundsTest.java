package overparam.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import overparam.core.nn.RunStatus;
import overparam.lab.store.CellResult;

/** The rounds figure on hand-made pruning cells: one line per network from the dense point, means and t-intervals by hand. */
class RoundsTest {
    /** A seed's pruning run: the dense network (round 0, 100%), then ticket and reinit at 51.3% (round 3); no random control. */
    static CellResult cell(int seed, double dense, double ticket, double reinit) {
        Map<String, Double> v = new HashMap<>();
        v.put("r00_dense_early_stop_test_accuracy", dense);
        v.put("r00_dense_fraction_remaining", 1.0);
        v.put("r03_ticket_early_stop_test_accuracy", ticket);
        v.put("r03_ticket_fraction_remaining", 0.513);
        v.put("r03_reinit_early_stop_test_accuracy", reinit);
        v.put("r03_reinit_fraction_remaining", 0.513);
        return new CellResult(seed, "seed=" + seed, new ObjectMapper().createObjectNode().put("seed", seed), RunStatus.DONE, v, Map.of());
    }

    static FigureSpec spec(String y) {
        return new FigureSpec("rounds", "t", y, null, null, null, null, null, null, null);
    }

    @Test
    void eachNetworkIsALineFromTheDenseNetworkWithTheMeanAndItsTInterval() {
        List<CellResult> cells = List.of(cell(0, 0.80, 0.81, 0.79), cell(1, 0.82, 0.84, 0.78), cell(2, 0.78, 0.80, 0.77));
        Figures.Drawn d = Figures.draw(spec("early_stop_test_accuracy"), cells);
        assertNotNull(d.chart(), d.note());
        XYPlot plot = d.chart().getXYPlot();
        YIntervalSeriesCollection lines = (YIntervalSeriesCollection) plot.getDataset();
        assertEquals(2, lines.getSeriesCount(), "ticket and reinit; no random values, no random line");
        assertEquals("ticket", lines.getSeriesKey(0));
        assertEquals(2, lines.getItemCount(0));
        assertEquals(100.0, lines.getXValue(0, 0), 1e-12);
        assertEquals(51.3, lines.getXValue(0, 1), 1e-12);
        assertEquals(0.80, lines.getYValue(0, 0), 1e-12, "both lines start at the dense mean");
        assertEquals(0.80, lines.getYValue(1, 0), 1e-12);
        // ticket at 51.3%: values 0.81, 0.84, 0.80: mean 0.8166..., s = sqrt(((-0.00667)^2 + 0.02333^2 + (-0.01667)^2) / 2) = 0.020817,
        // t(0.975, 2) = 4.302653, half-width 4.302653 * 0.020817 / sqrt(3) = 0.051713
        assertEquals(0.8166666666666667, lines.getYValue(0, 1), 1e-12);
        assertEquals(0.8166666666666667 - 0.0517128, lines.getStartYValue(0, 1), 2e-6);
        assertEquals(0.8166666666666667 + 0.0517128, lines.getEndYValue(0, 1), 2e-6);
        assertTrue(plot.getDomainAxis().isInverted(), "100% on the left, as the paper draws it");
        assertTrue(d.remarks().get(0).contains("mean, 95% t-interval over 3 seeds"), d.remarks().toString());
    }

    @Test
    void cellsOfNoPruningRunSayWhyThereIsNoFigure() {
        CellResult plain = new CellResult(0, "seed=0", new ObjectMapper().createObjectNode(), RunStatus.DONE, Map.of("final_loss", 0.1), Map.of());
        Figures.Drawn d = Figures.draw(spec("early_stop_test_accuracy"), List.of(plain));
        assertNull(d.chart());
        assertTrue(d.note().contains("train --prune-rounds"), d.note());
    }
}
