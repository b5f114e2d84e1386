package overparam.lab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import overparam.core.nn.RunStatus;

class CellResultTest {
    /** A finished cell with per-run values and one metric recorded at steps 0, 10, 20, ... */
    static CellResult cell(Map<String, Double> values, String metric, double... recorded) {
        NavigableMap<Integer, Double> s = new TreeMap<>();
        for (int i = 0; i < recorded.length; i++) s.put(10 * i, recorded[i]);
        return new CellResult(1, "c", new ObjectMapper().createObjectNode(), RunStatus.DONE, values, Map.of(metric, s));
    }

    @Test
    void stepsToIsTheFirstRecordReachingTheTarget() {
        CellResult c = cell(Map.of(), "train_error", 0.5, 0.2, 0.0, 0.0);
        assertTrue(c.valueOf("steps_to:train_error<=0") == 20);
        assertTrue(Double.isNaN(c.valueOf("steps_to:train_error>=0.9")));
        assertTrue(c.valueOf("relative:train_error") == 0);
    }

    @Test
    void aPerRunValueComesBeforeTheMetricsLastRecord() {
        CellResult c = cell(Map.of("loss", 7.0), "loss", 4, 2, 1);
        assertEquals(7.0, c.valueOf("loss"), 0.0);
        assertEquals(0.25, c.valueOf("relative:loss"), 0.0);
        assertEquals(1.0, cell(Map.of(), "loss", 4, 2, 1).valueOf("loss"), 0.0);
        assertTrue(Double.isNaN(c.valueOf("never_recorded")));
        assertEquals(1.0, c.valueOf("final:loss"), 0.0, "final: is the last record even where a per-run value has the name");
        assertTrue(Double.isNaN(c.valueOf("final:never_recorded")));
    }

    @Test
    void initialIsTheFirstRecordAndLog10TakesAnyOfThem() {
        CellResult c = cell(Map.of("lambda_0", 0.01), "gram_lambda_min", 0.5, 0.2, -1e-16);
        assertEquals(0.5, c.valueOf("initial:gram_lambda_min"), 0.0);
        assertEquals(-2.0, c.valueOf("log10:lambda_0"), 1e-15);
        assertEquals(Math.log10(0.5), c.valueOf("log10:initial:gram_lambda_min"), 1e-15);
        assertTrue(Double.isNaN(c.valueOf("log10:gram_lambda_min")), "the last record is below 0: no logarithm");
        assertTrue(Double.isNaN(c.valueOf("initial:never_recorded")));
    }

    @Test
    void maxIsTheLargestRecordWhereverItFalls() {
        CellResult c = cell(Map.of(), "loss", 0.01, 3.0, 0.5, 0.02);
        assertEquals(3.0, c.valueOf("max:loss"), 0.0);
        assertEquals(Math.log10(3.0), c.valueOf("log10:max:loss"), 1e-15);
        assertEquals(-1.0, cell(Map.of(), "x", -4, -1, -2).valueOf("max:x"), 0.0);
        assertTrue(Double.isNaN(c.valueOf("max:never_recorded")));
    }

    /** "A - B": a per-run value minus a metric's last record of the same cell, each side any form; the minus binds loosest. */
    @Test
    void aDifferenceOfTwoValuesOfOneCell() {
        CellResult c = cell(Map.of("ntk_test_accuracy", 0.9, "nngp_test_accuracy", 0.875), "test_accuracy", 0.5, 0.75, 0.625);
        assertEquals(0.9 - 0.625, c.valueOf("ntk_test_accuracy - test_accuracy"), 0.0);
        assertEquals(0.625 - 0.9, c.valueOf("test_accuracy - ntk_test_accuracy"), 0.0, "not symmetric");
        assertEquals(0.875 - 0.9, c.valueOf("nngp_test_accuracy - ntk_test_accuracy"), 0.0);
        assertEquals(Math.log10(0.75) - Math.log10(0.9), c.valueOf("log10:max:test_accuracy - log10:ntk_test_accuracy"), 1e-15);
        assertTrue(Double.isNaN(c.valueOf("ntk_test_accuracy - never_recorded")));
    }
}
