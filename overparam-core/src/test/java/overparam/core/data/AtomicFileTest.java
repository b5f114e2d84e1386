package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/** Every output goes through a temporary file and an atomic rename: a write that fails half-way leaves nothing under the name. */
class AtomicFileTest {
    @TempDir Path tmp;

    /** A write that gets half of its bytes out, then hits a full disk, as write(2) does with ENOSPC. */
    private static AtomicFile.Content diskFullAfterHalf(byte[] data) {
        return ch -> {
            ch.write(ByteBuffer.wrap(data, 0, data.length / 2));
            throw new IOException("No space left on device");
        };
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.toList();
        }
    }

    @Test void aCompleteWriteLeavesOnlyTheFile() throws IOException {
        Path k = tmp.resolve("K.npy");
        try (Matrix m = Matrix.of(new double[][] {{1, 2}, {3, 4}})) {
            Npy.write(k, m);
        }
        assertEquals(List.of(k), files());
        assertArrayEquals(new double[] {1, 2, 3, 4}, Npy.read(k).data().toArray());
    }

    @Test void aFullDiskMidWriteLeavesNoFileAndSaysSoInOneLine() throws IOException {
        Path weights = tmp.resolve("weights_final.npz");
        BadInputException e = assertThrows(BadInputException.class, () -> AtomicFile.write(weights, diskFullAfterHalf(new byte[4096])));
        assertTrue(e.getMessage().startsWith(weights + ": cannot write it: the disk is full (No space left on device)"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was left under that name"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(List.of(), files(), "neither a truncated file nor its temporary file is left");
    }

    @Test void aFailedRewriteKeepsThePreviousCompleteFile() throws IOException {
        Path summary = Files.writeString(tmp.resolve("summary.json"), "{\"status\": \"running\"}");
        assertThrows(BadInputException.class, () -> AtomicFile.write(summary, diskFullAfterHalf("{\"status\": \"done\", ...}".getBytes())));
        assertEquals("{\"status\": \"running\"}", Files.readString(summary));
        assertEquals(List.of(summary), files());
    }

    @Test void outputsKeepTheUsualPermissionsNotATemporaryFilesPrivateOnes() throws IOException {
        Path k = tmp.resolve("K.npy"), plain = tmp.resolve("plain");
        AtomicFile.writeString(k, "x");
        Files.writeString(plain, "x");
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix"))
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(k));
    }

    @Test void aFileSizeLimitIsAlsoAFullDisk() {
        assertTrue(AtomicFile.isNoSpace(new IOException("File too large")));
        assertTrue(AtomicFile.isNoSpace(new java.nio.file.FileSystemException("x", null, "No space left on device")));
        assertFalse(AtomicFile.isNoSpace(new java.nio.file.AccessDeniedException("x")));
    }

    @Test void anUnfinishedStreamIsNeverVisibleUnderItsName() throws IOException {
        Path metrics = tmp.resolve("metrics.jsonl");
        Path partial;
        try (AtomicFile.Pending p = AtomicFile.begin(metrics)) {
            p.stream().write("{\"step\": 0}\n".getBytes());
            partial = p.temporary();
            assertTrue(AtomicFile.isPartial(partial));
            assertEquals(tmp, partial.getParent(), "the temporary file is a sibling, so the rename cannot cross disks");
            assertFalse(Files.exists(metrics), "not under its name until committed");
        }                                                                   // closed without a commit: abandoned
        assertEquals(List.of(), files());
        try (AtomicFile.Pending p = AtomicFile.begin(metrics)) {
            p.stream().write("{\"step\": 0}\n".getBytes());
            p.commit();
        }
        assertEquals("{\"step\": 0}\n", Files.readString(metrics));
        assertEquals(List.of(metrics), files());
    }

    @Test void npzAndIdxWritersGoThroughTheTemporaryFileToo() throws IOException {
        Path npz = tmp.resolve("w.npz"), idx = tmp.resolve("x.idx.gz");
        try (Matrix w = Matrix.of(new double[][] {{1, 2}, {3, 4}})) {
            Npz.write(npz, Map.of("W1", new NdArray(new long[] {2, 2}, w)));
            Idx.write(idx, new NdArray(new long[] {2, 2}, w), Idx.Type.UBYTE);
        }
        assertArrayEquals(new double[] {1, 2, 3, 4}, Npz.read(npz).get("W1").data().toArray());
        assertArrayEquals(new double[] {1, 2, 3, 4}, Idx.read(idx).data().toArray());
        assertEquals(2, files().size(), "no .partial file left: " + files());
    }

    @Test void aMissingFolderIsNamed() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> AtomicFile.writeString(tmp.resolve("no/such/folder/report.html"), "<html>"));
        assertTrue(e.getMessage().contains("its folder does not exist"), e.getMessage());
    }
}
