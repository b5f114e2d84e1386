package overparam.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.linalg.Matrix;

/** Digests against values computed by other tools and pasted here. */
class Sha256Test {
    @TempDir Path tmp;

    @Test
    void aFileHashesAsSha256sumPrintsIt() throws IOException {
        Path file = tmp.resolve("known.txt");
        Files.writeString(file, "overparam reproduces\n", StandardCharsets.UTF_8);
        // printf 'overparam reproduces\n' > known.txt && sha256sum known.txt
        assertEquals("72b875568a307132a55f8ee9e876f44042d726b396effab72e4870428023e77e", Sha256.ofFile(file));
        Path empty = Files.createFile(tmp.resolve("empty"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.ofFile(empty));   // sha256sum of nothing
    }

    @Test
    void copyingHashesTheBytesItCopies() throws IOException {
        Path file = tmp.resolve("known.txt");
        Files.writeString(file, "overparam reproduces\n", StandardCharsets.UTF_8);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        assertEquals("72b875568a307132a55f8ee9e876f44042d726b396effab72e4870428023e77e", Sha256.copy(file, copy));
        assertEquals("overparam reproduces\n", copy.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMatrixHashesAsNumpysLittleEndianFloat64Bytes() {
        // hashlib.sha256(np.array([[1.0, -2.5], [0.0, 3.25]], '<f8').tobytes()).hexdigest()
        try (Matrix m = Matrix.of(new double[][] {{1.0, -2.5}, {0.0, 3.25}})) {
            assertEquals("dd3f3dcb481cbecaa442dfb6ae0d585ebb0bd78ab4046345340b8d4d80383b70", Sha256.ofMatrix(m));
        }
    }
}
