package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Network;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainingListener;

/**
 * A run's folder (DESIGN.md, command-line contract): summary.json, metrics.jsonl, weights_init.npz, weights_final.npz,
 * config.json, reproduce.sh, data/ (copies of small input files) and, with --dump-gram, gram_step{k}.npy and ntk_step{k}.npy. A run never writes into another run's folder.
 *
 * <p>Every file is written through {@link AtomicFile}: under a temporary NAME.*.partial name, renamed once complete,
 * so no file here is ever truncated under its real name. summary.json is written at the start (status running) and
 * replaced at the end; metrics.jsonl grows line by line (each flushed) in its temporary file and takes its name when
 * the run ends, after weights_final.npz and before the final summary.json: a summary that says done or diverged
 * means every other file is complete. A run that fails (a full disk, any error) removes what it wrote, and the folder
 * if it made it, so the same command can be run again. Only a killed process leaves files behind: summary.json with
 * status running (refused as an existing run, as it may still be going) and .partial files, which are debris, never
 * a run: a folder holding nothing else counts as empty, and a new run deletes them first.
 */
public final class RunFolder implements TrainingListener, AutoCloseable {
    private final Path dir;
    private final boolean created;
    private AtomicFile.Pending metricsFile;
    private BufferedWriter metrics;
    private boolean finished;

    private RunFolder(Path dir, boolean created) {
        this.dir = dir;
        this.created = created;
    }

    /** Refuses a folder that cannot hold a new run: an existing file, or a folder with anything but debris (.partial files) in it. */
    public static void requireUsable(Path dir) {
        if (Files.isRegularFile(dir))
            throw new BadInputException("--out " + dir + ": is a file, expected a folder for the run. Choose another --out.");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.anyMatch(p -> !AtomicFile.isPartial(p)))
                    throw new BadInputException("--out " + dir + ": already holds files (an existing run?); a run never overwrites another. "
                            + "Choose a new --out or remove the folder.");
            } catch (IOException e) {
                throw new BadInputException("--out " + dir + ": cannot be read (" + e.getMessage() + "). Choose another --out.");
            }
        }
    }

    /** The folder for a new run: made if absent; the debris of a killed write (.partial files) is deleted first. */
    public static RunFolder create(Path dir) {
        requireUsable(dir);
        boolean created = !Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path debris : entries.filter(AtomicFile::isPartial).toList()) Files.deleteIfExists(debris);
            }
        } catch (IOException e) {
            throw new BadInputException("--out " + dir + ": cannot create the folder (" + e.getMessage() + "). Choose a writable place.");
        }
        return new RunFolder(dir, created);
    }

    public Path dir() { return dir; }

    /** Writes summary.json through a temporary file and an atomic rename: never half-written. */
    public void writeSummary(ObjectNode summary) {
        AtomicFile.write(dir.resolve("summary.json"), ch -> Json.MAPPER.writeValue(AtomicFile.stream(ch), summary));
    }

    /** Appends the record to metrics.jsonl (its temporary file until {@link #finish}) and flushes it. */
    @Override public void onRecord(StepRecord record) {
        try {
            if (metrics == null) {
                metricsFile = AtomicFile.begin(dir.resolve("metrics.jsonl"));
                metrics = new BufferedWriter(new OutputStreamWriter(metricsFile.stream(), StandardCharsets.UTF_8));
            }
            metrics.write(Json.COMPACT.writeValueAsString(Json.of(record)));
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw AtomicFile.failed(dir.resolve("metrics.jsonl"), e);
        }
    }

    /** weights_final.npz: W1..WH as 2-D arrays and a as a 1-D array (DESIGN.md; m x p for the convolutional ResNet). */
    public void writeWeights(Network network, String fileName) {
        writeArrays(network.weightArrays(), fileName);
    }

    /** Writes the arrays as an .npz (atomically) and frees them: weights_init.npz of a run whose start phase moved the network. */
    public void writeArrays(Map<String, NdArray> arrays, String fileName) {
        try {
            Npz.write(dir.resolve(fileName), arrays);
        } finally {
            for (NdArray a : arrays.values()) a.data().close();
        }
    }

    public void writeMatrix(String fileName, Matrix m) {
        Npy.write(dir.resolve(fileName), m);
    }

    /** The run is over (done or diverged): metrics.jsonl takes its name. Call before the final summary.json. */
    public void finish() {
        if (metrics != null) {
            try {
                metrics.flush();
            } catch (IOException e) {
                throw AtomicFile.failed(dir.resolve("metrics.jsonl"), e);
            }
            metricsFile.commit();
        }
        finished = true;
    }

    /**
     * Closes the metrics file. A run that did not {@link #finish} failed: what it wrote is removed (the folder held
     * nothing of another run when it started), and the folder too if this run made it.
     */
    @Override public void close() {
        if (metricsFile != null) metricsFile.close();          // without a commit: deletes the temporary file
        if (finished) return;
        try (Stream<Path> entries = Files.walk(dir)) {                   // data/ (the copies of the inputs) is a folder
            for (Path p : entries.sorted(java.util.Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.deleteIfExists(p);
            if (created) Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // best effort: the failure that brought us here is what the user needs to see
        }
    }
}
