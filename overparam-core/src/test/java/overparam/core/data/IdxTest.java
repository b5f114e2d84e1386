package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.core.data.NpyTest.assertRefused;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import overparam.core.linalg.Matrix;

/** IDX (LeCun's MNIST page) against bytes written by hand with DataOutputStream, and against itself. */
class IdxTest {
    @TempDir Path tmp;

    /** Values each type must carry exactly, its extremes first; the floating types include -0.0, infinities and NaN. */
    static double[] extremes(Idx.Type type) {
        return switch (type) {
            case UBYTE -> new double[] {0, 255, 1, 127, 128, 254};
            case BYTE -> new double[] {-128, 127, -1, 0, 1, 100};
            case SHORT -> new double[] {Short.MIN_VALUE, Short.MAX_VALUE, -1, 0, 1, 256};
            case INT -> new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 1, 65536};
            case FLOAT -> new double[] {1.5f, -0.0f, Float.MAX_VALUE, Float.MIN_VALUE, 0.1f, Float.NEGATIVE_INFINITY, Float.NaN};
            case DOUBLE -> new double[] {Double.MAX_VALUE, -0.0, Double.MIN_VALUE, 0.1, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN};
        };
    }

    /** n values cycling through the type's extremes, so every shape holds each of them. */
    static double[] valuesOf(Idx.Type type, int n) {
        double[] e = extremes(type);
        double[] values = new double[n];
        for (int k = 0; k < n; k++) values[k] = e[k % e.length];
        return values;
    }

    static NdArray array(long[] shape, double[] values) {
        long rows = shape[0];
        Matrix m = Matrix.zeros((int) rows, (int) (values.length / Math.max(1, rows)));
        for (int k = 0; k < values.length; k++) m.set(k, values[k]);
        return new NdArray(shape, m);
    }

    static Stream<Arguments> everyTypeShapeAndCompression() {
        long[][] shapes = {{12}, {3, 4}, {2, 3, 2}};
        return Arrays.stream(Idx.Type.values()).flatMap(type -> Arrays.stream(shapes).flatMap(shape ->
                Stream.of(false, true).map(gzip -> Arguments.of(type, shape, gzip))));
    }

    @ParameterizedTest(name = "{0} {1} gzip={2}")
    @MethodSource("everyTypeShapeAndCompression")
    void roundTripsEveryTypeExactly(Idx.Type type, long[] shape, boolean gzip) {
        double[] values = valuesOf(type, 12);
        Path file = tmp.resolve("x-" + type.name() + (gzip ? ".idx.gz" : ".idx"));
        try (Matrix m = array(shape, values).data()) {
            Idx.write(file, new NdArray(shape, m), type);
        }
        NdArray back = Idx.read(file);
        assertArrayEquals(shape, back.shape());
        assertArrayEquals(values, back.data().toArray(), "bitwise: -0.0 stays -0.0 and NaN stays NaN");
        back.data().close();
    }

    // ---------------------------------------------------------------- against bytes written by hand

    /** The file as LeCun's page describes it, written field by field with DataOutputStream (big-endian by definition). */
    static byte[] byHand(Idx.Type type, int[] dims, double[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(0);
        out.writeByte(0);
        out.writeByte(type.code());
        out.writeByte(dims.length);
        for (int d : dims) out.writeInt(d);
        for (double v : values) {
            switch (type) {
                case UBYTE, BYTE -> out.writeByte((int) v);
                case SHORT -> out.writeShort((int) v);
                case INT -> out.writeInt((int) v);
                case FLOAT -> out.writeFloat((float) v);
                case DOUBLE -> out.writeDouble(v);
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Idx.Type.class)
    void readsAndWritesTheBytesTheFormatDescribes(Idx.Type type) throws IOException {
        double[] values = valuesOf(type, 24);
        byte[] expected = byHand(type, new int[] {2, 3, 4}, values);
        assertEquals(4 + 3 * 4 + 24 * type.bytes(), expected.length);

        Path plain = Files.write(tmp.resolve("hand.idx"), expected);
        NdArray read = Idx.read(plain);
        assertArrayEquals(new long[] {2, 3, 4}, read.shape());
        assertArrayEquals(values, read.data().toArray());

        Path gz = Files.write(tmp.resolve("hand.idx.gz"), gzip(expected));
        assertArrayEquals(values, Idx.read(gz).data().toArray());

        Path ours = tmp.resolve("ours.idx");
        Idx.write(ours, read, type);
        assertArrayEquals(expected, Files.readAllBytes(ours), "the writer's bytes");
    }

    @Test
    void readsMnistStyleUnsignedBytesAsZeroTo255() throws IOException {
        double[] pixels = new double[256];
        for (int k = 0; k < 256; k++) pixels[k] = k;
        Path file = Files.write(tmp.resolve("images-idx3-ubyte"), byHand(Idx.Type.UBYTE, new int[] {4, 8, 8}, pixels));
        NdArray images = Idx.read(file);
        assertEquals("(4, 8, 8)", images.shapeString());
        assertEquals(4, images.data().rows());
        assertEquals(64, images.data().cols());
        assertArrayEquals(pixels, images.data().toArray());
    }

    @Test
    void detectsGzipByItsMagicBytesNotByTheName() throws IOException {
        double[] values = {1, 2, 3};
        byte[] plain = byHand(Idx.Type.INT, new int[] {3}, values);
        Path gzNamedPlain = Files.write(tmp.resolve("labels"), gzip(plain));
        Path plainNamedGz = Files.write(tmp.resolve("labels.gz"), plain);
        assertArrayEquals(values, Idx.read(gzNamedPlain).data().toArray());
        assertArrayEquals(values, Idx.read(plainNamedGz).data().toArray());
    }

    @Test
    void readsFromAStreamGzippedOrNot() throws IOException {
        double[] values = valuesOf(Idx.Type.SHORT, 10);
        byte[] plain = byHand(Idx.Type.SHORT, new int[] {5, 2}, values);
        for (byte[] bytes : new byte[][] {plain, gzip(plain)}) {
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                NdArray a = Idx.read(in, "stream");
                assertEquals("(5, 2)", a.shapeString());
                assertArrayEquals(values, a.data().toArray());
            }
        }
    }

    @Test
    void readsAndWritesAnArrayWithNoSamples() {
        Path file = tmp.resolve("empty.idx.gz");
        Idx.write(file, new NdArray(new long[] {0, 28, 28}, Matrix.zeros(0, 784)), Idx.Type.UBYTE);
        NdArray back = Idx.read(file);
        assertEquals("(0, 28, 28)", back.shapeString());
        assertEquals(0, back.data().rows());
        assertEquals(784, back.data().cols());
    }

    @Test
    void readsManyChunksInOrder() {
        // 3 MiB of doubles: several 1 MiB decode chunks, so chunk boundaries are crossed
        int n = 3 * (1 << 20) / 8 + 5;
        double[] values = new double[n];
        for (int k = 0; k < n; k++) values[k] = k * 0.5 - 7;
        Path file = tmp.resolve("big.idx.gz");
        Idx.write(file, array(new long[] {n}, values), Idx.Type.DOUBLE);
        assertArrayEquals(values, Idx.read(file).data().toArray());
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesAValueTheTypeCannotHold() {
        Path file = tmp.resolve("bad.idx");
        for (double v : new double[] {256, -1, 0.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Idx.write(file, array(new long[] {2}, new double[] {0, v}), Idx.Type.UBYTE));
            assertTrue(e.getMessage().contains("index 1"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Idx.write(file, array(new long[] {1}, new double[] {128}), Idx.Type.BYTE));
        assertThrows(IllegalArgumentException.class, () -> Idx.write(file, array(new long[] {1}, new double[] {1e10}), Idx.Type.INT));
        assertTrue(Files.notExists(file), "a refused write leaves no file");
        assertThrows(IllegalArgumentException.class, () -> Idx.write(file, new NdArray(new long[] {}, Matrix.zeros(1, 1)), Idx.Type.DOUBLE));
    }

    @Test
    void refusesAnEmptyOrMissingFile() throws IOException {
        Path empty = Files.write(tmp.resolve("empty-idx1-ubyte"), new byte[0]);
        assertTrue(assertRefused(empty.toString(), () -> Idx.read(empty)).contains("empty"));
        Path missing = tmp.resolve("missing-idx1-ubyte");
        assertTrue(assertRefused(missing.toString(), () -> Idx.read(missing)).contains("no such file"));
    }

    @Test
    void refusesBadMagic() throws IOException {
        byte[] bytes = byHand(Idx.Type.UBYTE, new int[] {3}, new double[] {1, 2, 3});
        bytes[1] = 7;
        Path file = Files.write(tmp.resolve("magic.idx"), bytes);
        assertTrue(assertRefused(file.toString(), () -> Idx.read(file)).contains("not an IDX file"));
        Path npy = Files.write(tmp.resolve("x.npy"), Npy.header(new long[] {3}));
        assertRefused(npy.toString(), () -> Idx.read(npy));
    }

    @Test
    void refusesAnUnknownTypeCode() throws IOException {
        byte[] bytes = byHand(Idx.Type.UBYTE, new int[] {3}, new double[] {1, 2, 3});
        bytes[2] = 0x0A;   // between BYTE (0x09) and SHORT (0x0B): not a code the format defines
        Path file = Files.write(tmp.resolve("type.idx"), bytes);
        assertTrue(assertRefused(file.toString(), () -> Idx.read(file)).contains("0x0A"));
    }

    @Test
    void refusesZeroOrAbsurdDimensions() throws IOException {
        Path none = Files.write(tmp.resolve("dims0.idx"), new byte[] {0, 0, 0x08, 0});
        assertTrue(assertRefused(none.toString(), () -> Idx.read(none)).contains("0 dimensions"));
        Path negative = Files.write(tmp.resolve("negative.idx"), byHand(Idx.Type.UBYTE, new int[] {3, -2}, new double[0]));
        assertTrue(assertRefused(negative.toString(), () -> Idx.read(negative)).contains("negative"));
        Path huge = Files.write(tmp.resolve("huge.idx"), byHand(Idx.Type.DOUBLE, new int[] {1, 65536, 65536}, new double[0]));
        assertTrue(assertRefused(huge.toString(), () -> Idx.read(huge)).contains("per sample"));
        Path overflow = Files.write(tmp.resolve("overflow.idx"),
                byHand(Idx.Type.DOUBLE, new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, new double[0]));
        assertRefused(overflow.toString(), () -> Idx.read(overflow));
    }

    @Test
    void refusesATruncatedHeader() throws IOException {
        byte[] bytes = byHand(Idx.Type.UBYTE, new int[] {2, 2, 2}, new double[8]);
        for (int length : new int[] {1, 3, 4, 9, 15}) {
            Path file = Files.write(tmp.resolve("header" + length + ".idx"), Arrays.copyOf(bytes, length));
            String message = assertRefused(file.toString(), () -> Idx.read(file));
            if (length > 1) assertTrue(message.contains("truncated IDX header"), message);
        }
    }

    @Test
    void refusesTruncatedDataSayingWhatWasExpected() throws IOException {
        byte[] bytes = byHand(Idx.Type.SHORT, new int[] {3, 2, 2}, new double[12]);
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 5);
        Path plain = Files.write(tmp.resolve("cut.idx"), cut);
        Path gz = Files.write(tmp.resolve("cut.idx.gz"), gzip(cut));
        for (Path file : new Path[] {plain, gz}) {
            String message = assertRefused(file.toString(), () -> Idx.read(file));
            assertTrue(message.contains("(3, 2, 2) short (0x0B) values (24 bytes)"), message);
            assertTrue(message.contains("only 19 bytes"), message);
        }
        try (InputStream in = new ByteArrayInputStream(cut)) {
            assertTrue(assertRefused("a stream", () -> Idx.read(in, "a stream")).contains("only 19 bytes"));
        }
    }

    @Test
    void refusesBytesAfterTheData() throws IOException {
        byte[] bytes = byHand(Idx.Type.UBYTE, new int[] {4}, new double[] {1, 2, 3, 4});
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        Path plain = Files.write(tmp.resolve("long.idx"), longer);
        Path gz = Files.write(tmp.resolve("long.idx.gz"), gzip(longer));
        for (Path file : new Path[] {plain, gz}) {
            assertTrue(assertRefused(file.toString(), () -> Idx.read(file)).contains("3 bytes follow"));
        }
        try (InputStream in = new ByteArrayInputStream(longer)) {
            assertTrue(assertRefused("a stream", () -> Idx.read(in, "a stream")).contains("3 bytes follow"));
        }
    }

    @Test
    void refusesACorruptGzipStreamInOneLine() throws IOException {
        double[] values = new double[4000];
        for (int k = 0; k < values.length; k++) values[k] = (k * 7919) % 251;
        byte[] gz = gzip(byHand(Idx.Type.UBYTE, new int[] {4000}, values));

        byte[] flipped = gz.clone();
        for (int k = gz.length / 2; k < gz.length / 2 + 4; k++) flipped[k] ^= (byte) 0x5A;
        Path inside = Files.write(tmp.resolve("flipped.idx.gz"), flipped);
        assertRefused(inside.toString(), () -> Idx.read(inside));   // a bad block, a wrong length or a CRC mismatch

        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;   // the CRC-32 of the trailer
        Path crc = Files.write(tmp.resolve("crc.idx.gz"), badCrc);
        assertTrue(assertRefused(crc.toString(), () -> Idx.read(crc)).contains("gzip stream is corrupt"));

        Path cut = Files.write(tmp.resolve("cut.idx.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertTrue(assertRefused(cut.toString(), () -> Idx.read(cut)).contains("gzip stream is corrupt or cut short"));
    }
}
