package overparam.lab.experiment;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.lab.check.Check;
import overparam.lab.report.FigureSpec;
import overparam.lab.plan.RunConfig;

/**
 * An experiment is data: a base configuration (any RunConfig field), sweep axes (field -> values; the cells are
 * their Cartesian product, in the order written), figures and checks. A value may be a variant: a map of fields set
 * together, which must name the axis's own field (e.g. an axis {@code label} of {label: sgd, batch_size: 50} and
 * {label: langevin, langevin: isotropic, noise_match_sgd: 50}): the cell key shows that field's value, and checks and
 * figures group by it like any field. Or, instead of a sweep, a search: the
 * smallest width at which gradient descent converges at the theorem's rate in at least 1 - delta of the seeds,
 * found by bisection over powers of two.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExperimentSpec(String name, String title, String paper, String claim, RunConfig base,
                             LinkedHashMap<String, List<Object>> sweep, Search search, List<FigureSpec> figures, List<Check> checks) {
    public ExperimentSpec {
        sweep = sweep == null ? new LinkedHashMap<>() : sweep;
        figures = figures == null ? List.of() : List.copyOf(figures);
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /** Bisection over {@code field} (powers of two in [low, high]) with these seeds. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Search(String field, int low, int high, List<Long> seeds, double delta, Double slack) {}

    /**
     * How many cells the sweep has: the product of the axes' sizes, computed before any cell is made (a sweep of 10^6
     * cells is refused by its count, not by running out of memory while expanding it); Long.MAX_VALUE when the product
     * overflows a long.
     */
    public long cellCount() {
        long count = 1;
        for (List<Object> values : sweep.values()) {
            try {
                count = Math.multiplyExact(count, (long) values.size());
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
        return count;
    }

    /** "width 1000 values x seed 1000 values": the axes' sizes, for messages. */
    public String axesSizes() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<Object>> axis : sweep.entrySet())
            b.append(b.length() == 0 ? "" : " x ").append(axis.getKey()).append(' ').append(axis.getValue().size()).append(" values");
        return b.toString();
    }

    /**
     * The fields the sweep sets, in the spec's order: every axis, the fields of an axis's maps (set together with it),
     * and a search's field and seed. They become the typed columns of the store's runs table.
     */
    public List<String> sweptFields() {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (Map.Entry<String, List<Object>> axis : sweep.entrySet()) {
            out.add(axis.getKey());
            for (Object v : axis.getValue())
                if (v instanceof Map<?, ?> variant) for (Object f : variant.keySet()) out.add(String.valueOf(f));
        }
        if (search != null) {
            out.add(search.field());
            out.add("seed");
        }
        return List.copyOf(out);
    }

    /** The cells of the sweep: one configuration each, with a stable key ("arch=fc,depth=4,seed=1"). */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        expand(new ArrayList<>(sweep.keySet()), 0, new LinkedHashMap<>(), out);
        return out;
    }

    private void expand(List<String> axes, int i, LinkedHashMap<String, Object> chosen, List<Cell> out) {
        if (i == axes.size()) {
            RunConfig c = base;
            LinkedHashMap<String, Object> shown = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : chosen.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> variant) {
                    if (!variant.containsKey(e.getKey()))
                        throw new overparam.core.BadInputException("sweep axis '" + e.getKey() + "': the variant " + variant + " does not set "
                                + e.getKey() + "; every map of fields set together names its value on the axis, e.g. {" + e.getKey() + ": NAME, ...}.");
                    for (Map.Entry<?, ?> f : variant.entrySet()) c = c.with(String.valueOf(f.getKey()), f.getValue());
                    shown.put(e.getKey(), variant.get(e.getKey()));
                } else {
                    c = c.with(e.getKey(), e.getValue());
                    shown.put(e.getKey(), e.getValue());
                }
            }
            out.add(new Cell(Cell.key(shown), c));
            return;
        }
        for (Object v : sweep.get(axes.get(i))) {
            chosen.put(axes.get(i), v);
            expand(axes, i + 1, chosen, out);
            chosen.remove(axes.get(i));
        }
    }
}
