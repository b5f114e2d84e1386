package overparam.lab.plan;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import overparam.core.BadInputException;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/**
 * The parameters gradient descent updates (--train-layers): every one the architecture lets train, or the chosen
 * ones by their weights-file names, W1..WH and a, numbered 1..H+1 as the Gram matrices G^(h) are.
 */
public record TrainedParameters(BitSet chosen, String text) {
    public static final TrainedParameters ALL = new TrainedParameters(null, "all");

    public TrainedParameters {
        chosen = chosen == null ? null : (BitSet) chosen.clone();
    }

    public boolean all() { return chosen == null; }

    /** The set for this network; a fixed output layer (two-layer, seed 002's sum readout) cannot be chosen. */
    public TrainedLayers of(NetworkSpec spec) {
        if (all()) return TrainedLayers.all(spec);
        if (chosen.get(spec.parameterCount()) && spec.outputFixed())
            throw BadInputException.of("--train-layers " + this, "'a' for --arch " + spec.arch(),
                    "only the hidden layers: --arch " + spec.arch() + " keeps a fixed (Du et al. 2018; seed 002's u = ||x^(N)||_1)",
                    "Drop 'a', or use --arch fc --depth 1.");
        return new TrainedLayers(chosen);
    }

    @Override public String toString() { return text; }

    /** "all", or a comma list of W1..WH and a, e.g. "W1" or "W2,W3,a", for a network of this depth. */
    static TrainedParameters parse(String text, int depth) {
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("all")) return ALL;
        List<String> names = new ArrayList<>();
        for (int h = 1; h <= depth; h++) names.add("W" + h);
        names.add("a");
        BitSet b = new BitSet();
        for (String part : text.split(",")) {
            String name = part.trim();
            int h = -1;
            for (int i = 0; i < names.size(); i++) if (names.get(i).equalsIgnoreCase(name)) h = i + 1;
            if (h < 0)
                throw BadInputException.of("--train-layers " + text, "'" + name + "'", "'all' or names from " + names,
                        "e.g. --train-layers W1 or --train-layers W1,a");
            b.set(h);
        }
        return new TrainedParameters(b, text);
    }
}
