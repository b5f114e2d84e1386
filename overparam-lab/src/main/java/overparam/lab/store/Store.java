package overparam.lab.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import overparam.core.BadInputException;
import overparam.core.nn.RunStatus;
import overparam.lab.run.Provenance;

/**
 * The results store of an experiment: {@code results.sqlite} in its folder, SQLite in WAL mode (the default store
 * of MLflow and Optuna; Python's sqlite3 and pandas read it with no extra package). Tables (DESIGN.md):
 * <pre>
 *   runs(run_id, experiment, cell, config, seed, status, started_at, finished_at, version)
 *   metrics(run_id, step, name, value)        one row per recorded step and scalar metric
 *   checks(experiment, name, verdict, measured, expected, estimate, ci_low, ci_high, cells_used, cells_expected,
 *          seeds_needed, note)     verdict HOLDS, FAILS or INCONCLUSIVE; seeds_needed null where decided
 *   run_values(run_id, name, value)           per-run numbers: lambda_0, final loss, steps per second, ...
 *   runs also has one typed column per sweep variable (width INTEGER, eta REAL, activation TEXT): {@link SweepColumns}
 *   experiment(name, spec, started_at, version)
 *   provenance(invocation, command, started_at, finished_at, elapsed_seconds, overparam, git_commit, git_dirty, cpu, cores,
 *              memory_bytes, blas, java, os)     one row per run (and --resume) of the experiment: who computed the results, where
 * </pre>
 * Crash safety: a cell's row says {@code running} until one transaction writes all its metrics and marks it
 * done (or diverged); a kill at any moment leaves either a finished cell or one that is visibly unfinished, which
 * the next holder of the experiment's lock marks {@code interrupted} and {@link #forgetUnfinished} clears for a
 * rerun. Only the process holding {@link ExperimentLock} writes cells. One connection serves every thread, under a lock.
 */
public final class Store implements AutoCloseable {
    public static final String FILE = "results.sqlite";
    /** The status words as SQL literals: 'running', and the finished ones as a list ('done', 'diverged'). */
    static final String RUNNING = literal(RunStatus.RUNNING),
            FINISHED = Stream.of(RunStatus.values()).filter(RunStatus::finished).map(Store::literal).collect(Collectors.joining(", "));
    private final Connection db;
    private final Path file;

    private Store(Connection db, Path file) {
        this.db = db;
        this.file = file;
    }

    /**
     * Opens DIR/results.sqlite, creating it when absent. An existing file must be an intact SQLite database (its
     * header, then PRAGMA quick_check): a corrupt or truncated store is refused naming the file (exit 2) before
     * anything reads or writes it.
     */
    public static Store open(Path dir) {
        Path file = dir.resolve(FILE);
        boolean existed = Files.exists(file);
        if (existed) requireDatabaseHeader(file);
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");      // in WAL mode a committed transaction survives the process being killed
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA foreign_keys=ON");          // a metric row cannot outlive (or precede) its run's row
                if (existed) quickCheck(s, file);
                s.execute("CREATE TABLE IF NOT EXISTS experiment(name TEXT NOT NULL, spec TEXT NOT NULL, started_at TEXT NOT NULL, version TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS runs(run_id INTEGER PRIMARY KEY AUTOINCREMENT, experiment TEXT NOT NULL, cell TEXT NOT NULL UNIQUE,"
                        + " config TEXT NOT NULL, seed INTEGER, status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, version TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS metrics(run_id INTEGER NOT NULL REFERENCES runs(run_id), step INTEGER NOT NULL, name TEXT NOT NULL, value REAL)");
                s.execute("CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics(run_id, name, step)");
                s.execute("CREATE TABLE IF NOT EXISTS run_values(run_id INTEGER NOT NULL REFERENCES runs(run_id), name TEXT NOT NULL, value REAL)");
                s.execute("CREATE TABLE IF NOT EXISTS checks(experiment TEXT NOT NULL, name TEXT NOT NULL, verdict TEXT NOT NULL, measured TEXT, expected TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS provenance(invocation INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT, started_at TEXT NOT NULL,"
                        + " finished_at TEXT, elapsed_seconds REAL, overparam TEXT, git_commit TEXT, git_dirty TEXT, cpu TEXT, cores INTEGER,"
                        + " memory_bytes INTEGER, blas TEXT, java TEXT, os TEXT)");
                addCheckNumbers(s);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return new Store(c, file);
        } catch (SQLException e) {
            throw problem(file, e);
        }
    }

    /** The checks table's numbers, added to a store written before verdicts had intervals (its rows are rewritten by report). */
    private static void addCheckNumbers(Statement s) throws SQLException {
        List<String> have = new ArrayList<>();
        try (ResultSet r = s.executeQuery("PRAGMA table_info(checks)")) { while (r.next()) have.add(r.getString("name")); }
        for (String column : CheckRow.NUMBERS)
            if (!have.contains(column.split(" ")[0])) s.execute("ALTER TABLE checks ADD COLUMN " + column);
    }

    /** Refuses a file that is not a SQLite database at all: empty, or not starting with SQLite's 16-byte header. */
    static void requireDatabaseHeader(Path file) {
        byte[] expected = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), head = new byte[expected.length];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read (" + e.getMessage() + "). Check that it is a readable file.");
        }
        if (read == 0) throw corrupt(file, "the file is empty (0 bytes): it was truncated");
        if (read < head.length || !Arrays.equals(head, expected)) throw corrupt(file, "not a SQLite database (its first bytes are not SQLite's header)");
    }

    private static void quickCheck(Statement s, Path file) throws SQLException {
        try (ResultSet r = s.executeQuery("PRAGMA quick_check(1)")) {
            String answer = r.next() ? r.getString(1).replaceAll("\\s+", " ").strip() : "no answer";
            if (!"ok".equals(answer)) throw corrupt(file, "PRAGMA quick_check says: " + answer);
        }
    }

    /** The refusal for a store that is damaged: names the file and what to do (exit 2, no stack trace). */
    static BadInputException corrupt(Path file, String why) {
        return new BadInputException(file + ": the results store is corrupt (" + why.replaceAll("\\s+", " ").strip() + "). Restore it from a copy, or move it away and"
                + " run the experiment again into a new --out (each cell's own files are under cells/).");
    }

    /**
     * A SQLite failure as the user should see it: a damaged or unopenable file is bad input naming the file (exit 2),
     * anything else an internal error.
     */
    static RuntimeException problem(Path file, SQLException e) {
        int code = e.getErrorCode() & 0xff;
        String message = firstLine(e.getMessage());
        // sqlite-jdbc writes "[SQLITE_CORRUPT] The database disk image is malformed (database disk image is malformed)"
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\[(SQLITE_\\w+)\\][^(]*\\((.*)\\)$").matcher(message);
        if (m.matches()) message = m.group(2) + ", " + m.group(1);
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return corrupt(file, message);
        if (code == SQLITE_CANTOPEN || code == SQLITE_IOERR)
            return new BadInputException(file + ": cannot be opened or read (" + message + "). Check that it is a readable file in a writable folder.");
        return new IllegalStateException("results store " + file + ": " + e.getMessage(), e);
    }

    private static final int SQLITE_IOERR = 10, SQLITE_CORRUPT = 11, SQLITE_CANTOPEN = 14, SQLITE_NOTADB = 26;

    static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").trim();
    }

    /** The experiment's spec as first stored, or null for a new store. */
    public synchronized String storedSpec() {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT spec FROM experiment LIMIT 1")) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized void recordExperiment(String name, String spec, String version) {
        update("INSERT INTO experiment(name, spec, started_at, version) VALUES (?, ?, ?, ?)", name, spec, Instant.now().toString(), version);
    }

    /** An invocation that computes results (run, run --resume) begins: its provenance row, whose id {@link #finishProvenance} takes. */
    public synchronized long recordProvenance(Provenance p) {
        try (PreparedStatement st = db.prepareStatement("INSERT INTO provenance(command, started_at, overparam, git_commit, git_dirty, cpu, cores,"
                + " memory_bytes, blas, java, os) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            Provenance.Machine m = p.machine();
            Object[] values = {p.command(), p.startedAt().toString(), p.version(), p.gitCommit(), p.gitDirty(), m.cpu(), m.cores(), m.memoryBytes(),
                    m.blas(), m.java(), m.os()};
            for (int i = 0; i < values.length; i++) st.setObject(i + 1, values[i]);
            st.executeUpdate();
            try (ResultSet k = st.getGeneratedKeys()) { k.next(); return k.getLong(1); }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The invocation ended (its cells ran and the report is written): when, and how long it took. */
    public synchronized void finishProvenance(long invocation, Provenance p, Instant finishedAt) {
        update("UPDATE provenance SET finished_at = ?, elapsed_seconds = ? WHERE invocation = ?", finishedAt.toString(),
                java.time.Duration.between(p.startedAt(), finishedAt).toNanos() / 1e9, invocation);
    }

    /** One row of the provenance table, for the report's header. */
    public record Invocation(String command, String startedAt, Double elapsedSeconds, String version, String gitCommit, String gitDirty,
                             String machine) {}

    /** The invocations that computed the results, oldest first. */
    public synchronized List<Invocation> invocations() {
        List<Invocation> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT command, started_at, elapsed_seconds, overparam, git_commit,"
                + " git_dirty, cpu, cores, memory_bytes, blas, java, os FROM provenance ORDER BY invocation")) {
            while (r.next()) {
                Provenance.Machine m = new Provenance.Machine(r.getString("cpu"), r.getInt("cores"), r.getLong("memory_bytes"), r.getString("blas"),
                        r.getString("java"), r.getString("os"));
                double elapsed = r.getDouble("elapsed_seconds");
                out.add(new Invocation(r.getString("command"), r.getString("started_at"), r.wasNull() ? null : elapsed, r.getString("overparam"),
                        r.getString("git_commit"), r.getString("git_dirty"), m.describe()));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    /** Cells already finished (done or diverged): their keys. */
    public synchronized List<String> finishedCells() {
        List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT cell FROM runs WHERE status IN (" + FINISHED + ")")) {
            while (r.next()) out.add(r.getString(1));
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    /**
     * Marks the cells a dead process left {@code running} as {@code interrupted}; returns their keys. Only the holder
     * of the experiment's lock may call it: holding the lock is what proves that no other process runs a cell, so every
     * {@code running} row is stale (see {@link ExperimentLock}).
     */
    public synchronized List<String> markInterrupted(ExperimentLock proof) {
        java.util.Objects.requireNonNull(proof, "the experiment's lock");
        return transaction(() -> {
            List<String> cells = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT cell FROM runs WHERE status = " + RUNNING + " ORDER BY run_id")) {
                while (r.next()) cells.add(r.getString(1));
            }
            try (Statement s = db.createStatement()) {
                s.executeUpdate("UPDATE runs SET status = " + literal(RunStatus.INTERRUPTED) + " WHERE status = " + RUNNING);
            }
            return cells;
        });
    }

    /** Cells the store holds that have no result (interrupted, or running in the process holding the lock): key -> status. */
    public synchronized Map<String, RunStatus> unfinishedCells() {
        Map<String, RunStatus> out = new java.util.LinkedHashMap<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT cell, status FROM runs WHERE status NOT IN (" + FINISHED + ") ORDER BY run_id")) {
            while (r.next()) out.put(r.getString(1), RunStatus.parse(r.getString(2)));
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    /**
     * Removes every trace of cells without a result (interrupted or left running: their rows, metrics and run values),
     * and metric rows of no run at all (which stores written before foreign keys were on can hold), in one transaction.
     */
    public synchronized List<String> forgetUnfinished() {
        String unfinished = "SELECT run_id FROM runs WHERE status NOT IN (" + FINISHED + ")";
        return transaction(() -> {
            List<String> cells = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT cell FROM runs WHERE status NOT IN (" + FINISHED + ")")) {
                while (r.next()) cells.add(r.getString(1));
            }
            try (Statement s = db.createStatement()) {
                s.execute("DELETE FROM metrics WHERE run_id IN (" + unfinished + ") OR run_id NOT IN (SELECT run_id FROM runs)");
                s.execute("DELETE FROM run_values WHERE run_id IN (" + unfinished + ") OR run_id NOT IN (SELECT run_id FROM runs)");
                s.execute("DELETE FROM runs WHERE status NOT IN (" + FINISHED + ")");
            }
            return cells;
        });
    }

    /** A cell starts: its row says running. Returns its run_id. */
    public synchronized long startCell(String experiment, String cell, String configJson, long seed, String version) {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO runs(experiment, cell, config, seed, status, started_at, version)"
                + " VALUES (?, ?, ?, ?, " + RUNNING + ", ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            p.setString(1, experiment); p.setString(2, cell); p.setString(3, configJson); p.setLong(4, seed);
            p.setString(5, Instant.now().toString()); p.setString(6, version);
            p.executeUpdate();
            try (ResultSet k = p.getGeneratedKeys()) { k.next(); return k.getLong(1); }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Adds the sweep variables' typed columns to {@code runs} (those it lacks; a store written before they existed gets
     * them too) and fills them for every cell of {@code values} (cell key -> the cell's values) the table holds.
     */
    public synchronized void recordSweepColumns(SweepColumns columns, Map<String, Map<String, Object>> values) {
        if (columns.columns().isEmpty()) return;
        transaction(() -> {
            List<String> have = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(runs)")) { while (r.next()) have.add(r.getString("name")); }
            try (Statement s = db.createStatement()) {
                for (SweepColumns.Column c : columns.columns())
                    if (!have.contains(c.name())) s.execute("ALTER TABLE runs ADD COLUMN " + quoted(c.name()) + " " + c.type());
            }
            for (Map.Entry<String, Map<String, Object>> e : values.entrySet()) setSweepValues(e.getKey(), e.getValue());
            return null;
        });
    }

    /** One cell's sweep-variable columns (which {@link #recordSweepColumns} has added). */
    public synchronized void recordSweepValues(String cell, Map<String, Object> values) {
        transaction(() -> {
            setSweepValues(cell, values);
            return null;
        });
    }

    private void setSweepValues(String cell, Map<String, Object> values) throws SQLException {
        if (values.isEmpty()) return;
        String set = values.keySet().stream().map(k -> quoted(k) + " = ?").collect(Collectors.joining(", "));
        try (PreparedStatement p = db.prepareStatement("UPDATE runs SET " + set + " WHERE cell = ?")) {
            int i = 1;
            for (Object v : values.values()) p.setObject(i++, v);
            p.setString(i, cell);
            p.executeUpdate();
        }
    }

    /** A column name as an SQL identifier: config field names are snake_case words, and quoting keeps any other name literal. */
    static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** One recorded step's scalar metrics. */
    public record StepRow(int step, Map<String, Double> values) {}

    /**
     * A cell ends: all its metrics and run values and its final status in one transaction (batched inserts). The row
     * must still say running: if another process forgot or finished it meanwhile, nothing is written (no metric rows
     * without a run, no run marked done twice).
     */
    public synchronized void finishCell(long runId, RunStatus status, List<StepRow> steps, Map<String, Double> runValues) {
        transaction(() -> {
            try (PreparedStatement m = db.prepareStatement("INSERT INTO metrics(run_id, step, name, value) VALUES (?, ?, ?, ?)")) {
                for (StepRow row : steps)
                    for (Map.Entry<String, Double> e : row.values().entrySet()) {
                        m.setLong(1, runId); m.setInt(2, row.step()); m.setString(3, e.getKey()); setNumber(m, 4, e.getValue());
                        m.addBatch();
                    }
                m.executeBatch();
            }
            try (PreparedStatement v = db.prepareStatement("INSERT INTO run_values(run_id, name, value) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, Double> e : runValues.entrySet()) {
                    v.setLong(1, runId); v.setString(2, e.getKey()); setNumber(v, 3, e.getValue());
                    v.addBatch();
                }
                v.executeBatch();
            }
            try (PreparedStatement u = db.prepareStatement("UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ? AND status = " + RUNNING)) {
                u.setString(1, status.word()); u.setString(2, Instant.now().toString()); u.setLong(3, runId);
                if (u.executeUpdate() != 1)
                    throw new SQLException("run " + runId + " is no longer running in " + file + " (another process cleared or finished it)");
            }
            return null;
        });
    }

    /** One row of the checks table: a verdict with its estimate, 95% interval and the cells it rests on. */
    public record CheckRow(String name, String verdict, String measured, String expected, double estimate, double ciLow, double ciHigh,
                           int cellsUsed, int cellsExpected, Integer seedsNeeded, String note) {
        static final List<String> NUMBERS = List.of("estimate REAL", "ci_low REAL", "ci_high REAL", "cells_used INTEGER",
                "cells_expected INTEGER", "seeds_needed INTEGER", "note TEXT");
    }

    /** Replaces the experiment's verdicts. */
    public synchronized void recordChecks(String experiment, List<CheckRow> verdicts) {
        transaction(() -> {
            try (PreparedStatement d = db.prepareStatement("DELETE FROM checks WHERE experiment = ?")) { d.setString(1, experiment); d.executeUpdate(); }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO checks(experiment, name, verdict, measured, expected, estimate, ci_low, ci_high,"
                    + " cells_used, cells_expected, seeds_needed, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (CheckRow v : verdicts) {
                    p.setString(1, experiment); p.setString(2, v.name()); p.setString(3, v.verdict()); p.setString(4, v.measured());
                    p.setString(5, v.expected());
                    setBound(p, 6, v.estimate()); setBound(p, 7, v.ciLow()); setBound(p, 8, v.ciHigh());
                    p.setInt(9, v.cellsUsed()); p.setInt(10, v.cellsExpected());
                    if (v.seedsNeeded() == null) p.setNull(11, java.sql.Types.INTEGER); else p.setInt(11, v.seedsNeeded());
                    p.setString(12, v.note());
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    /** The connection, for read-only queries (Results, the sql command). */
    public Connection connection() { return db; }

    private void update(String sql, Object... args) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) p.setObject(i + 1, args[i]);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static String literal(RunStatus status) {
        return "'" + status.word() + "'";
    }

    /** An interval's end: NaN (no estimate) as NULL, an infinite end (an interval open to one side) kept as such. */
    private static void setBound(PreparedStatement p, int index, double v) throws SQLException {
        if (Double.isNaN(v)) p.setNull(index, java.sql.Types.REAL);
        else p.setDouble(index, v);
    }

    private static void setNumber(PreparedStatement p, int index, Double v) throws SQLException {
        if (v == null || !Double.isFinite(v)) p.setNull(index, java.sql.Types.REAL);
        else p.setDouble(index, v);
    }

    /** Statements whose effects are committed together or not at all. */
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it fails. */
    private <T> T transaction(Work<T> work) {
        try {
            db.setAutoCommit(false);
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            try { db.rollback(); } catch (SQLException ignored) { /* the original failure is what matters */ }
            throw failure(e);
        } finally {
            try { db.setAutoCommit(true); } catch (SQLException e) { throw failure(e); }
        }
    }

    private RuntimeException failure(SQLException e) {
        return problem(file, e);
    }

    /** The store's file, DIR/results.sqlite. */
    public Path file() { return file; }

    @Override public void close() {
        try { db.close(); } catch (SQLException e) { throw failure(e); }
    }
}
