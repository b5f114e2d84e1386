package overparam.lab.compare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import overparam.lab.store.Store;

/**
 * The experiments' verdicts side by side, per check name (every name any of them has, in the order first met): each
 * experiment's verdict with its estimate and 95% interval as its store recorded them, and whether they differ (another
 * verdict, or a check one experiment has and another has not). Runs have no checks and take no column.
 *
 * @param folders the indices of the experiments among the folders compared
 */
public record VerdictDiff(List<Integer> folders, List<Row> rows) {
    /** One check: per experiment its row of the checks table, null where that experiment has no such check. */
    public record Row(String check, List<Store.CheckRow> verdicts) {
        public Row {
            verdicts = java.util.Collections.unmodifiableList(new ArrayList<>(verdicts));   // nulls allowed: absent checks
        }

        public boolean differs() {
            return verdicts.stream().map(v -> v == null ? null : v.verdict()).distinct().count() > 1;
        }
    }

    public VerdictDiff {
        folders = List.copyOf(folders);
        rows = List.copyOf(rows);
    }

    public static VerdictDiff of(List<ComparedFolder> all) {
        List<Integer> experiments = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) if (all.get(i).isExperiment()) experiments.add(i);
        Set<String> names = new LinkedHashSet<>();
        for (int i : experiments) for (Store.CheckRow c : all.get(i).checks()) names.add(c.name());
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            List<Store.CheckRow> verdicts = new ArrayList<>();
            for (int i : experiments)
                verdicts.add(all.get(i).checks().stream().filter(c -> Objects.equals(c.name(), name)).findFirst().orElse(null));
            rows.add(new Row(name, verdicts));
        }
        return new VerdictDiff(experiments, rows);
    }

    public long differing() {
        return rows.stream().filter(Row::differs).count();
    }
}
