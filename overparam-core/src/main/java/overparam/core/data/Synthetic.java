package overparam.core.data;

import java.nio.DoubleBuffer;
import java.util.random.RandomGenerator;
import overparam.core.Seeds;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Svd;

/** Synthetic inputs and labels, all from a seed (each from its own stream, see {@link Seeds}). */
public final class Synthetic {
    private Synthetic() {}

    /**
     * The input distributions: SPHERE (uniform on the unit sphere: standard Gaussian vectors normalized, ||x_i|| = 1 as
     * Theorems 5.1 and 6.1 assume), GAUSSIAN (x_i ~ N(0, I/d), E ||x_i||^2 = 1 but norms vary), NORMAL (x_i ~ N(0, I),
     * seed 002's inputs, which Li and Yuan's analysis assumes), LINE (no draw: the 1-D path x_i = t_i e_1 + e_2, t_i from
     * -2 to 2 evenly over the n rows, d >= 2; Balduzzi et al., ICML 2017, Figure 1, take 256 scalar inputs in [-2, 2] with
     * biases in every layer; the lab's networks have none, and a bias-free network of a scalar input is piecewise linear with
     * one kink at 0, so the constant coordinate e_2 plays the first layer's bias and the path avoids the origin).
     */
    public enum Kind {
        SPHERE, GAUSSIAN, NORMAL, LINE;

        /** The line's direction v = e_1 in R^d: its inputs in row order are x(t_i) = t_i v + e_2. */
        public static double[] lineDirection(int d) {
            double[] v = new double[d];
            v[0] = 1;
            return v;
        }

        /** Fills every row of x with a draw, from rng, in place (no allocation: fresh SGD batches use it every step); LINE draws nothing. */
        public void fill(Matrix x, RandomGenerator rng) {
            DoubleBuffer e = x.buffer();
            if (this == LINE) {
                if (x.cols() < 2) throw new IllegalArgumentException("the line x(t) = t e_1 + e_2 needs d >= 2, got " + x.cols());
                int n = x.rows(), d = x.cols();
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < d; c++) e.put(i * d + c, 0);
                    e.put(i * d, n == 1 ? 0 : -2 + 4.0 * i / (n - 1));                       // t_i over [-2, 2]
                    e.put(i * d + 1, 1);                                                      // the constant coordinate
                }
                return;
            }
            double sd = this == GAUSSIAN ? 1.0 / Math.sqrt(x.cols()) : 1.0;
            for (int i = 0; i < e.capacity(); i++) e.put(i, sd * rng.nextGaussian());
            if (this == SPHERE) Subsets.scaleToUnitNorm(x, "sphere");
        }

        /** n draws in R^d from the seed's "data/x" stream. */
        public Matrix draw(int n, int d, long seed) {
            Matrix x = Matrix.zeros(n, d);
            fill(x, Seeds.stream(seed, "data/x"));
            return x;
        }

        /** sphere, gaussian, normal or line, as --synthetic names it. */
        public String cliName() { return name().toLowerCase(java.util.Locale.ROOT); }

        /** sphere, gaussian, normal or line; null when the name is none of them. */
        public static Kind named(String name) {
            for (Kind k : values()) if (k.name().equalsIgnoreCase(name == null ? "" : name.trim())) return k;
            return null;
        }
    }

    public static Matrix sphere(int n, int d, long seed) { return Kind.SPHERE.draw(n, d, seed); }

    /**
     * n points uniform on the unit sphere of a random subspace of dimension dPrime in R^d (Panigrahi, Shetty, Goyal 2020,
     * whose Gram bounds depend on the data's dimension d', not d): x_i = Q z_i with z_i uniform on S^(dPrime - 1) (from the
     * seed's "data/x" stream, as {@link #sphere}) and Q a d x dPrime orthonormal basis of the column space of a Gaussian
     * matrix (from the basis seed's "data/subspace" stream; LAPACK dgesdd's U), a uniformly random subspace. ||x_i|| = 1.
     * The basis has a seed of its own so that a test set drawn with another point seed lies in the same subspace.
     */
    public static Matrix subspace(int n, int d, int dPrime, long pointSeed, long basisSeed) {
        if (dPrime < 1 || dPrime > d) throw new IllegalArgumentException("subspace dimension " + dPrime + ": expected 1.." + d);
        try (Matrix z = sphere(n, dPrime, pointSeed); Matrix q = subspaceBasis(d, dPrime, basisSeed)) {
            Matrix x = Matrix.zeros(n, d);
            Linalg.multTransB(1.0, z, q, 0.0, x);                                  // rows x_i^T = z_i^T Q^T
            return x;
        }
    }

    /** The d x dPrime orthonormal basis {@link #subspace} uses. */
    public static Matrix subspaceBasis(int d, int dPrime, long basisSeed) {
        try (Matrix g = gaussian(d, dPrime, 1.0, Seeds.stream(basisSeed, "data/subspace")); Svd svd = Svd.of(g)) {
            return svd.u().copy();
        }
    }

    public static Matrix gaussianPoints(int n, int d, long seed) { return Kind.GAUSSIAN.draw(n, d, seed); }

    public static Matrix standardNormal(int n, int d, long seed) { return Kind.NORMAL.draw(n, d, seed); }

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
