package overparam.lab.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import overparam.lab.store.CellResult;

/**
 * The numbers of the folders side by side, per shared condition ({@link CellMatching}): for every metric recorded over
 * steps that every folder has, its final value (the last record), and every per-run value every folder has (lambda_0,
 * final_loss, eta, ...). An experiment's number for a condition is the mean over its seeds there (the cells whose keys
 * differ only in seed); a run's is its own. A row is bit-identical when every folder has the same doubles, seed by seed.
 * The wall-clock timings (elapsed_seconds, train_seconds, steps_per_second) measure the machine, not the run: they are
 * rows of their own kind, after the others, never counted as identical or not.
 */
public record MetricDiff(List<Row> rows) {
    /**
     * Whether a number is a wall-clock timing: the records' elapsed_seconds, summary.json's train_seconds and
     * steps_per_second (as {@code RunSummary.read} names them), and any other *_seconds.
     */
    public static boolean timing(String name) {
        return name.endsWith("_seconds") || name.equals("steps_per_second");
    }

    public enum Kind {
        FINAL("final"), VALUE("per run"), TIMING("timing");

        private final String word;

        Kind(String word) { this.word = word; }

        public String word() { return word; }
    }

    /**
     * One number in every folder.
     *
     * @param condition the cells' condition ("" with no experiment)
     * @param perSeed per folder, the value of each of its cells of the condition, in seed order
     */
    public record Row(String condition, String metric, Kind kind, List<double[]> perSeed) {
        public Row {
            perSeed = List.copyOf(perSeed);
        }

        /** Folder i's number: the mean over its seeds. */
        public double mean(int i) {
            double[] v = perSeed.get(i);
            double s = 0;
            for (double x : v) s += x;
            return v.length == 0 ? Double.NaN : s / v.length;
        }

        /** Every folder holds the same doubles (NaN equal to NaN, 0.0 and -0.0 not: Arrays.equals compares the bits). */
        public boolean identical() {
            for (double[] v : perSeed) if (!Arrays.equals(v, perSeed.get(0))) return false;
            return true;
        }

        /** Folder i's number minus the first folder's. */
        public double difference(int i) {
            return mean(i) - mean(0);
        }

        /** (folder i - first) / |first|: 0 when both are 0, infinite when only the first is. */
        public double relative(int i) {
            double d = difference(i), a = Math.abs(mean(0));
            return d == 0 ? 0 : d / a;
        }
    }

    public MetricDiff {
        rows = List.copyOf(rows);
    }

    /** The rows of {@code metrics} (null: every shared metric and value), in condition then name order. */
    public static MetricDiff of(List<ComparedFolder> folders, CellMatching matching, Set<String> metrics) {
        Set<String> series = sharedSeries(folders, matching), values = sharedValues(folders, matching);
        List<Row> rows = new ArrayList<>(), timings = new ArrayList<>();
        for (String key : matching.keys()) {
            for (String m : series)
                if (metrics == null || metrics.contains(m))
                    (timing(m) ? timings : rows).add(row(folders, matching, key, m, timing(m) ? Kind.TIMING : Kind.FINAL, c -> c.last(m)));
            for (String v : values)
                if (metrics == null || metrics.contains(v))
                    (timing(v) ? timings : rows).add(row(folders, matching, key, v, timing(v) ? Kind.TIMING : Kind.VALUE, c -> c.value(v)));
        }
        rows.addAll(timings);                                      // last: they are not about the runs' mathematics
        return new MetricDiff(rows);
    }

    private static Row row(List<ComparedFolder> folders, CellMatching matching, String key, String metric, Kind kind,
                           java.util.function.ToDoubleFunction<CellResult> value) {
        List<double[]> perSeed = new ArrayList<>();
        for (int i = 0; i < folders.size(); i++) perSeed.add(matching.cells(i, key).stream().mapToDouble(value).toArray());
        return new Row(key, metric, kind, perSeed);
    }

    /** The metrics recorded over steps that every folder has in its shared cells, sorted by name. */
    public static Set<String> sharedSeries(List<ComparedFolder> folders, CellMatching matching) {
        return shared(folders, matching, c -> c.series().keySet());
    }

    /** The per-run values that every folder has in its shared cells, sorted by name. */
    public static Set<String> sharedValues(List<ComparedFolder> folders, CellMatching matching) {
        return shared(folders, matching, c -> c.values().keySet());
    }

    private static Set<String> shared(List<ComparedFolder> folders, CellMatching matching, Function<CellResult, Set<String>> names) {
        Set<String> out = null;
        for (int i = 0; i < folders.size(); i++) {
            Set<String> here = new TreeSet<>();
            for (String key : matching.keys()) for (CellResult c : matching.cells(i, key)) here.addAll(names.apply(c));
            if (out == null) out = here;
            else out.retainAll(here);
        }
        return out == null ? new TreeSet<>() : out;
    }

    /** The rows that are not timings: those the identity count is about. */
    public List<Row> compared() {
        return rows.stream().filter(r -> r.kind() != Kind.TIMING).toList();
    }

    public long identicalCount() {
        return compared().stream().filter(Row::identical).count();
    }
}
