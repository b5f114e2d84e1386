package overparam.lab.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.lab.plan.RunConfig;

/**
 * The sweep variables of an experiment as typed columns of the store's {@code runs} table, so that
 * {@code SELECT width, seed, value FROM runs JOIN run_values USING (run_id)} works without json_extract (the full
 * configuration stays in {@code runs.config}). A column's SQL type is the narrowest that holds every cell's value:
 * INTEGER (whole numbers and booleans, SQLite's convention), REAL (numbers, and text that reads as a number, such
 * as {@code eta: "0.1"}), else TEXT; a cell that leaves the field unset has NULL.
 */
public record SweepColumns(List<Column> columns) {
    /** The columns every store has: a sweep variable of one of these names (seed) is already there. */
    static final List<String> FIXED = List.of("run_id", "experiment", "cell", "config", "seed", "status", "started_at", "finished_at", "version");

    public enum SqlType { INTEGER, REAL, TEXT }

    public record Column(String name, SqlType type) {}

    public SweepColumns {
        columns = List.copyOf(columns);
    }

    /** The columns of {@code fields} (the fields the sweep sets) typed from the values the configurations give them. */
    public static SweepColumns of(Collection<String> fields, Collection<RunConfig> configs) {
        List<JsonNode> nodes = configs.stream().map(c -> (JsonNode) c.toJson()).toList();
        List<Column> out = new ArrayList<>();
        for (String field : fields) {
            if (FIXED.contains(field)) continue;
            SqlType type = null;
            for (JsonNode n : nodes) {
                SqlType t = typeOf(n.get(field));
                if (t != null && (type == null || t.ordinal() > type.ordinal())) type = t;
            }
            out.add(new Column(field, type == null ? SqlType.TEXT : type));
        }
        return new SweepColumns(out);
    }

    /** This configuration's value of every column, converted to the column's type (null where unset). */
    public Map<String, Object> values(RunConfig config) {
        JsonNode node = config.toJson();
        Map<String, Object> out = new LinkedHashMap<>();
        for (Column c : columns) out.put(c.name(), value(node.get(c.name()), c.type()));
        return out;
    }

    static SqlType typeOf(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isBoolean() || v.isIntegralNumber()) return SqlType.INTEGER;
        if (v.isNumber()) return SqlType.REAL;
        if (v.isTextual()) {
            String s = v.asText().strip();
            if (s.matches("[+-]?\\d{1,18}")) return SqlType.INTEGER;
            if (isNumber(s)) return SqlType.REAL;
        }
        return SqlType.TEXT;
    }

    static Object value(JsonNode v, SqlType type) {
        if (v == null || v.isNull()) return null;
        return switch (type) {
            case INTEGER -> v.isBoolean() ? (v.asBoolean() ? 1L : 0L) : v.isTextual() ? Long.parseLong(v.asText().strip()) : v.asLong();
            case REAL -> v.isTextual() ? Double.parseDouble(v.asText().strip()) : v.isBoolean() ? (v.asBoolean() ? 1.0 : 0.0) : v.asDouble();
            case TEXT -> v.isValueNode() ? v.asText() : v.toString();
        };
    }

    /** A decimal number as YAML and the command line write it (0.1, 1e-3, -2.5E+4); not "auto", "nan" or "0x1p3". */
    private static boolean isNumber(String s) {
        return s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    }
}
