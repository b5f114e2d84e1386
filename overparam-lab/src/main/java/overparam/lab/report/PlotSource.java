package overparam.lab.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import overparam.core.BadInputException;
import overparam.lab.experiment.CellFiles;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;
import overparam.lab.store.Store;
import overparam.lab.store.StoredExperiment;

/** What {@code plot} reads: an experiment's finished cells from its store, or one run folder as a single cell. */
public record PlotSource(String name, Path dir, List<CellResult> cells, boolean experiment) {
    public PlotSource {
        cells = List.copyOf(cells);
    }

    /** DIR as an experiment folder (results.sqlite) or a run folder (summary.json and metrics.jsonl); anything else is refused. */
    public static PlotSource read(Path dir) {
        if (Files.isRegularFile(dir.resolve(Store.FILE))) {
            // read-only, as sql and compare read it: looking at a store never writes it (Store.open would add the tables and
            // columns a store of an earlier version lacks, and a plot beside a running experiment must not contend for it)
            Results r = StoredExperiment.read(dir).results();
            if (r.cells().isEmpty())
                throw new BadInputException(dir + ": the experiment has no finished cell yet. Plot it once a cell has finished.");
            return new PlotSource(r.experiment().isEmpty() ? dir.toString() : r.experiment(), dir, r.cells(), true);
        }
        if (Files.isRegularFile(dir.resolve("summary.json"))) {
            if (!Files.isRegularFile(dir.resolve("metrics.jsonl")))
                throw new BadInputException(dir + ": a run folder without metrics.jsonl (the run is still going, or was killed). Plot it once the run has ended.");
            return new PlotSource(dir.toString(), dir, List.of(CellFiles.result(dir)), false);
        }
        throw new BadInputException(dir + ": neither an experiment folder (" + Store.FILE + ") nor a run folder (summary.json, metrics.jsonl)."
                + " Give a folder that ./overparam run or ./overparam train wrote.");
    }
}
