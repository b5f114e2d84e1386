package overparam.lab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.core.nn.RunStatus;
import overparam.lab.run.Theory;
import overparam.lab.store.Store;

/**
 * A finished cell's run folder as rows for the store: each metrics.jsonl line's numbers (lists flattened per
 * parameter: weight_movement.W1 .. .a, with .total the root sum of squares for the movement norms), and the
 * run's values from summary.json (lambda_0, width_requirement, final and initial loss, eta, timings).
 */
record CellFiles(List<Store.StepRow> steps, Map<String, Double> values) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static CellFiles read(Path folder) {
        JsonNode summary;
        try {
            summary = JSON.readTree(folder.resolve("summary.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve("summary.json"), e);
        }
        List<String> parameters = new ArrayList<>();
        summary.get("network").get("parameters").fieldNames().forEachRemaining(parameters::add);
        List<Store.StepRow> steps = new ArrayList<>();
        Path metrics = folder.resolve("metrics.jsonl");
        try {
            if (Files.exists(metrics))
                for (String line : Files.readAllLines(metrics)) if (!line.isBlank()) steps.add(row(JSON.readTree(line), parameters));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metrics, e);
        }
        return new CellFiles(steps, values(summary, steps));
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
                double sumSq = 0;
                for (int i = 0; i < value.size(); i++) {
                    JsonNode x = value.get(i);
                    String part = i < parameters.size() ? parameters.get(i) : String.valueOf(i + 1);
                    v.put(name + "." + part, x.isNumber() ? x.asDouble() : null);
                    if (x.isNumber()) sumSq += x.asDouble() * x.asDouble();
                }
                if (name.startsWith("weight_movement")) v.put(name + ".total", Math.sqrt(sumSq));
            }
        }
        return new Store.StepRow(line.get("step").asInt(), v);
    }

    private static Map<String, Double> values(JsonNode summary, List<Store.StepRow> steps) {
        Map<String, Double> v = new LinkedHashMap<>();
        JsonNode theory = summary.get("theory");
        if (theory != null) {
            for (Theory.Scalar s : Theory.Scalar.values()) {
                String f = s.key();
                if (theory.has(f)) v.put(f, theory.get(f).isNumber() ? theory.get(f).asDouble() : null);
            }
            if (theory.has("requirements"))
                for (JsonNode r : theory.get("requirements")) {
                    String quantity = r.get("quantity").asText();
                    String key = quantity.startsWith("width") ? "width_requirement" : quantity.startsWith("step") ? "step_requirement" : null;
                    if (key != null && !v.containsKey(key)) v.put(key, r.get("value").isNumber() ? r.get("value").asDouble() : null);
                }
        }
        v.put("eta", summary.get("config").get("eta").asDouble());
        if (summary.has("diverged_at_step")) v.put("diverged_at_step", summary.get("diverged_at_step").asDouble());
        JsonNode timings = summary.get("timings");
        if (timings != null) {
            if (timings.has("steps_per_second") && timings.get("steps_per_second").isNumber()) v.put("steps_per_second", timings.get("steps_per_second").asDouble());
            v.put("train_seconds", timings.get("train_seconds").asDouble());
        }
        if (!steps.isEmpty()) {
            Map<String, Double> start = steps.get(0).values();
            Double min = start.get("ntk_lambda_min"), max = start.get("ntk_lambda_max");
            // at eta = 1 / lambda_max(G(0)) the slowest mode of the loss contracts by about lambda_min / lambda_max a step
            if (min != null && max != null && max > 0) v.put("ntk_lambda_ratio", min / max);
            Double first = start.get("loss"), last = steps.get(steps.size() - 1).values().get("loss");
            v.put("initial_loss", first);
            boolean done = RunStatus.parse(summary.get("status").asText()) == RunStatus.DONE;
            v.put("final_loss", done ? last : null);
            v.put("loss_ratio", done && first != null && last != null && first > 0 ? last / first : null);
        }
        return v;
    }
}
