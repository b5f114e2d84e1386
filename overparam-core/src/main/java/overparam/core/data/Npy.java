package overparam.core.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * numpy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 *
 * <p>Reads header versions 1.0, 2.0 and 3.0, C and Fortran order, either byte order, and the real number
 * dtypes (float16/32/64, int8..64, uint8..64, bool), all converted to float64. Writes '&lt;f8' in C order with
 * exactly the bytes numpy.save writes for the same array. Both directions stream in blocks, so arrays
 * larger than 2 GiB (and larger than the Java heap) pass through.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    /** numpy's ARRAY_ALIGN: magic + length + header is padded to a multiple of this, so the data can be mmapped. */
    private static final int ALIGN = 64;
    /** numpy's GROWTH_AXIS_MAX_DIGITS: spare spaces numpy leaves so the growth axis can be rewritten in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** A real header is a few hundred bytes; a larger length field means a damaged file, not an array. */
    private static final long MAX_HEADER_BYTES = 1 << 20;
    /** Size of the heap buffer that non-native dtypes are converted through. */
    private static final int CHUNK_BYTES = 1 << 16;
    /** The most elements one DoubleBuffer over a matrix can hold: its capacity in bytes is an int. */
    private static final long MAX_BUFFER_VALUES = Integer.MAX_VALUE / Double.BYTES;

    private Npy() {}

    /** Reads the .npy file at {@code path}; any problem with the file is a {@link BadInputException} naming it. */
    public static NdArray read(Path path) {
        String name = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch, name, ch.size());
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    /** The shape the header of the .npy file at {@code path} declares, read without the data (for memory estimates). */
    public static long[] shape(Path path) {
        String name = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return Header.read(ch, name).shape().clone();
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    /**
     * Reads one .npy array from {@code in}, which is left open and positioned after the data.
     *
     * @param name how error messages name the input, e.g. {@code "W.npz[W1]"}
     */
    public static NdArray read(InputStream in, String name) {
        try {
            return read(Channels.newChannel(in), name, -1);
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    /**
     * Writes {@code m} to {@code path} as numpy.save would: '&lt;f8', C order; through {@link AtomicFile}, replacing the file.
     *
     * @param shape the numpy shape, whose product must be {@code m.size()}; (rows, cols) when empty
     */
    public static void write(Path path, Matrix m, long... shape) {
        long[] s = shapeOrDefault(m, shape);
        requireShape(m, s);   // before the file is created, so a wrong call leaves no empty file behind
        AtomicFile.write(path, ch -> emit(m, s, bytes -> writeFully(ch, bytes)));   // never a truncated file under the name
    }

    /** Writes {@code m} to {@code out} (left open, not flushed) as numpy.save would; shape as in {@link #write(Path, Matrix, long...)}. */
    public static void write(OutputStream out, Matrix m, long... shape) {
        long[] s = shapeOrDefault(m, shape);
        WritableByteChannel ch = Channels.newChannel(out);
        try {
            emit(m, s, bytes -> writeFully(ch, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write .npy data: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads one array from {@code ch}.
     *
     * @param totalBytes the input's size (header included) if known, else -1; when known, a truncated input
     *                   is refused before any memory is allocated for it
     */
    static NdArray read(ReadableByteChannel ch, String name, long totalBytes) throws IOException {
        Header h = Header.read(ch, name);
        if (totalBytes >= 0 && totalBytes - h.headerBytes() < h.dataBytes()) {
            throw truncated(name, h, Math.max(0, totalBytes - h.headerBytes()));
        }
        Matrix m = NdArray.allocate(name, h.describe(), h.rows(), h.cols());
        try {
            if (m.size() == 0) return new NdArray(h.shape(), m);
            DataReader in = new DataReader(ch, name, h);
            if (h.fortranOrder() && h.shape().length > 1) readFortranOrder(in, h, m);
            else readCOrder(in, h, m);
            return new NdArray(h.shape(), m);
        } catch (IOException | RuntimeException e) {
            m.close();   // native memory is not reclaimed by the garbage collector in time for a retry
            throw e;
        }
    }

    /**
     * C order, row block by row block. float64 in the machine's byte order is copied from the input straight
     * into the matrix (the fast path); other dtypes are decoded a chunk at a time into the block.
     */
    private static void readCOrder(DataReader in, Header h, Matrix m) throws IOException {
        boolean raw = h.dtype().isFloat64(ByteOrder.nativeOrder());
        int per = m.rowsPerBlock();
        for (int first = 0; first < m.rows(); first += per) {
            int count = Math.min(per, m.rows() - first);
            if (raw) {
                in.readBytes(m.rowBytes(first, count));
            } else {
                DoubleBuffer block = m.rowBlock(first, count);
                while (block.hasRemaining()) block.put(in.values, 0, in.next(block.remaining()));
            }
        }
    }

    /**
     * Fortran order lists axis 0 fastest: each run of shape[0] values is one column of the matrix, and the
     * columns come with their trailing index (i1, ..., ik) counting i1 fastest. We walk that index as an
     * odometer and keep its C-order column number up to date.
     */
    private static void readFortranOrder(DataReader in, Header h, Matrix m) throws IOException {
        long[] trailing = Arrays.copyOfRange(h.shape(), 1, h.shape().length);
        long[] stride = new long[trailing.length];   // C-order distance between neighbours along each trailing axis
        long s = 1;
        for (int t = trailing.length - 1; t >= 0; t--) {
            stride[t] = s;
            s *= trailing[t];
        }
        long[] index = new long[trailing.length];
        DoubleBuffer all = m.size() <= MAX_BUFFER_VALUES ? m.buffer() : null;   // else element by element
        int rows = m.rows();
        int cols = m.cols();
        int row = 0;
        long col = 0;
        for (long left = m.size(); left > 0; ) {
            int n = in.next(left);
            left -= n;
            for (int k = 0; k < n; k++) {
                if (all != null) all.put((int) ((long) row * cols + col), in.values[k]);
                else m.set(row, (int) col, in.values[k]);
                if (++row == rows) {
                    row = 0;
                    col = nextColumn(index, trailing, stride, col);
                }
            }
        }
    }

    private static long nextColumn(long[] index, long[] trailing, long[] stride, long col) {
        for (int t = 0; t < index.length; t++) {
            index[t]++;
            col += stride[t];
            if (index[t] < trailing[t]) return col;
            col -= trailing[t] * stride[t];
            index[t] = 0;
        }
        return col;   // wrapped around after the last column: nothing is read after it
    }

    /** The data section, read either raw or a modest chunk at a time converted to float64; knows when it ends early. */
    private static final class DataReader {
        private final ReadableByteChannel ch;
        private final String name;
        private final Header header;
        private final ByteBuffer raw;
        final double[] values;
        private long bytesRead;

        DataReader(ReadableByteChannel ch, String name, Header header) {
            this.ch = ch;
            this.name = name;
            this.header = header;
            int size = header.dtype().size();
            this.raw = ByteBuffer.allocate(CHUNK_BYTES / size * size).order(header.dtype().order());
            this.values = new double[CHUNK_BYTES / size];
        }

        /** Fills {@code dst} with the next bytes, unconverted. */
        void readBytes(ByteBuffer dst) throws IOException {
            bytesRead += readFully(ch, dst);
            if (dst.hasRemaining()) throw truncated(name, header, bytesRead);
        }

        /** Decodes the next min(max, chunk) elements into {@link #values}; returns how many. */
        int next(long max) throws IOException {
            int n = (int) Math.min(max, values.length);
            raw.clear().limit(n * header.dtype().size());
            readBytes(raw);
            raw.flip();
            header.dtype().decode(raw, values, n);
            return n;
        }
    }

    // ---------------------------------------------------------------- writing

    /** Receives the bytes of a file being written, one buffer at a time. */
    @FunctionalInterface
    interface ByteSink {
        void accept(ByteBuffer bytes) throws IOException;
    }

    /**
     * Hands the .npy bytes of {@code m} with the given shape to {@code sink}: the header, then the data in
     * row blocks viewed in place (no copy). Returns the total byte count. Npz calls it twice per entry: once
     * for the CRC, once to write.
     */
    static long emit(Matrix m, long[] shape, ByteSink sink) throws IOException {
        requireShape(m, shape);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("writing .npy assumes a little-endian machine (overparam ships natives for linux-x86_64)");
        }
        ByteBuffer header = ByteBuffer.wrap(header(shape));
        long total = header.remaining();
        sink.accept(header);
        if (m.size() == 0) return total;   // a view of zero rows or columns is not empty in JavaCPP: skip it
        int per = m.rowsPerBlock();
        for (int first = 0; first < m.rows(); first += per) {
            int count = Math.min(per, m.rows() - first);
            sink.accept(m.rowBytes(first, count));
            total += (long) count * m.cols() * Double.BYTES;
        }
        return total;
    }

    /** The magic, version, length and dict exactly as numpy's _write_array_header writes them for a '&lt;f8' C array. */
    static byte[] header(long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': ")
                .append(NdArray.shapeString(shape)).append(", }");
        if (shape.length > 0) dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int lengthBytes = 2;
        int padding = padding(MAGIC.length + 2 + lengthBytes + text.length + 1);
        if (text.length + 1 + padding > 0xFFFF) {   // version 1.0 stores the length in 16 bits
            major = 2;
            lengthBytes = 4;
            padding = padding(MAGIC.length + 2 + lengthBytes + text.length + 1);
        }
        int headerLength = text.length + padding + 1;
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + lengthBytes + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) out.putShort((short) headerLength);
        else out.putInt(headerLength);
        out.put(text);
        for (int i = 0; i < padding; i++) out.put((byte) ' ');
        out.put((byte) '\n');
        return out.array();
    }

    /** numpy pads by ALIGN - (length % ALIGN): a full 64 spaces, not 0, when the length is already aligned. */
    private static int padding(int unpaddedLength) {
        return ALIGN - unpaddedLength % ALIGN;
    }

    private static long[] shapeOrDefault(Matrix m, long[] shape) {
        return shape.length == 0 ? new long[] {m.rows(), m.cols()} : shape.clone();
    }

    private static void requireShape(Matrix m, long[] shape) {
        long product = 1;
        for (long length : shape) {
            if (length < 0) throw new IllegalArgumentException("negative axis length in shape " + NdArray.shapeString(shape));
            product = length == 0 || product == 0 ? 0 : Math.multiplyExact(product, length);
        }
        if (product != m.size()) {
            throw new IllegalArgumentException("shape " + NdArray.shapeString(shape) + " holds " + product
                    + " values but the matrix has " + m.size() + " (" + m + ")");
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) ch.write(bytes);
    }

    /** Reads until {@code dst} is full or the input ends; returns the number of bytes read. */
    static int readFully(ReadableByteChannel ch, ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = ch.read(dst);
            if (n < 0) break;
            total += n;
        }
        return total;
    }

    // ---------------------------------------------------------------- messages

    /** The numpy call that writes {@code expr} where {@code name} points: an archive entry "W.npz[W1]" is written with savez. */
    static String saveCall(String name, String expr) {
        int bracket = name.lastIndexOf('[');
        if (bracket > 0 && name.endsWith("]")) {
            return "numpy.savez('" + name.substring(0, bracket) + "', " + name.substring(bracket + 1, name.length() - 1)
                    + "=" + expr + ")";
        }
        return "numpy.save('" + name + "', " + expr + ")";
    }

    private static BadInputException truncated(String name, Header h, long dataBytesFound) {
        return new BadInputException(name + ": truncated: the header promises " + h.describe() + " but only "
                + dataBytesFound + " bytes of data follow it. Write the file again with " + saveCall(name, "X") + ".");
    }

    private static BadInputException malformed(String name, String detail) {
        return new BadInputException(oneLine(name + ": malformed .npy header (" + detail + "). Write the file again with "
                + saveCall(name, "X") + "."));
    }

    static BadInputException cannotRead(String name, IOException e) {
        if (e instanceof NoSuchFileException || e instanceof FileNotFoundException) {
            return new BadInputException(name + ": no such file. Check the path.");
        }
        return new BadInputException(oneLine(name + ": cannot read it (" + reason(e) + "). Check that it is a readable file."));
    }

    static BadInputException cannotWrite(String name, IOException e) {
        String why = e instanceof NoSuchFileException ? "its folder does not exist" : reason(e);
        return new BadInputException(oneLine(name + ": cannot write it (" + why + "). Check that its folder exists and is writable."));
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Messages are one line: control characters from file contents or OS messages become spaces. */
    static String oneLine(String text) {
        return text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ");
    }

    /** A file's text quoted for a message: one line, at most about 100 characters. */
    static String excerpt(String text) {
        String line = oneLine(text).strip();
        return line.length() <= 100 ? line : line.substring(0, 97) + "...";
    }

    // ---------------------------------------------------------------- header

    /** What the header says: element type, order and shape, and where the data starts. */
    private record Header(Dtype dtype, boolean fortranOrder, long[] shape, int rows, int cols, long headerBytes) {
        long dataBytes() {
            return (long) rows * cols * dtype.size();
        }

        String describe() {
            return NdArray.shapeString(shape) + " " + dtype.numpyName() + " values (" + dataBytes() + " bytes)";
        }

        static Header read(ReadableByteChannel ch, String name) throws IOException {
            ByteBuffer start = ByteBuffer.allocate(MAGIC.length + 2);
            int got = readFully(ch, start);
            if (got == 0) {
                throw new BadInputException(name + ": the file is empty; expected a .npy array. Save the array with "
                        + saveCall(name, "X") + ".");
            }
            byte[] first = start.array();
            if (got < MAGIC.length || !Arrays.equals(first, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                if (got >= ZIP_MAGIC.length && Arrays.equals(first, 0, ZIP_MAGIC.length, ZIP_MAGIC, 0, ZIP_MAGIC.length)) {
                    throw new BadInputException(name + ": this is a zip archive (.npz), not a .npy file. Pass one array"
                            + " saved with " + saveCall(name, "X") + ".");
                }
                throw new BadInputException(name + ": not a .npy file (its first bytes are not \\x93NUMPY). Save the array"
                        + " with " + saveCall(name, "X") + ".");
            }
            if (got < first.length) throw malformed(name, "the file ends inside the header");
            int major = first[6] & 0xFF;
            int minor = first[7] & 0xFF;
            if (major < 1 || major > 3 || minor != 0) {
                throw new BadInputException(name + ": unsupported .npy format version " + major + "." + minor
                        + " (expected 1.0, 2.0 or 3.0). Write the file again with " + saveCall(name, "X") + ".");
            }
            ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
            if (readFully(ch, length) < length.capacity()) throw malformed(name, "the file ends inside the header");
            long textLength = major == 1 ? length.getShort(0) & 0xFFFF : length.getInt(0) & 0xFFFFFFFFL;
            if (textLength > MAX_HEADER_BYTES) throw malformed(name, "its length field says " + textLength + " bytes");
            ByteBuffer text = ByteBuffer.allocate((int) textLength);
            if (readFully(ch, text) < textLength) throw malformed(name, "the file ends inside the header");
            // versions 1.0 and 2.0 are latin-1; 3.0 exists to allow utf-8 (field names in structured dtypes)
            String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            return of(HeaderParser.parseDict(dict, name), dict, name, first.length + length.capacity() + textLength);
        }

        private static Header of(Map<String, Object> dict, String text, String name, long headerBytes) {
            for (String key : List.of("descr", "fortran_order", "shape")) {
                if (!dict.containsKey(key)) throw malformed(name, "no '" + key + "' key in " + excerpt(text));
            }
            long[] shape = shape(dict.get("shape"), name);
            if (!(dict.get("fortran_order") instanceof Boolean fortranOrder)) {
                throw malformed(name, "'fortran_order' is " + HeaderParser.repr(dict.get("fortran_order"))
                        + ", expected True or False");
            }
            Dtype dtype = Dtype.parse(dict.get("descr"), name);
            long rows = shape.length == 0 ? 1 : shape[0];
            long cols;
            try {
                cols = NdArray.productAfterFirst(shape);
            } catch (ArithmeticException overflow) {
                cols = Long.MAX_VALUE;
            }
            if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
                throw new BadInputException(name + ": shape " + NdArray.shapeString(shape) + " is too large for one"
                        + " matrix (at most " + Integer.MAX_VALUE + " rows of at most " + Integer.MAX_VALUE
                        + " values each). Split the array, or reshape it so that no axis but the first is this long.");
            }
            return new Header(dtype, fortranOrder, shape, (int) rows, (int) cols, headerBytes);
        }

        private static long[] shape(Object value, String name) {
            if (!(value instanceof List<?> axes)) {
                throw malformed(name, "'shape' is " + HeaderParser.repr(value) + ", expected a tuple of integers such as (3, 4)");
            }
            long[] shape = new long[axes.size()];
            for (int i = 0; i < shape.length; i++) {
                Object axis = axes.get(i);
                if (!(axis instanceof Long length)) {
                    throw new BadInputException(name + ": the shape " + HeaderParser.repr(value) + " has a non-integer axis length "
                            + HeaderParser.repr(axis) + "; expected non-negative integers. Write the file again with "
                            + saveCall(name, "X") + ".");
                }
                if (length < 0) {
                    throw new BadInputException(name + ": the shape " + HeaderParser.repr(value) + " has a negative axis length "
                            + length + "; expected non-negative integers. Write the file again with " + saveCall(name, "X") + ".");
                }
                shape[i] = length;
            }
            return shape;
        }
    }

    /** One element type of the header's 'descr', e.g. '&lt;f8' or '&gt;u2'. */
    private record Dtype(char kind, int size, ByteOrder order, String descr) {

        static Dtype parse(Object descr, String name) {
            if (descr instanceof List<?> fields) {   // [('x', '<f8'), ('label', '<i4')]
                List<String> names = new ArrayList<>();
                for (Object field : fields) {
                    names.add(field instanceof List<?> f && !f.isEmpty() ? String.valueOf(f.get(0)) : "?");
                }
                String first = names.isEmpty() ? "FIELD" : names.get(0);
                throw new BadInputException(oneLine(name + ": a structured dtype (fields " + excerpt(String.join(", ", names))
                        + ") cannot be read; expected one real number per element. Save one field at a time: "
                        + saveCall(name, "X['" + first + "'].astype('float64')") + "."));
            }
            if (!(descr instanceof String s) || s.isEmpty()) {
                throw malformed(name, "'descr' is " + HeaderParser.repr(descr) + ", expected a type such as '<f8'");
            }
            int at = 0;
            ByteOrder order = ByteOrder.nativeOrder();   // '=' and '|' (and no prefix): native, or a single byte
            if ("<>|=".indexOf(s.charAt(0)) >= 0) {
                if (s.charAt(0) == '<') order = ByteOrder.LITTLE_ENDIAN;
                if (s.charAt(0) == '>') order = ByteOrder.BIG_ENDIAN;
                at = 1;
            }
            char kind = at < s.length() ? s.charAt(at) : '?';
            String digits = s.substring(Math.min(s.length(), at + 1));
            int size = digits.matches("[0-9]{1,2}") ? Integer.parseInt(digits) : -1;
            boolean supported = switch (kind) {
                case 'f' -> size == 2 || size == 4 || size == 8;
                case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
                case 'b' -> size == 1;
                default -> false;
            };
            if (!supported) {
                throw new BadInputException(oneLine(name + ": dtype '" + excerpt(s) + "' (" + meaning(kind, size)
                        + ") cannot be read; expected real numbers (float, int, uint or bool). Convert it first: "
                        + saveCall(name, "X.astype('float64')") + "."));
            }
            return new Dtype(kind, size, order, s);
        }

        private static String meaning(char kind, int size) {
            return switch (kind) {
                case 'O' -> "Python objects, stored as a pickle";
                case 'c' -> "complex numbers";
                case 'U', 'S', 'a' -> "text";
                case 'V' -> "raw bytes";
                case 'M', 'm' -> "dates or times";
                case 'f' -> size > 0 ? size * 8 + "-bit floats" : "floats of unknown size";
                default -> "not a number type";
            };
        }

        boolean isFloat64(ByteOrder byteOrder) {
            return kind == 'f' && size == 8 && order == byteOrder;
        }

        String numpyName() {
            return switch (kind) {
                case 'f' -> "float" + size * 8;
                case 'i' -> "int" + size * 8;
                case 'u' -> "uint" + size * 8;
                default -> "bool";
            };
        }

        /** Converts the next {@code count} elements of {@code src} (in this dtype's byte order) to float64. */
        void decode(ByteBuffer src, double[] dst, int count) {
            switch (kind + Integer.toString(size)) {
                case "f8" -> src.asDoubleBuffer().get(dst, 0, count);
                case "f4" -> { for (int i = 0; i < count; i++) dst[i] = src.getFloat(); }
                case "f2" -> { for (int i = 0; i < count; i++) dst[i] = halfToDouble(src.getShort()); }
                case "i1" -> { for (int i = 0; i < count; i++) dst[i] = src.get(); }
                case "i2" -> { for (int i = 0; i < count; i++) dst[i] = src.getShort(); }
                case "i4" -> { for (int i = 0; i < count; i++) dst[i] = src.getInt(); }
                case "i8" -> { for (int i = 0; i < count; i++) dst[i] = src.getLong(); }
                case "u1" -> { for (int i = 0; i < count; i++) dst[i] = src.get() & 0xFF; }
                case "u2" -> { for (int i = 0; i < count; i++) dst[i] = src.getShort() & 0xFFFF; }
                case "u4" -> { for (int i = 0; i < count; i++) dst[i] = src.getInt() & 0xFFFFFFFFL; }
                case "u8" -> { for (int i = 0; i < count; i++) dst[i] = unsignedToDouble(src.getLong()); }
                case "b1" -> { for (int i = 0; i < count; i++) dst[i] = src.get() != 0 ? 1.0 : 0.0; }
                default -> throw new IllegalStateException("unsupported dtype " + descr);   // parse() refused it
            }
        }

        /** IEEE 754 binary16 (Float.float16ToFloat arrived only in Java 20). */
        static double halfToDouble(short half) {
            int exponent = (half >>> 10) & 0x1F;
            int fraction = half & 0x3FF;
            double magnitude;
            if (exponent == 0) magnitude = fraction * 0x1p-24;                                   // subnormal
            else if (exponent == 31) magnitude = fraction == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            else magnitude = (1024 + fraction) * Math.scalb(1.0, exponent - 25);                 // (1 + f/2^10) 2^(e-15)
            return half < 0 ? -magnitude : magnitude;
        }

        /** A uint64 read as a signed long, rounded to the nearest double as numpy's astype('float64') does. */
        static double unsignedToDouble(long bits) {
            if (bits >= 0) return bits;
            // halve (keeping the lowest bit so rounding stays correct), convert, double again
            return ((bits >>> 1) | (bits & 1)) * 2.0;
        }
    }

    /**
     * Parses the header: the repr of a python dict of literals. Gives dicts as LinkedHashMaps, tuples and
     * lists as Lists, strings, Long integers (python 2's 3L too), Double for anything with a point or an
     * exponent, Booleans, and null for None. Hand-written because python's repr is the format, and
     * numpy reads it with ast.literal_eval.
     */
    private static final class HeaderParser {
        private final String text;
        private final String name;
        private int pos;

        private HeaderParser(String text, String name) {
            this.text = text;
            this.name = name;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> parseDict(String text, String name) {
            HeaderParser p = new HeaderParser(text, name);
            p.skipSpace();
            if (!p.at('{')) throw p.error("expected a dict starting with '{'");
            Map<String, Object> dict = (Map<String, Object>) p.value();
            p.skipSpace();
            if (p.pos < text.length()) throw p.error("unexpected text after the dict");
            return dict;
        }

        private Object value() {
            skipSpace();
            if (pos >= text.length()) throw error("the header ends before the dict does");
            char c = text.charAt(pos);
            if (c == '{') return dict();
            if (c == '(') return sequence(')');
            if (c == '[') return sequence(']');
            if (c == '\'' || c == '"') return string();
            if (Character.isLetter(c)) return word();
            return number();
        }

        private Map<String, Object> dict() {
            pos++;
            Map<String, Object> dict = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (at('}')) {
                    pos++;
                    return dict;
                }
                if (!(at('\'') || at('"'))) throw error("expected a quoted key");
                String key = string();
                skipSpace();
                if (!at(':')) throw error("expected ':'");
                pos++;
                dict.put(key, value());
                separator('}');
            }
        }

        private List<Object> sequence(char close) {
            pos++;
            List<Object> items = new ArrayList<>();
            while (true) {
                skipSpace();
                if (at(close)) {
                    pos++;
                    return items;
                }
                items.add(value());
                separator(close);
            }
        }

        /** After an item: a comma (a trailing one is fine, as in (5,)) or the closing bracket. */
        private void separator(char close) {
            skipSpace();
            if (at(',')) pos++;
            else if (!at(close)) throw error("expected ',' or '" + close + "'");
        }

        private String string() {
            char quote = text.charAt(pos++);
            StringBuilder s = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == quote) return s.toString();
                if (c == '\\' && pos < text.length()) c = text.charAt(pos++);
                s.append(c);
            }
            throw error("a string is not closed");
        }

        private Object word() {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
            String word = text.substring(start, pos);
            return switch (word) {
                case "True" -> Boolean.TRUE;
                case "False" -> Boolean.FALSE;
                case "None" -> null;
                default -> {
                    pos = start;
                    throw error("unknown name '" + word + "'");
                }
            };
        }

        private Object number() {
            int start = pos;
            while (pos < text.length() && "+-0123456789.eEL".indexOf(text.charAt(pos)) >= 0) pos++;
            String token = text.substring(start, pos);
            if (token.matches("[+-]?[0-9]+L?")) {
                try {
                    return Long.parseLong(token.endsWith("L") ? token.substring(0, token.length() - 1) : token);
                } catch (NumberFormatException tooLarge) {
                    pos = start;
                    throw error("integer " + token + " is too large");
                }
            }
            if (token.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) return Double.parseDouble(token);
            pos = start;
            throw error("expected a value");
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
        }

        private boolean at(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private BadInputException error(String what) {
            return malformed(name, what + " at character " + (pos + 1) + " of " + excerpt(text));
        }

        /** A parsed value written back as python would print it, for messages. */
        static String repr(Object value) {
            if (value == null) return "None";
            if (value instanceof String s) return "'" + s + "'";
            if (value instanceof Boolean b) return b ? "True" : "False";
            if (value instanceof Map<?, ?> map) return "{...}";
            if (value instanceof List<?> items) {
                StringBuilder s = new StringBuilder("(");
                for (int i = 0; i < items.size(); i++) s.append(i == 0 ? "" : ", ").append(repr(items.get(i)));
                return s.append(items.size() == 1 ? ",)" : ")").toString();
            }
            return String.valueOf(value);
        }
    }
}
