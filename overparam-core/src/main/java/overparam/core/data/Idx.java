package overparam.core.data;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * The IDX file format of the MNIST data set, as Yann LeCun's MNIST page describes it
 * (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"): two zero bytes, a type code, the number of
 * dimensions, each dimension as a big-endian int32, then the values in C order, multi-byte values big-endian.
 *
 * <p>Reads every type the format allows into float64 exactly, from plain or gzipped files (told apart by the
 * gzip magic 1f 8b, not by the name). The data is read into the heap in bulk while the matrix is allocated on another
 * thread, then decoded in bulk, so the 47 MB of Fashion-MNIST's training images load in about 0.3 s. Writes any of the
 * types, gzipped when the file name ends in .gz.
 */
public final class Idx {
    /** The element types and their codes, the third byte of the header. */
    public enum Type {
        UBYTE(0x08, 1, "unsigned byte", 0, 255),
        BYTE(0x09, 1, "signed byte", Byte.MIN_VALUE, Byte.MAX_VALUE),
        SHORT(0x0B, 2, "short", Short.MIN_VALUE, Short.MAX_VALUE),
        INT(0x0C, 4, "int", Integer.MIN_VALUE, Integer.MAX_VALUE),
        FLOAT(0x0D, 4, "float", Double.NaN, Double.NaN),
        DOUBLE(0x0E, 8, "double", Double.NaN, Double.NaN);

        private final int code;
        private final int bytes;
        private final String description;
        private final double min;   // NaN for the floating types: they hold any double (FLOAT after rounding)
        private final double max;

        Type(int code, int bytes, String description, double min, double max) {
            this.code = code;
            this.bytes = bytes;
            this.description = description;
            this.min = min;
            this.max = max;
        }

        /** The type code as the header stores it, e.g. 0x08 for UBYTE. */
        public int code() { return code; }

        /** Bytes per value. */
        public int bytes() { return bytes; }

        /** As LeCun's page names it, with its code: "unsigned byte (0x08)". */
        @Override public String toString() { return description + String.format(" (0x%02X)", code); }

        static Type ofCode(int code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }

        /** Whether writing {@code v} as this type and reading it back gives {@code v} (FLOAT: rounded to the nearest float). */
        boolean holds(double v) {
            return Double.isNaN(min) || (v >= min && v <= max && v == Math.rint(v));
        }

        /** Decodes {@code n} big-endian values from {@code src} at {@code at} into {@code dst}; one switch per chunk, tight loops inside. */
        void decode(byte[] src, int at, double[] dst, int n) {
            switch (this) {
                case UBYTE -> { for (int k = 0; k < n; k++) dst[k] = src[at + k] & 0xFF; }
                case BYTE -> { for (int k = 0; k < n; k++) dst[k] = src[at + k]; }
                case SHORT -> { for (int k = 0; k < n; k++) dst[k] = (short) SHORT_BE.get(src, at + 2 * k); }
                case INT -> { for (int k = 0; k < n; k++) dst[k] = (int) INT_BE.get(src, at + 4 * k); }
                case FLOAT -> { for (int k = 0; k < n; k++) dst[k] = (float) FLOAT_BE.get(src, at + 4 * k); }
                case DOUBLE -> { for (int k = 0; k < n; k++) dst[k] = (double) DOUBLE_BE.get(src, at + 8 * k); }
            }
        }

        /** Encodes {@code n} values of {@code src}, each already checked by {@link #holds}, big-endian into {@code dst}. */
        void encode(double[] src, int n, byte[] dst) {
            switch (this) {
                case UBYTE, BYTE -> { for (int k = 0; k < n; k++) dst[k] = (byte) (int) src[k]; }
                case SHORT -> { for (int k = 0; k < n; k++) SHORT_BE.set(dst, 2 * k, (short) src[k]); }
                case INT -> { for (int k = 0; k < n; k++) INT_BE.set(dst, 4 * k, (int) src[k]); }
                case FLOAT -> { for (int k = 0; k < n; k++) FLOAT_BE.set(dst, 4 * k, (float) src[k]); }
                case DOUBLE -> { for (int k = 0; k < n; k++) DOUBLE_BE.set(dst, 8 * k, src[k]); }
            }
        }
    }

    // views of a byte[] as big-endian numbers; the JIT compiles each get to one load and a byte swap
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle FLOAT_BE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle DOUBLE_BE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);

    /** Bytes read into the heap at once: all of an MNIST-sized file (Fashion-MNIST's 47 MB); larger data comes in pieces. */
    private static final int BUFFER_BYTES = 1 << 26;
    /** Bytes decoded at a time into a double[] before it is copied into the matrix in bulk. */
    private static final int CHUNK_BYTES = 1 << 16;
    /** Buffer of the gzip streams (the JDK's default is 512 bytes, a native call per 512 bytes) and of plain writes. */
    private static final int IO_BUFFER = 1 << 16;
    private static final String FIX = "Download or write the file again (IDX format: http://yann.lecun.com/exdb/mnist/).";

    private Idx() {}

    /** Reads the IDX file at {@code path}, gzipped or not; any problem with it is a {@link BadInputException} naming it. */
    public static NdArray read(Path path) {
        String name = path.toString();
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, name, Files.size(path));
        } catch (IOException e) {
            throw Npy.cannotRead(name, e);
        }
    }

    /**
     * Reads one IDX array, gzipped or not, from {@code in}, which must end where the array does; it is left open.
     *
     * @param name how error messages name the input, e.g. the file it comes from
     */
    public static NdArray read(InputStream in, String name) {
        try {
            return read(in, name, -1);
        } catch (IOException e) {
            throw Npy.cannotRead(name, e);
        }
    }

    /**
     * @param fileBytes the input's size if known, else -1; for a plain file it lets a truncated or overlong file
     *                  be refused before memory is allocated for it
     */
    private static NdArray read(InputStream raw, String name, long fileBytes) throws IOException {
        PushbackInputStream peek = new PushbackInputStream(raw, 2);
        byte[] magic = peek.readNBytes(2);
        peek.unread(magic);
        boolean gzipped = magic.length == 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B;
        if (!gzipped) return readIdx(peek, name, fileBytes);
        try {
            return readIdx(new GZIPInputStream(peek, IO_BUFFER), name, -1);
        } catch (ZipException | EOFException e) {   // a bad deflate block or CRC, or compressed data cut short
            throw new BadInputException(Npy.oneLine(name + ": the gzip stream is corrupt or cut short ("
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + "). " + FIX));
        }
    }

    private static NdArray readIdx(InputStream in, String name, long fileBytes) throws IOException {
        Header h = Header.read(in, name);
        if (fileBytes >= 0) {
            long dataFound = fileBytes - h.headerBytes();
            if (dataFound < h.dataBytes()) throw truncated(name, h, dataFound);
            if (dataFound > h.dataBytes()) throw trailing(name, h, dataFound - h.dataBytes());
        }
        // Matrix.zeros touches every page it allocates: 0.2 s for the 376 MB that Fashion-MNIST's training images take
        // as float64, as long as inflating them takes. So it runs on a thread of its own while this one reads.
        CompletableFuture<Matrix> allocation = CompletableFuture.supplyAsync(() -> NdArray.allocate(name, h.describe(), h.rows(), h.cols()), Idx::startThread);
        try {
            Matrix m = readData(in, name, h, allocation);
            int next = in.read();   // for a gzip stream this also checks its CRC
            if (next >= 0) throw trailing(name, h, 1 + in.transferTo(OutputStream.nullOutputStream()));
            return new NdArray(h.shape(), m);
        } catch (IOException | RuntimeException e) {
            allocation.thenAccept(Matrix::close);   // native memory is not reclaimed by the garbage collector in time for a retry
            throw e;
        }
    }

    private static void startThread(Runnable task) {
        Thread thread = new Thread(task, "idx-allocate");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Reads the data into one heap buffer (all of it, up to {@link #BUFFER_BYTES}; straight out of the inflater for
     * a gzip file) while the matrix is allocated, then decodes it a chunk at a time into a double[] that is copied
     * into the matrix in bulk. Larger data continues buffer by buffer.
     */
    private static Matrix readData(InputStream in, String name, Header h, CompletableFuture<Matrix> allocation) throws IOException {
        int size = h.type().bytes();
        byte[] bytes = new byte[(int) Math.min(h.dataBytes(), BUFFER_BYTES)];
        double[] values = new double[Math.min(bytes.length, CHUNK_BYTES) / size];
        int got = in.readNBytes(bytes, 0, bytes.length);
        long bytesRead = got;
        if (got < bytes.length) throw truncated(name, h, bytesRead);
        MatrixFiller matrix = new MatrixFiller(await(allocation));
        while (true) {
            for (int offset = 0; offset < got; offset += values.length * size) {
                int n = Math.min(values.length, (got - offset) / size);
                h.type().decode(bytes, offset, values, n);
                matrix.put(values, n);
            }
            long left = h.dataBytes() - bytesRead;
            if (left == 0) return matrix.m;
            int want = (int) Math.min(left, bytes.length);
            got = in.readNBytes(bytes, 0, want);
            bytesRead += got;
            if (got < want) throw truncated(name, h, bytesRead);
        }
    }

    private static Matrix await(CompletableFuture<Matrix> allocation) {
        try {
            return allocation.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;   // the BadInputException of allocate()
            if (e.getCause() instanceof Error cause) throw cause;
            throw e;
        }
    }

    /** Puts values into a matrix in C order, row block by row block (one block unless the matrix exceeds 2 GiB). */
    private static final class MatrixFiller {
        final Matrix m;
        private DoubleBuffer block;
        private int nextRow;

        MatrixFiller(Matrix m) {
            this.m = m;
        }

        void put(double[] values, int n) {
            for (int done = 0; done < n; ) {
                if (block == null || !block.hasRemaining()) {
                    int rows = Math.min(m.rowsPerBlock(), m.rows() - nextRow);
                    block = m.rowBlock(nextRow, rows);
                    nextRow += rows;
                }
                int k = Math.min(n - done, block.remaining());
                block.put(values, done, k);
                done += k;
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code array} to {@code path} as IDX values of {@code type}, gzipped when the name ends in .gz.
     *
     * @throws IllegalArgumentException for a 0-d array, or a value that {@code type} cannot hold exactly (integer
     *                                  types take integers in their range; FLOAT rounds to the nearest float)
     */
    public static void write(Path path, NdArray array, Type type) {
        Header h = Header.of(array.shape(), type);
        requireHeld(array.data(), type);   // before the file is created, so a wrong call leaves no file behind
        boolean gzip = path.getFileName() != null && path.getFileName().toString().endsWith(".gz");
        AtomicFile.write(path, ch -> {
            OutputStream file = AtomicFile.stream(ch);
            try (OutputStream out = gzip ? new GZIPOutputStream(file, IO_BUFFER) : new BufferedOutputStream(file, IO_BUFFER)) {
                out.write(h.bytes());
                if (array.data().size() > 0) writeData(out, array.data(), type);
            }
        });
    }

    private static void writeData(OutputStream out, Matrix m, Type type) throws IOException {
        byte[] bytes = new byte[CHUNK_BYTES];
        double[] values = new double[CHUNK_BYTES / type.bytes()];
        int per = m.rowsPerBlock();
        for (int first = 0; first < m.rows(); first += per) {
            DoubleBuffer block = m.rowBlock(first, Math.min(per, m.rows() - first));
            while (block.hasRemaining()) {
                int n = Math.min(block.remaining(), values.length);
                block.get(values, 0, n);
                type.encode(values, n, bytes);
                out.write(bytes, 0, n * type.bytes());
            }
        }
    }

    private static void requireHeld(Matrix m, Type type) {
        if (Double.isNaN(type.min) || m.size() == 0) return;
        int per = m.rowsPerBlock();
        for (int first = 0; first < m.rows(); first += per) {
            DoubleBuffer block = m.rowBlock(first, Math.min(per, m.rows() - first));
            for (int k = 0; k < block.capacity(); k++) {
                if (!type.holds(block.get(k))) {
                    throw new IllegalArgumentException("value " + block.get(k) + " at C-order index "
                            + ((long) first * m.cols() + k) + " is not an IDX " + type + ": integers "
                            + (long) type.min + ".." + (long) type.max);
                }
            }
        }
    }

    // ---------------------------------------------------------------- header

    /** What the header says: the element type and the shape. */
    private record Header(Type type, long[] shape) {
        /** Dimension counts are one byte; past this a header is more likely garbage than an array. */
        static final int MAX_DIMS = 32;

        int rows() { return (int) shape[0]; }

        int cols() { return (int) NdArray.productAfterFirst(shape); }

        long headerBytes() { return 4 + 4L * shape.length; }

        long dataBytes() { return shape[0] * NdArray.productAfterFirst(shape) * type.bytes(); }

        String describe() {
            return NdArray.shapeString(shape) + " " + type + " values (" + dataBytes() + " bytes)";
        }

        byte[] bytes() {
            ByteBuffer b = ByteBuffer.allocate((int) headerBytes()).order(ByteOrder.BIG_ENDIAN);
            b.put((byte) 0).put((byte) 0).put((byte) type.code()).put((byte) shape.length);
            for (long length : shape) b.putInt((int) length);
            return b.array();
        }

        static Header of(long[] shape, Type type) {
            if (shape.length == 0) throw new IllegalArgumentException("IDX holds arrays of 1 to " + MAX_DIMS + " dimensions, not a 0-d array");
            if (shape.length > MAX_DIMS) throw new IllegalArgumentException("IDX holds at most " + MAX_DIMS + " dimensions here, not " + shape.length);
            return new Header(type, shape);
        }

        static Header read(InputStream in, String name) throws IOException {
            byte[] start = in.readNBytes(4);
            if (start.length == 0) throw new BadInputException(name + ": the file is empty; expected an IDX array. " + FIX);
            if (start[0] != 0 || (start.length > 1 && start[1] != 0)) {
                throw new BadInputException(name + String.format(": not an IDX file (it starts with bytes %02x %02x, not 00 00). ",
                        start[0] & 0xFF, start.length > 1 ? start[1] & 0xFF : 0) + FIX);
            }
            if (start.length < 4) throw truncatedHeader(name, start.length, 4);
            Type type = Type.ofCode(start[2] & 0xFF);
            if (type == null) {
                throw new BadInputException(name + String.format(": unknown IDX type code 0x%02X (expected 0x08 unsigned byte, 0x09"
                        + " signed byte, 0x0B short, 0x0C int, 0x0D float or 0x0E double). ", start[2] & 0xFF) + FIX);
            }
            int dims = start[3] & 0xFF;
            if (dims == 0 || dims > MAX_DIMS) {
                throw new BadInputException(name + ": the IDX header gives " + dims + " dimensions (expected 1 to " + MAX_DIMS + "). " + FIX);
            }
            byte[] lengths = in.readNBytes(4 * dims);
            if (lengths.length < 4 * dims) throw truncatedHeader(name, 4 + lengths.length, 4 + 4 * dims);
            long[] shape = new long[dims];
            for (int i = 0; i < dims; i++) shape[i] = (int) INT_BE.get(lengths, 4 * i);
            requireSensible(name, type, shape);
            return new Header(type, shape);
        }

        /** Sizes are int32; a negative one, or a sample of more than 2^31 - 1 values, is a damaged header, not data. */
        private static void requireSensible(String name, Type type, long[] shape) {
            String problem = null;
            for (long length : shape) if (length < 0) problem = "a negative dimension";
            if (problem == null) {
                try {
                    long perSample = NdArray.productAfterFirst(shape);
                    Math.multiplyExact(Math.multiplyExact(shape[0], perSample), type.bytes());   // dataBytes() must not overflow
                    if (perSample > Integer.MAX_VALUE) problem = "more than 2^31 - 1 values per sample";
                } catch (ArithmeticException overflow) {
                    problem = "more bytes than a long can count";
                }
            }
            if (problem != null) {
                throw new BadInputException(name + ": the IDX header gives the shape " + NdArray.shapeString(shape) + " of " + type
                        + " values, " + problem + ". " + FIX);
            }
        }
    }

    // ---------------------------------------------------------------- messages

    private static BadInputException truncatedHeader(String name, long found, long expected) {
        return new BadInputException(name + ": truncated IDX header (the file ends after " + found + " bytes; the header needs "
                + expected + "). " + FIX);
    }

    private static BadInputException truncated(String name, Header h, long dataFound) {
        return new BadInputException(name + ": truncated: the header promises " + h.describe() + " but only "
                + dataFound + " bytes of data follow it. " + FIX);
    }

    private static BadInputException trailing(String name, Header h, long extra) {
        return new BadInputException(name + ": " + extra + " bytes follow the " + h.describe()
                + " that the header promises; an IDX file holds one array and nothing after it. " + FIX);
    }
}
