package overparam.core.data;

import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * Training inputs x_i (the rows of x, n x d) and labels y_i (n x 1), with where they came from and the shape
 * of one sample as numpy has it: {d} for vectors, {d0, p} for signals and {d0, rows, cols} for images (each row of
 * x is then that array in C order, channel-major).
 */
public record Dataset(Matrix x, Matrix y, String source, int[] sampleShape) implements AutoCloseable {
    /** Samples that are plain vectors of length d. */
    public Dataset(Matrix x, Matrix y, String source) {
        this(x, y, source, new int[] {x.cols()});
    }

    public Dataset {
        sampleShape = sampleShape.clone();
        long size = 1;
        for (int s : sampleShape) size *= s;
        if (size != x.cols()) throw new IllegalArgumentException("sample shape " + java.util.Arrays.toString(sampleShape) + " for rows of " + x.cols());
        if (y.cols() != 1)
            throw BadInputException.of(source + " labels", y.rows() + " x " + y.cols(), "one label per sample (a vector of length n)",
                    "Save y as a 1-D array: numpy.save('y.npy', y.ravel()).");
        if (x.rows() != y.rows())
            throw BadInputException.of(source, x.rows() + " inputs and " + y.rows() + " labels", "as many labels as inputs",
                    "Give one label per row of X.");
        if (x.rows() < 1) throw BadInputException.of(source, "0 samples", "at least one sample", "Give a non-empty data set.");
    }

    public int n() { return x.rows(); }

    public int d() { return x.cols(); }

    @Override public void close() {
        x.close();
        y.close();
    }
}
