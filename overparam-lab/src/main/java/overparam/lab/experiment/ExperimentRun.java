package overparam.lab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import overparam.core.BadInputException;
import overparam.core.nn.RunStatus;
import overparam.core.nn.TrainingListener;
import overparam.lab.check.Bound;
import overparam.lab.check.Threshold;
import overparam.lab.check.Verdict;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunPlan;
import overparam.lab.run.TrainRun;
import overparam.lab.run.Provenance;
import overparam.lab.run.Versions;
import overparam.lab.store.ExperimentLock;
import overparam.lab.store.Results;
import overparam.lab.store.Store;
import overparam.lab.store.SweepColumns;

/**
 * Runs an experiment into its folder: results.sqlite, one folder per cell (cells/KEY, the run folder of
 * `./overparam train`), report.html. Cells run on a {@link CellExecutor}: by default in-process on a pool sized so that
 * cells x BLAS threads <= cores; with run --executor spark, as Spark tasks whose results come back here to be stored.
 * Killed at any moment, the experiment resumes with {@code resume}: finished cells are kept, cells it was in the
 * middle of (marked interrupted) are cleared and redone. One process at a time holds the folder's {@link ExperimentLock}.
 */
public final class ExperimentRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Progress of a sweep. */
    public interface Listener {
        Listener NONE = new Listener() {};
        default void onStart(int cells, int alreadyDone) {}
        /** Cells a killed process left unfinished: marked interrupted, and rerun now. */
        default void onInterrupted(List<String> cells) {}
        default void onCellStart(String key) {}
        default void onCellDone(String key, RunStatus status, double seconds) {}
        /** Where a cell's steps go while it runs in this process (steps: how many it makes); called as it starts. */
        default TrainingListener onCellProgress(String key, int steps) { return TrainingListener.NONE; }
    }

    public record Outcome(Path dir, int cells, int reused, int diverged, List<Verdict> verdicts, Path report) {
        public boolean anyFails() { return verdicts.stream().anyMatch(Verdict::fails); }
    }

    private final ExperimentSpec spec;
    private final Path dir;
    private final Store store;
    private final Listener listener;
    private final CellExecutor executor;
    private final int threadsPerCell;
    private final Set<String> finished;
    /** The store's row of each cell running now, by key. */
    private final Map<String, Long> runIds = new ConcurrentHashMap<>();
    private int diverged;
    /** The sweep variables' typed columns of the runs table, filled as each cell starts. */
    private SweepColumns sweepColumns = new SweepColumns(List.of());

    private ExperimentRun(ExperimentSpec spec, Path dir, Store store, Listener listener, CellExecutor executor, Set<String> finished) {
        this.spec = spec;
        this.dir = dir;
        this.store = store;
        this.listener = listener;
        this.executor = executor;
        this.finished = finished;
        this.threadsPerCell = threadsPerCell(spec);
    }

    /** The BLAS threads of each cell: the spec's threads, 1 when it sets none (a sweep's parallelism is over cells). */
    static int threadsPerCell(ExperimentSpec spec) {
        Integer t = spec.base().threads();
        return t == null ? 1 : Math.max(1, t);
    }

    /**
     * Runs (or, with resume, finishes) the experiment. A new run needs a new or empty folder; resuming needs the
     * folder of the same experiment. Every cell is validated before any runs.
     */
    public static Outcome execute(ExperimentSpec spec, String specText, Path dir, boolean resume, Listener listener, String command) {
        return execute(spec, specText, dir, resume, false, listener, command);
    }

    /**
     * A sweep of more than {@link #MAX_CELLS_UNASKED} cells runs only with {@code yes} (run --yes): its size is known
     * from the axes before a cell is made. Every cell is then parsed and its memory estimated before any runs.
     */
    public static Outcome execute(ExperimentSpec spec, String specText, Path dir, boolean resume, boolean yes, Listener listener, String command) {
        return execute(spec, specText, dir, resume, yes, listener, command, InProcessExecutor::new);
    }

    /**
     * As above, with the cells on the executor {@code executors} opens (run --executor). It is opened after every cell is
     * validated and before the folder is touched, so that an executor it refuses (an unreachable Spark master) leaves
     * nothing behind; it is closed when the experiment ends, however it ends.
     */
    public static Outcome execute(ExperimentSpec spec, String specText, Path dir, boolean resume, boolean yes, Listener listener, String command,
                                  CellExecutor.Factory executors) {
        requireSweepSize(spec, yes);
        List<Cell> cells = spec.search() == null ? spec.cells() : new ArrayList<>(searchCells(spec, spec.search().low()));
        if (spec.search() != null) cells.addAll(searchCells(spec, Integer.highestOneBit(spec.search().high())));   // the widest runs first
        for (Cell c : cells) {
            try {
                TrainRun.requireResources(RunPlan.parse(c.config()));
            } catch (BadInputException e) {
                throw new BadInputException(spec.name() + ", cell " + c.key() + ": " + e.getMessage());
            }
        }
        checkFolder(dir, resume);                                                 // refused before an executor starts (Spark takes seconds)
        try (CellExecutor executor = executors.open(threadsPerCell(spec))) {
            return execute(spec, specText, dir, resume, listener, command, cells, executor);
        }
    }

    private static Outcome execute(ExperimentSpec spec, String specText, Path dir, boolean resume, Listener listener, String command,
                                   List<Cell> cells, CellExecutor executor) {
        prepareFolder(dir, resume);
        // One process at a time: a second run or --resume of this folder is refused while this one holds the lock;
        // the operating system releases it when this process ends, however it ends.
        try (ExperimentLock lock = ExperimentLock.acquire(dir, command)) {
            if (!resume) requireEmpty(dir);                                      // again, under the lock: no run started since
            createCells(dir);
            try (Store store = Store.open(dir)) {
                String stored = store.storedSpec();
                if (resume && stored != null && !stored.equals(specText))
                    throw new BadInputException("--resume " + dir + ": the folder holds a different version of " + spec.name()
                            + " (its spec changed). Run it into a new folder instead.");
                if (stored == null) store.recordExperiment(spec.name(), specText, Versions.overparam());
                Provenance provenance = Provenance.now(command);
                long invocation = store.recordProvenance(provenance);
                CommandLog.append(dir, provenance.startedAt(), command);
                store.markInterrupted(lock);                                      // we hold the lock: any running row is stale
                List<String> interrupted = store.forgetUnfinished();              // those, and any a report marked before
                if (!interrupted.isEmpty()) listener.onInterrupted(interrupted);
                for (String key : interrupted) deleteCellFolder(dir, key);
                ExperimentRun run = new ExperimentRun(spec, dir, store, listener, executor, new HashSet<>(store.finishedCells()));
                run.sweepColumns = SweepColumns.of(spec.sweptFields(), cells.stream().map(Cell::config).toList());
                Map<String, Map<String, Object>> known = new java.util.LinkedHashMap<>();   // a store from before the columns gets them filled
                for (Cell c : cells) known.put(c.key(), run.sweepColumns.values(c.config().withDefaults()));   // as the cell ran
                store.recordSweepColumns(run.sweepColumns, known);
                int reused = run.finished.size();
                if (spec.search() == null) run.runAll(spec.cells());
                else run.search();
                store.finishProvenance(invocation, provenance, java.time.Instant.now());
                Reporting.Outcome r = Reporting.evaluateAndWrite(spec, store, dir, command);
                return new Outcome(dir, r.results().cells().size(), reused, run.diverged, r.verdicts(), r.report());
            }
        }
    }

    /** The most cells a sweep may have without --yes: 10,000 (at a second a cell, about three hours). */
    public static final long MAX_CELLS_UNASKED = 10_000;
    /** Heap one cell may take while the sweep is validated and run: its configuration and key measured 0.3 kB; the rest is room for its plan, future and bookkeeping. */
    static final long HEAP_BYTES_PER_CELL = 4096;

    /** Refuses a sweep larger than {@link #MAX_CELLS_UNASKED} cells without --yes, and one whose cells alone would fill the heap. */
    static void requireSweepSize(ExperimentSpec spec, boolean yes) {
        if (spec.search() != null) return;
        long count = spec.cellCount();
        double heap = (double) count * HEAP_BYTES_PER_CELL;
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (count > Integer.MAX_VALUE - 8 || heap > maxHeap)
            throw new BadInputException(spec.name() + ": the sweep has " + (count == Long.MAX_VALUE ? "more than 9.2e18" : String.valueOf(count))
                    + " cells (" + spec.axesSizes() + "); their configurations alone would take " + overparam.core.linalg.Memory.format(heap)
                    + " of Java heap, more than the " + overparam.core.linalg.Memory.format(maxHeap) + " the JVM may take (Runtime.maxMemory),"
                    + " even with --yes. Split the sweep into several experiments.");
        if (count > MAX_CELLS_UNASKED && !yes)
            throw new BadInputException(spec.name() + ": the sweep has " + count + " cells (" + spec.axesSizes() + "), "
                    + duration(count) + " at a second a cell, more than the " + MAX_CELLS_UNASKED + " cells a run takes unasked."
                    + " Add --yes to run them all, or sweep fewer values.");
    }

    /** "about 11.6 days": a count of seconds in the unit a reader plans with. */
    static String duration(double seconds) {
        if (seconds < 2 * 3600) return String.format(java.util.Locale.ROOT, "about %.0f minutes", seconds / 60);
        if (seconds < 2 * 86400) return String.format(java.util.Locale.ROOT, "about %.1f hours", seconds / 3600);
        if (seconds < 2 * 365.25 * 86400) return String.format(java.util.Locale.ROOT, "about %.1f days", seconds / 86400);
        return String.format(java.util.Locale.ROOT, "about %.3g years", seconds / (365.25 * 86400));
    }

    private void runAll(List<Cell> cells) {
        List<Cell> todo = cells.stream().filter(c -> !finished.contains(c.key())).map(this::runnable).toList();
        listener.onStart(cells.size(), cells.size() - todo.size());
        if (todo.isEmpty()) return;
        executor.runAll(todo, new CellExecutor.Cells() {
            @Override public void started(Cell cell) { startCell(cell); }
            @Override public void finished(Cell cell, RunStatus status, double seconds) { finishCell(cell, status, seconds); }
            @Override public TrainingListener progress(Cell cell) { return listener.onCellProgress(cell.key(), cell.config().steps()); }
        });
    }

    /**
     * The cell as it runs: its folder under cells/ as out, the experiment's threads per cell, every default filled in, and
     * with --kernel-predict the experiment's kernel-cache/ folder, so that cells of one kernel and data set (a width x seed
     * sweep) share one converged solve, and a resumed experiment finds it (or its finished tiles) there.
     */
    private Cell runnable(Cell cell) {
        Path folder = dir.resolve("cells").resolve(cell.folderName());
        RunConfig config = cell.config().with("out", folder.toString()).with("threads", threadsPerCell);
        if (Boolean.TRUE.equals(config.kernelPredict())) config = config.with("kernel_cache", dir.resolve(KERNEL_CACHE).toString());
        return new Cell(cell.key(), config.withDefaults());
    }

    /** The folder of an experiment's shared kernel predictions (KernelPredictionCache). */
    public static final String KERNEL_CACHE = "kernel-cache";

    /** Bisection over powers of two in [low, high] for the smallest width where >= 1 - delta of the seeds succeed. */
    private void search() {
        ExperimentSpec.Search s = spec.search();
        List<Integer> widths = new ArrayList<>();
        for (long w = Integer.highestOneBit(s.low()); w <= s.high(); w *= 2) if (w >= s.low()) widths.add((int) w);   // long: 2^30 * 2 must not wrap
        int lo = 0, hi = widths.size() - 1;
        listener.onStart(widths.size() * s.seeds().size(), 0);
        if (!succeeds(widths.get(hi))) return;                                    // no threshold within the range
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (succeeds(widths.get(mid))) hi = mid; else lo = mid + 1;
        }
    }

    private boolean succeeds(int width) {
        List<Cell> cells = searchCells(spec, width);
        runAll(cells);
        Set<String> keys = new HashSet<>();
        for (Cell c : cells) keys.add(c.key());
        var results = Results.read(store).where(c -> keys.contains(c.cell()));
        double slack = spec.search().slack() == null ? Bound.DEFAULT_SLACK : spec.search().slack();
        long ok = results.stream().filter(c -> Threshold.success(c, slack)).count();
        return Threshold.enough(ok, results.size(), spec.search().delta());
    }

    static List<Cell> searchCells(ExperimentSpec spec, int value) {
        List<Cell> cells = new ArrayList<>();
        String field = spec.search().field() == null ? "width" : spec.search().field();
        for (long seed : spec.search().seeds()) {
            Map<String, Object> chosen = new LinkedHashMap<>();
            chosen.put(field, value);
            chosen.put("seed", seed);
            cells.add(new Cell(Cell.key(chosen), spec.base().with(field, value).with("seed", seed)));
        }
        return cells;
    }

    private void startCell(Cell cell) {
        listener.onCellStart(cell.key());
        deleteRecursively(Path.of(cell.config().out()));                          // a half-written cell is redone
        RunConfig config = cell.config();
        runIds.put(cell.key(), store.startCell(spec.name(), cell.key(), config.toJson().toString(), config.seed(), Versions.overparam()));
        store.recordSweepValues(cell.key(), sweepColumns.values(config));
    }

    private void finishCell(Cell cell, RunStatus status, double seconds) {
        if (status == RunStatus.DIVERGED) synchronized (this) { diverged++; }
        CellFiles files = CellFiles.read(Path.of(cell.config().out()));
        store.finishCell(runIds.remove(cell.key()), status, files.steps(), files.values());
        listener.onCellDone(cell.key(), status, seconds);
    }

    /** Refusals that need no lock, before anything is created; then the folder itself, so that it can be locked. */
    private static void prepareFolder(Path dir, boolean resume) {
        checkFolder(dir, resume);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException("--out " + dir + ": cannot be used (" + e.getMessage() + "). Choose a writable folder.");
        }
    }

    /** The refusals of {@link #prepareFolder} that need no lock and create nothing. */
    private static void checkFolder(Path dir, boolean resume) {
        if (Files.isRegularFile(dir)) throw new BadInputException("--out " + dir + ": is a file, expected a folder. Choose another --out.");
        boolean hasStore = Files.exists(dir.resolve(Store.FILE));
        if (resume && !hasStore)
            throw new BadInputException("--resume: " + dir + " holds no experiment to resume (no " + Store.FILE + "). Run it without --resume.");
        if (!resume && Files.isDirectory(dir) && ExperimentLock.isHeld(dir)) throw ExperimentLock.inUse(dir);
        if (!resume) requireEmpty(dir);
    }

    /** A new experiment needs a new or empty folder (the lock file of an attempt refused earlier does not count). */
    private static void requireEmpty(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.anyMatch(p -> !p.getFileName().toString().equals(ExperimentLock.FILE)))
                throw new BadInputException("--out " + dir + ": already holds files; an experiment never overwrites another. "
                        + "Add --resume to finish it, or choose a new --out.");
        } catch (IOException e) {
            throw new BadInputException("--out " + dir + ": cannot be read (" + e.getMessage() + "). Choose a readable folder.");
        }
    }

    private static void createCells(Path dir) {
        try {
            Files.createDirectories(dir.resolve("cells"));
        } catch (IOException e) {
            throw new BadInputException("--out " + dir + ": cannot be used (" + e.getMessage() + "). Choose a writable folder.");
        }
    }

    private static void deleteCellFolder(Path dir, String key) {
        deleteRecursively(dir.resolve("cells").resolve(new Cell(key, null).folderName()));
    }

    private static void deleteRecursively(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + p, e);
        }
    }

    static JsonNode readJson(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
