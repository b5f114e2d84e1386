package overparam.lab.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.core.BadInputException;
import overparam.core.nn.RunStatus;

/**
 * What an experiment's folder holds, read without writing anything (the store opened read-only, as sql opens it): the
 * spec it ran with, its finished cells and its verdicts as the last run or report recorded them. Numbers are read as
 * doubles, never through text, so two stores can be compared bit for bit.
 */
public record StoredExperiment(String spec, Results results, List<Store.CheckRow> checks) {
    public StoredExperiment {
        checks = List.copyOf(checks);
    }

    /** DIR's store, read-only; refused (exit 2) when DIR holds no intact store or the store holds no experiment. */
    public static StoredExperiment read(Path dir) {
        Path file = Query.requireStore(dir);
        try (Connection db = Query.openReadOnly(file)) {
            String spec = null;
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT spec FROM experiment LIMIT 1")) {
                if (r.next()) spec = r.getString(1);
            }
            if (spec == null) throw new BadInputException(dir + ": its store holds no experiment yet. Run one into it first.");
            return new StoredExperiment(spec, Results.read(db, unfinished(db)), checks(db));
        } catch (SQLException e) {
            throw Store.problem(file, e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the results store " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, RunStatus> unfinished(Connection db) throws SQLException {
        Map<String, RunStatus> out = new LinkedHashMap<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT cell, status FROM runs WHERE status NOT IN (" + Store.FINISHED + ") ORDER BY run_id")) {
            while (r.next()) out.put(r.getString(1), RunStatus.parse(r.getString(2)));
        }
        return out;
    }

    /** The checks table; a store from before verdicts had numbers lacks their columns, read as NaN and null. */
    private static List<Store.CheckRow> checks(Connection db) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(checks)")) {
            while (r.next()) columns.add(r.getString("name"));
        }
        List<Store.CheckRow> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM checks ORDER BY rowid")) {
            while (r.next())
                out.add(new Store.CheckRow(r.getString("name"), r.getString("verdict"), r.getString("measured"), r.getString("expected"),
                        number(r, columns, "estimate"), number(r, columns, "ci_low"), number(r, columns, "ci_high"),
                        (int) number(r, columns, "cells_used"), (int) number(r, columns, "cells_expected"), seedsNeeded(r, columns), text(r, columns, "note")));
        }
        return out;
    }

    private static double number(ResultSet r, List<String> columns, String name) throws SQLException {
        if (!columns.contains(name)) return Double.NaN;
        double v = r.getDouble(name);
        return r.wasNull() ? Double.NaN : v;
    }

    private static Integer seedsNeeded(ResultSet r, List<String> columns) throws SQLException {
        double v = number(r, columns, "seeds_needed");
        return Double.isNaN(v) ? null : (int) v;
    }

    private static String text(ResultSet r, List<String> columns, String name) throws SQLException {
        return columns.contains(name) ? r.getString(name) : null;
    }
}
