package overparam.core.data;

import java.nio.DoubleBuffer;
import java.util.random.RandomGenerator;
import overparam.core.Seeds;
import overparam.core.linalg.Matrix;

/** Synthetic inputs and labels, all from a seed (each from its own stream, see {@link Seeds}). */
public final class Synthetic {
    private Synthetic() {}

    /** n points uniform on the unit sphere in R^d: standard Gaussian vectors, normalized (||x_i|| = 1, as Theorems 5.1 and 6.1 assume). */
    public static Matrix sphere(int n, int d, long seed) {
        Matrix x = gaussian(n, d, 1.0, Seeds.stream(seed, "data/x"));
        DoubleBuffer e = x.buffer();
        for (int i = 0; i < n; i++) {
            double sumSq = 0;
            for (int j = 0; j < d; j++) sumSq += e.get(i * d + j) * e.get(i * d + j);
            double norm = Math.sqrt(sumSq);
            for (int j = 0; j < d; j++) e.put(i * d + j, e.get(i * d + j) / norm);
        }
        return x;
    }

    /** n points x_i ~ N(0, I/d), so that E ||x_i||^2 = 1 but norms vary. */
    public static Matrix gaussianPoints(int n, int d, long seed) {
        return gaussian(n, d, 1.0 / Math.sqrt(d), Seeds.stream(seed, "data/x"));
    }

    /** n points x_i ~ N(0, I): seed 002's inputs (Li and Yuan's analysis assumes them). */
    public static Matrix standardNormal(int n, int d, long seed) {
        return gaussian(n, d, 1.0, Seeds.stream(seed, "data/x"));
    }

    /** Labels y_i ~ N(0, 1). */
    public static Matrix gaussianLabels(int n, long seed) {
        return gaussian(n, 1, 1.0, Seeds.stream(seed, "data/y"));
    }

    private static Matrix gaussian(int rows, int cols, double sd, RandomGenerator rng) {
        Matrix m = Matrix.zeros(rows, cols);
        DoubleBuffer e = m.buffer();
        for (int i = 0; i < e.capacity(); i++) e.put(i, sd * rng.nextGaussian());
        return m;
    }
}
