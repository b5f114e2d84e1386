package overparam.core.nn;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which parameters gradient descent updates: a subset of W1..WH and a (numbered 1..H+1). Seed 004 trains
 * all layers; the two-layer theory trains only W1.
 */
public record TrainedLayers(BitSet layers) {
    public TrainedLayers {
        layers = (BitSet) layers.clone();
    }

    /** Every parameter the architecture lets train: all, except a when the architecture fixes it. */
    public static TrainedLayers all(NetworkSpec spec) {
        BitSet b = new BitSet();
        b.set(1, spec.depth() + (spec.outputFixed() ? 1 : 2));
        return new TrainedLayers(b);
    }

    /** "all", or a comma list of W1..WH and a, e.g. "W1" or "W2,W3,a" (the lab parses user input with its own messages: TrainedParameters). */
    public static TrainedLayers parse(String text, NetworkSpec spec) {
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("all")) return all(spec);
        BitSet b = new BitSet();
        for (String part : text.split(",")) {
            String name = part.trim();
            int h = indexOf(name, spec);
            if (h < 0) throw new IllegalArgumentException("unknown parameter '" + name + "': expected 'all' or names from " + allNames(spec));
            if (h == spec.depth() + 1 && spec.outputFixed())
                throw new IllegalArgumentException("'a' of " + spec.arch() + " is fixed (Du et al. 2018; seed 002's sum readout): only hidden layers train");
            b.set(h);
        }
        return new TrainedLayers(b);
    }

    private static int indexOf(String name, NetworkSpec spec) {
        for (int h = 1; h <= spec.parameterCount(); h++) if (spec.parameterName(h).equalsIgnoreCase(name)) return h;
        return -1;
    }

    private static List<String> allNames(NetworkSpec spec) {
        List<String> out = new ArrayList<>();
        for (int h = 1; h <= spec.parameterCount(); h++) out.add(spec.parameterName(h));
        return out;
    }

    public boolean contains(int h) { return layers.get(h); }

    /** The lowest trained hidden layer, or depth + 1 when only a is trained (no backward pass needed). */
    public int lowestHidden(int depth) {
        int first = layers.nextSetBit(1);
        return first < 0 || first > depth ? depth + 1 : first;
    }

    /** Names in order, e.g. [W1, W2, a]. */
    public List<String> names(NetworkSpec spec) {
        List<String> out = new ArrayList<>();
        for (int h = layers.nextSetBit(0); h >= 0; h = layers.nextSetBit(h + 1)) out.add(spec.parameterName(h));
        return out;
    }

    public boolean isEmpty() { return layers.isEmpty(); }
}
