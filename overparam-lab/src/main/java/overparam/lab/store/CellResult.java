package overparam.lab.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import overparam.core.nn.RunStatus;

/**
 * One finished cell as the store has it: its resolved configuration (snake_case fields of RunConfig), status,
 * per-run values (lambda_0, final_loss, ...) and recorded series (metric name -> step -> value).
 */
public record CellResult(long runId, String cell, JsonNode config, RunStatus status, Map<String, Double> values,
                         Map<String, NavigableMap<Integer, Double>> series) implements Configured {
    public CellResult {
        values = Collections.unmodifiableMap(values);
        series = Collections.unmodifiableMap(series);
    }

    /** A per-run value (lambda_0, final_loss, ...), NaN when absent. */
    public double value(String name) {
        Double v = values.get(name);
        return v == null ? Double.NaN : v;
    }

    /** A metric's series (step -> value), empty when never recorded. */
    public NavigableMap<Integer, Double> series(String metric) {
        NavigableMap<Integer, Double> s = series.get(metric);
        return s == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(s);
    }

    /**
     * What checks and figures call y: a per-run value (lambda_0, final_loss, ...) when the cell has it, else the
     * metric's last recorded value. "final:METRIC" is the metric's last recorded value even where a per-run value has its
     * name. "steps_to:METRIC<=V" (or >=) is the first recorded step at which the metric
     * reached V: how long training took to get there (NaN when it never did). "relative:METRIC" is its last value over
     * its first (how much of the way a distance has closed). "initial:METRIC" is its first recorded value (at
     * initialization). "max:METRIC" is its largest recorded value (how far a run climbed, e.g. a loss escaping a
     * minimum). "log10:Y" is the base-10 logarithm of any of these, NaN when Y <= 0 (for quantities spanning orders
     * of magnitude, whose means and intervals belong on a log scale). "A - B" (a minus between blanks, binding loosest) is
     * the difference of two of these in the same cell, e.g. "ntk_test_accuracy - test_accuracy": the infinite network's
     * lead over the finite one of that run, so that a mean over seeds is a paired comparison.
     */
    public double valueOf(String name) {
        int minus = name.indexOf(" - ");
        if (minus > 0) return valueOf(name.substring(0, minus).trim()) - valueOf(name.substring(minus + 3).trim());
        if (name.startsWith("log10:")) {
            double v = valueOf(name.substring("log10:".length()));
            return v > 0 ? Math.log10(v) : Double.NaN;
        }
        if (name.startsWith("final:")) return last(name.substring("final:".length()));
        if (name.startsWith("initial:")) {
            var s = series(name.substring("initial:".length()));
            return s.isEmpty() || s.firstEntry().getValue() == null ? Double.NaN : s.firstEntry().getValue();
        }
        if (name.startsWith("max:")) {
            double max = Double.NaN;
            for (Double v : series(name.substring("max:".length())).values()) if (v != null && !Double.isNaN(v) && (Double.isNaN(max) || v > max)) max = v;
            return max;
        }
        if (name.startsWith("steps_to:")) return stepsTo(name.substring("steps_to:".length()));
        if (name.startsWith("relative:")) {
            var s = series(name.substring("relative:".length()));
            if (s.isEmpty() || s.firstEntry().getValue() == null || s.lastEntry().getValue() == null) return Double.NaN;
            return s.lastEntry().getValue() / s.firstEntry().getValue();
        }
        return values.containsKey(name) ? value(name) : last(name);
    }

    private double stepsTo(String condition) {
        boolean atMost = condition.contains("<=");
        String[] parts = condition.split(atMost ? "<=" : ">=");
        if (parts.length != 2) throw new IllegalArgumentException("steps_to:" + condition + ": expected steps_to:METRIC<=VALUE or >=VALUE");
        return stepsTo(parts[0].trim(), atMost, Double.parseDouble(parts[1].trim()));
    }

    /** The first recorded step at which metric <= target (atMost) or >= target, NaN when it never gets there. */
    public double stepsTo(String metric, boolean atMost, double target) {
        for (var e : series(metric).entrySet()) {
            Double v = e.getValue();
            if (v != null && (atMost ? v <= target : v >= target)) return e.getKey();
        }
        return Double.NaN;
    }

    /** A metric at the last recorded step, NaN when never recorded. */
    public double last(String metric) {
        NavigableMap<Integer, Double> s = series.get(metric);
        return s == null || s.isEmpty() || s.lastEntry().getValue() == null ? Double.NaN : s.lastEntry().getValue();
    }

    public boolean diverged() { return status == RunStatus.DIVERGED; }
}
