package overparam.lab.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Trainer;

/**
 * Two runs' results compared bit for bit: weights_final.npz array by array and element by element (the raw bits of each
 * double, so -0.0 differs from 0.0 and NaNs compare by payload), metrics.jsonl record by record and field by field (all but
 * the wall-clock elapsed_seconds; numbers by value, as their shortest text reads back to the same bits). Each
 * returns the first difference in words, naming the file, the key or metric, the step or position, and both values.
 */
public final class BitComparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BitComparison() {}

    /** The first difference of two weight files, or empty when every array has the same keys, shapes and bits. */
    public static Optional<String> weights(Path original, Path rerun) {
        boolean a = Files.isRegularFile(original), b = Files.isRegularFile(rerun);
        if (!a || !b) return a == b ? Optional.empty() : Optional.of(original.getFileName() + ": " + (a ? "only the original run has it" : "only the rerun has it"));
        try {
            if (Files.mismatch(original, rerun) == -1) return Optional.empty();       // the same bytes: the same arrays
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + original + " or " + rerun, e);
        }
        Map<String, NdArray> x = Npz.read(original), y = Npz.read(rerun);
        try {
            String name = original.getFileName().toString();
            if (!List.copyOf(x.keySet()).equals(List.copyOf(y.keySet())))
                return Optional.of(name + ": keys " + x.keySet() + " (original) vs " + y.keySet() + " (rerun)");
            for (String key : x.keySet()) {
                NdArray p = x.get(key), q = y.get(key);
                if (!Arrays.equals(p.shape(), q.shape()))
                    return Optional.of(name + "[" + key + "]: shape " + p.shapeString() + " (original) vs " + q.shapeString() + " (rerun)");
                Matrix m = p.data(), n = q.data();
                for (int i = 0; i < m.rows(); i++)
                    for (int j = 0; j < m.cols(); j++)
                        if (Double.doubleToRawLongBits(m.get(i, j)) != Double.doubleToRawLongBits(n.get(i, j)))
                            return Optional.of(name + "[" + key + "] at (" + i + ", " + j + "): " + m.get(i, j) + " (original) vs " + n.get(i, j) + " (rerun)");
            }
            return Optional.empty();
        } finally {
            x.values().forEach(v -> v.data().close());
            y.values().forEach(v -> v.data().close());
        }
    }

    /** The first difference of two metrics.jsonl files, or empty when they hold the same records with the same values. */
    public static Optional<String> metrics(Path original, Path rerun) {
        List<String> x = lines(original), y = lines(rerun);
        String name = original.getFileName().toString();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            JsonNode p = withoutClock(parse(x.get(i))), q = withoutClock(parse(y.get(i)));
            if (p.equals(q)) continue;                     // doubles compare by value: the shortest text that reads back to the same bits
            String step = p.has("step") ? "step " + p.get("step").asText() : "record " + (i + 1);
            return Optional.of(name + " " + step + ", " + firstDifference(p, q, ""));
        }
        if (x.size() != y.size())
            return Optional.of(name + ": " + x.size() + " records (original) vs " + y.size() + " (rerun)");
        return Optional.empty();
    }

    /** Where two JSON values first differ: "loss: 0.25 (original) vs 0.26 (rerun)", "weight_movement[2]: ...". */
    private static String firstDifference(JsonNode p, JsonNode q, String path) {
        if (p.isObject() && q.isObject()) {
            List<String> keys = new ArrayList<>();
            p.fieldNames().forEachRemaining(keys::add);
            for (Iterator<String> it = q.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!keys.contains(k)) keys.add(k);
            }
            for (String k : keys) {
                JsonNode a = p.get(k), b = q.get(k);
                String at = path.isEmpty() ? k : path + "." + k;
                if (a == null || b == null) return at + ": " + (a == null ? "only the rerun has it" : "only the original has it");
                if (!a.equals(b)) return firstDifference(a, b, at);
            }
        }
        if (p.isArray() && q.isArray() && p.size() == q.size())
            for (int i = 0; i < p.size(); i++) if (!p.get(i).equals(q.get(i))) return firstDifference(p.get(i), q.get(i), path + "[" + i + "]");
        return (path.isEmpty() ? "record" : path) + ": " + p + " (original) vs " + q + " (rerun)";
    }

    /** A record without its wall-clock entry ({@link Trainer#ELAPSED_SECONDS}), which no rerun repeats. */
    private static JsonNode withoutClock(JsonNode record) {
        if (record instanceof ObjectNode o) o.remove(Trainer.ELAPSED_SECONDS);
        return record;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(line);   // a damaged line: compared as text
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
