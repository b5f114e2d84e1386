package overparam.core.nn;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * x -> sigma((W + I) x) = sigma(W x + x): the layer of seed 002's identity-mapping network (its eqs. 1 and 8, after
 * Li and Yuan 2017), W square (d x d) and used as it is, no width scaling. The identity sits inside the activation,
 * unlike seed 004's residual block, which adds x after it; so W = 0 is the network sigma(x), not a dead one, which is
 * why zero initialization trains here (seed 002, Section 5.3). Width d is fixed, so there is no infinite-width limit.
 */
public record IdentityMappingLayer(Matrix weights, Activation activation) implements Layer {
    /** Seed 002's identity-mapping layer: W is d x d, so the width cannot grow and there is no limit to take. */
    public static final LayerKind KIND = LayerKind.withoutLimit("identity-mapping",
            (w, activation, spec, h) -> new IdentityMappingLayer(w, activation),
            "width fixed at d (seed 002): no infinite-width limit");

    public IdentityMappingLayer {
        if (weights.rows() != weights.cols()) throw new IllegalArgumentException("an identity-mapping layer is square, got " + weights);
    }

    @Override public double scale() { return 1; }

    @Override public Patches patches() { return Patches.NONE; }

    @Override public int level() { return 1; }

    @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope, Workspace ws) {
        linear(in, pre, ws);                                                     // pre = X W^T ...
        Linalg.addScaled(1.0, in, pre);                                          // ... + X: (W + I) x for every row
        Elementwise.activate(activation, pre, out, slope, 1.0);
    }

    @Override public void backward(Matrix gradOut, Matrix pre, Matrix slope, Matrix signal, Matrix gradIn, Workspace ws) {
        slopeGradient(gradOut, pre);
        Elementwise.multiply(gradOut, slope, signal);
        if (gradIn != null) {
            gradIn.copyFrom(signal);                                             // d pre / d x = W + I: the identity ...
            linearAdjoint(signal, gradIn, true, ws);                             // ... plus S W
        }
    }
}
