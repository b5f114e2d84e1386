package overparam.lab.reproduce;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * SHA-256 digests as lower-case hex, the form sha256sum prints: of a file's bytes, of a file's bytes while copying it, and
 * of a matrix's doubles (row-major, each as the 8 bytes of IEEE 754 binary64 in little-endian order: numpy's
 * {@code hashlib.sha256(np.ascontiguousarray(X, '<f8').tobytes())}).
 */
public final class Sha256 {
    private static final int CHUNK = 1 << 20;

    private Sha256() {}

    public static String ofFile(Path file) {
        return copy(file, null);
    }

    /** Copies file into out (when not null) and returns the digest of the bytes copied: the copy is what was hashed. */
    public static String copy(Path file, OutputStream out) {
        MessageDigest digest = digest();
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read; (read = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, read);
                if (out != null) out.write(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read (" + e.getMessage() + "). Check that the file exists and is readable.");
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String ofMatrix(Matrix m) {
        MessageDigest digest = digest();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int per = m.rowsPerBlock();
        for (int first = 0; first < m.rows(); first += per) {
            DoubleBuffer block = m.rowBlock(first, Math.min(per, m.rows() - first));
            for (int i = 0; i < block.capacity(); i++) {
                if (!chunk.hasRemaining()) {
                    digest.update(chunk.flip());
                    chunk.clear();
                }
                chunk.putDouble(block.get(i));
            }
        }
        digest.update(chunk.flip());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);   // Java SE requires it
        }
    }
}
