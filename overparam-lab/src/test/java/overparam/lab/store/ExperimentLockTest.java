package overparam.lab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;

/** One process at a time per experiment folder; a killed holder leaves no stale lock. */
class ExperimentLockTest {
    @TempDir Path tmp;

    @Test
    void aSecondHolderInThisProcessIsRefusedUntilTheFirstLetsGo() {
        Optional<ExperimentLock> first = ExperimentLock.tryAcquire(tmp, "first");
        assertTrue(first.isPresent());
        assertTrue(ExperimentLock.isHeld(tmp));
        assertTrue(ExperimentLock.tryAcquire(tmp, "second").isEmpty());
        assertTrue(ExperimentLock.isHeld(tmp), "a refused attempt does not release the holder's lock");
        BadInputException e = assertThrows(BadInputException.class, () -> ExperimentLock.acquire(tmp, "second"));
        assertTrue(e.getMessage().contains("in use by another overparam process") && e.getMessage().contains(": first"), e.getMessage());
        first.get().close();
        assertFalse(ExperimentLock.isHeld(tmp));
        ExperimentLock.acquire(tmp, "third").close();
    }

    /** A child JVM takes the lock; while it lives nobody else gets it; SIGKILL frees it (no stale lock, no cleanup). */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anotherProcessHoldsItUntilItIsKilled() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), tmp.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            assertTrue(ExperimentLock.isHeld(tmp));
            assertTrue(ExperimentLock.tryAcquire(tmp, "parent").isEmpty());
            BadInputException e = assertThrows(BadInputException.class, () -> ExperimentLock.acquire(tmp, "parent"));
            assertTrue(e.getMessage().contains("pid " + child.pid()) && e.getMessage().contains("child holder"), "names the holder: " + e.getMessage());
            assertTrue(ExperimentLock.isHeld(tmp), "probing does not free the child's lock");
        } finally {
            child.destroyForcibly();                                    // SIGKILL: no shutdown hook runs
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertFalse(ExperimentLock.isHeld(tmp));
        ExperimentLock.acquire(tmp, "after the kill").close();
    }

    /** Takes the lock of args[0], says so, and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            ExperimentLock.acquire(Path.of(args[0]), "child holder");
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
