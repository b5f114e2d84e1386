package overparam.lab.experiment;

import java.util.Map;
import java.util.stream.Collectors;
import overparam.lab.plan.RunConfig;

/**
 * One run of an experiment: a whole configuration and the key it is stored under. Independent and serializable
 * (the configuration is plain data), so that a distributed engine could run cells without the experiment code.
 */
public record Cell(String key, RunConfig config) {
    /** "arch=fc,depth=4,seed=1": the swept fields in the spec's order. */
    static String key(Map<String, Object> chosen) {
        if (chosen.isEmpty()) return "base";
        return chosen.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** The key as a folder name (only letters, digits, '=', ',', '.', '-', '_'). */
    public String folderName() {
        return key.replaceAll("[^A-Za-z0-9=,._-]", "_");
    }
}
