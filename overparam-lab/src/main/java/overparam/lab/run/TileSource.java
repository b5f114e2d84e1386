package overparam.lab.run;

import overparam.core.linalg.Matrix;

/**
 * Where a kernel tile's inputs come from: the driver's matrices ({@link TileInputs}, views without a copy) or an
 * executor's copy of them (the Spark module's broadcast arrays, a tile's rows copied out). Either way a tile sees only its
 * own rows and columns, so both give it the same numbers and {@link KernelTile#compute} the same bits.
 */
public interface TileSource {
    /** Rows [start, start + count) of the test (test) or training inputs, as a matrix the caller closes. */
    Matrix inputs(boolean test, int start, int count);

    /** Those rows' variances after every layer, [h][i] for h = 0..H ({@link overparam.core.nn.TiledKernels#variances}). */
    double[][] variances(boolean test, int start, int count);

    /** Columns [start, start + count) of every row of v: the variances of a tile's samples. */
    static double[][] slice(double[][] v, int start, int count) {
        double[][] s = new double[v.length][];
        for (int h = 0; h < v.length; h++) s[h] = java.util.Arrays.copyOfRange(v[h], start, start + count);
        return s;
    }
}
