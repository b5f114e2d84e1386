package overparam.core.nn;

import overparam.core.linalg.Matrix;

/**
 * The infinite-width kernels between test inputs X* (n* rows) and training inputs X (n rows), what the infinitely wide
 * network's predictions on unseen data need (Lee et al. 2019, eq. 16; Jacot et al. 2018, Section 5): the training-set
 * Theta(X, X) and K(X, X) (n x n), the cross kernels Theta(X*, X) and K(X*, X) (n* x n), and the test points' own
 * Theta(x*, x*) and K(x*, x*) (the NNGP posterior variance needs the latter).
 *
 * <p>They come from the very fold {@link LimitKernel#of} performs, on the stacked inputs [X*; X]: every layer's limit
 * map acts on the pairs (i, j) given the diagonal variances (and, for conv-resnet, sums over patches of one sample), so
 * the blocks of the stacked kernel are the cross kernels exactly, with no second implementation to drift. The price
 * is memory: the fold holds about eight (n + n*) x (n + n*) matrices (the {@code Theory.bytes} count of the kernel
 * command), 8 (n + n*)^2 doubles, where the blocks alone would need (n + n*) n; tiling is a later step.
 */
public record CrossKernels(Matrix ntk, Matrix nngp, Matrix ntkCross, Matrix nngpCross, double[] ntkTest, double[] nngpTest)
        implements AutoCloseable {

    /** The kernels of the network (trained parameters {@code trained}) between the rows of xTest and of x. */
    public static CrossKernels of(NetworkSpec spec, Matrix xTest, Matrix x, TrainedLayers trained) {
        if (xTest.cols() != x.cols())
            throw new IllegalArgumentException("test inputs have " + xTest.cols() + " columns, the training inputs " + x.cols());
        int nTest = xTest.rows(), n = x.rows();
        try (Matrix stacked = Matrix.zeros(nTest + n, x.cols())) {
            for (int i = 0; i < nTest; i++) stacked.setRow(i, xTest.row(i));
            for (int i = 0; i < n; i++) stacked.setRow(nTest + i, x.row(i));
            try (LimitKernel k = LimitKernel.of(spec, stacked, trained, false)) {
                Matrix theta = k.limitNtk(), nngp = k.nngp();
                return new CrossKernels(block(theta, nTest, n, nTest, n), block(nngp, nTest, n, nTest, n),
                        block(theta, 0, nTest, nTest, n), block(nngp, 0, nTest, nTest, n), diagonal(theta, nTest), diagonal(nngp, nTest));
            }
        }
    }

    /** Bytes the stacked fold holds at its peak: eight (n + n*)^2 matrices of doubles, as the kernel command counts them. */
    public static double foldBytes(int n, int nTest) {
        return 8 * Matrix.bytes(n + (double) nTest, n + (double) nTest);
    }

    public int n() { return ntk.rows(); }

    public int nTest() { return ntkCross.rows(); }

    /** rows x cols entries of m from (row0, col0). */
    private static Matrix block(Matrix m, int row0, int rows, int col0, int cols) {
        Matrix b = Matrix.zeros(rows, cols);
        double[] line = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) line[j] = m.get(row0 + i, col0 + j);
            b.setRow(i, line);
        }
        return b;
    }

    private static double[] diagonal(Matrix m, int count) {
        double[] d = new double[count];
        for (int i = 0; i < count; i++) d[i] = m.get(i, i);
        return d;
    }

    @Override public void close() {
        ntk.close();
        nngp.close();
        ntkCross.close();
        nngpCross.close();
    }
}
