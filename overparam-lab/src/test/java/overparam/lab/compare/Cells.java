package overparam.lab.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import overparam.core.nn.RunStatus;
import overparam.lab.experiment.SpecParser;
import overparam.lab.store.CellResult;

/** Hand-made folders for the comparison's parts: cells with a loss series and a per-run value, nothing trained. */
final class Cells {
    static final ObjectMapper JSON = new ObjectMapper();

    private Cells() {}

    static ObjectNode config(Object... fieldsAndValues) {
        ObjectNode c = JSON.createObjectNode();
        for (int i = 0; i < fieldsAndValues.length; i += 2) c.set((String) fieldsAndValues[i], JSON.valueToTree(fieldsAndValues[i + 1]));
        return c;
    }

    /** A finished cell whose loss is recorded at steps 0 and 10 (the second is its final value) and with lambda_0. */
    static CellResult cell(String key, ObjectNode config, double firstLoss, double finalLoss, double lambda0) {
        NavigableMap<Integer, Double> loss = new TreeMap<>(Map.of(0, firstLoss, 10, finalLoss));
        return new CellResult(0, key, config, RunStatus.DONE, Map.of("lambda_0", lambda0), Map.of("loss", loss));
    }

    static ComparedFolder run(String name, CellResult cell) {
        return new ComparedFolder(name, Path.of(name), cell.config(), null, List.of(cell), List.of());
    }

    static ComparedFolder experiment(String name, String spec, List<CellResult> cells) {
        return new ComparedFolder(name, Path.of(name), null, SpecParser.parse(spec, name + ".yaml"), cells, List.of());
    }
}
