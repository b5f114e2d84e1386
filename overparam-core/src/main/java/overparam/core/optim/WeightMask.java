package overparam.core.optim;

import java.util.List;
import overparam.core.linalg.Matrix;

/**
 * Which weights a pruned network keeps (Frankle and Carbin 2019): for each masked parameter (live), a matrix of its shape
 * holding 1 (kept) or 0 (pruned). The masks are the caller's; the parameters are the network's own matrices, matched to
 * the optimizer's updates by identity.
 */
public record WeightMask(List<Matrix> parameters, List<Matrix> masks) {
    public WeightMask {
        parameters = List.copyOf(parameters);
        masks = List.copyOf(masks);
        if (parameters.size() != masks.size())
            throw new IllegalArgumentException(parameters.size() + " parameters and " + masks.size() + " masks: expected one mask per parameter");
        for (int i = 0; i < masks.size(); i++) {
            Matrix p = parameters.get(i), m = masks.get(i);
            if (p.rows() != m.rows() || p.cols() != m.cols())
                throw new IllegalArgumentException("mask " + i + " is " + m.rows() + " x " + m.cols() + ", its parameter " + p.rows() + " x " + p.cols());
            for (int e = 0; e < (int) m.size(); e++)
                if (m.get(e) != 0 && m.get(e) != 1) throw new IllegalArgumentException("mask " + i + " holds " + m.get(e) + " at " + e + ": expected 0 or 1");
        }
    }

    /** The mask of this live parameter, or null when it has none. */
    public Matrix maskOf(Matrix parameter) {
        for (int i = 0; i < parameters.size(); i++) if (parameters.get(i) == parameter) return masks.get(i);
        return null;
    }

    /** Sets every pruned weight to exactly 0 (the network's start, before the first step). */
    public void applyToWeights() {
        for (int i = 0; i < parameters.size(); i++) zeroPruned(masks.get(i), parameters.get(i));
    }

    /** target = 0 where mask = 0: an assignment, not a product, so that an infinite or NaN entry cannot leak through as 0 * x. */
    static void zeroPruned(Matrix mask, Matrix target) {
        for (int e = 0; e < (int) mask.size(); e++) if (mask.get(e) == 0) target.set(e, 0);
    }
}
