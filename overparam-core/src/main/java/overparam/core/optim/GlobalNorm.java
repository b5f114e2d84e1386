package overparam.core.optim;

import overparam.core.linalg.Matrix;

/**
 * The updates of every parameter formed into buffers of one's own (made once) and the Euclidean norm of the whole
 * update in R^P, learned scalars included: what clipping and normalization scale by. Shared by {@link ClipByGlobalNorm}
 * and {@link NormalizeByGlobalNorm}, which differ only in the factor.
 */
final class GlobalNorm implements AutoCloseable {
    private Matrix[] buffers = new Matrix[0];

    void init(Update[] updates) {
        close();
        buffers = new Matrix[updates.length];
        for (int i = 0; i < updates.length; i++) buffers[i] = Matrix.zeros(updates[i].parameter().rows(), updates[i].parameter().cols());
    }

    /** Materializes every update (u_i formed by BLAS into its buffer) and returns ||u|| = sqrt(sum_i ||u_i||^2). */
    double materialize(Update[] updates) {
        double sum = 0;
        for (int i = 0; i < updates.length; i++) {
            updates[i].accumulateInto(0, buffers[i]);          // v = 0 v + u: this step's u alone
            sum += updates[i].squaredNorm();
        }
        return Math.sqrt(sum);
    }

    @Override public void close() {
        for (Matrix b : buffers) b.close();
        buffers = new Matrix[0];
    }
}
