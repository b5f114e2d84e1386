package overparam.core.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import overparam.core.BadInputException;

/**
 * The one way every output file is written: into a temporary sibling {@code NAME.<random>.partial} in the same
 * folder, forced to the disk, then renamed onto {@code NAME} in one atomic step. So a file under its real name is
 * always complete: a full disk, a file-size limit or a killed process leaves at most a {@code .partial} file, never
 * a truncated weights_final.npz, K.npy, summary.json, metrics.jsonl or report.html.
 *
 * <p>A write that fails deletes its temporary file and says why in one line (a full disk is named as such). Only a
 * process killed mid-write leaves a {@code .partial} file behind; {@link #isPartial} recognises it as debris, which
 * is never a result: a run folder holding nothing else counts as empty.
 */
public final class AtomicFile {
    /** The suffix of every temporary file; nothing else the lab writes ends with it. */
    public static final String PARTIAL = ".partial";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFile() {}

    /** Writes a file's content into an open channel (positioned at 0); the channel is closed by {@link AtomicFile}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes {@code target} in one piece: a temporary file, forced, then renamed onto it (replacing it if it exists). */
    public static void write(Path target, Content content) {
        try (Pending p = begin(target)) {
            content.writeTo(p.channel());
            p.commit();
        } catch (IOException e) {
            throw failed(target, e);
        }
    }

    /**
     * The channel as a stream whose close() leaves the channel open (zip and gzip streams close what they wrap; the
     * channel must stay open until it is forced and renamed).
     */
    public static OutputStream stream(FileChannel channel) {
        OutputStream out = Channels.newOutputStream(channel);
        return new java.io.FilterOutputStream(out) {
            @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
            @Override public void close() throws IOException { flush(); }
        };
    }

    /** {@link #write} for text (UTF-8). */
    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, ch -> {
            var buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) ch.write(buffer);
        });
    }

    /**
     * A file being written over time (metrics.jsonl, one line per recorded step): its temporary file until
     * {@link Pending#commit}; closing it without a commit deletes the temporary file.
     */
    public static Pending begin(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            while (true) {
                // not Files.createTempFile: its files are private (0600); an output keeps the umask's permissions, as before
                Path tmp = dir.resolve(target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + PARTIAL);
                try {
                    return new Pending(target, tmp, FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
                } catch (java.nio.file.FileAlreadyExistsException taken) {
                    // another writer's temporary file: draw another name
                }
            }
        } catch (IOException e) {
            throw failed(target, e);
        }
    }

    /** A temporary file that becomes {@code target} on {@link #commit}. */
    public static final class Pending implements AutoCloseable {
        private final Path target, tmp;
        private final FileChannel channel;
        private OutputStream stream;
        private boolean done;

        private Pending(Path target, Path tmp, FileChannel channel) {
            this.target = target;
            this.tmp = tmp;
            this.channel = channel;
        }

        public FileChannel channel() { return channel; }

        /** The channel as a stream (unbuffered: wrap it in a buffer, and flush that before {@link #commit}). */
        public OutputStream stream() {
            if (stream == null) stream = AtomicFile.stream(channel);
            return stream;
        }

        /** The temporary file's name, for messages. */
        public Path temporary() { return tmp; }

        /** Forces the data to the disk and renames the temporary file onto the target: from now on it is complete. */
        public void commit() {
            try {
                channel.force(true);
                channel.close();
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                done = true;
            } catch (IOException e) {
                throw failed(target, e);
            }
        }

        /** Without a commit: deletes the temporary file (a failed write leaves nothing). */
        @Override public void close() {
            if (done) return;
            done = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // the write already failed; the file goes anyway
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a leftover .partial file is recognised as debris
            }
        }
    }

    /** Whether a file is a temporary file of an unfinished write (debris of a killed process, never a result). */
    public static boolean isPartial(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(PARTIAL);
    }

    /** Whether an I/O error means that the disk (or the process's file-size limit) is full. */
    public static boolean isNoSpace(IOException e) {
        String m = (e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage()))
                .toLowerCase(Locale.ROOT);
        return m.contains("no space left") || m.contains("file too large") || m.contains("disk quota exceeded");
    }

    /** The one-line refusal for a write that failed: a full disk is said plainly; nothing was left under the name. */
    public static BadInputException failed(Path target, IOException e) {
        if (isNoSpace(e)) {
            String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
            boolean sizeLimit = reason.toLowerCase(Locale.ROOT).contains("file too large");
            return new BadInputException(Npy.oneLine(target + ": cannot write it: " + (sizeLimit ? "it would pass the file-size limit" : "the disk is full")
                    + " (" + reason.strip() + "); nothing was left under that name. "
                    + (sizeLimit ? "Raise the limit (ulimit -f)" : "Free some space") + ", or write to another disk, and run the command again."), e);
        }
        return Npy.cannotWrite(target.toString(), e);
    }
}
