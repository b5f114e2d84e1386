package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import overparam.core.linalg.Linalg;

/**
 * Where a result comes from, as a referee asks: the lab's version and the git commit it was built from (and whether the
 * tree had changes then), the command line as typed, the machine (CPU model, cores, memory, BLAS and Java), when it
 * started and, once it ends, how long it took. Every run folder (summary.json "provenance"), store (table provenance) and
 * report (its header) carries one.
 *
 * @param gitCommit 40 hex digits, or "unknown" for a build outside a git checkout (scripts/build-info.sh)
 * @param gitDirty "true", "false", or "unknown" with the commit
 * @param command the command line as typed, or null where no command started this run (an experiment's cell: the
 *                experiment's own provenance holds its command)
 */
public record Provenance(String version, String gitCommit, String gitDirty, String command, Machine machine, Instant startedAt) {
    /** The resource scripts/build-info.sh writes at build time. */
    static final String GIT_RESOURCE = "/overparam-git.properties";

    /** The machine a result was computed on; memoryBytes -1 and cpu "unknown" where /proc does not say. */
    public record Machine(String cpu, int cores, long memoryBytes, String blas, String java, String os) {
        /** This machine, read from /proc/cpuinfo and /proc/meminfo (Linux) and the JVM. */
        public static Machine here() {
            return new Machine(cpuModel(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(), memTotal(Path.of("/proc/meminfo")),
                    Linalg.blasVersion(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        }

        /** "Intel(R) Xeon(R) ... @ 2.20GHz, 2 cores, 23.5 GiB, OpenBLAS 0.3.31": one line for a report. */
        public String describe() {
            return cpu + ", " + cores + " cores, " + (memoryBytes < 0 ? "memory unknown" : overparam.core.linalg.Memory.format(memoryBytes)) + ", " + blas;
        }
    }

    /** A provenance starting now, for the given command line (null when none started it). */
    public static Provenance now(String command) {
        Properties git = resource(GIT_RESOURCE);
        return new Provenance(Versions.overparam(), git.getProperty("git.commit", "unknown"), git.getProperty("git.dirty", "unknown"), command,
                Machine.here(), Instant.now());
    }

    /** The commit with its state in one word: "e1b972d... (dirty)", "e1b972d...", or "unknown". */
    public String commitDescription() {
        return gitCommit + ("true".equals(gitDirty) ? " (dirty: uncommitted changes at build time)" : "");
    }

    /** The JSON object summary.json keeps; with finishedAt (not null) also when the work ended and how long it took. */
    public ObjectNode json(Instant finishedAt) {
        ObjectNode p = Json.object();
        p.put("overparam", version);
        p.put("git_commit", gitCommit);
        p.put("git_dirty", gitDirty);
        if (command != null) p.put("command", command);
        ObjectNode m = p.putObject("machine");
        m.put("cpu", machine.cpu());
        m.put("cores", machine.cores());
        m.put("memory_bytes", machine.memoryBytes());
        m.put("blas", machine.blas());
        m.put("java", machine.java());
        m.put("os", machine.os());
        p.put("date", startedAt.toString());
        if (finishedAt != null) {
            p.put("finished_at", finishedAt.toString());
            p.put("elapsed_seconds", Duration.between(startedAt, finishedAt).toNanos() / 1e9);
        }
        return p;
    }

    /** The first "model name" of /proc/cpuinfo, or "unknown" (another system, or a CPU that names none). */
    static String cpuModel(Path cpuinfo) {
        for (String line : lines(cpuinfo)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("model name")) return line.substring(colon + 1).trim();
        }
        return "unknown";
    }

    /** MemTotal of /proc/meminfo in bytes (the file says kB, which the kernel means as 1024 bytes), or -1. */
    static long memTotal(Path meminfo) {
        for (String line : lines(meminfo)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 2 && parts[0].equals("MemTotal:")) {
                try {
                    return Long.parseLong(parts[1]) * 1024;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();                                  // not Linux, or not readable: the field says unknown
        }
    }

    private static Properties resource(String name) {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream(name)) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // a build without the file (an IDE's own compile): every field stays "unknown"
        }
        return p;
    }
}
