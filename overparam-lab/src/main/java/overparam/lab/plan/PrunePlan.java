package overparam.lab.plan;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import overparam.core.BadInputException;
import overparam.core.pruning.MagnitudePruning;

/**
 * Iterative magnitude pruning (Frankle and Carbin 2019, Section 1's identification of winning tickets, iterated as in their
 * Section 2): round 0 trains the dense network; each of {@code rounds} more rounds prunes the previous round's trained ticket
 * by magnitude, a fraction {@code rate} of each hidden layer's remaining weights and {@code rateOutput} of the output layer's
 * (layer scope; the paper's 20% and 10% for LeNet-300-100), or {@code rate} of all remaining weights pooled (global scope, the
 * paper's Section 5), resets the survivors to theta_0 (or theta_K with --rewind-step K) and trains again. The controls train
 * beside each round's ticket on the same seed: {@link Control#REINIT} and {@link Control#RANDOM}.
 */
public record PrunePlan(int rounds, double rate, double rateOutput, Scope scope, Set<Control> controls) {
    public static final double DEFAULT_RATE = 0.2, DEFAULT_RATE_OUTPUT = 0.1;

    public PrunePlan { controls = Set.copyOf(controls); }

    /** Which weights a round ranks together: each layer on its own, or all of them pooled. */
    public enum Scope { LAYER, GLOBAL }

    /** The paper's controls (Section 2, Figures 3 and 4). */
    public enum Control {
        /** The ticket's mask with a fresh random initialization: is it the mask alone, or the mask with its theta_0? */
        REINIT("reinit"),
        /** A random mask with the ticket's per-layer counts on theta_0: does the magnitude choose anything? */
        RANDOM("random");

        private final String cliName;

        Control(String cliName) { this.cliName = cliName; }

        public String cliName() { return cliName; }
    }

    /** The networks a round trains, in the order they run and are reported: the ticket (round 0: the dense network), then the controls. */
    public java.util.List<String> networks(int round) {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(round == 0 ? "dense" : "ticket"));
        if (round > 0) for (Control c : Control.values()) if (controls.contains(c)) names.add(c.cliName());
        return names;
    }

    /** The prune fields of a configuration, checked; null when --prune-rounds is unset (and then no other prune field may be). */
    static PrunePlan parse(RunConfig c) {
        if (c.pruneRounds() == null) {
            String stray = c.pruneRate() != null ? "--prune-rate" : c.pruneRateOutput() != null ? "--prune-rate-output"
                    : c.pruneScope() != null ? "--prune-scope" : c.pruneControls() != null ? "--prune-controls" : null;
            if (stray != null) throw new BadInputException(stray + ": only --prune-rounds R reads it; add --prune-rounds, or drop " + stray + ".");
            return null;
        }
        int rounds = c.pruneRounds();
        if (rounds < 0)
            throw BadInputException.of("--prune-rounds " + rounds, rounds, "a number of pruning rounds >= 0 after the dense one", "e.g. --prune-rounds 5");
        double rate = c.pruneRate() == null ? DEFAULT_RATE : c.pruneRate();
        MagnitudePruning.checkFraction("--prune-rate", rate);
        Scope scope = scope(c.pruneScope());
        if (scope == Scope.GLOBAL && c.pruneRateOutput() != null)
            throw new BadInputException("--prune-rate-output " + c.pruneRateOutput() + " with --prune-scope global: global pruning ranks every weight"
                    + " together at one --prune-rate; drop --prune-rate-output, or use --prune-scope layer.");
        double rateOutput = c.pruneRateOutput() == null ? DEFAULT_RATE_OUTPUT : c.pruneRateOutput();
        MagnitudePruning.checkFraction("--prune-rate-output", rateOutput);
        if (c.mask() != null)
            throw new BadInputException("--mask " + c.mask() + " with --prune-rounds: the rounds make their own masks (round 0 is dense); drop --mask.");
        if (c.gdStart() != null && c.gdStart() > 0)
            throw new BadInputException("--gd-start " + c.gdStart() + " with --prune-rounds: the start phase's plain GD is unmasked and would move pruned"
                    + " weights; drop one of them.");
        return new PrunePlan(rounds, rate, rateOutput, scope, controls(c.pruneControls()));
    }

    private static Scope scope(String text) {
        String t = text == null ? "layer" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "layer" -> Scope.LAYER;
            case "global" -> Scope.GLOBAL;
            default -> throw BadInputException.of("--prune-scope " + text, "'" + text + "'", "layer or global", "e.g. --prune-scope layer");
        };
    }

    private static Set<Control> controls(String text) {
        Set<Control> set = EnumSet.noneOf(Control.class);
        String t = text == null ? "none" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("none")) return set;
        for (String part : t.split(",")) {
            Control found = null;
            for (Control c : Control.values()) if (c.cliName().equals(part.trim())) found = c;
            if (found == null)
                throw BadInputException.of("--prune-controls " + text, "'" + part.trim() + "'", "none, or a list of reinit and random",
                        "e.g. --prune-controls reinit,random");
            set.add(found);
        }
        return set;
    }
}
