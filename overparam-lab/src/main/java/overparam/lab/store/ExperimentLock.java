package overparam.lab.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import overparam.core.BadInputException;

/**
 * The lock on an experiment's folder: {@code DIR/experiment.lock}, held with {@link FileChannel#tryLock} (an operating
 * system record lock) by the one process that runs the experiment or rewrites its report. The operating system
 * releases it when that process ends, however it ends (kill -9 included), so a killed run never leaves it stale and
 * nobody has to delete anything. The file itself stays: deleting a lock file races with a process that has just
 * opened it. Its text names the last holder (pid, start, command), for messages only.
 *
 * <p>How a stale {@code running} row is recognised: a process writes cells only while it holds this lock, so when a
 * process takes the lock, no other process is running any cell, and every {@code running} row in the store was left
 * by a process that died. The holder marks those rows {@code interrupted} ({@link Store#markInterrupted}).
 */
public final class ExperimentLock implements AutoCloseable {
    public static final String FILE = "experiment.lock";
    /*
     * Within one JVM the operating system's lock does not keep out a second channel of the same process, and closing
     * any channel on the file releases every lock the process holds on it (POSIX record locks). So the locks this JVM
     * holds are also kept here, and a second attempt from this JVM is answered from this map without opening the file.
     */
    private static final Map<Path, ExperimentLock> HELD = new HashMap<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;

    private ExperimentLock(Path key, FileChannel channel, FileLock lock, String holder) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /** Takes the lock of an existing folder, or refuses with a one-line message naming the process that holds it. */
    public static ExperimentLock acquire(Path dir, String command) {
        // a few tries over a fraction of a second: another command may be only probing the lock (isHeld)
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<ExperimentLock> lock = tryAcquire(dir, command);
            if (lock.isPresent()) return lock.get();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw inUse(dir);
    }

    /** The refusal when another process holds the lock: names it and says what to do. */
    public static BadInputException inUse(Path dir) {
        return new BadInputException(dir + ": in use by another overparam process (" + holder(dir) + "); two at once would mix their"
                + " cells in one store. Wait for it to finish, or stop it and then run again with --resume.");
    }

    /** Takes the lock, or returns empty when another process (or another command of this one) holds it. */
    public static synchronized Optional<ExperimentLock> tryAcquire(Path dir, String command) {
        Path key = key(dir);
        if (HELD.containsKey(key)) return Optional.empty();
        Path file = dir.resolve(FILE);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();      // this JVM holds no lock on the file (HELD says so), so closing releases nothing
                return Optional.empty();
            }
            String holder = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ": " + command;
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ExperimentLock held = new ExperimentLock(key, channel, lock, holder);
            HELD.put(key, held);
            return Optional.of(held);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be created or locked (" + e.getMessage() + "). Check that the folder is writable.");
        }
    }

    /**
     * Whether some process holds the lock now. Probes with a shared lock on a read-only channel, so it creates nothing;
     * a folder without the file has never been locked.
     */
    public static synchronized boolean isHeld(Path dir) {
        if (HELD.containsKey(key(dir))) return true;
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return false;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) return true;
            probe.release();
            return false;
        } catch (IOException | OverlappingFileLockException e) {
            return false;     // unreadable lock file: nobody can hold it through this file either
        }
    }

    /** Who holds (or last held) the lock, as its file says: "pid N, since T: COMMAND". */
    static synchronized String holder(Path dir) {
        try {
            ExperimentLock mine = HELD.get(key(dir));
            String text = mine != null ? mine.holder : Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "unknown process" : text;
        } catch (IOException e) {
            return "unknown process";
        }
    }

    private static Path key(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    @Override public void close() {
        synchronized (ExperimentLock.class) {
            HELD.remove(key);
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the process keeps the lock until it exits at worst; nothing is lost
            }
        }
    }
}
