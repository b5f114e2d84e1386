package overparam.lab.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import overparam.core.nn.RunStatus;

/**
 * Every finished cell of an experiment, read from its store, and every cell its spec plans (finished or not): what
 * checks and reports work on. A check counts the cells it used against the planned ones, so that a verdict on a
 * partial experiment (cells not run yet, interrupted, diverged) says so. {@code unfinished} are the cells the store
 * holds without a result (interrupted by a killed process, or running now), key -> status: no check or figure sees
 * them, so a report counts them as missing.
 */
public record Results(String experiment, List<CellResult> cells, List<PlannedCell> planned, Map<String, RunStatus> unfinished) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Results {
        cells = List.copyOf(cells);
        planned = List.copyOf(planned);
        unfinished = Collections.unmodifiableMap(new LinkedHashMap<>(unfinished));
    }

    /** Results whose plan is exactly the cells finished (an experiment that searches, rather than sweeps, its cells). */
    public Results(String experiment, List<CellResult> cells) {
        this(experiment, cells, cells.stream().map(c -> new PlannedCell(c.cell(), c.config())).toList(), Map.of());
    }

    /** Results with a plan of their own and nothing unfinished. */
    public Results(String experiment, List<CellResult> cells, List<PlannedCell> planned) {
        this(experiment, cells, planned, Map.of());
    }

    /** The store's finished cells, with the cells the spec plans; null plans the finished cells. */
    public static Results read(Store store, List<PlannedCell> planned) {
        Results r = read(store);
        return planned == null ? r : new Results(r.experiment(), r.cells(), planned, r.unfinished());
    }

    /** How many unfinished cells have this status. */
    public long unfinished(RunStatus status) {
        return unfinished.values().stream().filter(s -> s == status).count();
    }

    public static Results read(Store store) {
        synchronized (store) {
            try {
                return read(store.connection(), store.unfinishedCells());
            } catch (SQLException e) {
                throw Store.problem(store.file(), e);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot read the results store " + store.file() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The finished cells a connection's store holds (read-only or not), with the unfinished cells given. */
    static Results read(Connection db, Map<String, RunStatus> unfinished) throws SQLException, java.io.IOException {
        try (Statement s = db.createStatement()) {
            String experiment = "";
            try (ResultSet r = s.executeQuery("SELECT name FROM experiment LIMIT 1")) { if (r.next()) experiment = r.getString(1); }
            Map<Long, Map<String, Double>> values = new HashMap<>();
            try (ResultSet r = s.executeQuery("SELECT run_id, name, value FROM run_values")) {
                while (r.next()) values.computeIfAbsent(r.getLong(1), k -> new HashMap<>()).put(r.getString(2), nullable(r, 3));
            }
            Map<Long, Map<String, NavigableMap<Integer, Double>>> series = new HashMap<>();
            try (ResultSet r = s.executeQuery("SELECT run_id, step, name, value FROM metrics")) {
                while (r.next())
                    series.computeIfAbsent(r.getLong(1), k -> new HashMap<>()).computeIfAbsent(r.getString(3), k -> new TreeMap<>())
                            .put(r.getInt(2), nullable(r, 4));
            }
            List<CellResult> cells = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT run_id, cell, config, status FROM runs WHERE status IN (" + Store.FINISHED + ") ORDER BY run_id")) {
                while (r.next()) {
                    long id = r.getLong(1);
                    cells.add(new CellResult(id, r.getString(2), JSON.readTree(r.getString(3)), RunStatus.parse(r.getString(4)),
                            values.getOrDefault(id, Map.of()), series.getOrDefault(id, Map.of())));
                }
            }
            return new Results(experiment, cells, cells.stream().map(c -> new PlannedCell(c.cell(), c.config())).toList(), unfinished);
        }
    }

    private static Double nullable(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? null : v;
    }

    /** The cells a filter keeps. */
    public List<CellResult> where(Predicate<? super CellResult> filter) {
        return cells.stream().filter(filter).toList();
    }

    /** How many planned cells a filter keeps, finished or not. */
    public int planned(Predicate<? super PlannedCell> filter) {
        return (int) planned.stream().filter(filter).count();
    }

    /** Cells grouped by the text of a configuration field, in order of first appearance. */
    public static Map<String, List<CellResult>> groupBy(List<CellResult> cells, String field) {
        Map<String, List<CellResult>> g = new LinkedHashMap<>();
        for (CellResult c : cells) g.computeIfAbsent(c.field(field), k -> new ArrayList<>()).add(c);
        return g;
    }
}
