package overparam.core.kernel;

import java.nio.DoubleBuffer;
import java.util.stream.IntStream;
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

    private void fill(Matrix cov, Matrix out, boolean derivative) {
        int n = cov.rows();
        DoubleBuffer k = cov.buffer(), o = out.buffer();
        IntStream.range(0, n).parallel().forEach(i -> {
            double a = k.get(i * n + i);
            for (int j = 0; j <= i; j++) {
                double b = k.get(j * n + j), c = k.get(i * n + j);
                double v = derivative ? form.derivativeProducts(a, b, c) : form.products(a, b, c);
                o.put(i * n + j, v);
                o.put(j * n + i, v);
            }
        });
    }
}
