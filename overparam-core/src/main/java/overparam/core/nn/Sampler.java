package overparam.core.nn;

import java.util.random.RandomGenerator;

/**
 * Minibatches by random reshuffling: each epoch is a fresh permutation of the n samples, cut into
 * floor(n / b) batches of exactly b (the n mod b left over wait for the next epoch's shuffle). Seeded, and
 * allocation-free after construction.
 */
public final class Sampler {
    private final int[] order;
    private final int batchSize;
    private final RandomGenerator rng;
    private int next;

    /** The sampler of a training run with this seed (its own stream, "sampler"): the batches Trainer draws. */
    public static Sampler ofRun(int n, int batchSize, long seed) {
        return new Sampler(n, batchSize, overparam.core.Seeds.stream(seed, "sampler"));
    }

    Sampler(int n, int batchSize, RandomGenerator rng) {
        this.order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        this.batchSize = batchSize;
        this.rng = rng;
        this.next = n;          // shuffle before the first batch
    }

    /** Fills batch (length b) with the next batch's sample indices. */
    public void nextBatch(int[] batch) {
        if (next + batchSize > order.length) {
            for (int i = order.length - 1; i > 0; i--) {                // Fisher-Yates
                int j = rng.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
            next = 0;
        }
        System.arraycopy(order, next, batch, 0, batchSize);
        next += batchSize;
    }
}
