package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunStatusTest {
    /** The words are what summary.json and the store's runs.status hold: scripts read them, so they are pinned here. */
    @Test
    void wordsRoundTrip() {
        assertEquals(List.of("running", "done", "diverged"), List.of(RunStatus.RUNNING.word(), RunStatus.DONE.word(), RunStatus.DIVERGED.word()));
        for (RunStatus s : RunStatus.values()) assertEquals(s, RunStatus.parse(s.word()));
        assertThrows(IllegalArgumentException.class, () -> RunStatus.parse("DONE"));
        assertFalse(RunStatus.RUNNING.finished());
        assertFalse(RunStatus.INTERRUPTED.finished(), "an interrupted cell has no result: the store forgets it on --resume");
        assertEquals("interrupted", RunStatus.INTERRUPTED.word());
        assertTrue(RunStatus.DONE.finished() && RunStatus.DIVERGED.finished());
    }
}
