package overparam.core.kernel;

import java.nio.DoubleBuffer;
import java.util.stream.IntStream;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/** {@link GaussianMaps} from closed forms, entry by entry, rows in parallel. */
public record ClosedFormMaps(ClosedForm form) implements GaussianMaps {
    @Override public void products(Matrix cov, Matrix out) {
        fill(cov, out, false);
    }

    @Override public void derivativeProducts(Matrix cov, Matrix out) {
        fill(cov, out, true);
    }

    @Override public double[] means(Matrix cov) {
        double[] m = new double[cov.rows()];
        for (int i = 0; i < m.length; i++) m[i] = form.mean(cov.get(i, i));
        return m;
    }

    /** The lower triangle row by row (contiguous writes), then one blocked mirror: writing (j, i) too would miss the cache each time. */
    private void fill(Matrix cov, Matrix out, boolean derivative) {
        int n = cov.rows();
        DoubleBuffer k = cov.buffer(), o = out.buffer();
        double[] diagonal = new double[n];
        for (int i = 0; i < n; i++) diagonal[i] = k.get(i * n + i);
        IntStream.range(0, n).parallel().forEach(i -> {
            double a = diagonal[i];
            for (int j = 0, row = i * n; j <= i; j++) {
                double b = diagonal[j], c = k.get(row + j);
                o.put(row + j, derivative ? form.derivativeProducts(a, b, c) : form.products(a, b, c));
            }
        });
        Linalg.mirrorLower(out);
    }
}
