package overparam.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE.md section 4: one door to BLAS and LAPACK. Nothing outside core/linalg imports org.bytedeco. */
class ArchitectureTest {
    @Test
    void onlyTheLinalgPackageTouchesTheNativeBinding() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("overparam-core")) && root.getParent() != null) root = root.getParent();
        List<Path> offenders;
        int scanned;
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/"))
                    .filter(p -> !p.toString().contains("/target/")).toList();
            scanned = sources.size();
            offenders = sources.stream()
                    .filter(p -> !p.toString().contains("/overparam-core/src/main/java/overparam/core/linalg/"))
                    .filter(p -> !p.getFileName().toString().equals("ArchitectureTest.java"))
                    .filter(ArchitectureTest::importsBytedeco).toList();
        }
        assertTrue(scanned > 30, "scanned only " + scanned + " sources from " + root);
        assertEquals(List.of(), offenders, "only overparam.core.linalg may import org.bytedeco");
    }

    private static boolean importsBytedeco(Path p) {
        try {
            return Files.readAllLines(p).stream().anyMatch(l -> l.startsWith("import") && l.contains("org.bytedeco"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
