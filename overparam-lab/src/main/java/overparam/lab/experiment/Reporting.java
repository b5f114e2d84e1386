package overparam.lab.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import overparam.core.BadInputException;
import overparam.lab.check.Check;
import overparam.lab.check.Verdict;
import overparam.lab.report.Report;
import overparam.lab.store.ExperimentLock;
import overparam.lab.store.PlannedCell;
import overparam.lab.store.Results;
import overparam.lab.store.Store;

/** After the cells: the checks evaluated on the store, their verdicts recorded, the report written. */
public final class Reporting {
    public record Outcome(Results results, List<Verdict> verdicts, Path report) {}

    private Reporting() {}

    static Outcome evaluateAndWrite(ExperimentSpec spec, Store store, Path dir, String command) {
        Results results = Results.read(store, planned(spec));
        List<Verdict> verdicts = new ArrayList<>();
        for (Check check : spec.checks()) verdicts.add(check.evaluate(results));
        store.recordChecks(spec.name(), verdicts.stream().map(v -> new Store.CheckRow(v.name(), v.verdict(), v.measured(), v.expected(),
                v.estimate(), v.ciLow(), v.ciHigh(), v.cellsUsed(), v.cellsExpected(), v.seedsNeeded(), v.note())).toList());
        List<Store.Invocation> invocations = store.invocations();
        String computedBy = invocations.isEmpty() || invocations.get(0).command() == null ? command : invocations.get(0).command();
        Report.Header header = new Report.Header(spec.name(), spec.title() == null ? spec.name() : spec.title(), spec.paper(), spec.claim(), computedBy,
                invocations.stream().map(Reporting::describe).toList(), CommandLog.read(dir));
        return new Outcome(results, verdicts, Report.write(dir, header, spec.figures(), results, verdicts));
    }

    /** "2026-12-04T17:30:00Z, 12.3 s: overparam 0.1.0 (git e1b972d..., dirty), AMD EPYC, 2 cores, 23.5 GiB, OpenBLAS 0.3.31". */
    static String describe(Store.Invocation i) {
        return i.startedAt() + (i.elapsedSeconds() == null ? " (did not finish)" : String.format(java.util.Locale.ROOT, ", %.1f s", i.elapsedSeconds()))
                + ": overparam " + i.version() + " (git " + i.gitCommit() + ("true".equals(i.gitDirty()) ? ", dirty" : "") + "), " + i.machine();
    }

    /**
     * The cells the spec plans, with the configuration the store records for them (defaults resolved), so that a
     * check counts what is missing; null for a search, whose cells are whatever the bisection ran.
     */
    static List<PlannedCell> planned(ExperimentSpec spec) {
        if (spec.search() != null) return null;
        return spec.cells().stream().map(c -> new PlannedCell(c.key(), c.config().withDefaults().toJson())).toList();
    }

    /** ./overparam report DIR: the spec the experiment ran with (from its store), checks again, a new report. */
    public static Outcome rewrite(Path dir, String command) {
        if (!Files.isRegularFile(dir.resolve(Store.FILE)))
            throw new BadInputException(dir + ": no " + Store.FILE + " there. Give the folder an experiment ran into (e.g. runs/du2019-depth).");
        // With the lock, no process runs a cell, so cells still `running` were interrupted; without it (a run is
        // going on now) the report shows that run part way and marks nothing.
        Optional<ExperimentLock> lock = ExperimentLock.tryAcquire(dir, command);
        try (Store store = Store.open(dir)) {
            String text = store.storedSpec();
            if (text == null) throw new BadInputException(dir + ": its store holds no experiment yet. Run one into it first.");
            ExperimentSpec spec = SpecParser.parse(text, dir.resolve(Store.FILE) + " (stored spec)");
            lock.ifPresent(store::markInterrupted);
            CommandLog.append(dir, java.time.Instant.now(), command);                 // appended: the command that ran the cells stays first
            return evaluateAndWrite(spec, store, dir, command);
        } finally {
            lock.ifPresent(ExperimentLock::close);
        }
    }
}
