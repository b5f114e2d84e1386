package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.core.data.NpyTest.assertRefused;
import static overparam.core.data.NpyTest.fixture;
import static overparam.core.data.NpyTest.matrix;
import static overparam.core.data.NpyTest.quarterSteps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import overparam.core.linalg.Matrix;

/** .npz against archives numpy wrote (savez, savez_compressed) and against itself. */
class NpzTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"savez.npz", "savez_compressed.npz"})
    void readsNumpysArchivesInFileOrder(String file) {
        Map<String, NdArray> arrays = Npz.read(fixture(file));
        assertEquals(List.of("W1", "a", "scale", "labels"), new ArrayList<>(arrays.keySet()));
        assertEquals("(3, 2)", arrays.get("W1").shapeString());
        assertArrayEquals(quarterSteps(6), arrays.get("W1").data().toArray());
        assertEquals("(3,)", arrays.get("a").shapeString());
        assertArrayEquals(quarterSteps(3), arrays.get("a").data().toArray());
        assertEquals("()", arrays.get("scale").shapeString());
        assertArrayEquals(new double[] {3.25}, arrays.get("scale").data().toArray());
        assertArrayEquals(new double[] {1, 0, 1}, arrays.get("labels").data().toArray());
    }

    private static Map<String, NdArray> someArrays() {
        Random random = new Random(7);
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        arrays.put("W1", new NdArray(new long[] {4, 3}, matrix(4, 3, random.doubles(12).toArray())));
        arrays.put("W2", new NdArray(new long[] {2, 2, 2}, matrix(2, 4, random.doubles(8).toArray())));
        arrays.put("a", NdArray.vector(matrix(4, 1, random.doubles(4).toArray())));
        arrays.put("scale", new NdArray(new long[0], matrix(1, 1, new double[] {3.25})));
        arrays.put("none", NdArray.of(Matrix.zeros(0, 5)));
        return arrays;
    }

    @Test
    void roundTripsShapesValuesAndOrder() {
        Map<String, NdArray> written = someArrays();
        Path file = tmp.resolve("w.npz");
        Npz.write(file, written);
        Map<String, NdArray> read = Npz.read(file);
        assertEquals(new ArrayList<>(written.keySet()), new ArrayList<>(read.keySet()));
        for (String key : written.keySet()) {
            assertArrayEquals(written.get(key).shape(), read.get(key).shape(), key);
            assertArrayEquals(written.get(key).data().toArray(), read.get(key).data().toArray(), key);
        }
    }

    @Test
    void writesStoredEntriesNamedKeyNpyHoldingNumpysBytes() throws IOException {
        Map<String, NdArray> arrays = someArrays();
        Path file = tmp.resolve("w.npz");
        Npz.write(file, arrays);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                names.add(entry.getName());
                assertEquals(ZipEntry.STORED, entry.getMethod(), entry.getName());
                NdArray array = arrays.get(entry.getName().replace(".npy", ""));
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                if (array.dims() == 0) {   // numpy's own 0-d file: Npy.write alone cannot say "()"
                    assertArrayEquals(Files.readAllBytes(fixture("f8_0d.npy")), bytes);
                } else {
                    ByteArrayOutputStream expected = new ByteArrayOutputStream();
                    Npy.write(expected, array.data(), array.shape());
                    assertArrayEquals(expected.toByteArray(), bytes, entry.getName());
                }
            }
            assertEquals(List.of("W1.npy", "W2.npy", "a.npy", "scale.npy", "none.npy"), names);
        }
    }

    @Test
    void writesTheSameBytesEveryTime() throws IOException {
        Map<String, NdArray> arrays = someArrays();
        Npz.write(tmp.resolve("1.npz"), arrays);
        Npz.write(tmp.resolve("2.npz"), arrays);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("1.npz")), Files.readAllBytes(tmp.resolve("2.npz")));
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesAMissingFile() {
        Path file = tmp.resolve("gone.npz");
        assertRefused("gone.npz", () -> Npz.read(file));
    }

    @Test
    void refusesFilesThatAreNotZipArchives() throws IOException {
        Path text = Files.writeString(tmp.resolve("text.npz"), "W1 = [[1, 2], [3, 4]]\n");
        assertTrue(assertRefused("text.npz", () -> Npz.read(text)).contains("not a .npz file"));
        Path empty = Files.write(tmp.resolve("empty.npz"), new byte[0]);
        assertRefused("empty.npz", () -> Npz.read(empty));
        Path npy = Files.copy(fixture("f8_2d.npy"), tmp.resolve("npy.npz"));
        assertRefused("npy.npz", () -> Npz.read(npy));
        byte[] whole = Files.readAllBytes(fixture("savez.npz"));
        Path cut = Files.write(tmp.resolve("cut.npz"), Arrays.copyOf(whole, whole.length / 2));
        assertRefused("cut.npz", () -> Npz.read(cut));
    }

    @Test
    void refusesAnArchiveWithoutNpyEntries() throws IOException {
        Path file = tmp.resolve("notes.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write("no arrays here".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(assertRefused("notes.npz", () -> Npz.read(file)).contains("no .npy arrays"));
    }

    @Test
    void refusesAnEntryThatIsNotNpyNamingItsKey() throws IOException {
        Path file = tmp.resolve("odd.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("W1.npy"));
            zip.write("not an array".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(assertRefused("odd.npz[W1]", () -> Npz.read(file)).contains("not a .npy file"));
    }

    @Test
    void refusesADamagedStoredEntryNamingItsKey() throws IOException {
        Path file = tmp.resolve("w.npz");
        Npz.write(file, someArrays());
        byte[] bytes = Files.readAllBytes(file);
        bytes[entryData(bytes, "W2.npy") + 128 + 5] ^= 0x40;   // one bit of W2's data, after its 128-byte npy header
        Files.write(file, bytes);
        assertTrue(assertRefused("w.npz[W2]", () -> Npz.read(file)).contains("CRC"));
    }

    @Test
    void refusesADamagedCompressedEntryNamingItsKey() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("savez_compressed.npz"));
        int data = entryData(bytes, "W1.npy");
        for (int k = 10; k < 30; k++) bytes[data + k] = (byte) 0xFF;
        Path file = Files.write(tmp.resolve("z.npz"), bytes);
        assertRefused("z.npz[W1]", () -> Npz.read(file));
    }

    @Test
    void refusesAnUnwritableFile() {
        Path file = tmp.resolve("no-such-folder").resolve("w.npz");
        assertRefused("w.npz", () -> Npz.write(file, someArrays()));
    }

    /** Where the stored or deflated bytes of entry {@code name} start: after its local header, name and extra field. */
    private static int entryData(byte[] zip, String name) {
        byte[] needle = name.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 30; i + needle.length <= zip.length; i++) {   // the first occurrence is in the local header
            for (int j = 0; j < needle.length; j++) if (zip[i + j] != needle[j]) continue outer;
            int extraLength = ByteBuffer.wrap(zip, i - 2, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
            return i + needle.length + extraLength;
        }
        throw new AssertionError(name + " not found");
    }
}
