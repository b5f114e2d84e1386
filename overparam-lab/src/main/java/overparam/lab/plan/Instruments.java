package overparam.lab.plan;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import overparam.core.BadInputException;
import overparam.core.nn.NetworkSpec;

/**
 * The instruments a run carries (--instruments): all (every one that applies to the network), none, or a list.
 * A test set, a teacher and the infinite twin add their own observers; these are the ones the user chooses.
 */
public record Instruments(Set<Instrument> chosen, boolean all) {
    public enum Instrument {
        GRAM, MOVEMENT, PATTERN, PREDICTIONS;

        public String cliName() { return name().toLowerCase(Locale.ROOT); }
    }

    public Instruments {
        chosen = chosen.isEmpty() ? EnumSet.noneOf(Instrument.class) : EnumSet.copyOf(chosen);
    }

    public boolean has(Instrument i) { return chosen.contains(i); }

    /** Those that apply to this network: "all" drops the Gram instruments where it has no per-sample signals; a named gram is refused. */
    public Instruments applicableTo(NetworkSpec spec) {
        if (spec.hasSampleSignals() || !has(Instrument.GRAM)) return this;
        if (!all)
            throw new BadInputException("--instruments " + this + ": gram needs per-sample signals of one output and a fixed activation; this network has "
                    + spec.outputs() + " outputs and " + spec.activation().name() + ". Drop gram from --instruments.");
        EnumSet<Instrument> rest = EnumSet.copyOf(chosen);
        rest.remove(Instrument.GRAM);
        return new Instruments(rest, true);
    }

    /** Whether any chosen instrument reads a pass over the whole training set. */
    public boolean needWholePass() {
        return has(Instrument.GRAM) || has(Instrument.PATTERN) || has(Instrument.PREDICTIONS);
    }

    @Override public String toString() {
        return all ? "all" : chosen.isEmpty() ? "none" : chosen.stream().map(Instrument::cliName).collect(Collectors.joining(","));
    }

    static Instruments parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("all")) return new Instruments(EnumSet.allOf(Instrument.class), true);
        EnumSet<Instrument> set = EnumSet.noneOf(Instrument.class);
        if (t.equals("none")) return new Instruments(set, false);
        for (String part : t.split(",")) {
            String name = part.trim();
            Instrument found = Arrays.stream(Instrument.values()).filter(i -> i.cliName().equals(name)).findFirst()
                    .orElseThrow(() -> BadInputException.of("--instruments " + text, "'" + name + "'", "all, none, or a list from "
                            + Arrays.stream(Instrument.values()).map(Instrument::cliName).toList(), "e.g. --instruments gram,movement"));
            set.add(found);
        }
        return new Instruments(set, false);
    }
}
