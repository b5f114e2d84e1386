package overparam.core.nn;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Matrix;

/**
 * The second derivative of each {@link Loss} in the outputs, applied to a direction: out = (d^2 L / du^2)[du], the
 * R{dL/du} = l''(u) R{u} step of a Hessian-vector product (Pearlmutter 1994). Derived from each loss's definition
 * (per sample, with m = y u the margin and r = u - y the residual):
 * <ul>
 *   <li>squared, 1/2 r^2: 1; mse, (1/n) r^2: 2 / n; one-hot squared, 1/2 sum_c (u_ic - t_ic)^2: the identity on all k outputs;</li>
 *   <li>logistic, log(1 + e^-m): l' = -y s(-m), l'' = y^2 s(m) s(-m) = s(m) s(-m) (labels +-1), s the sigmoid;</li>
 *   <li>exponential, e^-m: l'' = y^2 e^-m = e^-m;</li>
 *   <li>lp, |r|^p / p: l'' = (p - 1) |r|^(p-2) (1 for p = 2, the squared loss);</li>
 *   <li>cross-entropy, (1/n)(logsumexp(u_i) - u_{i,y_i}): the softmax Jacobian (1/n)(diag(p_i) - p_i p_i^T) on each
 *       row, so out_i = (p_i o du_i - p_i (p_i . du_i)) / n, p_i = softmax(u_i).</li>
 * </ul>
 * Kept out of {@link Loss} so that the losses stay one screen; LossCurvatureTest runs every loss of {@link Loss#named}, so
 * a new one not handled here fails there.
 */
public final class LossCurvature {
    private LossCurvature() {}

    /** out = (d^2 L / du^2)(u, y) du; u, du and out are rows x k (out not aliasing du), y rows x 1. No allocation. */
    public static void apply(Loss loss, Matrix u, Matrix y, Matrix du, Matrix out) {
        DoubleBuffer p = u.buffer(), t = y.buffer(), d = du.buffer(), o = out.buffer();
        int n = u.rows();
        if (loss instanceof Loss.Lp lp) {
            double power = lp.p() - 2;
            for (int i = 0; i < n; i++) o.put(i, (lp.p() - 1) * Math.pow(Math.abs(p.get(i) - t.get(i)), power) * d.get(i));
            return;
        }
        switch ((Loss.Fixed) loss) {
            case SQUARED -> { for (int i = 0; i < n; i++) o.put(i, d.get(i)); }
            case ONE_HOT_SQUARED -> { for (int i = 0; i < n * u.cols(); i++) o.put(i, d.get(i)); }
            case MSE -> { for (int i = 0; i < n; i++) o.put(i, 2.0 / n * d.get(i)); }
            case ONE_HOT_MSE -> { double c = 2.0 / ((double) n * u.cols()); for (int i = 0; i < n * u.cols(); i++) o.put(i, c * d.get(i)); }
            case LOGISTIC -> {
                for (int i = 0; i < n; i++) {
                    double e = Math.exp(-Math.abs(t.get(i) * p.get(i)));               // s(m) s(-m) = e^-|m| / (1 + e^-|m|)^2
                    o.put(i, e / ((1 + e) * (1 + e)) * d.get(i));
                }
            }
            case EXPONENTIAL -> { for (int i = 0; i < n; i++) o.put(i, Math.exp(-t.get(i) * p.get(i)) * d.get(i)); }
            case CROSS_ENTROPY -> softmaxJacobian(p, d, o, n, u.cols());
            default -> throw new AssertionError("no second derivative for the loss " + loss);
        }
    }

    /** Row i: (p_i o du_i - p_i (p_i . du_i)) / n with p_i = softmax(u_i), the maximum subtracted first. */
    private static void softmaxJacobian(DoubleBuffer u, DoubleBuffer d, DoubleBuffer o, int n, int k) {
        for (int i = 0; i < n; i++) {
            int row = i * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) max = Math.max(max, u.get(row + c));
            double z = 0;
            for (int c = 0; c < k; c++) z += Math.exp(u.get(row + c) - max);
            double dot = 0;
            for (int c = 0; c < k; c++) {
                double prob = Math.exp(u.get(row + c) - max) / z;
                o.put(row + c, prob);
                dot += prob * d.get(row + c);
            }
            for (int c = 0; c < k; c++) o.put(row + c, o.get(row + c) * (d.get(row + c) - dot) / n);
        }
    }
}
