package overparam.spark;

import java.io.Serializable;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TiledKernels;
import overparam.lab.run.TileInputs;
import overparam.lab.run.TileSource;

/**
 * A tiled prediction's {@link TileInputs} as a Spark broadcast carries them, once per job to every executor: the maps'
 * recipe, the training and test inputs as row-major doubles (d per row), and every sample's variances. A task copies out
 * only its tile's rows and columns, so an executor holds the inputs once however many tiles it computes.
 */
record TileBroadcast(TiledKernels.Recipe maps, int d, double[] x, double[] xTest, double[][] variances, double[][] testVariances)
        implements TileSource, Serializable {
    static TileBroadcast of(TileInputs in) {
        return new TileBroadcast(in.maps(), in.x().cols(), in.x().toArray(), in.xTest().toArray(), in.variances(), in.testVariances());
    }

    /** A copy of the rows, in native memory for BLAS (the caller closes it). */
    @Override public Matrix inputs(boolean test, int start, int count) {
        Matrix m = Matrix.zeros(count, d);
        m.buffer().put(0, test ? xTest : x, start * d, count * d);
        return m;
    }

    @Override public double[][] variances(boolean test, int start, int count) {
        return TileSource.slice(test ? testVariances : variances, start, count);
    }
}
