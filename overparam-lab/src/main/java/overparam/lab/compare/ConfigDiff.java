package overparam.lab.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import overparam.lab.experiment.ExperimentSpec;
import overparam.lab.plan.RunConfig;
import overparam.lab.store.CellResult;

/**
 * The configurations' differences, one row per field whose value is not the same in every folder. A run is its resolved
 * configuration (summary.json's "config"); an experiment is the resolved configuration its cells share (a field it
 * sweeps shown as "swept"), and each sweep axis a row "sweep FIELD" with its values. Among experiments, a cell key that some have
 * finished and others not is a row "cell KEY". {@code out} is left out: it names where the run was written, not how it
 * ran, and differs between any two folders.
 */
public record ConfigDiff(List<Row> rows) {
    public static final String SWEPT = "swept", VARIES = "varies", UNSET = "(unset)", NOT_SWEPT = "(not swept)", FINISHED = "finished", ABSENT = "absent",
            NOT_AN_EXPERIMENT = "(a run)";
    static final Set<String> LEFT_OUT = Set.of("out");

    /** A field and its value in each folder, in the folders' order. */
    public record Row(String field, List<String> values) {
        public Row {
            values = List.copyOf(values);
        }
    }

    public ConfigDiff {
        rows = List.copyOf(rows);
    }

    public static ConfigDiff of(List<ComparedFolder> folders) {
        List<Map<String, String>> views = folders.stream().map(ConfigDiff::fields).toList();
        Set<String> names = new LinkedHashSet<>();
        views.forEach(v -> names.addAll(v.keySet()));
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            List<String> values = views.stream().map(v -> v.getOrDefault(name, name.startsWith("sweep ") ? NOT_SWEPT : UNSET)).toList();
            if (values.stream().distinct().count() > 1) rows.add(new Row(name, values));
        }
        rows.addAll(cells(folders));
        return new ConfigDiff(rows);
    }

    /**
     * A folder's configuration as field -> text: the fields first (RunConfig's order), then the sweep's axes. An
     * experiment's field is the value its finished cells ran with (threads and the like as the runner set them), "swept"
     * where the sweep sets it and "varies" where it follows a swept field (data_seed unset follows seed); the spec's base
     * resolved with the defaults when no cell has finished.
     */
    static Map<String, String> fields(ComparedFolder f) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!f.isExperiment()) {
            put(out, List.of(f.runConfig()), Set.of());
            return out;
        }
        ExperimentSpec spec = f.spec();
        List<JsonNode> configs = f.cells().isEmpty() ? List.of(spec.base().withDefaults().toJson()) : f.cells().stream().map(CellResult::config).toList();
        put(out, configs, new LinkedHashSet<>(spec.sweptFields()));
        for (Map.Entry<String, List<Object>> axis : spec.sweep().entrySet())
            out.put("sweep " + axis.getKey(), axis.getValue().stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")));
        if (spec.search() != null) out.put("search", spec.search().toString());
        return out;
    }

    /** Each field of the configurations: its one value, or swept / varies when they differ. */
    private static void put(Map<String, String> out, List<JsonNode> configs, Set<String> swept) {
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (JsonNode config : configs)
            for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) values.putIfAbsent(it.next(), new LinkedHashSet<>());
        for (String field : values.keySet())
            for (JsonNode config : configs) values.get(field).add(CellMatching.text(config.get(field)));
        Map<String, String> all = new LinkedHashMap<>();
        values.forEach((field, v) -> {
            if (!LEFT_OUT.contains(field)) all.put(field, swept.contains(field) ? SWEPT : v.size() == 1 ? v.iterator().next() : VARIES);
        });
        for (String s : swept) if (!LEFT_OUT.contains(s)) all.put(s, SWEPT);       // swept, even where a cell leaves it unset
        RunConfig.fieldNames().stream().filter(all::containsKey).forEach(k -> out.put(k, all.get(k)));
        all.forEach(out::putIfAbsent);                                               // eta_rule and the like, after RunConfig's fields
    }

    /** Among the experiments: the cell keys finished in some and not in others. Runs say "(a run)". */
    private static List<Row> cells(List<ComparedFolder> folders) {
        if (folders.stream().filter(ComparedFolder::isExperiment).count() < 2) return List.of();
        Set<String> keys = new LinkedHashSet<>();                 // in the specs' order (the sweep's), not the order cells finished in
        for (ComparedFolder f : folders) if (f.isExperiment() && f.spec().search() == null) f.spec().cells().forEach(c -> keys.add(c.key()));
        List<Set<String>> have = new ArrayList<>();
        for (ComparedFolder f : folders) {
            Set<String> k = new LinkedHashSet<>();
            for (CellResult c : f.cells()) k.add(c.cell());
            have.add(k);
        }
        Set<String> finished = new LinkedHashSet<>();
        for (int i = 0; i < folders.size(); i++) if (folders.get(i).isExperiment()) finished.addAll(have.get(i));
        keys.retainAll(finished);                                   // planned but finished nowhere: not a difference between them
        keys.addAll(finished);                                      // a search's cells, in the order they ran
        List<Row> rows = new ArrayList<>();
        for (String key : keys) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < folders.size(); i++)
                values.add(!folders.get(i).isExperiment() ? NOT_AN_EXPERIMENT : have.get(i).contains(key) ? FINISHED : ABSENT);
            if (values.contains(ABSENT)) rows.add(new Row("cell " + key, values));
        }
        return rows;
    }
}
