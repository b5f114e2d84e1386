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
                         Map<String, NavigableMap<Integer, Double>> series) {
    public CellResult {
        values = Collections.unmodifiableMap(values);
        series = Collections.unmodifiableMap(series);
    }

    /** A configuration field as text ("fc", "1024", ...), or "" when absent. */
    public String field(String name) {
        JsonNode v = config.get(name);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** A numeric configuration field, NaN when absent or not a number. */
    public double number(String name) {
        JsonNode v = config.get(name);
        return v != null && v.isNumber() ? v.asDouble() : v != null && v.isTextual() ? parse(v.asText()) : Double.NaN;
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

    /** A metric at the last recorded step, NaN when never recorded. */
    public double last(String metric) {
        NavigableMap<Integer, Double> s = series.get(metric);
        return s == null || s.isEmpty() || s.lastEntry().getValue() == null ? Double.NaN : s.lastEntry().getValue();
    }

    public boolean diverged() { return status == RunStatus.DIVERGED; }

    private static double parse(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
