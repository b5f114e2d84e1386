package overparam.lab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;

/** ./overparam sql is read-only in fact: nothing it is given writes the store or any other file. */
class QueryReadOnlyTest {
    @TempDir Path tmp;

    @Test
    void everyStatementThatIsNotAReadIsRefusedAndWritesNothing() throws Exception {
        Path dir = tmp.resolve("exp");
        StoreMisuseTest.write(dir, 2);
        byte[] before = Files.readAllBytes(dir.resolve(Store.FILE));
        Path copy = tmp.resolve("copy.sqlite"), other = tmp.resolve("other.sqlite");
        List<String> writes = List.of("VACUUM INTO '" + copy + "'", "vacuum", "ATTACH '" + other + "' AS o", "attach database '" + other + "' as o",
                "DETACH o", "INSERT INTO runs(experiment) VALUES ('x')", "DELETE FROM metrics", "UPDATE runs SET status = 'done'", "DROP TABLE checks",
                "CREATE TABLE t(x)", "CREATE TEMP TABLE t(x)", "PRAGMA query_only=0", "PRAGMA query_only(0)", "PRAGMA user_version=3", "PRAGMA journal_mode=DELETE",
                "REPLACE INTO checks VALUES ('a','b','c','d','e')", "SELECT 1; DELETE FROM runs", "SELECT 1;ATTACH '" + other + "' AS o", "REINDEX",
                "ANALYZE", "BEGIN", "", "  -- only a comment", "/* SELECT */ DELETE FROM runs");
        for (String sql : writes) {
            BadInputException e = assertThrows(BadInputException.class, () -> Query.run(dir, sql), sql);
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        assertFalse(Files.exists(copy), "VACUUM INTO wrote no file");
        assertFalse(Files.exists(other), "ATTACH created no file");
        assertTrue(Arrays.equals(before, Files.readAllBytes(dir.resolve(Store.FILE))), "the store is unchanged");
        // reads, including ones whose literals or comments hold ';' or a writing keyword
        assertEquals("2", Query.run(dir, "SELECT COUNT(*) FROM runs").rows().get(0).get(0));
        assertEquals("a;DELETE", Query.run(dir, "SELECT 'a;DELETE' -- ; DROP TABLE runs").rows().get(0).get(0));
        assertEquals(9, Query.run(dir, "PRAGMA table_info(runs)").rows().size());
        assertEquals("2", Query.run(dir, "WITH c AS (SELECT * FROM runs) SELECT COUNT(*) FROM c;").rows().get(0).get(0));
        assertNull(Query.notARead("EXPLAIN QUERY PLAN SELECT * FROM metrics"));
        assertNull(Query.notARead("values (1)"));
    }

    /** Each layer below the statement check holds on its own: what slipped past it still could not write. */
    @Test
    void theConnectionItselfCannotWriteAttachOrVacuum() throws Exception {
        Path dir = tmp.resolve("exp");
        StoreMisuseTest.write(dir, 1);
        Path copy = tmp.resolve("copy.sqlite"), other = tmp.resolve("other.sqlite");
        try (Connection c = Query.openReadOnly(dir.resolve(Store.FILE)); Statement s = c.createStatement()) {
            for (String sql : List.of("VACUUM INTO '" + copy + "'", "ATTACH '" + other + "' AS o", "INSERT INTO runs(experiment) VALUES ('x')", "DELETE FROM metrics"))
                assertThrows(SQLException.class, () -> s.execute(sql), sql);
            s.execute("PRAGMA query_only=0");                          // even with query_only lifted, the file is opened read-only
            assertThrows(SQLException.class, () -> s.execute("DELETE FROM metrics"));
        }
        assertFalse(Files.exists(copy));
        assertFalse(Files.exists(other));
        assertEquals(200, StoreMisuseTest.count(dir, "SELECT COUNT(*) FROM metrics WHERE name = 'loss'"));
    }

    @Test
    void exportIntoAFolderThatDoesNotExistCreatesNothing() {
        Path missing = tmp.resolve("no/such/experiment");
        BadInputException e = assertThrows(BadInputException.class, () -> Query.exportCsv(missing));
        assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("no")), "nothing created on the way");
        Path notAnExperiment = tmp.resolve("plain");
        assertThrows(BadInputException.class, () -> {
            Files.createDirectories(notAnExperiment);
            Query.exportCsv(notAnExperiment);
        });
        assertFalse(Files.exists(notAnExperiment.resolve("export")));
    }
}
