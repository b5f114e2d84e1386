package overparam.lab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.NavigableMap;
import java.util.TreeMap;
import overparam.lab.store.CellResult;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.core.nn.RunStatus;
import overparam.lab.run.RunSummary;
import overparam.lab.store.Store;

/**
 * A finished cell's run folder as rows for the store: each metrics.jsonl line's numbers (lists flattened per
 * parameter: weight_movement.W1 .. .a, with .total the root sum of squares for the movement norms; lists by rank or
 * position, {@link #BY_POSITION}, numbered from 1: recovery_sv.1 the largest singular value, hessian_top_eigenvalues.1
 * the largest eigenvalue, input_grad_autocorr.1 lag 1, input_grad_path.1 the first point), and the
 * run's values from summary.json (lambda_0, width_requirement, final and initial loss, eta, timings).
 */
public record CellFiles(List<Store.StepRow> steps, Map<String, Double> values) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static CellFiles read(Path folder) {
        JsonNode summary;
        try {
            summary = JSON.readTree(folder.resolve("summary.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve("summary.json"), e);
        }
        RunSummary.Read read = RunSummary.read(summary);
        List<String> parameters = read.parameters();
        List<Store.StepRow> steps = new ArrayList<>();
        Path metrics = folder.resolve("metrics.jsonl");
        try {
            if (Files.exists(metrics))
                for (String line : Files.readAllLines(metrics)) if (!line.isBlank()) steps.add(row(JSON.readTree(line), parameters));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metrics, e);
        }
        return new CellFiles(steps, values(read, steps));
    }

    /**
     * A run folder (summary.json, metrics.jsonl) as the store would hold it after running it as a cell: its
     * configuration, status, per-run values and series, under the folder's name; what {@code plot} reads from one run.
     */
    public static CellResult result(Path folder) {
        CellFiles files = read(folder);
        JsonNode summary;
        try {
            summary = JSON.readTree(folder.resolve("summary.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve("summary.json"), e);
        }
        Map<String, NavigableMap<Integer, Double>> series = new HashMap<>();
        for (Store.StepRow row : files.steps())
            row.values().forEach((name, v) -> series.computeIfAbsent(name, k -> new TreeMap<>()).put(row.step(), v));
        JsonNode config = summary.get("config");
        String name = folder.toAbsolutePath().normalize().getFileName() == null ? folder.toString() : folder.toAbsolutePath().normalize().getFileName().toString();
        return new CellResult(1, name, config == null ? JSON.createObjectNode() : config, RunSummary.read(summary).status(), files.values(), series);
    }

    /** Suffixes of the list metrics whose entries are ranks or positions, not parameters. */
    static final List<String> BY_POSITION = List.of("_sv", "_eigenvalues", "_path", "_autocorr", "_autocorr_centred");

    static boolean byPosition(String name) {
        for (String suffix : BY_POSITION) if (name.endsWith(suffix)) return true;
        return false;
    }

    private static Store.StepRow row(JsonNode line, List<String> parameters) {
        Map<String, Double> v = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (name.equals("step") || name.equals("predictions")) continue;       // u(k) stays in the cell's metrics.jsonl
            if (value.isNumber()) v.put(name, value.asDouble());
            else if (value.isNull()) v.put(name, null);
            else if (value.isArray()) {
                boolean spectrum = byPosition(name);
                double sumSq = 0;
                for (int i = 0; i < value.size(); i++) {
                    JsonNode x = value.get(i);
                    String part = i < parameters.size() && !spectrum ? parameters.get(i) : String.valueOf(i + 1);
                    v.put(name + "." + part, x.isNumber() ? x.asDouble() : null);
                    if (x.isNumber()) sumSq += x.asDouble() * x.asDouble();
                }
                if (name.startsWith("weight_movement")) v.put(name + ".total", Math.sqrt(sumSq));
            }
        }
        return new Store.StepRow(line.get("step").asInt(), v);
    }

    /** The summary's values (RunSummary.read) and those derived from the records: the loss ratio, lambda_min / lambda_max of G(0). */
    private static Map<String, Double> values(RunSummary.Read summary, List<Store.StepRow> steps) {
        Map<String, Double> v = new LinkedHashMap<>(summary.values());
        if (!steps.isEmpty()) {
            Map<String, Double> start = steps.get(0).values();
            Double min = start.get("ntk_lambda_min"), max = start.get("ntk_lambda_max");
            // at eta = 1 / lambda_max(G(0)) the slowest mode of the loss contracts by about lambda_min / lambda_max a step
            if (min != null && max != null && max > 0) v.put("ntk_lambda_ratio", min / max);
            Double first = start.get("loss"), last = steps.get(steps.size() - 1).values().get("loss");
            v.put("initial_loss", first);
            boolean done = summary.status() == RunStatus.DONE;
            v.put("final_loss", done ? last : null);
            v.put("loss_ratio", done && first != null && last != null && first > 0 ? last / first : null);
        }
        return v;
    }
}
