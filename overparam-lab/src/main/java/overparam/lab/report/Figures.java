package overparam.lab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.YIntervalSeries;
import overparam.lab.store.CellResult;
import overparam.lab.store.Results;

/** Draws one {@link FigureSpec} from an experiment's cells: its chart, or a note saying why there is none. */
final class Figures {
    private Figures() {}

    /**
     * A drawn figure: {@code chart} (null when there is nothing to draw), the {@code note} shown in its place, and
     * {@code remarks} its caption adds (fitted slopes, points left out).
     */
    record Drawn(JFreeChart chart, String note, List<String> remarks) {
        Drawn {
            remarks = List.copyOf(remarks);
        }

        static Drawn nothing(String note, List<String> remarks) { return new Drawn(null, note, remarks); }
    }

    static Drawn draw(FigureSpec spec, List<CellResult> all) {
        if (blank(spec.y())) return Drawn.nothing("No data: the figure names no y metric.", List.of());
        List<CellResult> matching = all.stream().filter(c -> matches(c, spec.where())).toList();
        String where = spec.where() == null || spec.where().isEmpty() ? "" : " matches " + describe(spec.where());
        if (matching.isEmpty()) return Drawn.nothing("No data: no cell" + (where.isEmpty() ? " has finished yet." : where + "."), List.of());
        List<CellResult> cells = matching.stream().filter(c -> !c.diverged()).toList();
        int diverged = matching.size() - cells.size();
        String left = diverged + " diverged " + plural(diverged, "cell") + " left out.";
        if (cells.isEmpty()) return Drawn.nothing("No data: every cell" + where + " diverged.", List.of(left));
        Drawn drawn = switch (spec.type() == null ? "" : spec.type()) {
            case "curves" -> Curves.draw(spec, cells);
            case "scaling" -> Scaling.draw(spec, cells);
            case "rounds" -> Rounds.draw(spec, cells);
            default -> Drawn.nothing("No figure: unknown type '" + spec.type() + "' (expected curves, scaling or rounds).", List.of());
        };
        List<String> remarks = new ArrayList<>(drawn.remarks());
        if (diverged > 0) remarks.add(left);
        return new Drawn(drawn.chart(), drawn.note(), remarks);
    }

    /** A cell passes {@code where} when each named field has the given text, or the same number ("0.10" = "0.1"). */
    static boolean matches(CellResult c, Map<String, String> where) {
        if (where == null) return true;
        for (Map.Entry<String, String> e : where.entrySet()) {
            String have = c.field(e.getKey()), want = e.getValue() == null ? "" : e.getValue();
            if (have.equals(want)) continue;
            double a = number(have), b = number(want);
            if (Double.isNaN(a) || a != b) return false;
        }
        return true;
    }

    /** Cells by the value of a field, in numeric order when every value is a number; one group "" without a field. */
    static Map<String, List<CellResult>> groups(List<CellResult> cells, String field) {
        if (blank(field)) return Map.of("", cells);
        Map<String, List<CellResult>> g = Results.groupBy(cells, field);
        if (!ordered(g.keySet())) return g;
        return g.entrySet().stream().sorted(Comparator.comparingDouble(e -> number(e.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    static boolean ordered(java.util.Collection<String> keys) {
        return keys.size() > 1 && keys.stream().allMatch(k -> !Double.isNaN(number(k)));
    }

    /** "width = 256"; the y metric's name when there are no groups. */
    static String label(String field, String key, String otherwise) {
        if (blank(field)) return otherwise;
        return field + " = " + (key.isEmpty() ? "(unset)" : key);
    }

    /** One point of a series: the mean of the values, with the interval from their minimum to their maximum. */
    static void addSpread(YIntervalSeries series, double x, List<Double> values) {
        DoubleSummaryStatistics s = values.stream().mapToDouble(Double::doubleValue).summaryStatistics();
        series.add(x, s.getAverage(), s.getMin(), s.getMax());
    }

    static boolean blank(String s) { return s == null || s.isBlank(); }

    /** "3 points <= 0 not shown" -> "3 points <= 0 not shown.": a note as a caption's sentence. */
    static String sentence(String note) {
        String s = note.strip();
        return Character.toUpperCase(s.charAt(0)) + s.substring(1) + (s.endsWith(".") ? "" : ".");
    }

    /**
     * A file name that says what a figure shows: "loss_vs_step_by_width", "lambda_0_vs_width_where_arch_fc"; only
     * letters, digits, '_', '-' and '.', so that it is one word in every shell and file system.
     */
    static String fileName(String y, String x, String by, Map<String, String> where) {
        StringBuilder b = new StringBuilder(word(y)).append("_vs_").append(word(x));
        if (!blank(by)) b.append("_by_").append(word(by));
        if (where != null)
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(where).entrySet())
                b.append("_where_").append(word(e.getKey())).append('_').append(word(e.getValue()));
        return b.toString();
    }

    private static String word(String text) {
        String w = (text == null ? "" : text.strip()).replaceAll("\\s*<=\\s*", "-le-").replaceAll("\\s*>=\\s*", "-ge-")
                .replaceAll(" - ", "-minus-").replaceAll("[^A-Za-z0-9_.-]+", "-").replaceAll("^[-.]+|-+$", "");
        return w.isEmpty() ? "unnamed" : w;
    }

    static String plural(int n, String word) { return n == 1 ? word : word + "s"; }

    private static String describe(Map<String, String> where) {
        return where.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException | NullPointerException e) {
            return Double.NaN;
        }
    }
}
