package overparam.lab.store;

import com.fasterxml.jackson.databind.JsonNode;

/** Something with a run configuration: a finished cell, or one the experiment plans. What a cell filter reads. */
public interface Configured {
    /** The stable key of the cell's configuration. */
    String cell();

    JsonNode config();

    /** A configuration field as text ("fc", "1024", ...), or "" when absent. */
    default String field(String name) {
        JsonNode v = config().get(name);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** A numeric configuration field, NaN when absent or not a number. */
    default double number(String name) {
        JsonNode v = config().get(name);
        if (v != null && v.isNumber()) return v.asDouble();
        if (v == null || !v.isTextual()) return Double.NaN;
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
