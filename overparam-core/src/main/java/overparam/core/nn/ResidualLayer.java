package overparam.core.nn;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/** x -> x + c_res / (H sqrt m) * sigma(W x): the residual block of seed 004, eq. 3 (h = 2..H). */
public record ResidualLayer(Matrix weights, Activation activation, double scale) implements Layer {
    public ResidualLayer {
        if (weights.rows() != weights.cols())
            throw new IllegalArgumentException("a residual layer is square (m x m), got " + weights);
    }

    @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope) {
        Linalg.multTransB(1.0, in, weights, 0.0, pre);
        Elementwise.activate(activation, pre, out, slope, scale);
        Linalg.addScaled(1.0, in, out);                                                  // the skip connection
    }

    @Override public void backward(Matrix gradOut, Matrix slope, Matrix signal, Matrix gradIn) {
        Elementwise.multiply(gradOut, slope, signal);
        if (gradIn != null) {
            gradIn.copyFrom(gradOut);                                                     // through the skip ...
            Linalg.mult(1.0, signal, weights, 1.0, gradIn);                               // ... plus through W
        }
    }
}
