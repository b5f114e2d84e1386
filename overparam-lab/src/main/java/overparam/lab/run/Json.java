package overparam.lab.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import overparam.core.nn.StepRecord;

/** The JSON written into run folders. Non-finite numbers become null, so every file is standard JSON. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final ObjectMapper COMPACT = new ObjectMapper();

    private Json() {}

    public static ObjectNode object() { return JsonNodeFactory.instance.objectNode(); }

    /** One metrics.jsonl line: step first, then every recorded value. */
    public static ObjectNode of(StepRecord record) {
        ObjectNode line = object();
        line.put("step", record.step());
        for (Map.Entry<String, Object> e : record.values().entrySet()) {
            if (e.getValue() instanceof Double d) putNumber(line, e.getKey(), d);
            else if (e.getValue() instanceof double[] list) {
                ArrayNode array = line.putArray(e.getKey());
                for (double v : list) { if (Double.isFinite(v)) array.add(v); else array.addNull(); }
            }
        }
        return line;
    }

    public static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) node.put(name, value);
        else node.putNull(name);
    }
}
