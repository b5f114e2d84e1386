package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {
    static final Path BUILD_INFO = Path.of("../scripts/build-info.sh");     // surefire runs in the module's folder
    @TempDir Path tmp;

    @Test
    void readsTheCpuModelAndMemoryAsLinuxWritesThem() throws IOException {
        Path cpuinfo = tmp.resolve("cpuinfo"), meminfo = tmp.resolve("meminfo");
        Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nprocessor\t: 1\n"
                + "model name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n");
        Files.writeString(meminfo, "MemTotal:       24584180 kB\nMemFree:         1000000 kB\n");
        assertEquals("Intel(R) Xeon(R) CPU @ 2.20GHz", Provenance.cpuModel(cpuinfo));
        assertEquals(24584180L * 1024, Provenance.memTotal(meminfo));
        assertEquals("unknown", Provenance.cpuModel(tmp.resolve("absent")));
        assertEquals(-1, Provenance.memTotal(tmp.resolve("absent")));
    }

    @Test
    void aProvenanceNamesTheBuildTheCommandTheMachineAndTheTime() {
        Provenance p = Provenance.now("./overparam train --out x");
        assertTrue(p.gitCommit().matches("[0-9a-f]{40}") || p.gitCommit().equals("unknown"), p.gitCommit());
        assertTrue(List.of("true", "false", "unknown").contains(p.gitDirty()), p.gitDirty());
        assertTrue(p.version().matches("\\d+\\.\\d+\\.\\d+.*"), p.version());
        assertEquals(Runtime.getRuntime().availableProcessors(), p.machine().cores());
        assertTrue(p.machine().blas().startsWith("OpenBLAS"), p.machine().blas());
        if (Files.isReadable(Path.of("/proc/meminfo"))) assertTrue(p.machine().memoryBytes() > 1L << 28, "MemTotal " + p.machine().memoryBytes());
        Instant end = p.startedAt().plusMillis(1500);
        ObjectNode json = p.json(end);
        assertEquals("./overparam train --out x", json.get("command").asText());
        assertEquals(1.5, json.get("elapsed_seconds").asDouble(), 1e-12);
        assertEquals(p.startedAt(), Instant.parse(json.get("date").asText()));
        assertNull(p.json(null).get("elapsed_seconds"), "no elapsed time before the end");
        assertNull(Provenance.now(null).json(null).get("command"), "a cell has no command of its own");
    }

    @Test
    void theBuildRecordsTheCommitAndWhetherTheTreeWasDirty() throws IOException, InterruptedException {
        Assumptions.assumeTrue(run(tmp, "git", "--version") == 0, "git is not installed");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("a.txt"), "one\n");
        for (List<String> c : List.of(List.of("git", "init", "-q"), List.of("git", "add", "a.txt"),
                List.of("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one")))
            assertEquals(0, run(repo, c.toArray(String[]::new)));
        Process head = new ProcessBuilder("git", "rev-parse", "HEAD").directory(repo.toFile()).start();
        String commit = new String(head.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, head.waitFor());

        assertEquals(new Info(commit, "false"), buildInfo(repo));
        Files.writeString(repo.resolve("a.txt"), "two\n");
        assertEquals(new Info(commit, "true"), buildInfo(repo));
        Path plain = Files.createDirectories(tmp.resolve("plain"));                 // a tarball: no .git, and a folder inside a checkout
        assertEquals(new Info("unknown", "unknown"), buildInfo(plain));
        assertEquals(new Info("unknown", "unknown"), buildInfo(Files.createDirectories(repo.resolve("sub"))));
    }

    record Info(String commit, String dirty) {}

    private Info buildInfo(Path root) throws IOException, InterruptedException {
        Path out = tmp.resolve("out.properties");
        assertEquals(0, run(tmp, "bash", BUILD_INFO.toAbsolutePath().toString(), out.toString(), root.toString()));
        Properties p = new Properties();
        try (var in = Files.newInputStream(out)) { p.load(in); }
        return new Info(p.getProperty("git.commit"), p.getProperty("git.dirty"));
    }

    private static int run(Path dir, String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
