package overparam.core.data;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import overparam.core.BadInputException;
import overparam.core.Seeds;
import overparam.core.linalg.Matrix;

/**
 * Choosing, relabelling and normalising the samples of a data set for an experiment. Each helper is pure
 * (returns new arrays) except {@link #scaleToUnitNorm}, and the random ones draw only from their own seeded
 * stream ({@link Seeds}), so a run is reproduced from its seed.
 */
public final class Subsets {
    private Subsets() {}

    /**
     * The indices, in file order, of the first {@code perClass} samples of each chosen class: a deterministic
     * subset such as "the first 500 T-shirts and 500 trousers".
     *
     * @param classes  the classes to keep; null or empty keeps every class present
     * @param perClass samples per class; 0 or less keeps all of each chosen class
     * @param source   the data set, named in messages
     */
    public static int[] firstPerClass(int[] labels, int[] classes, int perClass, String source) {
        TreeMap<Integer, Integer> present = new TreeMap<>();   // class -> number of samples
        for (int label : labels) present.merge(label, 1, Integer::sum);
        int[] chosen = classes == null || classes.length == 0
                ? present.keySet().stream().mapToInt(Integer::intValue).toArray() : classes;
        Map<Integer, Integer> wanted = new HashMap<>();   // class -> samples still to take
        for (int c : chosen) {
            Integer count = present.get(c);
            if (count == null) {
                throw BadInputException.of("class " + c, "class " + c, "classes present in " + source + ": " + present.keySet(),
                        "Choose classes from that list.");
            }
            if (perClass > count) {
                String samples = count == 1 ? " sample" : " samples";
                throw new BadInputException("class " + c + " has only " + count + samples + " in " + source
                        + ", fewer than the " + perClass + " per class asked for. Ask for at most " + count + " per class.");
            }
            if (wanted.put(c, perClass <= 0 ? count : perClass) != null) {
                throw new BadInputException("class " + c + " is listed twice. List each class once.");
            }
        }
        int total = wanted.values().stream().mapToInt(Integer::intValue).sum();
        int[] indices = new int[total];
        int taken = 0;
        for (int i = 0; i < labels.length && taken < total; i++) {
            Integer left = wanted.get(labels[i]);
            if (left != null && left > 0) {
                wanted.put(labels[i], left - 1);
                indices[taken++] = i;
            }
        }
        return indices;
    }

    /** A new matrix whose row k is row indices[k] of {@code x}. */
    public static Matrix gatherRows(Matrix x, int[] indices) {
        Matrix out = Matrix.zeros(indices.length, x.cols());
        try {
            for (int k = 0; k < indices.length; k++) {
                if (indices[k] < 0 || indices[k] >= x.rows()) throw new IndexOutOfBoundsException("row " + indices[k] + " of " + x);
                out.setRow(k, x.row(indices[k]));
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** A new array whose element k is labels[indices[k]]. */
    public static int[] gather(int[] labels, int[] indices) {
        int[] out = new int[indices.length];
        for (int k = 0; k < indices.length; k++) out[k] = labels[indices[k]];
        return out;
    }

    /**
     * Scales every row of {@code x} in place to Euclidean norm 1: the inputs ||x_i|| = 1 that the NTK
     * convergence analyses assume (e.g. Du et al. 2019). All norms are checked before any row changes, so a
     * refused matrix is left as it was.
     */
    public static void scaleToUnitNorm(Matrix x, String source) {
        for (int i = 0; i < x.rows(); i++) {
            double norm = rowNorm(x, i);
            if (norm == 0 || !Double.isFinite(norm)) {
                throw new BadInputException(source + ": row " + i + (norm == 0 ? " is all zeros" : " has norm " + norm)
                        + ", so it cannot be scaled to norm 1. Remove that sample or do not ask for unit-norm inputs.");
            }
        }
        DoubleBuffer e = x.buffer();                  // norms again rather than kept: no allocation (fresh SGD batches)
        int d = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            double norm = rowNorm(x, i);
            for (int j = i * d, end = j + d; j < end; j++) e.put(j, e.get(j) / norm);
        }
    }

    private static double rowNorm(Matrix x, int i) {
        DoubleBuffer e = x.buffer();
        double sumOfSquares = 0;
        for (int j = i * x.cols(), end = j + x.cols(); j < end; j++) sumOfSquares += e.get(j) * e.get(j);
        return Math.sqrt(sumOfSquares);
    }

    /**
     * The samples whose labels {@link #corruptLabels} replaces: exactly round(fraction * n) of them, chosen uniformly
     * without replacement from the stream "data/label-noise" of the seed, in ascending order.
     */
    public static int[] corruptedSamples(int n, double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw BadInputException.of("label noise " + fraction, fraction, "a fraction in [0, 1]",
                    "For example, 0.2 gives 20% of the samples a random label.");
        }
        int count = (int) Math.round(fraction * n);
        RandomGenerator random = Seeds.stream(seed, "data/label-noise");
        int[] order = identity(n);
        for (int k = 0; k < count; k++) swapInRandom(order, k, random);       // Fisher-Yates: order[0..k] is a uniform subset
        int[] chosen = Arrays.copyOf(order, count);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * Random labels as in Zhang et al. 2016 ("Understanding deep learning requires rethinking generalization",
     * Section 2: "with probability p, the label of each image is corrupted as a uniform random class"), with the count
     * exact: the round(fraction * n) samples of {@link #corruptedSamples} get a label drawn uniformly from all
     * classCount classes (so about 1/classCount of them keep their label by chance, and fraction 1 makes the labels
     * independent of the inputs, as random labels must be: with two classes, replacing every label by the other one
     * would be a learnable relabelling, not noise).
     *
     * @param labels     class numbers 0 .. classCount - 1 (not modified)
     * @param fraction   the share of samples to relabel, in [0, 1] ({@code --label-noise})
     * @param seed       seeds the stream "data/label-noise": the same seed gives the same labels
     * @return the new labels
     */
    public static int[] corruptLabels(int[] labels, int classCount, double fraction, long seed) {
        int[] chosen = corruptedSamples(labels.length, fraction, seed);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classCount) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is not in 0.." + (classCount - 1));
            }
        }
        int[] noisy = labels.clone();
        RandomGenerator random = Seeds.stream(seed, "data/label-noise/classes");
        for (int sample : chosen) noisy[sample] = random.nextInt(classCount);
        return noisy;
    }

    /**
     * A random split of samples 0 .. n-1 into {train indices, test indices}, each sorted ascending, with
     * round(testFraction * n) test samples drawn uniformly from the stream "data/split" of {@code seed}.
     */
    public static int[][] trainTestSplit(int n, double testFraction, long seed) {
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw BadInputException.of("test fraction " + testFraction, testFraction, "a fraction in [0, 1)",
                    "For example, 0.2 holds out 20% of the samples for testing.");
        }
        if (n < 0) throw new IllegalArgumentException("n = " + n);
        int testSize = (int) Math.round(testFraction * n);
        if (n > 0 && testSize == n) {
            throw BadInputException.of("test fraction " + testFraction, testFraction + " of " + n + " samples (all of them)",
                    "a fraction that leaves training samples", "Use a smaller fraction or more samples.");
        }
        RandomGenerator random = Seeds.stream(seed, "data/split");
        int[] order = identity(n);
        for (int k = 0; k < testSize; k++) swapInRandom(order, k, random);
        int[] test = Arrays.copyOfRange(order, 0, testSize);
        int[] train = Arrays.copyOfRange(order, testSize, n);
        Arrays.sort(test);
        Arrays.sort(train);
        return new int[][] {train, test};
    }

    /**
     * {kept indices, held-out indices}, each sorted ascending: {@code count} of samples 0 .. n-1 drawn uniformly without
     * replacement from the stream {@code purpose} of {@code seed} (a validation set: "data/validation"), so that the split
     * depends on the seed alone and not on what else the run draws. 0 <= count < n (the caller names the option).
     */
    public static int[][] holdOut(int n, int count, long seed, String purpose) {
        if (count < 0 || count >= n) throw new IllegalArgumentException(count + " of " + n + " samples");
        RandomGenerator random = Seeds.stream(seed, purpose);
        int[] order = identity(n);
        for (int k = 0; k < count; k++) swapInRandom(order, k, random);
        int[] held = Arrays.copyOfRange(order, 0, count);
        int[] kept = Arrays.copyOfRange(order, count, n);
        Arrays.sort(held);
        Arrays.sort(kept);
        return new int[][] {kept, held};
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /** Swaps order[k] with a uniformly chosen order[j], j in [k, n), and returns the new order[k]. */
    private static int swapInRandom(int[] order, int k, RandomGenerator random) {
        int j = k + random.nextInt(order.length - k);
        int chosen = order[j];
        order[j] = order[k];
        order[k] = chosen;
        return chosen;
    }
}
