package overparam.lab.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import overparam.lab.store.CellResult;

/**
 * Which cells of the folders stand for the same thing. The matching fields are the sweep variables of every
 * experiment compared, except seed; a cell's condition is its values of those fields ("width=64,depth=2", read from its
 * resolved configuration, numbers compared as numbers). An experiment's cells of one condition differ only in seed and
 * are its seeds of that condition; a run has one condition, read from its own configuration the same way, so a run
 * meets the cells of an experiment that agree with it on every swept field but seed. With no experiment there is no
 * field, and each run is its one condition "".
 *
 * @param fields the matching fields, in the order the experiments' specs name them
 * @param keys the conditions every folder has, in the first folder's order
 * @param byFolder per folder, condition -> its cells there, sorted by seed
 */
public record CellMatching(List<String> fields, List<String> keys, List<Map<String, List<CellResult>>> byFolder) {
    public static final String SEED = "seed";

    public CellMatching {
        fields = List.copyOf(fields);
        keys = List.copyOf(keys);
        byFolder = List.copyOf(byFolder);
    }

    public static CellMatching of(List<ComparedFolder> folders) {
        Set<String> fields = new LinkedHashSet<>();
        for (ComparedFolder f : folders)
            if (f.isExperiment()) for (String field : f.spec().sweptFields()) if (!field.equals(SEED)) fields.add(field);
        List<String> order = List.copyOf(fields);
        List<Map<String, List<CellResult>>> byFolder = new ArrayList<>();
        for (ComparedFolder f : folders) {
            Map<String, List<CellResult>> conditions = new LinkedHashMap<>();
            for (CellResult c : f.cells()) conditions.computeIfAbsent(key(c.config(), order), k -> new ArrayList<>()).add(c);
            conditions.values().forEach(cells -> cells.sort(Comparator.comparingLong(c -> c.config().path(SEED).asLong())));
            byFolder.add(conditions);
        }
        List<String> shared = byFolder.isEmpty() ? List.of() : byFolder.get(0).keySet().stream()
                .filter(k -> byFolder.stream().allMatch(m -> m.containsKey(k))).toList();
        return new CellMatching(order, shared, byFolder);
    }

    /** folder's cells of a condition (its seeds), sorted by seed; empty when it has none. */
    public List<CellResult> cells(int folder, String key) {
        return byFolder.get(folder).getOrDefault(key, List.of());
    }

    /** Each folder's conditions, for the message that says none is shared. */
    public String conditionsOf(List<ComparedFolder> folders) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < folders.size(); i++) {
            List<String> ks = List.copyOf(byFolder.get(i).keySet());
            String shown = ks.size() <= 4 ? String.join("; ", ks) : String.join("; ", ks.subList(0, 4)) + "; ... (" + ks.size() + " in all)";
            parts.add(folders.get(i).name() + ": " + (ks.isEmpty() ? "no finished cell" : shown));
        }
        return String.join(" | ", parts);
    }

    /** "width=64,depth=2": a configuration's values of the fields, in their order. */
    static String key(JsonNode config, List<String> fields) {
        return fields.stream().map(f -> f + "=" + text(config.get(f))).collect(Collectors.joining(","));
    }

    /**
     * A field's value as text that is equal for equal values: numbers (and text that reads as one, such as eta: "0.1")
     * in one spelling, 64 and 64.0 alike; "(unset)" for a field the configuration leaves unset.
     */
    static String text(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return "(unset)";
        if (v.isContainerNode()) return v.toString();
        String s = v.asText();
        try {
            double d = Double.parseDouble(s);
            if (Double.isFinite(d)) return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        } catch (NumberFormatException notANumber) {
            // text: as it is
        }
        return s;
    }
}
