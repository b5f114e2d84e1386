package overparam.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import overparam.core.linalg.Matrix;

/**
 * Matrix tiles by name, held in memory up to a budget and on disk beyond it: what an out-of-core computation keeps.
 * A tile put {@link Residency#DISK} is written to its own file in one piece ({@link AtomicFile}: a temporary file,
 * forced, renamed), so a killed computation finds exactly its finished tiles again ({@link #has}). A tile put
 * {@link Residency#MEMORY} stays resident while the budget allows, and spills to a file when it does not.
 *
 * <p>Files hold the tile's doubles row-major in the machine's byte order, with no header: the caller knows every
 * tile's shape (its grid), and a file of the wrong length is refused on reading. They are scratch of one machine, not
 * an exchange format (the lab writes results as .npy).
 */
public final class TileStore implements AutoCloseable {
    /** Where a tile goes: to its file (durable, for resuming), or to memory while the budget allows (else its file). */
    public enum Residency { DISK, MEMORY }

    private final Path dir;
    private final long budgetBytes;
    private final Map<String, Matrix> resident = new HashMap<>();
    private long residentBytes, spilled, read;

    /** A store over folder dir (created if absent) keeping at most budgetBytes of tiles in memory. */
    public TileStore(Path dir, long budgetBytes) {
        this.dir = dir;
        this.budgetBytes = budgetBytes;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path folder() { return dir; }

    /** Whether the tile exists, in memory or as a finished file. */
    public boolean has(String name) {
        return resident.containsKey(name) || hasFile(dir, name);
    }

    /** Whether folder dir holds the finished file of the tile (without making a store, which creates the folder). */
    public static boolean hasFile(Path dir, String name) {
        return Files.isRegularFile(file(dir, name));
    }

    /**
     * Keeps the tile under the name. DISK writes it (atomically) and leaves the tile to the caller; MEMORY takes it over
     * if it fits the budget (the caller must not close or reuse it), else writes it and leaves it to the caller.
     * Returns whether the store took the tile over.
     */
    public boolean put(String name, Matrix tile, Residency where) {
        if (where == Residency.MEMORY && residentBytes + bytes(tile) <= budgetBytes) {
            Matrix old = resident.put(name, tile);
            if (old != null) { residentBytes -= bytes(old); old.close(); }
            residentBytes += bytes(tile);
            return true;
        }
        if (where == Residency.MEMORY) spilled++;
        write(file(name), tile);
        return false;
    }

    /** The tile: resident, or read from its file into scratch (which must have its shape) and returned as scratch. */
    public Matrix get(String name, Matrix scratch) {
        Matrix m = resident.get(name);
        if (m != null) return m;
        read(file(name), scratch);
        read++;
        return scratch;
    }

    /** Forgets the tile: frees it, deletes its file. */
    public void remove(String name) {
        Matrix m = resident.remove(name);
        if (m != null) { residentBytes -= bytes(m); m.close(); }
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes of tiles held in memory now. */
    public long residentBytes() { return residentBytes; }

    /** How many MEMORY tiles went to disk for want of budget, and how many tile reads came from disk. */
    public long spilled() { return spilled; }

    public long reads() { return read; }

    /** Frees the resident tiles (files stay). */
    @Override public void close() {
        for (Matrix m : resident.values()) m.close();
        resident.clear();
        residentBytes = 0;
    }

    /** Bytes of one tile of rows x cols doubles. */
    public static long bytes(long rows, long cols) { return rows * cols * Double.BYTES; }

    private static long bytes(Matrix m) { return bytes(m.rows(), m.cols()); }

    private Path file(String name) { return file(dir, name); }

    private static Path file(Path dir, String name) { return dir.resolve(name + ".tile"); }

    /** The tile's doubles into a new file, in one piece. */
    public static void write(Path file, Matrix tile) {
        AtomicFile.write(file, ch -> {
            int step = tile.rowsPerBlock();
            for (int r = 0; r < tile.rows(); r += step) {
                ByteBuffer b = tile.rowBytes(r, Math.min(step, tile.rows() - r));
                while (b.hasRemaining()) ch.write(b);
            }
        });
    }

    /** A file made by {@link #write} into a tile of its shape (refused when the file's length differs). */
    public static void read(Path file, Matrix tile) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() != bytes(tile))
                throw new IllegalStateException(file + ": " + ch.size() + " bytes, a " + tile.rows() + " x " + tile.cols() + " tile has " + bytes(tile));
            int step = tile.rowsPerBlock();
            for (int r = 0; r < tile.rows(); r += step) {
                ByteBuffer b = tile.rowBytes(r, Math.min(step, tile.rows() - r));
                while (b.hasRemaining()) if (ch.read(b) < 0) throw new IllegalStateException(file + ": ends early");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
