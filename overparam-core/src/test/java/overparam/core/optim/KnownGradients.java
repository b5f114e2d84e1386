package overparam.core.optim;

import java.util.ArrayList;
import java.util.List;
import overparam.core.linalg.Matrix;

/**
 * A 2 x 2 parameter theta with a known gradient G, and a learned scalar alpha with gradient g, as a network would
 * deliver them; records how each product alpha G + beta target was asked for.
 */
final class KnownGradients implements Gradients, AutoCloseable {
    record Call(double alpha, double beta, Matrix target) {}

    final Matrix theta = Matrix.of(new double[][] {{1, 2}, {3, 4}});
    final Matrix g = Matrix.of(new double[][] {{0.5, -1}, {2, 0.25}});
    final Matrix slope = Matrix.vectorOf(0.25);
    double slopeGradient = -0.5;
    final List<Call> calls = new ArrayList<>();

    @Override public int count() { return 2; }

    @Override public Matrix parameter(int i) { return i == 0 ? theta : slope; }

    @Override public boolean isScalar(int i) { return i == 1; }

    @Override public void prepare() { calls.clear(); }

    /** target = beta target + alpha G, elementwise (beta = 0 ignores target, as BLAS does). */
    @Override public void accumulate(int i, double alpha, double beta, Matrix target) {
        calls.add(new Call(alpha, beta, target));
        for (int e = 0; e < 4; e++) target.set(e, (beta == 0 ? 0 : beta * target.get(e)) + alpha * g.get(e));
    }

    @Override public double scalar(int i) { return slopeGradient; }

    double[] theta() { return theta.toArray(); }

    double alpha() { return slope.get(0); }

    @Override public void close() {
        theta.close();
        g.close();
        slope.close();
    }
}
