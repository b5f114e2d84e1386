package overparam.lab.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import overparam.core.BadInputException;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.run.TrainRun;

/**
 * `./overparam verify DIR`: reruns a run folder (a train run's or an experiment's cell) from what it recorded (config.json,
 * the data copies or files whose SHA-256 summary.json holds) into a temporary folder, and compares weights_final.npz and
 * metrics.jsonl bit for bit. Input that is not what the run read is refused before anything runs (a file whose digest
 * differs), or after the rerun when the data it built differ (a packaged set whose files changed): bad input, not a
 * difference of results.
 */
public final class Verification {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param difference the first difference, or empty when bit-identical
     * @param rerun the rerun's folder: deleted when identical, kept for a look when not
     */
    public record Outcome(Optional<String> difference, Path rerun, int records, int arrays) {
        public boolean identical() { return difference.isEmpty(); }
    }

    private Verification() {}

    public static Outcome verify(Path dir) {
        JsonNode summary = finishedSummary(dir);
        Path configFile = dir.resolve(ReproduceScript.CONFIG);
        if (!Files.isRegularFile(configFile))
            throw new BadInputException(dir + ": no " + ReproduceScript.CONFIG + " (a run folder written before runs recorded their configuration?); "
                    + "verify needs a folder that ./overparam train or run wrote with it.");
        RunConfig config = RunConfig.read(configFile);
        DataManifest recorded = DataManifest.read(summary.get("data"));
        for (DataManifest.InputFile f : recorded.files()) config = config.with(f.field(), checkedSource(dir, f).toString());
        Path rerun;
        try {
            rerun = Files.createTempDirectory("overparam-verify-");
        } catch (IOException e) {
            throw new BadInputException("verify: cannot make a temporary folder (" + e.getMessage() + "). Set TMPDIR to a writable folder.");
        }
        Path out = rerun.resolve("run");
        boolean keep = false;
        try {
            TrainRun.execute(config.with("out", out.toString()), TrainingListener.NONE);
            DataManifest now = DataManifest.read(finishedSummary(out).get("data"));
            for (Map.Entry<String, String> e : recorded.matrices().entrySet())
                if (!e.getValue().equals(now.matrices().get(e.getKey())))
                    throw new BadInputException(dir + ": the data the rerun read differ from the run's (" + e.getKey() + " SHA-256 " + now.matrices().get(e.getKey())
                            + ", recorded " + e.getValue() + "): a packaged data set or generator changed. Verify on a machine with the run's data.");
            Optional<String> difference = BitComparison.weights(dir.resolve("weights_final.npz"), out.resolve("weights_final.npz"));
            if (difference.isEmpty()) difference = BitComparison.metrics(dir.resolve("metrics.jsonl"), out.resolve("metrics.jsonl"));
            keep = difference.isPresent();
            return new Outcome(difference, keep ? out : null, count(dir.resolve("metrics.jsonl")), arrays(summary));
        } finally {
            if (!keep) deleteRecursively(rerun);
        }
    }

    /** The file a recorded input is read from now: the folder's copy, else the original path; its SHA-256 must be the recorded one. */
    static Path checkedSource(Path dir, DataManifest.InputFile f) {
        Path source = f.copy() != null ? dir.resolve(f.copy()) : Path.of(f.absolute());
        String option = "--" + f.field().replace('_', '-');
        if (!Files.isRegularFile(source))
            throw new BadInputException(dir + ": the run's " + option + " file " + source + " is missing. Restore it (summary.json's data.files has its SHA-256).");
        String sha = Sha256.ofFile(source);
        if (!sha.equals(f.sha256()))
            throw new BadInputException(source + ": its SHA-256 " + sha + " differs from the " + f.sha256() + " the run recorded for " + option
                    + "; the file changed since the run. Restore the file the run read.");
        return source;
    }

    /** summary.json of a finished run (done or diverged), or a one-line refusal naming the folder. */
    private static JsonNode finishedSummary(Path dir) {
        Path file = dir.resolve("summary.json");
        if (!Files.isRegularFile(file))
            throw new BadInputException(dir + ": not a run folder (no summary.json). Give a folder that ./overparam train wrote, or a cell folder "
                    + "under an experiment's cells/.");
        JsonNode summary;
        try {
            summary = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not readable JSON (" + e.getMessage().lines().findFirst().orElse("") + "). Is the folder a run's?");
        }
        String status = summary.path("status").asText();
        if (!status.equals("done") && !status.equals("diverged"))
            throw new BadInputException(dir + ": the run is " + (status.isEmpty() ? "of unknown status" : status)
                    + ", not finished; verify a run that is done or diverged.");
        return summary;
    }

    private static int count(Path metrics) {
        try {
            return Files.isRegularFile(metrics) ? (int) Files.readAllLines(metrics).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static int arrays(JsonNode summary) {
        JsonNode p = summary.path("network").path("parameters");
        return p.isObject() ? p.size() : 0;
    }

    private static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless; the verdict is what matters
        }
    }
}
