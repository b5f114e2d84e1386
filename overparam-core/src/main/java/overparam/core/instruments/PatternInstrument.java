package overparam.core.instruments;

import java.nio.DoubleBuffer;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.Workspace;

/**
 * The fraction of hidden units, over all samples and layers, whose activation pattern (the sign of the
 * pre-activation, "on" when > 0) differs from step 0: the quantity Du et al. (2018) show stays small in
 * wide networks. Recorded overall and per layer. Patterns are kept as bits: n * m * H / 8 bytes.
 */
public final class PatternInstrument implements Observer {
    private final int depth;
    private long[][] initialBits;              // per layer, bit (i * m + r) set when pre-activation > 0

    public PatternInstrument(NetworkSpec spec) {
        this.depth = spec.depth();
    }

    public static double bytes(NetworkSpec spec, long n) {
        return spec.depth() * ((double) n * spec.width() / 64 + 1) * Long.BYTES;
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        Workspace pass = view.pass(depth + 1);
        if (initialBits == null) {
            initialBits = new long[depth][];
            for (int h = 1; h <= depth; h++) {
                DoubleBuffer pre = pass.preActivation(h).buffer();
                long[] bits = new long[(pre.capacity() + 63) / 64];
                for (int i = 0; i < pre.capacity(); i++) if (pre.get(i) > 0) bits[i >>> 6] |= 1L << i;
                initialBits[h - 1] = bits;
            }
        }
        double[] perLayer = new double[depth];
        long changedTotal = 0, unitsTotal = 0;
        for (int h = 1; h <= depth; h++) {
            DoubleBuffer pre = pass.preActivation(h).buffer();
            long[] bits = initialBits[h - 1];
            long changed = 0;
            for (int i = 0; i < pre.capacity(); i++) {
                boolean wasOn = (bits[i >>> 6] & (1L << i)) != 0;
                if (wasOn != pre.get(i) > 0) changed++;
            }
            perLayer[h - 1] = (double) changed / pre.capacity();
            changedTotal += changed;
            unitsTotal += pre.capacity();
        }
        record.put("pattern_change", (double) changedTotal / unitsTotal);
        record.put("pattern_change_per_layer", perLayer);
    }
}
