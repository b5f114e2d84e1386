package overparam.lab.plan;

import overparam.core.BadInputException;

/**
 * The gradient-noise instrument's sampling (Simsekli et al. 2019): K minibatches of b samples per record. b is the run's own
 * SGD batch size unless --noise-batch-size says otherwise; 0 means neither is set (full-batch gradient descent without
 * --noise-batch-size), which the instrument then needs ({@link Instruments}).
 */
public record NoisePlan(int batches, int batchSize, boolean ownBatchSize) {
    /** K when --noise-batches is unset: 32 noise vectors, about 32 P values pooled per estimate. */
    public static final int DEFAULT_BATCHES = 32;
    /** More batches than this would only cost time: the estimator's error falls as 1 / sqrt(log-moment samples). */
    static final int MAX_BATCHES = 100_000;

    static NoisePlan parse(RunConfig c, int trainBatchSize) {
        boolean chosen = Instruments.parse(c.instruments()).has(Instruments.Instrument.GRADIENT_NOISE);
        if (!chosen && (c.noiseBatches() != null || c.noiseBatchSize() != null))
            throw new BadInputException((c.noiseBatches() != null ? "--noise-batches" : "--noise-batch-size")
                    + ": only the gradient-noise instrument reads it. Add gradient-noise to --instruments, e.g. --instruments gradient-noise.");
        int batches = c.noiseBatches() == null ? DEFAULT_BATCHES : c.noiseBatches();
        if (batches < 2 || batches > MAX_BATCHES)
            throw BadInputException.of("--noise-batches " + batches, batches, "between 2 and " + MAX_BATCHES
                    + " minibatches (the standardized index divides by a standard deviation over them)", "e.g. --noise-batches 32");
        if (c.noiseBatchSize() != null && c.noiseBatchSize() < 1)
            throw BadInputException.of("--noise-batch-size " + c.noiseBatchSize(), c.noiseBatchSize(), "a positive minibatch size", "e.g. --noise-batch-size 32");
        NoisePlan plan = new NoisePlan(batches, c.noiseBatchSize() != null ? c.noiseBatchSize() : Math.max(trainBatchSize, 0), c.noiseBatchSize() != null);
        if (chosen && c.synthetic() != null && c.n() != null && plan.batchSize > 0) plan.requireBelow(c.n());   // n known before any data
        return plan;
    }

    /** With the data: b must leave noise (b < n; a batch of all n samples is the full gradient). */
    public void requireBelow(int n) {
        if (batchSize >= n)
            throw new BadInputException((ownBatchSize ? "--noise-batch-size " : "--batch-size ") + batchSize + ": the gradient-noise minibatch must be"
                    + " smaller than the n = " + n + " training samples (a batch of all of them has no noise). Use e.g. --noise-batch-size "
                    + Math.max(1, n / 10) + ".");
    }
}
