package overparam.lab.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import overparam.core.BadInputException;

/** Read-only SQL on an experiment's store, for ./overparam sql and export. */
public final class Query {
    /** The answer: column names and rows of text (null for SQL NULL). */
    public record Table(List<String> columns, List<List<String>> rows) {}

    public static final List<String> TABLES = List.of("experiment", "runs", "metrics", "run_values", "checks");

    private Query() {}

    public static Table run(Path dir, String sql) {
        Path file = dir.resolve(Store.FILE);
        if (!Files.isRegularFile(file))
            throw new BadInputException(dir + ": no " + Store.FILE + " there. Give the folder an experiment ran into (e.g. runs/du2019-depth).");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
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
            throw new BadInputException("the query failed: " + firstLine(e.getMessage()) + ". The tables are " + schema(file) + ".");
        }
    }

    /** Writes every table as DIR/export/TABLE.csv; returns the files. */
    public static List<Path> exportCsv(Path dir) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir.resolve("export"));
            for (String t : TABLES) {
                Path f = dir.resolve("export").resolve(t + ".csv");
                try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) { writeCsv(run(dir, "SELECT * FROM " + t), w); }
                files.add(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro"); Statement s = c.createStatement()) {
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

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").trim();
    }
}
