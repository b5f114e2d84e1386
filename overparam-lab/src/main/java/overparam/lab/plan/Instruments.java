package overparam.lab.plan;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import overparam.core.BadInputException;
import overparam.core.instruments.BalanceInstrument;
import overparam.core.instruments.EndToEndInstrument;
import overparam.core.nn.Arch;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/**
 * The instruments a run carries (--instruments): all (every one that applies to the network), none, or a list.
 * A test set, a teacher and the infinite twin add their own observers; these are the ones the user chooses.
 */
public record Instruments(Set<Instrument> chosen, boolean all) {
    public enum Instrument {
        GRAM, MOVEMENT, PATTERN, PREDICTIONS,
        /** Du, Hu, Lee (2018): per-layer and per-neuron balancedness of a homogeneous network. */
        BALANCE,
        /** Lyu and Li (2020): the normalized margin of a homogeneous network on classification labels. */
        MARGIN,
        /** The linear models' end-to-end map W_e, its singular values, and its distance to reference solutions. */
        END_TO_END;

        public String cliName() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }
    }

    public Instruments {
        chosen = chosen.isEmpty() ? EnumSet.noneOf(Instrument.class) : EnumSet.copyOf(chosen);
    }

    public boolean has(Instrument i) { return chosen.contains(i); }

    /**
     * Those that apply to this network, its trained parameters and labels: "all" drops the ones that do not; a named one that
     * does not is refused with what it needs. Gram needs the dense structured formula ({@link NetworkSpec#hasDenseGram});
     * balance a homogeneous network with two consecutive trained parameters (never the quadratic network: only its W trains);
     * margin a homogeneous network and labels it classifies (not the quadratic network, whose f >= 0); end-to-end a linear model; pattern (activation patterns) is dropped from "all" for the linear models.
     */
    public Instruments applicableTo(NetworkSpec spec, TrainedLayers trained, boolean classifies) {
        EnumSet<Instrument> rest = chosen.isEmpty() ? EnumSet.noneOf(Instrument.class) : EnumSet.copyOf(chosen);
        for (Instrument i : chosen) {
            String missing = missing(i, spec, trained, classifies);
            if (missing == null) continue;
            if (!all) throw new BadInputException("--instruments " + this + ": " + i.cliName() + " " + missing + ". Drop " + i.cliName() + " from --instruments.");
            rest.remove(i);
        }
        return new Instruments(rest, all);
    }

    /** Before the labels are read: everything but margin's labels (assumed to classify). */
    public Instruments applicableTo(NetworkSpec spec) {
        return applicableTo(spec, TrainedLayers.all(spec), true);
    }

    /** What instrument i needs that this run lacks, or null when it applies. */
    private static String missing(Instrument i, NetworkSpec spec, TrainedLayers trained, boolean classifies) {
        String homogeneous = "needs a network homogeneous in each weight matrix: layers without skips or biases (--arch fc, two-layer, "
                + "no-identity, linear, diagonal; quadratic, of degree 2) and a relu, leaky-relu or identity activation; this is --arch " + spec.arch() + " with " + spec.activation().name();
        return switch (i) {
            case GRAM -> spec.hasDenseGram() ? null : "needs the structured Gram formula (one output, fixed activations, dense hidden layers); this network has "
                    + spec.outputs() + " outputs, " + spec.activation().name() + (spec.arch() == Arch.DIAGONAL ? ", the diagonal layer" : "")
                    + (spec.depth() == 0 ? ", no hidden layer" : "");
            case BALANCE -> !spec.isHomogeneous() ? homogeneous
                    : BalanceInstrument.applies(spec, trained) ? null : "needs two consecutive trained weight matrices (W_h and W_{h+1}); this run trains " + trained.names(spec);
            case MARGIN -> !spec.isHomogeneous() ? homogeneous
                    : spec.arch() == Arch.QUADRATIC ? "has no margin in the quadratic network: f(x) = x^T W^T W x >= 0 never takes a -1 label's sign"
                    : classifies ? null : "needs classification labels (+-1, or classes with --loss cross-entropy)";
            case END_TO_END -> EndToEndInstrument.applies(spec) ? null
                    : "needs a network linear in x (--arch linear or diagonal, or fc with --activation identity); this is --arch " + spec.arch() + " with " + spec.activation().name();
            case PATTERN -> spec.arch().isLinearModel() ? "has no activation pattern to watch in a linear model" : null;
            case MOVEMENT, PREDICTIONS -> null;
        };
    }

    /** Whether any chosen instrument reads a pass over the whole training set. */
    public boolean needWholePass() {
        return has(Instrument.GRAM) || has(Instrument.PATTERN) || has(Instrument.PREDICTIONS) || has(Instrument.MARGIN);
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
