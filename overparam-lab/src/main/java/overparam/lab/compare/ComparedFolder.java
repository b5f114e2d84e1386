package overparam.lab.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import overparam.core.BadInputException;
import overparam.core.nn.RunStatus;
import overparam.lab.experiment.CellFiles;
import overparam.lab.experiment.ExperimentSpec;
import overparam.lab.experiment.SpecParser;
import overparam.lab.store.CellResult;
import overparam.lab.store.Store;
import overparam.lab.store.StoredExperiment;

/**
 * One folder of a comparison in the form every diff reads: its cells (a run is one cell; an experiment's finished
 * cells from its store), and what configured them: a run's resolved config (summary.json's "config"), an experiment's
 * stored spec, and its verdicts. A run folder is read through the same code the store reads a cell's folder with
 * ({@link CellFiles}), so a run and an experiment's cell that computed the same numbers hold the same doubles.
 *
 * @param runConfig the run's resolved configuration; null for an experiment
 * @param spec the experiment's spec as stored; null for a run
 */
public record ComparedFolder(String name, Path dir, JsonNode runConfig, ExperimentSpec spec, List<CellResult> cells,
                             List<Store.CheckRow> checks) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SUMMARY = "summary.json";

    public ComparedFolder {
        cells = List.copyOf(cells);
        checks = List.copyOf(checks);
    }

    public boolean isExperiment() { return spec != null; }

    /** DIR as an experiment (it holds results.sqlite) or a run (summary.json); anything else is refused naming DIR. */
    public static ComparedFolder read(Path dir, String name) {
        if (!Files.isDirectory(dir))
            throw new BadInputException(dir + ": no such folder. Give folders that ./overparam run or ./overparam train wrote.");
        if (Files.isRegularFile(dir.resolve(Store.FILE))) return experiment(dir, name);
        if (Files.isRegularFile(dir.resolve(SUMMARY))) return run(dir, name);
        throw new BadInputException(dir + ": neither an experiment's folder (no " + Store.FILE + ") nor a run's folder (no " + SUMMARY
                + "). Give folders that ./overparam run or ./overparam train wrote (an experiment's cells/KEY folders are runs).");
    }

    private static ComparedFolder experiment(Path dir, String name) {
        StoredExperiment stored = StoredExperiment.read(dir);
        ExperimentSpec spec = SpecParser.parse(stored.spec(), dir.resolve(Store.FILE) + " (stored spec)");
        return new ComparedFolder(name, dir, null, spec, stored.results().cells(), stored.checks());
    }

    private static ComparedFolder run(Path dir, String name) {
        JsonNode summary;
        try {
            summary = JSON.readTree(dir.resolve(SUMMARY).toFile());
        } catch (IOException e) {
            throw new BadInputException(dir.resolve(SUMMARY) + ": not readable JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "). Give a run folder that ./overparam train wrote.");
        }
        if (summary == null || !summary.path("config").isObject() || !summary.path("network").path("parameters").isObject())
            throw new BadInputException(dir + ": its " + SUMMARY + " is not a training run's (no config or network); compare takes the folders of"
                    + " ./overparam train and ./overparam run.");
        RunStatus status;
        try {
            status = RunStatus.parse(summary.path("status").asText());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(dir.resolve(SUMMARY) + ": " + e.getMessage() + ". Give a run folder that ./overparam train wrote.");
        }
        if (!status.finished())
            throw new BadInputException(dir + ": the run has not finished (status " + status.word() + " in " + SUMMARY
                    + "). Compare it once it is done, or give a finished run.");
        CellFiles files = CellFiles.read(dir);
        Map<String, NavigableMap<Integer, Double>> series = new HashMap<>();
        for (Store.StepRow row : files.steps())
            row.values().forEach((metric, v) -> series.computeIfAbsent(metric, k -> new TreeMap<>()).put(row.step(), finite(v)));
        Map<String, Double> values = new HashMap<>();
        files.values().forEach((k, v) -> values.put(k, finite(v)));
        CellResult cell = new CellResult(0, "run", summary.get("config"), status, values, series);
        return new ComparedFolder(name, dir, summary.get("config"), null, List.of(cell), List.of());
    }

    /** As the store keeps a number: a non-finite one is NULL there (Store.setNumber), so here too. */
    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    /**
     * Each folder's name in tables and legends: its folder name; where two are equal, with as many parent folders as
     * tell them apart (runs/x/a and old/x/a become runs/x/a and old/x/a); the same folder given twice gets #2.
     */
    public static List<String> names(List<Path> dirs) {
        List<Path> absolute = dirs.stream().map(d -> d.toAbsolutePath().normalize()).toList();
        List<String> names = new ArrayList<>();
        for (Path d : absolute) {
            int depth = 1;
            while (depth < d.getNameCount() && clashes(absolute, d, depth)) depth++;
            names.add(tail(d, depth));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            int before = (int) names.subList(0, i).stream().filter(n::equals).count();
            out.add(before == 0 ? n : n + "#" + (before + 1));
        }
        return out;
    }

    private static boolean clashes(List<Path> all, Path d, int depth) {
        return all.stream().anyMatch(o -> !o.equals(d) && tail(o, depth).equals(tail(d, depth)));
    }

    private static String tail(Path d, int depth) {
        int n = d.getNameCount();
        if (n == 0) return d.toString();
        return d.subpath(Math.max(0, n - depth), n).toString();
    }
}
