package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import overparam.core.BadInputException;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Network;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainingListener;

/**
 * A run's folder (DESIGN.md, command-line contract): summary.json, metrics.jsonl, weights_final.npz and,
 * with --dump-gram, gram_step{k}.npy and ntk_step{k}.npy. A run never writes into another run's folder;
 * summary.json is replaced atomically and each metrics line is flushed when written, so a killed run
 * leaves every record it finished.
 */
public final class RunFolder implements TrainingListener, AutoCloseable {
    private final Path dir;
    private BufferedWriter metrics;

    private RunFolder(Path dir) { this.dir = dir; }

    /** Refuses a folder that cannot hold a new run: an existing file, or a folder with anything in it. */
    public static void requireUsable(Path dir) {
        if (Files.isRegularFile(dir))
            throw new BadInputException("--out " + dir + ": is a file, expected a folder for the run. Choose another --out.");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent())
                    throw new BadInputException("--out " + dir + ": already holds files (an existing run?); a run never overwrites another. "
                            + "Choose a new --out or remove the folder.");
            } catch (IOException e) {
                throw new BadInputException("--out " + dir + ": cannot be read (" + e.getMessage() + "). Choose another --out.");
            }
        }
    }

    public static RunFolder create(Path dir) {
        requireUsable(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException("--out " + dir + ": cannot create the folder (" + e.getMessage() + "). Choose a writable place.");
        }
        return new RunFolder(dir);
    }

    public Path dir() { return dir; }

    /** Writes summary.json through a temporary file and an atomic rename: never half-written. */
    public void writeSummary(ObjectNode summary) {
        Path tmp = dir.resolve("summary.json.tmp");
        try {
            Json.MAPPER.writeValue(tmp.toFile(), summary);
            Files.move(tmp, dir.resolve("summary.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("summary.json"), e);
        }
    }

    /** Appends the record to metrics.jsonl and flushes it. */
    @Override public void onRecord(StepRecord record) {
        try {
            if (metrics == null)
                metrics = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            metrics.write(Json.COMPACT.writeValueAsString(Json.of(record)));
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("metrics.jsonl"), e);
        }
    }

    /** weights_final.npz: W1..WH as 2-D arrays and a as a 1-D array (DESIGN.md; m x p for the convolutional ResNet). */
    public void writeWeights(Network network, String fileName) {
        Map<String, NdArray> arrays = network.weightArrays();
        try {
            Npz.write(dir.resolve(fileName), arrays);
        } finally {
            for (NdArray a : arrays.values()) a.data().close();
        }
    }

    public void writeMatrix(String fileName, Matrix m) {
        Npy.write(dir.resolve(fileName), m);
    }

    @Override public void close() {
        try {
            if (metrics != null) metrics.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
