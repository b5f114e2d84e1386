package overparam.lab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jfree.chart.JFreeChart;
import overparam.core.BadInputException;
import overparam.core.Spelling;
import overparam.lab.store.CellResult;

/**
 * {@code ./overparam plot}: one metric of an experiment or a run folder, over the steps ({@code x = "step"}) or, as one
 * number per run ({@link CellResult#valueOf}: a per-run value, else the last recorded value; final:, max:, initial:, ...),
 * against a configuration field; one line per value of {@code by}, mean and band over the runs at each point.
 */
public final class Plot {
    public static final String STEP = "step", FOLDER = "plots";
    private static final List<String> ONE_PER_RUN = List.of("final:", "initial:", "max:", "relative:", "steps_to:", "log10:");

    private Plot() {}

    /** What to plot; {@code where} maps fields to values (cells whose field has that text or number). */
    public record Request(String metric, String x, String by, Map<String, String> where, boolean logX, boolean logY, Band band) {
        public Request {
            where = where == null ? Map.of() : new LinkedHashMap<>(where);
            x = x == null || x.isBlank() ? STEP : x.strip();
        }

        /** The files' base name: what the figure shows ("loss_vs_step_by_width_logy"). */
        public String name() {
            return Figures.fileName(metric, x, by, where) + (logX ? "_logx" : "") + (logY ? "_logy" : "") + (band == Band.MINMAX ? "_minmax" : "");
        }
    }

    /** The chart and its caption, before any file is written. */
    public record Figure(JFreeChart chart, String name, String caption) {}

    /** Draws the request from the source and writes its files into {@code out} (null: DIR/plots). */
    public static FigureFiles.Written write(PlotSource source, Request request, Path out) {
        Figure f = draw(source, request);
        return FigureFiles.write(f.chart(), out == null ? source.dir().resolve(FOLDER) : out, f.name(), f.caption());
    }

    /** "--where width=64" as field -> value; a pair without '=' is refused. */
    public static Map<String, String> where(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        if (pairs == null) return out;
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) throw BadInputException.of("--where " + p, "'" + p + "'", "FIELD=VALUE", "e.g. --where width=64");
            out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
        return out;
    }

    public static Figure draw(PlotSource source, Request r) {
        List<CellResult> all = source.cells();
        requireMetric(all, r);
        requireField(all, "--x", r.x(), r.x().equals(STEP));
        requireField(all, "--by", r.by(), r.by() == null);
        r.where().keySet().forEach(f -> requireField(all, "--where", f, false));
        List<CellResult> matching = all.stream().filter(c -> Figures.matches(c, r.where())).toList();
        if (matching.isEmpty()) {
            String taken = r.where().keySet().stream().map(f -> f + " takes " + listed(all, f)).collect(Collectors.joining("; "));
            throw new BadInputException("--where " + describe(r.where()) + ": no cell of " + source.dir() + " matches (" + taken + "). Choose values it has.");
        }
        List<CellResult> cells = matching.stream().filter(c -> !c.diverged()).toList();
        int diverged = matching.size() - cells.size();
        if (cells.isEmpty()) throw new BadInputException(source.dir() + ": every matching cell diverged; there is nothing finite to plot.");
        boolean overSteps = r.x().equals(STEP);
        if (!overSteps) requireNumbers(cells, r.x());

        Map<String, List<CellResult>> groups = Figures.groups(cells, r.by());
        List<BandChart.Series> lines = new ArrayList<>();
        for (Map.Entry<String, List<CellResult>> g : groups.entrySet())
            lines.add(new BandChart.Series(Figures.label(r.by(), g.getKey(), r.metric()),
                    overSteps ? Curves.byStep(g.getValue(), r.metric()) : againstField(g.getValue(), r.metric(), r.x())));
        Set<String> pooled = pooledFields(cells, r);
        boolean seeds = pooled.stream().allMatch(Plot::seedLike);
        BandChart.Built built = BandChart.build(lines, r.band(), seeds ? "seeds" : "runs",
                new BandChart.Axes(r.x(), r.metric(), r.logX(), r.logY(), overSteps), Figures.ordered(groups.keySet()), true);
        if (built.chart() == null)
            throw new BadInputException(source.dir() + ": no finite value of " + r.metric() + " to draw" + (built.notes().isEmpty() ? "" : " (" + String.join("; ", built.notes()) + ")")
                    + ". Plot another metric, or drop --logx/--logy.");

        StringBuilder caption = new StringBuilder();
        caption.append(r.metric()).append(overSteps ? " over the training steps" : " against " + r.x())
                .append(r.by() == null ? "" : ", one line per " + r.by()).append(r.where().isEmpty() ? "" : ", where " + describe(r.where()))
                .append(", from ").append(source.experiment() ? "experiment " + source.name() + " (" + source.dir() + ")" : "the run " + source.dir()).append(". ");
        if (!overSteps) caption.append(Figures.sentence(whichValue(r.metric(), cells))).append(' ');
        if (built.most() < 2) caption.append("Line: the value of the one run at each point (no band: n = 1).");
        else caption.append("Line: the mean over the ").append(seeds ? "seeds" : "runs").append(" at each point; band: ")
                .append(r.band() == Band.CI95 ? "its 95% t-interval (Student t, n - 1 degrees of freedom)" : "the smallest to the largest run")
                .append(", " + (built.fewest() == built.most() ? "n = " + built.most() : "n = " + built.fewest() + " to " + built.most()) + ".");
        if (!seeds)
            caption.append(" Each point pools runs that differ in ").append(String.join(", ", pooled)).append(" (separate them with --by or --where).");
        if (diverged > 0) caption.append(' ').append(diverged).append(" diverged ").append(Figures.plural(diverged, "run")).append(" left out.");
        for (String note : built.notes()) caption.append(' ').append(Figures.sentence(note));
        return new Figure(built.chart(), r.name(), caption.toString());
    }

    /** x = the cell's field, y = its one number for the metric; several cells at one x are its seeds. */
    private static NavigableMap<Double, List<Double>> againstField(List<CellResult> cells, String metric, String field) {
        NavigableMap<Double, List<Double>> out = new TreeMap<>();
        for (CellResult c : cells) out.computeIfAbsent(c.number(field), k -> new ArrayList<>()).add(c.valueOf(metric));
        return out;
    }

    /** Which number of each run the y axis shows, as the caption says it. */
    private static String whichValue(String metric, List<CellResult> cells) {
        if (metric.contains(" - ")) return "y: the difference of two values of each run, " + metric;
        for (String prefix : ONE_PER_RUN)
            if (metric.startsWith(prefix)) {
                String m = metric.substring(prefix.length());
                return "y: " + switch (prefix) {
                    case "final:" -> "the last recorded value of " + m + " in each run" + lastSteps(cells, m);
                    case "initial:" -> "the first recorded value of " + m + " (at initialization)";
                    case "max:" -> "the largest recorded value of " + m + " in each run";
                    case "relative:" -> "the last recorded value of " + m + " over its first";
                    case "steps_to:" -> "the first recorded step at which " + m + " holds";
                    default -> "the base-10 logarithm of " + m;
                };
            }
        if (cells.stream().anyMatch(c -> c.values().containsKey(metric))) return "y: " + metric + ", one value per run (summary.json)";
        return "y: the last recorded value of " + metric + " in each run" + lastSteps(cells, metric);
    }

    private static String lastSteps(List<CellResult> cells, String metric) {
        TreeSet<Integer> steps = new TreeSet<>();
        for (CellResult c : cells) if (!c.series(metric).isEmpty()) steps.add(c.series(metric).lastKey());
        if (steps.isEmpty()) return "";
        return steps.size() == 1 ? " (step " + steps.first() + ")" : " (steps " + steps.first() + " to " + steps.last() + ")";
    }

    /** The metric's names must be recorded (or per-run) somewhere; over steps it must be a recorded series. */
    private static void requireMetric(List<CellResult> cells, Request r) {
        TreeSet<String> series = new TreeSet<>(), perRun = new TreeSet<>();
        for (CellResult c : cells) {
            series.addAll(c.series().keySet());
            perRun.addAll(c.values().keySet());
        }
        TreeSet<String> known = new TreeSet<>(series);
        known.addAll(perRun);
        for (String name : baseNames(r.metric()))
            if (!known.contains(name))
                throw new BadInputException("METRIC " + name + ": not recorded here" + hint(name, known)
                        + " Recorded over steps: " + String.join(", ", series) + ". Per run: " + String.join(", ", perRun) + ".");
        if (!r.x().equals(STEP)) return;
        if (ONE_PER_RUN.stream().anyMatch(r.metric()::startsWith) || r.metric().contains(" - "))
            throw new BadInputException("METRIC " + r.metric() + ": one number per run, not a series over steps. Plot it against a sweep variable, e.g. --x width.");
        if (!series.contains(r.metric()))
            throw new BadInputException("METRIC " + r.metric() + ": a per-run value, not recorded over steps. Plot it against a sweep variable, e.g. --x width.");
    }

    /** The recorded names a spelling reads: "final:loss" -> loss, "steps_to:loss<=0.1" -> loss, "a - b" -> a, b. */
    static List<String> baseNames(String metric) {
        List<String> out = new ArrayList<>();
        for (String part : metric.split(" - ")) {
            String p = part.strip();
            boolean stripped = true;
            while (stripped) {
                stripped = false;
                for (String prefix : ONE_PER_RUN)
                    if (p.startsWith(prefix)) {
                        p = p.substring(prefix.length());
                        stripped = true;
                    }
            }
            out.add(p.split("<=|>=")[0].strip());
        }
        return out;
    }

    private static void requireField(List<CellResult> cells, String option, String field, boolean skip) {
        if (skip || cells.stream().anyMatch(c -> c.config().has(field))) return;
        TreeSet<String> fields = new TreeSet<>();
        for (CellResult c : cells) c.config().fieldNames().forEachRemaining(fields::add);
        List<String> varying = fields.stream().filter(f -> !f.equals("out") && values(cells, f).size() > 1).toList();
        throw new BadInputException(option + " " + field + ": no such configuration field" + hint(field, fields)
                + " The fields that vary here: " + (varying.isEmpty() ? "none (a single run)" : String.join(", ", varying))
                + (option.equals("--x") ? "; or --x step." : "; all fields: " + String.join(", ", fields) + "."));
    }

    private static void requireNumbers(List<CellResult> cells, String field) {
        if (cells.stream().allMatch(c -> Double.isFinite(c.number(field)))) return;
        throw new BadInputException("--x " + field + ": not a number in every cell (it takes " + listed(cells, field) + "). Plot against a numeric field,"
                + " or draw one line per value with --by " + field + ".");
    }

    /** The fields whose values differ between runs pooled into one point: neither x, nor by, nor fixed by where. */
    private static Set<String> pooledFields(List<CellResult> cells, Request r) {
        TreeSet<String> fields = new TreeSet<>();
        for (CellResult c : cells) c.config().fieldNames().forEachRemaining(fields::add);
        fields.remove(r.x());
        if (r.by() != null) fields.remove(r.by());
        fields.removeAll(r.where().keySet());
        fields.remove("out");   // each cell's own folder: differs in every run, describes none
        fields.removeIf(f -> values(cells, f).size() < 2);
        return fields;
    }

    /** "; did you mean loss?" or "." */
    private static String hint(String typed, java.util.Collection<String> known) {
        String h = Spelling.didYouMean(typed, known);
        return h.isEmpty() ? "." : h;
    }

    private static boolean seedLike(String field) { return field.equals("seed") || field.endsWith("_seed"); }

    private static TreeSet<String> values(List<CellResult> cells, String field) {
        TreeSet<String> v = new TreeSet<>();
        for (CellResult c : cells) v.add(c.field(field));
        return v;
    }

    /** A field's values as a list to read: "32, 128" in numeric order when they are numbers. */
    private static String listed(List<CellResult> cells, String field) {
        TreeSet<String> v = values(cells, field);
        List<String> sorted = new ArrayList<>(v);
        if (Figures.ordered(v)) sorted.sort(java.util.Comparator.comparingDouble(Double::parseDouble));
        return String.join(", ", sorted);
    }

    private static String describe(Map<String, String> where) {
        StringBuilder b = new StringBuilder();
        for (Iterator<Map.Entry<String, String>> it = where.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            b.append(e.getKey()).append('=').append(e.getValue()).append(it.hasNext() ? " " : "");
        }
        return b.toString();
    }
}
