package overparam.core.nn;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * x -> scale * sigma(W x): the layers of the fully-connected network (seed 004, eq. 2, scale
 * sqrt(c_sigma / m)), the first layer of the ResNet (eq. 3), and the hidden layer of the two-layer
 * network (scale 1 / sqrt m, Du et al. 2018).
 */
public record DenseLayer(Matrix weights, Activation activation, double scale) implements Layer {
    @Override public void forward(Matrix in, Matrix pre, Matrix out, Matrix slope) {
        Linalg.multTransB(1.0, in, weights, 0.0, pre);                                  // pre = X W^T
        Elementwise.activate(activation, pre, out, slope, scale);
    }

    @Override public void backward(Matrix gradOut, Matrix slope, Matrix signal, Matrix gradIn) {
        Elementwise.multiply(gradOut, slope, signal);
        if (gradIn != null) Linalg.mult(1.0, signal, weights, 0.0, gradIn);            // d/dX = S W
    }
}
