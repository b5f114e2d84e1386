package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.core.data.NpyTest.assertRefused;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import overparam.core.linalg.Matrix;

class CsvTest {
    @TempDir Path tmp;

    private Matrix read(String text) throws IOException {
        return Csv.read(Files.writeString(tmp.resolve("x.csv"), text));
    }

    private static void assertMatrix(double[][] expected, Matrix m) {
        assertEquals(expected.length, m.rows());
        assertEquals(expected[0].length, m.cols());
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], m.row(i), "row " + i);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "1,2.5,-3\n4e2,0.125,6\n",
            "1;2.5;-3\n4e2;0.125;6\n",
            "1\t2.5\t-3\n4e2\t0.125\t6\n",
            "1  2.5 -3\n 4e2 0.125   6 \n",
            "1, 2.5, -3\r\n4E+2, .125, 6.\r\n",
            "x1,x2,y\n1,2.5,-3\n4e2,0.125,6",
            "\uFEFF\"x1\";\"x2\";\"y\"\n\"1\";\"2.5\";\"-3\"\n400;0.125;6\n",
            "# made by hand\n\nx1 x2 y\n1 2.5 -3\n\n# second sample\n4e2 0.125 6\n\n"})
    void readsEverySeparatorHeaderAndComment(String text) throws IOException {
        assertMatrix(new double[][] {{1, 2.5, -3}, {400, 0.125, 6}}, read(text));
    }

    @Test
    void readsOneColumnAsAVector() throws IOException {
        assertMatrix(new double[][] {{1}, {-1}, {0.5}}, read("label\n1\n-1\n0.5\n"));
    }

    @Test
    void readsNanAndInfinityForTheCallerToJudge() throws IOException {
        Matrix m = read("nan,inf,-inf\nNaN,+Infinity,-INF\n");
        assertArrayEquals(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, m.row(0));
        assertArrayEquals(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, m.row(1));
    }

    @Test
    void readsManyRows() throws IOException {
        StringBuilder text = new StringBuilder("a,b\n");
        for (int i = 0; i < 5000; i++) text.append(i).append(',').append(i * 0.5).append('\n');
        Matrix m = read(text.toString());
        assertEquals(5000, m.rows());
        for (int i = 0; i < 5000; i++) assertArrayEquals(new double[] {i, i * 0.5}, m.row(i));
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesARaggedLineNamingItAndTheFirstLine() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int line = 1; line <= 6; line++) text.append("1,2,3,4,5,6,7,8,9,10\n");
        text.append("1,2,3,4,5,6,7,8,9\n");
        Path file = Files.writeString(tmp.resolve("y.csv"), text);
        String message = assertRefused("y.csv", () -> Csv.read(file));
        assertTrue(message.startsWith(file + " line 7: expected 10 numbers like line 1, found 9."), message);
    }

    @Test
    void countsLinesFromTheTopOfTheFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("h.csv"), "# comment\nx,y\n\n1,2\n3\n");
        assertTrue(assertRefused("h.csv", () -> Csv.read(file)).contains("line 5: expected 2 numbers like line 4, found 1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1,2,3\n4,abc,6\n", "1,2,3\n4,,6\n", "1,2,3\n4,5,6,\n", "1 2 3\n4 1d 6\n", "1;2;3\n4;0x1p3;6\n"})
    void refusesAFieldThatIsNotANumberNamingLineAndColumn(String text) throws IOException {
        Path file = Files.writeString(tmp.resolve("n.csv"), text);
        String message = assertRefused("n.csv", () -> Csv.read(file));
        assertTrue(message.contains("line 2, column 3 (field 2): ") || message.contains("line 2: expected 3 numbers like line 1, found 4"), message);
    }

    /** Positions as an editor shows them: lines and columns from 1, the column where the bad field's text starts. */
    @Test
    void positionsAreOneBasedLikeAnEditors() throws IOException {
        String[][] cases = {
                {"1,2\n3,  x\n", "line 2, column 5 (field 2): \"x\""},
                {"  1 2\n 3   y\n", "line 2, column 6 (field 2): \"y\""},
                {"a,b,c\n\n1,2,3\n1,,2x\n", "line 4, column 3 (field 2): an empty field"},
                {"# c\n1\t2\n3\tz\n", "line 3, column 3 (field 2): \"z\""},
                {"\uFEFFx;y\n1;2\n 3 ; q\n", "line 3, column 6 (field 2): \"q\""}};
        for (String[] c : cases) {
            Path file = Files.writeString(tmp.resolve("p.csv"), c[0]);
            String message = assertRefused("p.csv", () -> Csv.read(file));
            assertTrue(message.contains(c[1]), c[0] + " -> " + message);
        }
    }

    @Test
    void refusesANonNumberInTheFirstDataLineAfterAHeader() throws IOException {
        Path file = Files.writeString(tmp.resolve("two.csv"), "x,y\nz,1\n1,2\n");
        assertTrue(assertRefused("two.csv", () -> Csv.read(file)).contains("line 2, column 1 (field 1): \"z\" is not a number"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# only a comment\n", "x,y,z\n"})
    void refusesAFileWithoutNumbers(String text) throws IOException {
        Path file = Files.writeString(tmp.resolve("e.csv"), text);
        assertTrue(assertRefused("e.csv", () -> Csv.read(file)).contains("no numbers"));
    }

    @Test
    void refusesAMissingOrBinaryFile() throws IOException {
        assertRefused("missing.csv", () -> Csv.read(tmp.resolve("missing.csv")));
        Path binary = Files.write(tmp.resolve("b.csv"), new byte[] {(byte) 0x93, 'N', 'U', (byte) 0xFF, (byte) 0xFE, 0, 1});
        assertRefused("b.csv", () -> Csv.read(binary));
    }
}
