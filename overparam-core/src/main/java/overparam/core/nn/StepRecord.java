package overparam.core.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What was measured at one recorded step: named numbers and lists of numbers (DESIGN.md names the fields:
 * loss, gram_lambda_min, ...). Observers add to it; sinks (metrics.jsonl, the progress bar) read it.
 */
public final class StepRecord {
    private final int step;
    private final Map<String, Object> values = new LinkedHashMap<>();

    public StepRecord(int step) { this.step = step; }

    public int step() { return step; }

    public void put(String name, double value) { values.put(name, value); }

    /** A list of numbers, e.g. one per layer; the array is copied. */
    public void put(String name, double[] list) { values.put(name, list.clone()); }

    /** A number, or NaN when it was not recorded. */
    public double number(String name) {
        return values.get(name) instanceof Double d ? d : Double.NaN;
    }

    public double[] list(String name) {
        return values.get(name) instanceof double[] a ? a.clone() : null;
    }

    /** Every value in insertion order: Double or double[]. */
    public Map<String, Object> values() { return Collections.unmodifiableMap(values); }
}
