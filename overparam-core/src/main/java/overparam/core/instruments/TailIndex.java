package overparam.core.instruments;

/**
 * The tail index alpha of symmetric alpha-stable samples by Mohammadi, Mohammadpour and Ogata (2015), Corollary 2.4, the
 * estimator Simsekli, Sagun and Gurbuzbalaban (ICML 2019) apply to stochastic gradient noise. If X_1..X_N are i.i.d.
 * S(alpha) and Y_i is the sum of block i of m consecutive X_j (N = m n'), then Y_i has the law of m^(1/alpha) X_1, so
 * E ln|Y| - E ln|X| = ln(m) / alpha exactly, for every m, and
 * <pre>  1/alpha_hat = ((1/n') sum_i ln|Y_i| - (1/N) sum_j ln|X_j|) / ln m.</pre>
 * 1/alpha_hat is unbiased (it is linear in the log moments); alpha_hat itself is not. alpha = 2 for Gaussian samples,
 * 1 for Cauchy; alpha < 2 means a heavier tail than Gaussian.
 * <p>
 * m is the choice of Simsekli et al.'s code (github.com/umutsimsekli/sgd_tail_index, main.py): the largest divisor of N not
 * above sqrt(N). When N has no divisor above sqrt(N) / 2 (a prime N would give m = 1 and ln m = 0), m = floor(sqrt N) and
 * the last N - m n' values are left out, as their later alpha_estimator_one does. Like their code, |.| + 2^-52 keeps an
 * exact zero finite.
 */
public final class TailIndex {
    /** numpy's spacing(1), which their code adds to |X| and |Y| before the logarithm. */
    static final double EPS = Math.ulp(1.0);

    /** The values X_0..X_{count-1}, read by index so that callers pool, rescale or select without copying. */
    @FunctionalInterface
    public interface Values {
        double get(int j);
    }

    private TailIndex() {}

    /** The block length m for N values (see the class comment). */
    public static int blockSize(int count) {
        if (count < 4) throw new IllegalArgumentException("the tail index needs at least 4 values (two blocks of two), got " + count);
        int root = (int) Math.floor(Math.sqrt(count));
        int m = 1;
        for (int i = 1; i <= root; i++) if (count % i == 0) m = i;
        return 2 * m >= root ? m : root;
    }

    /** alpha_hat over the values X_0..X_{count-1}. */
    public static double estimate(int count, Values x) { return 1 / reciprocal(count, x); }

    public static double estimate(double[] x) { return estimate(x.length, j -> x[j]); }

    /**
     * alpha_hat of K noise vectors of P coordinates (x.get(k P + c), row-major as the pooled estimate reads them) with each
     * coordinate c divided by its standard deviation over the K vectors, then pooled; coordinates without spread (sd = 0,
     * such as a dead unit's weights) are left out. sd (length P) and kept (length P) are the caller's scratch, so that a
     * record allocates nothing of size P. NaN when fewer than 4 values remain.
     */
    public static double standardized(int vectors, int coordinates, Values x, double[] sd, int[] kept) {
        int count = 0;
        for (int c = 0; c < coordinates; c++) {
            double mean = 0, ss = 0;
            for (int k = 0; k < vectors; k++) mean += x.get(k * coordinates + c);
            mean /= vectors;
            for (int k = 0; k < vectors; k++) { double v = x.get(k * coordinates + c) - mean; ss += v * v; }
            sd[c] = Math.sqrt(ss / (vectors - 1));
            if (sd[c] > 0) kept[count++] = c;
        }
        int used = count;
        if ((long) vectors * used < 4) return Double.NaN;
        return estimate(vectors * used, j -> x.get((j / used) * coordinates + kept[j % used]) / sd[kept[j % used]]);
    }

    /** 1/alpha_hat, the unbiased form (Corollary 2.4 as written). */
    public static double reciprocal(int count, Values x) {
        int m = blockSize(count), blocks = count / m, used = m * blocks;
        double logY = 0, logX = 0;
        for (int i = 0; i < blocks; i++) {
            double y = 0;
            for (int j = i * m; j < (i + 1) * m; j++) {
                double v = x.get(j);
                y += v;
                logX += Math.log(Math.abs(v) + EPS);
            }
            logY += Math.log(Math.abs(y) + EPS);
        }
        return (logY / blocks - logX / used) / Math.log(m);
    }
}
