package overparam.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;
import overparam.core.nn.RunStatus;

/**
 * What a Spark task sends back to the driver: the cell's whole run folder (every file's bytes, by its path inside the
 * folder), its status and seconds; or why it failed. The driver writes the folder where the in-process executor would
 * have written it, so the store reads the same bytes through the same code (CellFiles) either way.
 */
record CellReturn(String key, String status, double seconds, List<RunFile> files, String ranIn,
                  String failureClass, String failureMessage, String failureTrace) implements Serializable {
    private static final String SUMMARY = "summary.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file of a run folder: its path inside the folder ('/'-separated) and its bytes. */
    record RunFile(String path, byte[] bytes) implements Serializable {}

    static CellReturn done(String key, RunStatus status, double seconds, Path folder) {
        return new CellReturn(key, status.word(), seconds, readFolder(folder), folder.toString(), null, null, null);
    }

    static CellReturn failed(String key, Exception e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return new CellReturn(key, null, 0, List.of(), null, e.getClass().getName(), e.getMessage(), trace.toString());
    }

    RunStatus runStatus() { return RunStatus.parse(status); }

    /**
     * Throws what the cell threw: bad input (a data file missing on the executor, a memory refusal there) as the same
     * one-line refusal the in-process executor would show, anything else as an internal error with the executor's trace.
     */
    void requireSucceeded() {
        if (failureClass == null) return;
        if (failureClass.equals(BadInputException.class.getName())) throw new BadInputException(failureMessage);
        throw new IllegalStateException("cell " + key + " failed on a Spark executor: " + failureClass + ": " + failureMessage
                + "\nexecutor's stack trace:\n" + failureTrace);
    }

    private static List<RunFile> readFolder(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            List<RunFile> files = new ArrayList<>();
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                if (AtomicFile.isPartial(p)) continue;                          // debris, never a result
                StringBuilder rel = new StringBuilder();
                for (Path part : folder.relativize(p)) rel.append(rel.length() == 0 ? "" : "/").append(part);
                files.add(new RunFile(rel.toString(), Files.readAllBytes(p)));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run folder " + folder, e);
        }
    }

    /**
     * Writes the run folder into {@code folder} at the driver, each file atomically and summary.json last (a folder whose
     * summary.json is there is complete). summary.json's config.out named the executor's scratch folder; it is written
     * with the driver's folder instead, as the in-process run writes it, so that the two folders are the same bytes.
     */
    void writeInto(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new BadInputException(folder + ": cannot be created (" + e.getMessage() + "). Check that the experiment's --out is writable.");
        }
        RunFile summary = null;
        for (RunFile f : files) {
            if (f.path().equals(SUMMARY)) summary = f;
            else write(folder, f.path(), f.bytes());
        }
        if (summary != null) write(folder, SUMMARY, withOut(summary.bytes(), folder.toString()));
    }

    /** summary.json with every JSON string equal to the executor's folder replaced by the driver's. */
    private byte[] withOut(byte[] summary, String driverFolder) {
        String text = new String(summary, StandardCharsets.UTF_8);
        String from = quoted(ranIn), to = quoted(driverFolder);
        return text.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path folder, String path, byte[] bytes) {
        Path target = folder.resolve(path);
        if (!target.normalize().startsWith(folder.normalize())) throw new IllegalStateException("a run file outside its folder: " + path);
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new BadInputException(target.getParent() + ": cannot be created (" + e.getMessage() + "). Check that the experiment's --out is writable.");
        }
        AtomicFile.write(target, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Removes a scratch folder and everything in it. */
    static void deleteRecursively(Path p) {
        if (p == null || !Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + p, e);
        }
    }
}
