package overparam.core.nn;

import overparam.core.linalg.Matrix;

/**
 * Where SGD's batches come from when they are fresh samples of a distribution rather than rows of a fixed training set
 * (online SGD on the population loss E_x[...], the setting of Li and Yuan 2017 and seed 002's analysis). fill writes a
 * batch's inputs (rows of x) and labels (y) in place and allocates nothing.
 */
public interface BatchSource {
    void fill(Matrix x, Matrix y);
}
