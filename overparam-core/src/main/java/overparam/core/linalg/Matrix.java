package overparam.core.linalg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A dense row-major float64 matrix in native memory: the unit every BLAS and LAPACK call works on.
 * Element (i, j) sits at index i * cols + j. A vector is a matrix with one column.
 *
 * <p>The memory is off-heap so that BLAS reads it in place (no copy per call) and so that hot buffers
 * can be allocated once and reused. Java loops read and write it through {@link #buffer()}.
 */
public final class Matrix implements AutoCloseable {
    /** Largest element count one {@link DoubleBuffer} can address (its capacity in bytes is an int). */
    static final long MAX_BUFFER_ELEMENTS = Integer.MAX_VALUE / Double.BYTES;

    private final int rows;
    private final int cols;
    final DoublePointer data;
    private final DoubleBuffer buffer;
    private final boolean owner;      // false for a view: closing it frees nothing

    private Matrix(int rows, int cols) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + " x " + cols);
        this.rows = rows;
        this.cols = cols;
        long size = Math.max(1L, (long) rows * cols);
        this.data = new DoublePointer(size);
        if (data.isNull()) throw new OutOfMemoryError("cannot allocate " + rows + " x " + cols + " doubles off-heap");
        Pointer.memset(data, 0, size * Double.BYTES);
        this.buffer = size <= MAX_BUFFER_ELEMENTS ? data.asBuffer() : null;
        this.owner = true;
    }

    /** A view of memory owned by another matrix. */
    private Matrix(int rows, int cols, DoublePointer data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
        long size = Math.max(1L, (long) rows * cols);
        this.buffer = size <= MAX_BUFFER_ELEMENTS ? data.asBuffer() : null;
        this.owner = false;
    }

    /**
     * The same elements seen as rows x cols (numpy's reshape of a C-ordered array): no copy. A view; it must
     * not outlive this matrix, and closing it frees nothing. For example, n x (p m) activations (a sample per
     * row) are (n p) x m pixel rows for a convolution's matrix products.
     */
    public Matrix reshaped(int rows, int cols) {
        if ((long) rows * cols != size()) throw new IllegalArgumentException("cannot see " + this + " as " + rows + " x " + cols);
        return new Matrix(rows, cols, view(0, this.rows));
    }

    /**
     * The first rows * cols elements seen as a rows x cols matrix: a view (no copy; must not outlive this matrix), so one
     * buffer of the largest tile serves the smaller tiles at a grid's edge.
     */
    public Matrix leading(int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > size()) throw new IllegalArgumentException("cannot see " + rows + " x " + cols + " in " + this);
        return new Matrix(rows, cols, data.getPointer(DoublePointer.class, 0).capacity(Math.max(1L, (long) rows * cols)));
    }

    /** Rows [first, first + count) as a matrix view (no copy; must not outlive this matrix). */
    public Matrix rowRange(int first, int count) {
        if (first < 0 || count < 0 || first + count > rows) throw new IndexOutOfBoundsException(first + "+" + count + " of " + rows);
        return new Matrix(count, cols, view(first, count));
    }

    /** A rows x cols matrix of zeros. */
    public static Matrix zeros(int rows, int cols) {
        return new Matrix(rows, cols);
    }

    /** A column vector of n zeros. */
    public static Matrix vector(int n) {
        return new Matrix(n, 1);
    }

    /** A copy of the given rows (all of the same length). */
    public static Matrix of(double[][] values) {
        int cols = values.length == 0 ? 0 : values[0].length;
        Matrix m = zeros(values.length, cols);
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != cols) throw new IllegalArgumentException("ragged rows: row " + i);
            m.setRow(i, values[i]);
        }
        return m;
    }

    /** A column vector holding a copy of the values. */
    public static Matrix vectorOf(double... values) {
        Matrix v = vector(values.length);
        v.setRow(0, values);   // a column vector's storage is one contiguous run
        return v;
    }

    public int rows() { return rows; }
    public int cols() { return cols; }
    public long size() { return (long) rows * cols; }

    /**
     * The elements, row-major, for loops in Java. Absolute get/put only: the buffer is shared, so never
     * move its position. Matrices too large for one buffer (over 2 GiB) are read with {@link #rowBlock}.
     */
    public DoubleBuffer buffer() {
        if (buffer == null) throw new IllegalStateException(
                rows + " x " + cols + " is larger than 2 GiB: read it row block by row block with rowBlock()");
        return buffer;
    }

    /** Rows [first, first + count) as a fresh buffer view (allocates a small view object; not for hot loops). */
    public DoubleBuffer rowBlock(int first, int count) {
        if (first < 0 || count < 0 || first + count > rows) throw new IndexOutOfBoundsException(first + "+" + count + " of " + rows);
        return view(first, count).asBuffer();
    }

    /**
     * Rows [first, first + count) as raw bytes in the machine's (little-endian) order, for bulk file I/O:
     * reading a float64 file is then one copy from the file into native memory. At most
     * {@link #rowsPerBlock()} rows at a time.
     */
    public ByteBuffer rowBytes(int first, int count) {
        if (first < 0 || count < 0 || first + count > rows) throw new IndexOutOfBoundsException(first + "+" + count + " of " + rows);
        return view(first, count).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * A pointer to rows [first, first + count) with its own address and capacity. (A position and limit on
     * the shared pointer would be simpler, but JavaCPP 1.5.13 caps such views at 2^31 - 1 bytes from the
     * start of the allocation, silently cutting off every block past 2 GiB.)
     */
    private DoublePointer view(int first, int count) {
        return data.getPointer(DoublePointer.class, (long) first * cols).capacity((long) count * cols);
    }

    /** How many rows fit in one {@link #rowBlock} (at least 1). */
    public int rowsPerBlock() {
        return (int) Math.max(1, Math.min(rows, MAX_BUFFER_ELEMENTS / Math.max(1, cols)));
    }

    public double get(int i, int j) { return data.get((long) i * cols + j); }
    public void set(int i, int j, double value) { data.put((long) i * cols + j, value); }
    /** Element i of a vector (or of the row-major storage). */
    public double get(int i) { return buffer != null ? buffer.get(i) : data.get(i); }
    public void set(int i, double value) { if (buffer != null) buffer.put(i, value); else data.put(i, value); }

    public double[] row(int i) {
        double[] out = new double[cols];
        if (buffer != null) buffer.get(i * cols, out);
        else rowBlock(i, 1).get(0, out);
        return out;
    }

    public void setRow(int i, double[] values) {
        if (values.length != cols && !(cols == 1 && values.length == rows && i == 0))
            throw new IllegalArgumentException("row length " + values.length + " != " + cols);
        if (buffer != null) buffer.put(i * cols, values);
        else rowBlock(i, 1).put(0, values);
    }

    /** All elements, row-major, as a Java array (for small matrices and tests). */
    public double[] toArray() {
        if (size() > Integer.MAX_VALUE - 8) throw new IllegalStateException("too large for a Java array");
        double[] out = new double[(int) size()];
        buffer().get(0, out);
        return out;
    }

    public double[][] toRows() {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) out[i] = row(i);
        return out;
    }

    /** Overwrite this matrix with the elements of {@code source} (same shape). */
    public void copyFrom(Matrix source) {
        Shapes.requireSameShape("copyFrom", this, source);
        Pointer.memcpy(data, source.data, size() * Double.BYTES);
    }

    public Matrix copy() {
        Matrix c = zeros(rows, cols);
        c.copyFrom(this);
        return c;
    }

    public void fill(double value) {
        if (value == 0.0) { Pointer.memset(data, 0, size() * Double.BYTES); return; }
        for (int first = 0; first < rows; first += rowsPerBlock()) {
            DoubleBuffer block = rowBlock(first, Math.min(rowsPerBlock(), rows - first));
            for (int i = 0; i < block.capacity(); i++) block.put(i, value);
        }
    }

    /** True when every element is finite (no NaN, no infinity). */
    public boolean allFinite() {
        int per = rowsPerBlock();
        for (int first = 0; first < rows; first += per) {
            DoubleBuffer block = rowBlock(first, Math.min(per, rows - first));
            for (int i = 0; i < block.capacity(); i++) if (!Double.isFinite(block.get(i))) return false;
        }
        return true;
    }

    /**
     * Bytes of native memory a rows x cols matrix takes, in double arithmetic: a memory estimate for a width of 1e9 or
     * n = 2e9 must not overflow (a long holds 9.2e18, and 1e9 x 1e9 doubles are 8e18 bytes).
     */
    public static double bytes(double rows, double cols) {
        return Math.max(1, rows * cols) * Double.BYTES;
    }

    /** The most values one matrix may hold here: Java loops address it through one buffer of at most 2^31 - 1 bytes. */
    public static final long MAX_VALUES = MAX_BUFFER_ELEMENTS;

    @Override public void close() {
        if (owner) data.close();
    }

    @Override public String toString() {
        return "Matrix " + rows + " x " + cols;
    }
}
