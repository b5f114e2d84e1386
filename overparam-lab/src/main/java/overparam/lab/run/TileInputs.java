package overparam.lab.run;

import overparam.core.linalg.Matrix;
import overparam.core.nn.TiledKernels;

/**
 * What every kernel tile of a tiled prediction is a pure function of: the layers' maps (as their serializable recipe),
 * the training inputs x (n x d) and test inputs xTest (n* x d), and each sample's variance after every layer. A
 * {@link TileExecutor} gets this once per job and computes any of its {@link KernelTile}s from it.
 */
public record TileInputs(TiledKernels.Recipe maps, Matrix x, Matrix xTest, double[][] variances, double[][] testVariances) implements TileSource {
    @Override public Matrix inputs(boolean test, int start, int count) {
        return (test ? xTest : x).rowRange(start, count);                  // a view: closing it frees nothing
    }

    @Override public double[][] variances(boolean test, int start, int count) {
        return TileSource.slice(test ? testVariances : variances, start, count);
    }
}
