package overparam.core.linalg;

import java.util.random.RandomGenerator;

/**
 * Hutchinson's trace estimator (1990): for z with independent Rademacher entries (+-1, each with probability 1/2),
 * E[z^T A z] = tr(A), so the mean of N probes z_j^T A z_j estimates tr(A), and its standard error is the probes'
 * sample standard deviation over sqrt(N). Rademacher probes have the least variance of any i.i.d. probe distribution
 * with unit variance: Var(z^T A z) = 2 sum_{i != j} A_ij^2 (the diagonal contributes nothing). Buffers made once.
 */
public final class Hutchinson implements AutoCloseable {
    /** The mean of the probes, its standard error (NaN for one probe), and how many probes. */
    public record Estimate(double trace, double standardError, int probes) {}

    private final Matrix z, az;

    public Hutchinson(int size) {
        z = Matrix.vector(size);
        az = Matrix.vector(size);
    }

    /** N probes of op (size x size), drawn from rng (the caller's own stream: an observer never touches the run's). */
    public Estimate trace(SymmetricOperator op, int probes, RandomGenerator rng) {
        if (probes < 1) throw new IllegalArgumentException("Hutchinson's estimate needs at least one probe, got " + probes);
        int size = (int) z.size();
        double mean = 0, sumSq = 0;                        // Welford's running mean and sum of squared deviations
        for (int j = 1; j <= probes; j++) {
            for (int i = 0; i < size; i++) z.set(i, rng.nextBoolean() ? 1.0 : -1.0);
            op.apply(z, az);
            double sample = Linalg.dot(z, az);
            double before = mean;
            mean += (sample - mean) / j;
            sumSq += (sample - before) * (sample - mean);
        }
        double se = probes > 1 ? Math.sqrt(sumSq / (probes - 1) / probes) : Double.NaN;
        return new Estimate(mean, se, probes);
    }

    /** Bytes of the two probe buffers. */
    public static double bytes(long size) { return 2 * Matrix.bytes(size, 1); }

    @Override public void close() {
        z.close();
        az.close();
    }
}
