package overparam.core.reference;

import java.util.Random;
import overparam.core.linalg.Matrix;

/** Seeded Gaussian problems and the small vector helpers the reference tests share (plain loops: tiny sizes, tests only). */
final class Problems {
    private Problems() {}

    /** n x d with independent standard normal entries. */
    static Matrix gaussian(int n, int d, long seed) {
        Random rng = new Random(seed);
        double[][] rows = new double[n][d];
        for (double[] row : rows) for (int j = 0; j < d; j++) row[j] = rng.nextGaussian();
        return Matrix.of(rows);
    }

    static double[] gaussianVector(int n, long seed) {
        Random rng = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    /** A k-sparse vector of length d: k distinct random coordinates with values +-(1 + U[0, 1)). */
    static double[] sparse(int d, int k, long seed) {
        Random rng = new Random(seed);
        double[] v = new double[d];
        for (int placed = 0; placed < k; ) {
            int j = rng.nextInt(d);
            if (v[j] != 0) continue;
            v[j] = (rng.nextBoolean() ? 1 : -1) * (1 + rng.nextDouble());
            placed++;
        }
        return v;
    }

    /** X v by a plain loop: an independent route for the tests. */
    static double[] times(Matrix x, double[] v) {
        double[] out = new double[x.rows()];
        for (int i = 0; i < x.rows(); i++) {
            double[] row = x.row(i);
            for (int j = 0; j < row.length; j++) out[i] += row[j] * v[j];
        }
        return out;
    }

    /** X^T z by a plain loop. */
    static double[] transposeTimes(Matrix x, double[] z) {
        double[] out = new double[x.cols()];
        for (int i = 0; i < x.rows(); i++) {
            double[] row = x.row(i);
            for (int j = 0; j < row.length; j++) out[j] += row[j] * z[i];
        }
        return out;
    }

    static double[] minus(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) out[i] -= b[i];
        return out;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double e : v) s += e * e;
        return Math.sqrt(s);
    }

    static double norm1(double[] v) {
        double s = 0;
        for (double e : v) s += Math.abs(e);
        return s;
    }

    static double normInf(double[] v) {
        double s = 0;
        for (double e : v) s = Math.max(s, Math.abs(e));
        return s;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double distance(double[] a, double[] b) {
        return norm(minus(a, b));
    }
}
