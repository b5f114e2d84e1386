package overparam.core.nn;

import java.util.ArrayList;
import java.util.List;
import overparam.core.Seeds;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Svd;

/**
 * The initial weights of the linear models ({@link Arch#isLinearModel}), each scheme times the init scale alpha:
 * <ul>
 *   <li>deep linear, STANDARD: every entry N(0, alpha^2 / fan-in) (LeCun's, the standard parameterization of Arora et
 *       al.); SMALL the same times {@link Init#SMALL_FACTOR}; ZERO zeros; IDENTITY alpha times the rectangular
 *       identity; BALANCED Arora, Cohen, Golowich, Hu (2019), Procedure 1 ({@link Init#BALANCED});</li>
 *   <li>diagonal: w_+ = w_- = alpha 1 (Woodworth et al. 2020: beta(0) = 0), times the SMALL or ZERO factor.</li>
 * </ul>
 * Hidden weights are W^(h) (m x fan-in), the output layer a = W_N^T (m x k), as {@link Network} keeps them.
 */
final class LinearModelInit {
    record Weights(List<Matrix> hidden, Matrix output) {}

    private LinearModelInit() {}

    static Weights of(NetworkSpec spec, long seed, Init init, double alpha) {
        if (spec.arch() == Arch.DIAGONAL) {
            if (init.linearOnly()) throw new IllegalArgumentException(init.cliName() + " initialization is for the deep linear network");
            Matrix w = Matrix.zeros(spec.width(), 1);
            w.fill(alpha * init.hiddenFactor());
            Matrix a = Matrix.vector(spec.width());
            for (int r = 0; r < spec.width(); r++) a.set(r, r < spec.inputDim() ? 1.0 : -1.0);
            return new Weights(List.of(w), a);
        }
        int layers = spec.depth() + 1;
        List<Matrix> all = new ArrayList<>();
        for (int h = 1; h <= layers; h++) all.add(Matrix.zeros(rowsOf(spec, h), colsOf(spec, h)));     // W_h as out x in
        switch (init) {
            case STANDARD, SMALL, ZERO -> {
                for (int h = 1; h <= layers; h++) {
                    Matrix w = all.get(h - 1);
                    Network.fillGaussian(w, Seeds.stream(seed, "init/" + spec.parameterName(h)), alpha * init.hiddenFactor() / Math.sqrt(w.cols()));
                }
            }
            case IDENTITY -> {
                for (Matrix w : all) for (int i = 0; i < Math.min(w.rows(), w.cols()); i++) w.set(i, i, alpha);
            }
            case BALANCED -> balanced(spec, seed, alpha, all);
        }
        Matrix last = all.remove(layers - 1);                                                      // W_N (k x m) -> a = W_N^T
        Matrix a = Matrix.zeros(last.cols(), last.rows());
        for (int i = 0; i < last.rows(); i++) for (int j = 0; j < last.cols(); j++) a.set(j, i, last.get(i, j));
        last.close();
        return new Weights(all, a);
    }

    /** W_h's rows (its output size): m for hidden layers, k for the last. */
    private static int rowsOf(NetworkSpec spec, int h) { return h <= spec.depth() ? spec.width(h) : spec.outputs(); }

    /** W_h's columns (its input size): d for the first, m after. */
    private static int colsOf(NetworkSpec spec, int h) { return h == 1 ? spec.inputDim() : spec.width(h - 1); }

    /**
     * Procedure 1 of Arora et al. (2019): the end-to-end A (k x d) with N(0, alpha^2 / d) entries, A = U S V^T (r = min(k, d)
     * singular values), W_1 = S^{1/N} V^T, W_j = S^{1/N} (1 < j < N), W_N = U S^{1/N}, each in the top-left corner of
     * its zero matrix. Needs every hidden width m >= r.
     */
    private static void balanced(NetworkSpec spec, long seed, double alpha, List<Matrix> all) {
        int k = spec.outputs(), d = spec.inputDim(), n = all.size();
        try (Matrix a = Matrix.zeros(k, d)) {
            Network.fillGaussian(a, Seeds.stream(seed, "init/end-to-end"), alpha / Math.sqrt(d));
            if (n == 1) {
                all.get(0).copyFrom(a);
                return;
            }
            for (int h = 1; h < n; h++)
                if (spec.width(h) < Math.min(k, d))
                    throw new IllegalArgumentException("balanced initialization needs width >= min(d, k) = " + Math.min(k, d) + ", got " + spec.width(h));
            try (Svd svd = Svd.of(a)) {
                int r = svd.values().length;
                double[] root = new double[r];
                for (int i = 0; i < r; i++) root[i] = Math.pow(svd.values()[i], 1.0 / n);
                Matrix first = all.get(0), last = all.get(n - 1);
                for (int i = 0; i < r; i++) for (int j = 0; j < d; j++) first.set(i, j, root[i] * svd.vt().get(i, j));
                for (int h = 2; h < n; h++) for (int i = 0; i < r; i++) all.get(h - 1).set(i, i, root[i]);
                for (int c = 0; c < k; c++) for (int i = 0; i < r; i++) last.set(c, i, svd.u().get(c, i) * root[i]);
            }
        }
    }
}
