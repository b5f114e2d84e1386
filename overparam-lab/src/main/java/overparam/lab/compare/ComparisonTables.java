package overparam.lab.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import overparam.lab.store.Query;
import overparam.lab.store.Store;

/**
 * The sections of a comparison as tables, in two forms: for reading (numbers to 6 significant digits, differences to 3;
 * only the numbers that differ) and for machines (CSV: every number whole, as Double.toString writes it, so that it reads
 * back to the same double, and every row with whether it is identical).
 */
public final class ComparisonTables {
    private ComparisonTables() {}

    /** field, then its value in each folder. */
    public static Query.Table configs(Comparison c) {
        List<String> columns = new ArrayList<>(List.of("field"));
        columns.addAll(c.names());
        List<List<String>> rows = new ArrayList<>();
        for (ConfigDiff.Row r : c.configs().rows()) {
            List<String> row = new ArrayList<>(List.of(r.field()));
            row.addAll(r.values());
            rows.add(row);
        }
        return new Query.Table(columns, rows);
    }

    /**
     * [cell,] metric, kind, each folder's number, then for each folder after the first its difference from the first and
     * the relative difference. For reading: the rows that are not bit-identical, and the timings; exact: every row, with
     * the seeds behind each folder's number and whether the row is identical.
     */
    public static Query.Table metrics(Comparison c, boolean exact) {
        List<String> names = c.names();
        boolean conditions = !c.matching().fields().isEmpty();
        List<String> columns = new ArrayList<>();
        if (conditions) columns.add("cell");
        columns.addAll(List.of("metric", "kind"));
        columns.addAll(names);
        for (int i = 1; i < names.size(); i++) {
            columns.add(names.get(i) + " - " + names.get(0));
            columns.add("(" + names.get(i) + " - " + names.get(0) + ")/|" + names.get(0) + "|");
        }
        if (exact) {
            for (String n : names) columns.add("seeds " + n);
            columns.add("identical");
        }
        List<List<String>> rows = new ArrayList<>();
        for (MetricDiff.Row r : c.metrics().rows()) {
            boolean timing = r.kind() == MetricDiff.Kind.TIMING;
            if (!exact && !timing && r.identical()) continue;
            List<String> row = new ArrayList<>();
            if (conditions) row.add(r.condition());
            row.addAll(List.of(r.metric(), r.kind().word()));
            for (int i = 0; i < names.size(); i++) row.add(exact ? exact(r.mean(i)) : number(r.mean(i), 6));
            for (int i = 1; i < names.size(); i++) {
                row.add(exact ? exact(r.difference(i)) : number(r.difference(i), 3));
                row.add(exact ? exact(r.relative(i)) : number(r.relative(i), 3));
            }
            if (exact) {
                for (double[] seeds : r.perSeed()) row.add(String.valueOf(seeds.length));
                row.add(timing ? "" : r.identical() ? "yes" : "no");
            }
            rows.add(row);
        }
        return new Query.Table(columns, rows);
    }

    /** check, each experiment's verdict (with estimate and interval), and whether they differ. */
    public static Query.Table verdicts(Comparison c, boolean exact) {
        List<String> columns = new ArrayList<>(List.of("check"));
        List<String> experiments = c.verdicts().folders().stream().map(i -> c.names().get(i)).toList();
        for (String n : experiments) {
            if (exact) columns.addAll(List.of(n + " verdict", n + " estimate", n + " ci_low", n + " ci_high"));
            else columns.add(n);
        }
        columns.add("differs");
        List<List<String>> rows = new ArrayList<>();
        for (VerdictDiff.Row r : c.verdicts().rows()) {
            List<String> row = new ArrayList<>(List.of(r.check()));
            for (Store.CheckRow v : r.verdicts()) {
                if (exact) {
                    if (v == null) row.addAll(java.util.Arrays.asList("absent", null, null, null));
                    else row.addAll(List.of(v.verdict(), exact(v.estimate()), exact(v.ciLow()), exact(v.ciHigh())));
                } else {
                    row.add(v == null ? "absent" : v.verdict() + " " + number(v.estimate(), 4) + " [" + number(v.ciLow(), 4) + ", "
                            + number(v.ciHigh(), 4) + "]");
                }
            }
            row.add(r.differs() ? "yes" : exact ? "no" : "");
            rows.add(row);
        }
        return new Query.Table(columns, rows);
    }

    /** To {@code digits} significant digits; NaN, inf and -inf spelt so. */
    static String number(double v, int digits) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        return String.format(Locale.ROOT, "%." + digits + "g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
    }

    /** Every bit: Double.toString reads back to the same double; NaN is empty (CSV's NULL). */
    static String exact(double v) {
        return Double.isNaN(v) ? null : Double.toString(v);
    }
}
