package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.lab.store.Query;

/** sql's table never cuts a value: as wide as its content, or one record per block when the terminal is narrower. */
class SqlTableTest {
    static final String LONG = "{\"arch\":\"fc\",\"width\":1024,\"activation\":\"relu\"," + "\"x\":0,".repeat(20) + "\"end\":true}";
    static final Query.Table TABLE = new Query.Table(List.of("cell", "config"),
            List.of(List.of("width=1024", LONG), Arrays.asList("width=16", null)));

    static String print(int terminalWidth) {
        StringWriter s = new StringWriter();
        try (PrintWriter w = new PrintWriter(s)) { SqlCommand.print(TABLE, w, terminalWidth); }
        return s.toString();
    }

    @Test
    void aPipeGetsTheWholeTable() {
        String out = print(Integer.MAX_VALUE);
        List<String> lines = out.lines().toList();
        assertEquals("cell        config", lines.get(0).stripTrailing());
        assertEquals("width=1024  " + LONG, lines.get(2));
        assertEquals("width=16    NULL", lines.get(3));
        assertEquals("(2 rows)", lines.get(4));
    }

    @Test
    void aNarrowTerminalGetsOneRecordPerBlockWithEveryValueWhole() {
        String out = print(80);
        assertTrue(out.contains("config | " + LONG + "\n"), out);
        assertTrue(out.contains("-[ row 2 ]") && out.contains("cell   | width=16") && out.contains("config | NULL"), out);
        assertTrue(out.lines().filter(l -> !l.contains(LONG)).allMatch(l -> l.length() <= 80), out);
    }

    @Test
    void aTableThatFitsStaysATable() {
        String out = print(LONG.length() + 12);
        assertTrue(out.contains("width=1024  " + LONG), out);
    }
}
