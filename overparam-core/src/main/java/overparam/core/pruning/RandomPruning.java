package overparam.core.pruning;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import overparam.core.linalg.Matrix;

/**
 * Frankle and Carbin 2019's random-pruning control (Section 2, "random reinitialization" aside): a mask that keeps as many
 * weights in each layer as a given mask does, at positions drawn uniformly without replacement, so that the comparison with a
 * winning ticket differs in which weights survive and in nothing else. The masks returned are new matrices the caller owns.
 */
public final class RandomPruning {
    private RandomPruning() {}

    /** For each layer, a 0/1 mask of its shape with exactly as many ones as {@code masks}' layer, placed uniformly at random. */
    public static List<Matrix> sameCounts(List<Matrix> masks, RandomGenerator random) {
        List<Matrix> out = new ArrayList<>();
        for (Matrix m : masks) {
            int size = (int) m.size();
            long kept = MagnitudePruning.remaining(m);
            int[] order = new int[size];
            for (int i = 0; i < size; i++) order[i] = i;
            Matrix r = Matrix.zeros(m.rows(), m.cols());
            for (int k = 0; k < kept; k++) {                    // Fisher-Yates: order[0..k] is a uniform k+1-subset
                int j = k + random.nextInt(size - k), t = order[k];
                order[k] = order[j];
                order[j] = t;
                r.set(order[k], 1);
            }
            out.add(r);
        }
        return out;
    }
}
