package overparam.core.reference;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/** The few vector operations the reference solutions share; products go through {@link Linalg} (BLAS). */
final class Vectors {
    private Vectors() {}

    /** X v for X n x d and v of length d. */
    static double[] mult(Matrix x, double[] v) {
        try (Matrix in = Matrix.vectorOf(v); Matrix out = Matrix.vector(x.rows())) {
            Linalg.multVec(1.0, x, in, 0.0, out);
            return out.toArray();
        }
    }

    /** X^T z for X n x d and z of length n. */
    static double[] multTransA(Matrix x, double[] z) {
        try (Matrix in = Matrix.vectorOf(z); Matrix out = Matrix.vector(x.cols())) {
            Linalg.multTransAVec(1.0, x, in, 0.0, out);
            return out.toArray();
        }
    }

    /** ||X beta - y||_2. */
    static double residual(Matrix x, double[] beta, double[] y) {
        double[] r = mult(x, beta);
        for (int i = 0; i < r.length; i++) r[i] -= y[i];
        return norm(r);
    }

    static double norm(double[] v) {
        double s = 0;
        for (double e : v) s += e * e;
        return Math.sqrt(s);
    }

    static void requireShapes(String what, Matrix x, double[] y) {
        if (x.rows() != y.length)
            throw overparam.core.BadInputException.of(what + ": X and y", x + " and " + y.length + " targets",
                    "one target per row of X", "pass y with X.rows() entries");
        if (x.rows() == 0 || x.cols() == 0)
            throw overparam.core.BadInputException.of(what + ": X", x, "at least one sample and one feature", "pass non-empty data");
    }
}
