package overparam.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

/**
 * Numbers from a text file: one sample per line, values separated by commas (or semicolons, or tabs and
 * spaces). A first line that is not all numbers is a header and is skipped; blank lines and lines
 * starting with '#' are ignored. "nan" and "inf" (any case, signed) are read as NaN and infinity: whether
 * they are allowed is the caller's decision.
 *
 * <p>The file is read twice: once to check it and count the rows, once into the matrix, so that no copy
 * of the data is held on the Java heap.
 */
public final class Csv {
    private static final String FIX_LINE = "Every line must hold one sample, numbers separated by commas";

    private Csv() {}

    /** Reads the numbers in {@code path} as a rows x cols matrix; any problem is a {@link BadInputException} naming the line. */
    public static Matrix read(Path path) {
        return read(path, false);
    }

    /**
     * {@link #read(Path)}; with {@code finite}, "nan" and "inf" are refused too, at their line and column (a caller
     * that finds them in the matrix could only give a row index, which blank lines, comments and a header shift).
     */
    public static Matrix read(Path path, boolean finite) {
        String name = path.toString();
        Layout layout = scan(path, name, finite);
        Matrix m = Matrix.zeros(layout.rows(), layout.cols());
        try {
            fill(path, name, layout, m);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** What the first pass found: the separator, which line was a header (0: none), the size. */
    private record Layout(Separator separator, long headerLine, int rows, int cols) {}

    private enum Separator {
        COMMA, SEMICOLON, WHITESPACE;

        /** The separator of a line: the first of comma, semicolon, whitespace that it contains. */
        static Separator of(String line) {
            if (line.indexOf(',') >= 0) return COMMA;
            if (line.indexOf(';') >= 0) return SEMICOLON;
            return WHITESPACE;
        }

        String[] split(String line) {
            return switch (this) {
                case COMMA -> line.split(",", -1);        // -1 keeps empty trailing fields, so "1,2," is refused
                case SEMICOLON -> line.split(";", -1);
                case WHITESPACE -> line.strip().split("\\s+");
            };
        }
    }

    private static Layout scan(Path path, String name, boolean finite) {
        Separator separator = null;
        long headerLine = 0;
        long firstDataLine = 0;
        int cols = 0;
        long rows = 0;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            long lineNumber = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                String content = content(line, ++lineNumber);
                if (content == null) continue;
                if (separator == null) {
                    Separator guess = Separator.of(content);
                    String[] fields = guess.split(content);
                    if (headerLine == 0 && firstDataLine == 0 && !allNumbers(fields)) {
                        headerLine = lineNumber;
                        continue;
                    }
                    separator = guess;
                    firstDataLine = lineNumber;
                    cols = fields.length;
                }
                String[] fields = separator.split(content);
                if (fields.length != cols) {
                    throw new BadInputException(name + " line " + lineNumber + ": expected " + cols + " numbers like line "
                            + firstDataLine + ", found " + fields.length + ". " + FIX_LINE + "; fix or remove line "
                            + lineNumber + ".");
                }
                for (int j = 0; j < fields.length; j++) {
                    double v = parseField(fields, line, separator, name, lineNumber, j);
                    if (finite && !Double.isFinite(v))
                        throw new BadInputException(name + " line " + lineNumber + ", column " + column(line, separator, fields, j)
                                + " (field " + (j + 1) + "): \"" + Npy.excerpt(fields[j].strip()) + "\" is " + v + "; expected finite numbers. Remove or impute that value.");
                }
                rows++;
            }
        } catch (IOException e) {
            throw unreadable(name, e);
        }
        if (rows == 0) {
            throw new BadInputException(name + ": no numbers found (the file is empty or holds only blank lines, comments"
                    + (headerLine > 0 ? " and a header" : "") + "). " + FIX_LINE + ".");
        }
        if (rows > Integer.MAX_VALUE) {
            throw new BadInputException(name + ": " + rows + " lines of numbers are too many for one matrix (at most "
                    + Integer.MAX_VALUE + "). Split the file.");
        }
        return new Layout(separator, headerLine, (int) rows, cols);
    }

    private static void fill(Path path, String name, Layout layout, Matrix m) {
        int i = 0;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            long lineNumber = 0;
            for (String line; (line = reader.readLine()) != null && i < layout.rows(); ) {
                String content = content(line, ++lineNumber);
                if (content == null || lineNumber == layout.headerLine()) continue;
                String[] fields = layout.separator().split(content);
                if (fields.length != layout.cols()) throw changedSinceScan(name);
                // element by element: Matrix row views come back short past 2 GiB (see Npy.readElementwise)
                for (int j = 0; j < fields.length; j++) m.set(i, j, parseField(fields, line, layout.separator(), name, lineNumber, j));
                i++;
            }
        } catch (IOException e) {
            throw unreadable(name, e);
        }
        if (i != layout.rows()) throw changedSinceScan(name);
    }

    /** The line without its surrounding blanks, or null for a line to ignore (blank, or a '#' comment). */
    private static String content(String line, long lineNumber) {
        if (lineNumber == 1 && line.startsWith("\uFEFF")) line = line.substring(1);   // byte order mark of Excel's UTF-8
        String content = line.strip();
        return content.isEmpty() || content.startsWith("#") ? null : content;
    }

    private static boolean allNumbers(String[] fields) {
        for (String field : fields) {
            try {
                parseNumber(field);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Field {@code index} of a line as a number; a refusal gives its position as an editor shows it: line and column
     * counted from 1, the column of the field's first character (or where an empty field is), and the field's number.
     */
    private static double parseField(String[] fields, String line, Separator separator, String name, long lineNumber, int index) {
        String field = fields[index];
        try {
            return parseNumber(field);
        } catch (NumberFormatException e) {
            String shown = Npy.excerpt(field.strip());
            throw new BadInputException(name + " line " + lineNumber + ", column " + column(line, separator, fields, index)
                    + " (field " + (index + 1) + "): "
                    + (shown.isEmpty() ? "an empty field" : "\"" + shown + "\"") + " is not a number. Only numbers may"
                    + " follow the optional first line of column names; fix the value or remove the line.");
        }
    }

    /** The 1-based column, in the line as an editor shows it (without a byte order mark), where field {@code index} starts. */
    static int column(String line, Separator separator, String[] fields, int index) {
        String shown = line.startsWith("\uFEFF") ? line.substring(1) : line;
        int at = 0;
        while (at < shown.length() && Character.isWhitespace(shown.charAt(at))) at++;          // the content starts here
        if (separator == Separator.WHITESPACE) {
            for (int f = 0; f < index; f++) {
                while (at < shown.length() && !Character.isWhitespace(shown.charAt(at))) at++;
                while (at < shown.length() && Character.isWhitespace(shown.charAt(at))) at++;
            }
            return at + 1;
        }
        for (int f = 0; f < index; f++) at += fields[f].length() + 1;                            // the field and its separator
        String field = fields[index];
        int blanks = field.length() - field.stripLeading().length();
        return at + (field.isBlank() ? 0 : blanks) + 1;
    }

    /** A decimal number, "nan" or "[+-]inf[inity]" in any case, optionally in double quotes. */
    static double parseNumber(String field) {
        String s = field.strip();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1).strip();
        if (s.isEmpty()) throw new NumberFormatException("empty");
        int start = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
        if (start < s.length() && Character.isLetter(s.charAt(start))) {   // numpy and pandas write nan and inf
            String word = s.substring(start).toLowerCase(Locale.ROOT);
            double sign = s.charAt(0) == '-' ? -1 : 1;
            if (word.equals("nan")) return Double.NaN;
            if (word.equals("inf") || word.equals("infinity")) return sign * Double.POSITIVE_INFINITY;
            throw new NumberFormatException(s);
        }
        for (int k = 0; k < s.length(); k++) {   // Java alone would also take "1d", "2f" and "0x1p3"
            if ("0123456789+-.eE".indexOf(s.charAt(k)) < 0) throw new NumberFormatException(s);
        }
        return Double.parseDouble(s);
    }

    private static BadInputException unreadable(String name, IOException e) {
        if (e instanceof CharacterCodingException) {
            return new BadInputException(name + ": not a text file (it is not valid UTF-8). Expected numbers separated by"
                    + " commas; for a numpy array use .npy.");
        }
        return Npy.cannotRead(name, e);
    }

    private static BadInputException changedSinceScan(String name) {
        return new BadInputException(name + ": the file changed while it was being read. Read it again once it is complete.");
    }
}
