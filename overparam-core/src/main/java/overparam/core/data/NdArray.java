package overparam.core.data;

import java.util.Objects;
import overparam.core.linalg.Matrix;

/**
 * An n-dimensional array as numpy has it: its shape, and its elements as a {@link Matrix} of
 * shape[0] x (product of the other axes), in C order. A 0-d array is 1 x 1, a 1-d array (n,) is an
 * n x 1 column vector, a 2-d array is as is, and a 3-d array (n, a, b) is n x (a * b): one row per
 * sample, which is how the rest of overparam reads data sets and weights.
 *
 * @param shape the numpy shape, e.g. {@code {3, 4}}; {@code {}} for a 0-d array (copied, never shared)
 * @param data  the elements; its rows and columns must match the shape as described above
 */
public record NdArray(long[] shape, Matrix data) {

    public NdArray {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();   // records do not copy: a caller's later edit must not change this array
        for (long length : shape) {
            if (length < 0) throw new IllegalArgumentException("negative axis length in shape " + shapeString(shape));
        }
        long rows = shape.length == 0 ? 1 : shape[0];
        long cols = productAfterFirst(shape);
        if (rows != data.rows() || cols != data.cols()) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " needs a " + rows + " x " + cols
                    + " matrix, got " + data.rows() + " x " + data.cols());
        }
    }

    /** A 2-d array holding {@code m} as is. */
    public static NdArray of(Matrix m) {
        return new NdArray(new long[] {m.rows(), m.cols()}, m);
    }

    /** A 1-d array (n,) holding the n x 1 vector {@code v}, as numpy stores the output weights {@code a}. */
    public static NdArray vector(Matrix v) {
        if (v.cols() != 1) throw new IllegalArgumentException("a 1-d array needs an n x 1 matrix, got " + v);
        return new NdArray(new long[] {v.rows()}, v);
    }

    /** The shape (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of axes: 0 for a scalar, 1 for a vector, ... */
    public int dims() {
        return shape.length;
    }

    /** The shape as numpy prints it: {@code ()}, {@code (5,)}, {@code (3, 4)}. */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(long[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";   // python's one-element tuple
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(i == 0 ? "" : ", ").append(shape[i]);
        return s.append(')').toString();
    }

    /**
     * The rows x cols matrix a file reader fills with an array it read, or a one-line refusal naming the file when
     * the machine cannot hold it as float64 (the readers of .npy and IDX files share it).
     */
    static Matrix allocate(String name, String describe, int rows, int cols) {
        try {
            return Matrix.zeros(rows, cols);
        } catch (OutOfMemoryError e) {
            throw new overparam.core.BadInputException(name + ": " + describe + " need " + overparam.core.linalg.Memory.format(Matrix.bytes(rows, cols))
                    + " as float64, more than this machine can give. Use a smaller array.");
        }
    }

    /** Product of all axes but the first (1 for 0-d and 1-d shapes); throws ArithmeticException on overflow. */
    static long productAfterFirst(long[] shape) {
        long product = 1;
        for (int i = 1; i < shape.length; i++) product = Math.multiplyExact(product, shape[i]);
        return product;
    }
}
