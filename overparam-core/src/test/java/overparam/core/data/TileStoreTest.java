package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.linalg.Matrix;

class TileStoreTest {
    @TempDir Path dir;

    static Matrix counting(int rows, int cols) {
        Matrix m = Matrix.zeros(rows, cols);
        for (int i = 0; i < m.size(); i++) m.set(i, i * 0.5 - 3);
        return m;
    }

    @Test
    void diskTilesRoundTripAndSurviveTheStore() {
        try (Matrix t = counting(3, 4); Matrix back = Matrix.zeros(3, 4)) {
            try (TileStore s = new TileStore(dir, Long.MAX_VALUE)) {
                assertFalse(s.put("a", t, TileStore.Residency.DISK));
            }
            try (TileStore again = new TileStore(dir, Long.MAX_VALUE)) {    // a new process finds the finished tile
                assertTrue(again.has("a"));
                assertFalse(again.has("b"));
                assertSame(back, again.get("a", back));
                for (int i = 0; i < 12; i++) assertEquals(t.get(i), back.get(i), 0.0);
                again.remove("a");
                assertFalse(again.has("a"));
            }
        }
    }

    @Test
    void memoryTilesStayWithinTheBudgetAndSpillBeyondIt() {
        try (TileStore s = new TileStore(dir, TileStore.bytes(2, 2) * 2); Matrix scratch = Matrix.zeros(2, 2)) {
            Matrix a = counting(2, 2), b = counting(2, 2), c = counting(2, 2);
            assertTrue(s.put("a", a, TileStore.Residency.MEMORY));
            assertTrue(s.put("b", b, TileStore.Residency.MEMORY));
            assertFalse(s.put("c", c, TileStore.Residency.MEMORY), "over the budget: to disk, left to the caller");
            c.close();
            assertEquals(TileStore.bytes(2, 2) * 2, s.residentBytes());
            assertEquals(1, s.spilled());
            assertSame(a, s.get("a", scratch));
            assertSame(scratch, s.get("c", scratch));
            assertEquals(1, s.reads());
            assertEquals(-1.5, scratch.get(3), 0.0);
        }
    }

    @Test
    void aFileOfTheWrongLengthIsRefused() throws Exception {
        Files.write(dir.resolve("x.tile"), new byte[17]);
        try (TileStore s = new TileStore(dir, 0); Matrix m = Matrix.zeros(2, 2)) {
            assertTrue(assertThrows(IllegalStateException.class, () -> s.get("x", m)).getMessage().contains("17 bytes"));
        }
    }
}
