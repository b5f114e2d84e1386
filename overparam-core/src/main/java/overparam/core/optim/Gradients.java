package overparam.core.optim;

import overparam.core.linalg.Matrix;

/**
 * The gradients an optimizer consumes, one per parameter it updates (numbered 0..count-1), from whatever computes
 * them (the network's backward pass). A matrix gradient G_i is never handed over as a matrix: it is formed on demand
 * by BLAS straight into a destination the optimizer names, with a beta, so plain gradient descent accumulates it into
 * the weights themselves and a momentum trace into its buffer, and no gradient buffer exists. A learned scalar's
 * gradient (a PReLU slope's) is a number.
 */
public interface Gradients {
    int count();

    /** Parameter i, live: the optimizer adds its update to it. */
    Matrix parameter(int i);

    /** Whether parameter i is a learned scalar (a one-element matrix) whose gradient is the number {@link #scalar}. */
    boolean isScalar(int i);

    /** Makes this step's gradients available (the backward pass through the last forward pass). */
    void prepare();

    /** target = beta target + alpha G_i, by BLAS into target (beta = 0 ignores target's contents). */
    void accumulate(int i, double alpha, double beta, Matrix target);

    /** G_i of a scalar parameter. */
    double scalar(int i);
}
