package overparam.core.pruning;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * One round of magnitude pruning (Frankle and Carbin 2019, Section 1's step 3 and Section 5's iterative pruning): of the r
 * weights a mask still keeps, the ceil(q r) of smallest magnitude are pruned, so r' = r - ceil(q r) = floor((1 - q) r)
 * remain; after k rounds at the same q, floor applied k times to N (1 - q)^k's products (the paper's 20% of hidden
 * weights and 10% of output weights per round: 0.8^k and 0.9^k). q r is taken in exact decimal arithmetic, with q the
 * decimal it prints as (0.2, not 0.2000000000000000111), so that q r = 6000 at r = 30000 removes 6000, not 6001.
 * Ties in |w| are broken by position: the earlier weight (row-major within a layer, and the earlier layer across
 * layers) is pruned first, so a round is deterministic. The masks returned are new matrices the caller owns.
 */
public final class MagnitudePruning {
    private MagnitudePruning() {}

    /** How many of r remaining weights a round at fraction q removes: ceil(q r), q r in exact decimal arithmetic. */
    public static long removed(long remaining, double q) {
        return BigDecimal.valueOf(q).multiply(BigDecimal.valueOf(remaining)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Refuses a fraction outside [0, 1), naming it as the caller spells it (e.g. the option that set it). */
    public static void checkFraction(String name, double q) {
        if (!(q >= 0 && q < 1))
            throw BadInputException.of(name + " " + q, q, "a pruning fraction in [0, 1) (1 would prune every remaining weight)", "e.g. " + name + " 0.2");
    }

    /** Layer-wise: the new mask of one layer, ceil(q r) of its r remaining weights pruned by magnitude. */
    public static Matrix layer(Matrix weights, Matrix mask, double q, String name) {
        return global(List.of(weights), List.of(mask), q, name).get(0);
    }

    /**
     * The paper's round, layer by layer: every layer but the last at fraction qHidden, the last (the output layer a) at
     * qOutput (Frankle and Carbin: 0.2 and 0.1).
     */
    public static List<Matrix> perLayer(List<Matrix> weights, List<Matrix> masks, double qHidden, double qOutput, String hiddenName, String outputName) {
        checkFraction(hiddenName, qHidden);
        checkFraction(outputName, qOutput);
        List<Matrix> out = new ArrayList<>();
        for (int l = 0; l < weights.size(); l++) {
            boolean output = l == weights.size() - 1;
            out.add(layer(weights.get(l), masks.get(l), output ? qOutput : qHidden, output ? outputName : hiddenName));
        }
        return out;
    }

    /**
     * Global: the remaining weights of all these layers pooled, ceil(q R) of the R remaining pruned by magnitude wherever
     * they are (the paper's Section 5 global pruning of deep networks).
     */
    public static List<Matrix> global(List<Matrix> weights, List<Matrix> masks, double q, String name) {
        checkFraction(name, q);
        if (weights.size() != masks.size()) throw new IllegalArgumentException(weights.size() + " weights and " + masks.size() + " masks");
        int total = 0;
        for (int l = 0; l < weights.size(); l++) {
            Matrix w = weights.get(l), m = masks.get(l);
            if (w.rows() != m.rows() || w.cols() != m.cols())
                throw new IllegalArgumentException("layer " + l + ": weights " + w.rows() + " x " + w.cols() + ", mask " + m.rows() + " x " + m.cols());
            total += (int) w.size();
        }
        // the remaining weights as (layer, flat index) positions, sorted by |w| and then by position
        long[] kept = new long[total];
        int r = 0;
        for (int l = 0; l < weights.size(); l++) {
            Matrix m = masks.get(l);
            for (int e = 0; e < (int) m.size(); e++) {
                if (m.get(e) == 1) kept[r++] = ((long) l << 32) | e;
                else if (m.get(e) != 0) throw new IllegalArgumentException("layer " + l + "'s mask holds " + m.get(e) + " at " + e + ": expected 0 or 1");
            }
        }
        Long[] order = new Long[r];
        for (int i = 0; i < r; i++) order[i] = kept[i];
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(magnitude(weights, a), magnitude(weights, b));
            return c != 0 ? c : Long.compare(a, b);
        });
        List<Matrix> out = new ArrayList<>();
        for (Matrix m : masks) out.add(m.copy());
        long prune = removed(r, q);
        for (int i = 0; i < prune; i++) out.get((int) (order[i] >>> 32)).set((int) (order[i] & 0xffffffffL), 0);
        return out;
    }

    private static double magnitude(List<Matrix> weights, long position) {
        return Math.abs(weights.get((int) (position >>> 32)).get((int) (position & 0xffffffffL)));
    }

    /** The number of ones of a mask. */
    public static long remaining(Matrix mask) {
        long r = 0;
        for (int e = 0; e < (int) mask.size(); e++) if (mask.get(e) == 1) r++;
        return r;
    }
}
