package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/** .npy against files numpy wrote (src/test/resources/npy, made by make_fixtures.py) and against itself. */
class NpyTest {
    @TempDir Path tmp;

    static Path fixture(String file) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + file).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test fixture " + file + "; run make_fixtures.py", e);
        }
    }

    /** make_fixtures.py's layout fixtures hold k * 0.25 - 1 at C-order index k: exact, distinct, signed. */
    static double quarterStep(long k) {
        return k * 0.25 - 1;
    }

    static double[] quarterSteps(int n) {
        double[] values = new double[n];
        for (int k = 0; k < n; k++) values[k] = quarterStep(k);
        return values;
    }

    static Matrix matrix(int rows, int cols, double[] values) {
        Matrix m = Matrix.zeros(rows, cols);
        for (int k = 0; k < values.length; k++) m.set(k, values[k]);
        return m;
    }

    /** Asserts that {@code read} is refused with a one-line message naming {@code file}; returns the message. */
    static String assertRefused(String file, Executable read) {
        BadInputException e = assertThrows(BadInputException.class, read);
        String message = e.getMessage();
        assertTrue(message.contains(file), "message should name " + file + ": " + message);
        assertFalse(message.contains("\n") || message.contains("\r"), "message should be one line: " + message);
        return message;
    }

    // ---------------------------------------------------------------- reading numpy's files

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("f8_2d.npy", new long[] {3, 4}, 3, 4),
                Arguments.of("f8_1d.npy", new long[] {5}, 5, 1),
                Arguments.of("f8_3d.npy", new long[] {2, 3, 4}, 2, 12),
                Arguments.of("f8_empty.npy", new long[] {0, 3}, 0, 3),
                Arguments.of("f8_2d_fortran.npy", new long[] {3, 4}, 3, 4),
                Arguments.of("f8_3d_fortran.npy", new long[] {2, 3, 4}, 2, 12),
                Arguments.of("f8_2d_big_endian.npy", new long[] {3, 4}, 3, 4),
                Arguments.of("f8_2d_v2.npy", new long[] {3, 4}, 3, 4),
                Arguments.of("f8_2d_v3.npy", new long[] {3, 4}, 3, 4));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void readsEveryLayoutInCOrder(String file, long[] shape, int rows, int cols) {
        NdArray a = Npy.read(fixture(file));
        assertArrayEquals(shape, a.shape());
        assertEquals(rows, a.data().rows());
        assertEquals(cols, a.data().cols());
        assertArrayEquals(quarterSteps(rows * cols), a.data().toArray(), file);
    }

    @Test
    void readsAZeroDimensionalArrayAsOneByOne() {
        NdArray a = Npy.read(fixture("f8_0d.npy"));
        assertEquals(0, a.dims());
        assertEquals("()", a.shapeString());
        assertEquals(1, a.data().rows());
        assertEquals(1, a.data().cols());
        assertEquals(3.25, a.data().get(0, 0));
    }

    @Test
    void readsFortranOrderBigEndianIntegersInCOrder() {
        NdArray a = Npy.read(fixture("i2_3d_fortran_big_endian.npy"));
        assertEquals("(2, 3, 4)", a.shapeString());
        for (int k = 0; k < 24; k++) assertEquals(k - 5, a.data().get(k), "C index " + k);
    }

    static Stream<Arguments> dtypes() {
        double[] floats16 = {0.5, -2.0, 65504.0, 0x1p-24, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        double[] floats32 = {0.5, -2.25, Float.MAX_VALUE, Float.MIN_VALUE, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        double[] floats64 = {0.1, -2.25, Double.MAX_VALUE, Double.MIN_VALUE, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        Stream<Arguments> singleBytes = Stream.of(
                Arguments.of("dtype_i1.npy", new double[] {-128, -1, 0, 1, 127}),
                Arguments.of("dtype_u1.npy", new double[] {0, 1, 2, 254, 255}),
                Arguments.of("dtype_b1.npy", new double[] {1, 0, 1, 1, 0}));
        Stream<Arguments> multiBytes = Stream.of("_le", "_be").flatMap(order -> Stream.of(
                Arguments.of("dtype_i2" + order + ".npy", new double[] {-32768, -1, 0, 1, 32767}),
                Arguments.of("dtype_i4" + order + ".npy", new double[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}),
                Arguments.of("dtype_i8" + order + ".npy", new double[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}),
                Arguments.of("dtype_u2" + order + ".npy", new double[] {0, 1, 2, 65534, 65535}),
                Arguments.of("dtype_u4" + order + ".npy", new double[] {0, 1, 2, 4294967294.0, 4294967295.0}),
                // 2^64 - 1 rounds to 2^64 in float64, as numpy's astype('float64') gives
                Arguments.of("dtype_u8" + order + ".npy", new double[] {0, 1, 2, 0x1p63, 0x1p64}),
                Arguments.of("dtype_f2" + order + ".npy", floats16),
                Arguments.of("dtype_f4" + order + ".npy", floats32),
                Arguments.of("dtype_f8" + order + ".npy", floats64)));
        return Stream.concat(singleBytes, multiBytes);
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void readsEveryDtypeAsFloat64(String file, double[] expected) {
        NdArray a = Npy.read(fixture(file));
        assertArrayEquals(new long[] {expected.length}, a.shape());
        // bitwise: NaN equals NaN, and -0.0 must stay -0.0
        assertArrayEquals(expected, a.data().toArray(), file);
    }

    @Test
    void readsFromAStream() throws IOException {
        try (InputStream in = Files.newInputStream(fixture("f8_3d_fortran.npy"))) {
            NdArray a = Npy.read(in, "f8_3d_fortran.npy");
            assertEquals("(2, 3, 4)", a.shapeString());
            assertArrayEquals(quarterSteps(24), a.data().toArray());
        }
    }

    // ---------------------------------------------------------------- writing numpy's bytes

    /** The layout fixtures that numpy.save wrote from a C-order float64 array: what our writer must reproduce. */
    static Stream<Arguments> savedByNumpy() {
        return layouts().filter(a -> !((String) a.get()[0]).matches(".*(fortran|big_endian|_v[23]).*"));
    }

    @ParameterizedTest
    @MethodSource("savedByNumpy")
    void writesTheBytesNumpyWrites(String file, long[] shape, int rows, int cols) throws IOException {
        Matrix m = matrix(rows, cols, quarterSteps(rows * cols));
        Path ours = tmp.resolve(file);
        Npy.write(ours, m, shape);
        byte[] numpy = Files.readAllBytes(fixture(file));
        assertArrayEquals(numpy, Files.readAllBytes(ours), file);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Npy.write(stream, m, shape);
        assertArrayEquals(numpy, stream.toByteArray(), file + " through a stream");
    }

    @Test
    void writesTwoDimensionsByDefault() throws IOException {
        Npy.write(tmp.resolve("x.npy"), matrix(3, 4, quarterSteps(12)));
        assertArrayEquals(Files.readAllBytes(fixture("f8_2d.npy")), Files.readAllBytes(tmp.resolve("x.npy")));
    }

    @Test
    void headerIsPaddedToSixtyFourBytesWithAFinalNewline() {
        for (long[] shape : new long[][] {{}, {7}, {123456789, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}) {
            byte[] header = Npy.header(shape);
            assertEquals(0, header.length % 64, Arrays.toString(shape));
            assertEquals('\n', header[header.length - 1]);
            assertEquals(header.length - 10, ByteBuffer.wrap(header, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
        }
    }

    @Test
    void switchesToVersionTwoOnlyForAHeaderOver64KiB() throws IOException {
        assertEquals(1, Npy.header(new long[] {3, 4})[6]);
        long[] manyAxes = new long[30000];   // ", 1" per axis: a 90 kB dict, too long for version 1.0's 16-bit length
        Arrays.fill(manyAxes, 1);
        byte[] header = Npy.header(manyAxes);
        assertEquals(2, header[6]);
        assertEquals(0, header.length % 64);
        assertEquals(header.length - 12, ByteBuffer.wrap(header, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        Path file = tmp.resolve("axes.npy");
        Npy.write(file, matrix(1, 1, new double[] {2.5}), manyAxes);
        NdArray back = Npy.read(file);
        assertEquals(30000, back.dims());
        assertEquals(2.5, back.data().get(0, 0));
    }

    @Test
    void roundTripsRandomValuesInEveryShape() throws IOException {
        Random random = new Random(4);
        long[][] shapes = {{6, 5}, {9}, {2, 3, 4}, {2, 1, 3, 2}, {0, 7}, {4, 0}};
        for (long[] shape : shapes) {
            int rows = (int) (shape.length == 0 ? 1 : shape[0]);
            int cols = (int) NdArray.productAfterFirst(shape);
            double[] values = random.doubles(rows * cols, -1e3, 1e3).toArray();
            Matrix m = matrix(rows, cols, values);
            Path file = tmp.resolve("round" + shape.length + rows + ".npy");
            Npy.write(file, m, shape);
            NdArray back = Npy.read(file);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(values, back.data().toArray());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(out, m, shape);
            assertArrayEquals(values, Npy.read(new ByteArrayInputStream(out.toByteArray()), "stream").data().toArray());
        }
    }

    @Test
    void refusesAShapeThatDoesNotMatchTheMatrix() {
        Matrix m = Matrix.zeros(3, 4);
        assertThrows(IllegalArgumentException.class, () -> Npy.write(tmp.resolve("x.npy"), m, 5, 2));
        assertFalse(Files.exists(tmp.resolve("x.npy")), "a refused write leaves no file behind");
        assertThrows(IllegalArgumentException.class, () -> Npy.write(tmp.resolve("x.npy"), m, -3, -4));
    }

    // ---------------------------------------------------------------- headers numpy could write, and large data

    /** A .npy file with the given header text and data, exactly as the format describes (no padding needed to read). */
    static byte[] npy(int major, String dict, byte[] data) {
        byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + (major == 1 ? 2 : 4) + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) text.length);
        else b.putInt(text.length);
        return b.put(text).put(data).array();
    }

    static byte[] float64s(double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) b.putDouble(v);
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 1)}",
            "{'shape': (2,1,), 'fortran_order': False, 'descr': '<f8',}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 1L), }",
            "  { 'descr' : '<f8' , 'fortran_order' : True , 'shape' : [ 2 , 1 ] }  \n"})
    void readsEveryWayOfWritingTheHeaderDict(String dict) throws IOException {
        Path file = tmp.resolve("h.npy");
        Files.write(file, npy(1, dict, float64s(1.5, -2)));
        NdArray a = Npy.read(file);
        assertEquals("(2, 1)", a.shapeString());
        assertArrayEquals(new double[] {1.5, -2}, a.data().toArray());
    }

    @Test
    void convertsDataLargerThanItsBufferAcrossChunkBoundaries() throws IOException {
        int n = 7, rows = 100, cols = 150;   // '>f4' in C order: 420 kB, several conversion chunks
        ByteBuffer data = ByteBuffer.allocate(n * rows * cols * 4).order(ByteOrder.BIG_ENDIAN);
        for (int k = 0; k < n * rows * cols; k++) data.putFloat((float) (k * 0.5 - 3));
        Path file = tmp.resolve("big.npy");
        Files.write(file, npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (7, 100, 150), }", data.array()));
        Matrix m = Npy.read(file).data();
        assertEquals(n, m.rows());
        assertEquals(rows * cols, m.cols());
        for (int k = 0; k < n * rows * cols; k++) assertEquals(k * 0.5 - 3, m.get(k));
    }

    @Test
    void reordersFortranDataLargerThanItsBuffer() throws IOException {
        int s0 = 500, s1 = 20, s2 = 13;   // '<u2' in Fortran order: 260 kB, axis 0 fastest in the file
        ByteBuffer data = ByteBuffer.allocate(s0 * s1 * s2 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i2 = 0; i2 < s2; i2++)
            for (int i1 = 0; i1 < s1; i1++)
                for (int i0 = 0; i0 < s0; i0++) data.putShort((short) (((i0 * s1 + i1) * s2 + i2) % 65536));
        Path file = tmp.resolve("fortran.npy");
        Files.write(file, npy(2, "{'descr': '<u2', 'fortran_order': True, 'shape': (500, 20, 13), }", data.array()));
        Matrix m = Npy.read(file).data();
        for (int k = 0; k < s0 * s1 * s2; k++) assertEquals(k % 65536, m.get(k), "C index " + k);
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesAMissingFile() {
        Path file = tmp.resolve("missing.npy");
        assertTrue(assertRefused("missing.npy", () -> Npy.read(file)).contains("no such file"));
    }

    @Test
    void refusesAnEmptyFile() throws IOException {
        Path file = Files.write(tmp.resolve("empty.npy"), new byte[0]);
        assertTrue(assertRefused("empty.npy", () -> Npy.read(file)).contains("empty"));
    }

    @Test
    void refusesAFileWithoutTheMagic() throws IOException {
        Path file = Files.writeString(tmp.resolve("X.npy"), "1.0, 2.0, 3.0\n");
        assertTrue(assertRefused("X.npy", () -> Npy.read(file)).contains("not a .npy file"));
        Path tiny = Files.write(tmp.resolve("tiny.npy"), new byte[] {(byte) 0x93, 'N'});
        assertRefused("tiny.npy", () -> Npy.read(tiny));
    }

    @Test
    void refusesAnNpzPassedAsNpy() throws IOException {
        Path file = Files.copy(fixture("savez.npz"), tmp.resolve("W.npy"));
        assertTrue(assertRefused("W.npy", () -> Npy.read(file)).contains("zip"));
    }

    @Test
    void refusesTruncatedData() throws IOException {
        byte[] whole = Files.readAllBytes(fixture("f8_2d.npy"));   // 128 header bytes, then 96 data bytes
        byte[] cut = Arrays.copyOf(whole, 150);
        Path file = Files.write(tmp.resolve("cut.npy"), cut);
        String message = assertRefused("cut.npy", () -> Npy.read(file));
        assertTrue(message.contains("truncated") && message.contains("(3, 4) float64 values (96 bytes)")
                && message.contains("only 22 bytes"), message);
        // a stream's size is not known up front: found while reading
        assertRefused("W.npz[W1]", () -> Npy.read(new ByteArrayInputStream(cut), "W.npz[W1]"));
        // and through the converting path
        byte[] ints = Arrays.copyOf(Files.readAllBytes(fixture("dtype_i4_be.npy")), 130);
        assertTrue(assertRefused("ints", () -> Npy.read(new ByteArrayInputStream(ints), "ints")).contains("truncated"));
    }

    @Test
    void refusesATruncatedHeader() throws IOException {
        Path file = Files.write(tmp.resolve("head.npy"), Arrays.copyOf(Files.readAllBytes(fixture("f8_2d.npy")), 40));
        assertTrue(assertRefused("head.npy", () -> Npy.read(file)).contains("header"));
    }

    @Test
    void refusesAnUnknownFormatVersion() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("f8_2d.npy"));
        bytes[6] = 4;
        Path file = Files.write(tmp.resolve("v4.npy"), bytes);
        assertTrue(assertRefused("v4.npy", () -> Npy.read(file)).contains("version 4.0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'descr' '<f8', 'fortran_order': False, 'shape': (3,), }",          // no colon
            "{'descr': '<f8, 'fortran_order': False, 'shape': (3,), }",          // quote not closed
            "{'descr': '<f8', 'fortran_order': False, }",                        // no shape
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } extra",   // text after the dict
            "['<f8', False, (3,)]",                                              // not a dict
            "{'descr': '<f8', 'fortran_order': false, 'shape': (3,), }",         // not python
            "{'descr': '<f8', 'fortran_order': 'no', 'shape': (3,), }",          // not a bool
            "{'descr': '<f8', 'fortran_order': False, 'shape': 3, }",            // not a tuple
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4}",          // bracket not closed
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 4), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3.5, 4), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': ('3', 4), }",
            "{'descr': 7, 'fortran_order': False, 'shape': (3,), }",
            "{'descr': '<f8',\n 'fortran_order': False\n 'shape': (3,), }"})
    void refusesAMalformedHeader(String dict) throws IOException {
        Path file = Files.write(tmp.resolve("bad.npy"), npy(1, dict, float64s(1, 2, 3)));
        assertRefused("bad.npy", () -> Npy.read(file));
    }

    @Test
    void refusesNegativeAndNonIntegerShapesSayingSo() throws IOException {
        Path negative = Files.write(tmp.resolve("neg.npy"),
                npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 4), }", new byte[0]));
        assertTrue(assertRefused("neg.npy", () -> Npy.read(negative)).contains("negative axis length -3"));
        Path fraction = Files.write(tmp.resolve("frac.npy"),
                npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3.5, 4), }", new byte[0]));
        assertTrue(assertRefused("frac.npy", () -> Npy.read(fraction)).contains("non-integer axis length 3.5"));
    }

    @Test
    void refusesAShapeTooLargeForAMatrixBeforeAllocating() throws IOException {
        Path file = Files.write(tmp.resolve("huge.npy"),
                npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1099511627776), }", new byte[0]));
        assertTrue(assertRefused("huge.npy", () -> Npy.read(file)).contains("too large"));
        Path lies = Files.write(tmp.resolve("lies.npy"),
                npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000, 20), }", new byte[16]));
        assertTrue(assertRefused("lies.npy", () -> Npy.read(lies)).contains("truncated"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"refuse_object.npy", "refuse_complex.npy", "refuse_string.npy", "refuse_structured.npy",
            "refuse_datetime.npy"})
    void refusesDtypesThatAreNotRealNumbers(String file) {
        String message = assertRefused(file, () -> Npy.read(fixture(file)));
        assertTrue(message.contains("astype('float64')"), message);
        assertTrue(message.contains(file.contains("object") ? "'|O'" : file.contains("complex") ? "'<c16'"
                : file.contains("string") ? "'<U2'" : file.contains("structured") ? "fields x, label" : "'<M8[D]'"), message);
    }

    @Test
    void refusesAFloat128() throws IOException {
        Path file = Files.write(tmp.resolve("ld.npy"), npy(1, "{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }", new byte[16]));
        assertTrue(assertRefused("ld.npy", () -> Npy.read(file)).contains("128-bit floats"));
    }
}
