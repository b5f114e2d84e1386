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
import overparam.lab.store.Results;
import overparam.lab.store.Store;

/** After the cells: the checks evaluated on the store, their verdicts recorded, the report written. */
public final class Reporting {
    public record Outcome(Results results, List<Verdict> verdicts, Path report) {}

    private Reporting() {}

    static Outcome evaluateAndWrite(ExperimentSpec spec, Store store, Path dir, String command) {
        Results results = Results.read(store);
        List<Verdict> verdicts = new ArrayList<>();
        for (Check check : spec.checks()) verdicts.add(check.evaluate(results));
        store.recordChecks(spec.name(), verdicts.stream().map(v -> new String[] {v.name(), v.verdict(), v.measured(), v.expected()}).toList());
        Report.Header header = new Report.Header(spec.name(), spec.title() == null ? spec.name() : spec.title(), spec.paper(), spec.claim(), command);
        return new Outcome(results, verdicts, Report.write(dir, header, spec.figures(), results, verdicts));
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
            return evaluateAndWrite(spec, store, dir, command);
        } finally {
            lock.ifPresent(ExperimentLock::close);
        }
    }
}
