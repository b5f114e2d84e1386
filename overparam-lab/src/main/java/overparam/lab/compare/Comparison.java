package overparam.lab.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import overparam.core.BadInputException;

/**
 * Two or more experiment or run folders side by side: how their configurations differ ({@link ConfigDiff}), their
 * numbers ({@link MetricDiff}), their verdicts ({@link VerdictDiff}), and the metrics recorded over steps that get an
 * overlay figure ({@link Overlay}). The first folder is the reference the differences are taken against.
 *
 * @param figureMetrics the shared metrics recorded over steps (those --metric names, if any): one overlay each
 */
public record Comparison(List<ComparedFolder> folders, CellMatching matching, ConfigDiff configs, MetricDiff metrics, VerdictDiff verdicts,
                         List<String> figureMetrics) {
    public Comparison {
        folders = List.copyOf(folders);
        figureMetrics = List.copyOf(figureMetrics);
    }

    /**
     * Reads the folders and compares them; {@code only} (may be empty) keeps those metrics and per-run values. Refused,
     * naming the input: fewer than two folders, a folder that is neither an experiment nor a run, folders that share no
     * condition or no metric, a name in {@code only} that not every folder has.
     */
    public static Comparison of(List<Path> dirs, List<String> only) {
        if (dirs.size() < 2)
            throw new BadInputException("got " + dirs.size() + (dirs.size() == 1 ? " folder (" + dirs.get(0) + ")" : " folders")
                    + "; compare needs two or more experiment or run folders, e.g. ./overparam compare runs/a runs/b.");
        List<String> names = ComparedFolder.names(dirs);
        List<ComparedFolder> folders = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) folders.add(ComparedFolder.read(dirs.get(i), names.get(i)));
        CellMatching matching = CellMatching.of(folders);
        if (matching.keys().isEmpty())
            throw new BadInputException(String.join(", ", names) + ": no condition is in every folder, so nothing is shared to compare ("
                    + matching.conditionsOf(folders) + "). Cells meet when they agree on every swept field but seed ("
                    + String.join(", ", matching.fields()) + "); give folders that ran a common configuration.");
        Set<String> series = MetricDiff.sharedSeries(folders, matching), values = MetricDiff.sharedValues(folders, matching);
        Set<String> shared = new TreeSet<>(series);
        shared.addAll(values);
        if (shared.isEmpty())
            throw new BadInputException(String.join(", ", names) + ": no metric or per-run value is in every folder, so nothing is shared to compare."
                    + " Give folders whose runs recorded the same instruments.");
        Set<String> wanted = new LinkedHashSet<>(only);
        for (String m : wanted)
            if (!shared.contains(m))
                throw new BadInputException("--metric " + m + ": not a metric or per-run value of every folder compared; they share "
                        + String.join(", ", shared) + ".");
        List<String> figureMetrics = series.stream().filter(m -> wanted.isEmpty() || wanted.contains(m)).toList();
        return new Comparison(folders, matching, ConfigDiff.of(folders), MetricDiff.of(folders, matching, wanted.isEmpty() ? null : wanted),
                VerdictDiff.of(folders), figureMetrics);
    }

    public List<String> names() {
        return folders.stream().map(ComparedFolder::name).toList();
    }

    /** One overlay per shared step metric. */
    public List<Overlay.Figure> figures() {
        return figureMetrics.stream().map(m -> Overlay.of(m, folders, matching)).toList();
    }
}
