package overparam.lab.store;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;

/**
 * Read-only SQL on an experiment's store, for ./overparam sql and export. Read-only in fact, in four layers: the
 * statement must be one read (SELECT, WITH, VALUES, EXPLAIN, or a PRAGMA that only reads); the file is opened
 * read-only (SQLITE_OPEN_READONLY); the connection may attach no database (SQLITE_LIMIT_ATTACHED = 0, which also
 * stops VACUUM, whose INTO form would write a new file); and PRAGMA query_only is on. (SQLite's authorizer would
 * be the single door, but sqlite-jdbc does not expose it: xerial/sqlite-jdbc issue 1429.)
 */
public final class Query {
    /** The answer: column names and rows of text (null for SQL NULL). */
    public record Table(List<String> columns, List<List<String>> rows) {}

    public static final List<String> TABLES = List.of("experiment", "runs", "metrics", "run_values", "checks");
    /** PRAGMAs that only describe the store; any other (some write, query_only=0 would lift a layer) is refused. */
    static final Set<String> READ_PRAGMAS = Set.of("table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
            "foreign_key_list", "integrity_check", "quick_check", "database_list", "compile_options");
    private static final Set<String> READS = Set.of("SELECT", "WITH", "VALUES", "EXPLAIN");

    private Query() {}

    public static Table run(Path dir, String sql) {
        Path file = requireStore(dir);
        String refusal = notARead(sql);
        if (refusal != null) throw new BadInputException("\"" + shorten(sql) + "\": " + refusal);
        try (Connection c = openReadOnly(file); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData meta = r.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) columns.add(meta.getColumnLabel(i));
            List<List<String>> rows = new ArrayList<>();
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) row.add(r.getString(i));
                rows.add(row);
            }
            return new Table(columns, rows);
        } catch (SQLException e) {
            RuntimeException p = Store.problem(file, e);
            if (p instanceof BadInputException b) throw b;
            throw new BadInputException("the query failed: " + Store.firstLine(e.getMessage()) + ". The tables are " + schema(file) + ".");
        }
    }

    /**
     * How many cells the store says are {@code running} while no process holds the experiment's lock: cells of a
     * process that was killed, which the next run or report marks interrupted (sql, being read-only, cannot).
     */
    public static int staleRunning(Path dir) {
        if (ExperimentLock.isHeld(dir)) return 0;
        try {
            return Integer.parseInt(run(dir, "SELECT COUNT(*) FROM runs WHERE status = " + Store.RUNNING).rows().get(0).get(0));
        } catch (BadInputException e) {
            return 0;            // a store without the runs table: nothing is listed as running, and the query itself said so
        }
    }

    /** DIR/results.sqlite, after checking that DIR is an experiment's folder and the file a SQLite database; creates nothing. */
    static Path requireStore(Path dir) {
        if (!Files.isDirectory(dir))
            throw new BadInputException(dir + ": no such folder. Give the folder an experiment ran into (e.g. runs/du2019-depth).");
        Path file = dir.resolve(Store.FILE);
        if (!Files.isRegularFile(file))
            throw new BadInputException(dir + ": no " + Store.FILE + " there. Give the folder an experiment ran into (e.g. runs/du2019-depth).");
        Store.requireDatabaseHeader(file);
        return file;
    }

    static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        SQLiteConnection c = (SQLiteConnection) config.createConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            c.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
            s.execute("PRAGMA query_only=ON");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Why a text is not one read-only statement, or null when it is. Comments, string literals and quoted names are
     * skipped, so a ';' or a keyword inside them counts for nothing.
     */
    static String notARead(String sql) {
        List<String> statements = new ArrayList<>();
        for (String part : withoutLiterals(sql).split(";")) if (!part.isBlank()) statements.add(part.strip());
        if (statements.isEmpty()) return "no statement. Give one SELECT, e.g. \"SELECT cell, status FROM runs\".";
        if (statements.size() > 1)
            return statements.size() + " statements; sql runs one statement at a time. Remove the ';' between them and run each alone.";
        List<String> words = new ArrayList<>();
        for (String w : statements.get(0).split("[^A-Za-z0-9_.]+")) if (!w.isEmpty()) words.add(w);
        String first = words.isEmpty() ? "" : words.get(0).toUpperCase(Locale.ROOT);
        if (READS.contains(first)) return null;
        if (first.equals("PRAGMA")) {
            String name = words.size() > 1 ? words.get(1).toLowerCase(Locale.ROOT) : "";
            name = name.substring(name.lastIndexOf('.') + 1);              // main.table_info -> table_info
            if (READ_PRAGMAS.contains(name) && !statements.get(0).contains("=")) return null;
            return "PRAGMA " + name + " is refused: sql allows only the PRAGMAs that describe the store (" + String.join(", ", new TreeSet<>(READ_PRAGMAS))
                    + "), never one that sets a value.";
        }
        if (first.equals("ATTACH") || first.equals("DETACH"))
            return first + " is refused: sql reads this experiment's store and opens no other database. Query another store with its own ./overparam sql.";
        if (first.equals("VACUUM"))
            return "VACUUM is refused: it rewrites the store or writes a new file, and sql only reads. To copy the store, copy "
                    + Store.FILE + " while no run is writing it.";
        return (first.isEmpty() ? "not a statement" : first + " is not a read") + ": sql runs one SELECT (or WITH, VALUES, EXPLAIN, PRAGMA table_info)"
                + " and never changes the store. Copy " + Store.FILE + " to change a copy.";
    }

    /** The text with comments removed and string literals and quoted names blanked (to 'x'), so only SQL's own words and ';' remain. */
    private static String withoutLiterals(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0, n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') i++;
                out.append(' ');
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int endComment = sql.indexOf("*/", i + 2);
                i = endComment < 0 ? n : endComment + 2;
                out.append(' ');
            } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                i++;
                while (i < n) {
                    if (sql.charAt(i) == close) {
                        if (close != ']' && i + 1 < n && sql.charAt(i + 1) == close) i += 2;   // a doubled quote stays inside
                        else break;
                    } else i++;
                }
                i++;
                out.append(" x ");
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String shorten(String sql) {
        String one = sql.strip().replaceAll("\\s+", " ");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }

    /** Writes every table as DIR/export/TABLE.csv; returns the files. DIR must already be an experiment's folder. */
    public static List<Path> exportCsv(Path dir) {
        requireStore(dir);                                   // before anything is created: a wrong DIR leaves no trace
        List<Path> files = new ArrayList<>();
        List<Table> tables = new ArrayList<>();
        for (String t : TABLES) tables.add(run(dir, "SELECT * FROM " + t));    // every table read before any file is written
        try {
            Files.createDirectories(dir.resolve("export"));
            for (int i = 0; i < TABLES.size(); i++) {
                Path f = dir.resolve("export").resolve(TABLES.get(i) + ".csv");
                Table table = tables.get(i);
                AtomicFile.write(f, ch -> {                  // no half-written CSV under its real name (a full disk says so)
                    Writer w = new BufferedWriter(new OutputStreamWriter(AtomicFile.stream(ch), StandardCharsets.UTF_8));
                    writeCsv(table, w);
                    w.flush();
                });
                files.add(f);
            }
        } catch (IOException e) {
            throw new BadInputException(dir.resolve("export") + ": cannot be written (" + e.getMessage() + "). Check the free space and that the folder is writable.");
        }
        return files;
    }

    /** RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled; NULL is empty. */
    public static void writeCsv(Table t, Writer w) throws IOException {
        w.write(String.join(",", t.columns().stream().map(Query::csvField).toList()));
        w.write("\r\n");
        for (List<String> row : t.rows()) {
            w.write(String.join(",", row.stream().map(Query::csvField).toList()));
            w.write("\r\n");
        }
    }

    private static String csvField(String v) {
        if (v == null) return "";
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /** The tables with their columns, read from the store itself, so the message names what a query can use. */
    private static String schema(Path file) {
        StringBuilder out = new StringBuilder();
        try (Connection c = openReadOnly(file); Statement s = c.createStatement()) {
            for (String t : TABLES) {
                List<String> columns = new ArrayList<>();
                try (ResultSet r = s.executeQuery("PRAGMA table_info(" + t + ")")) { while (r.next()) columns.add(r.getString("name")); }
                out.append(out.length() == 0 ? "" : ", ").append(t).append('(').append(String.join(", ", columns)).append(')');
            }
        } catch (SQLException e) {
            return TABLES + " (see DESIGN.md)";
        }
        return out.toString();
    }

}
