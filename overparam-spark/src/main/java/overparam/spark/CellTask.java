package overparam.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import overparam.lab.experiment.Cell;
import overparam.lab.plan.RunConfig;

/**
 * A cell as a Spark task carries it: its key and its whole configuration as the JSON the store records (RunConfig is a
 * record of plain values but not Serializable; its JSON reads back to an equal record, doubles included, since Jackson
 * writes the shortest decimal that parses to the same double).
 */
record CellTask(String key, String folderName, String configJson) implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    static CellTask of(Cell cell) {
        return new CellTask(cell.key(), cell.folderName(), cell.config().toJson().toString());
    }

    RunConfig config() {
        try {
            return JSON.readValue(configJson, RunConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cell " + key + ": its configuration does not read back: " + e.getOriginalMessage(), e);
        }
    }
}
