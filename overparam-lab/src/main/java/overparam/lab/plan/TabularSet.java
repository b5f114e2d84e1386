package overparam.lab.plan;

import java.util.Locale;

/**
 * The classic small classification sets that Debian's python3-sklearn ships as CSV files (sklearn/datasets/data), which
 * {@code --data NAME} reads with the lab's own reader: their names, files and sizes (n samples of d features, k classes),
 * as each file's first line states them (digits.csv.gz has no such line; its sizes are the UCI set's).
 */
public enum TabularSet {
    BREAST_CANCER("breast-cancer", "breast_cancer.csv", 569, 30, 2, true),
    WINE("wine", "wine_data.csv", 178, 13, 3, true),
    IRIS("iris", "iris.csv", 150, 4, 3, true),
    DIGITS("digits", "digits.csv.gz", 1797, 64, 10, false);

    private final String cliName, file;
    private final int n, d, classes;
    private final boolean header;

    TabularSet(String cliName, String file, int n, int d, int classes, boolean header) {
        this.cliName = cliName;
        this.file = file;
        this.n = n;
        this.d = d;
        this.classes = classes;
        this.header = header;
    }

    public String cliName() { return cliName; }

    /** The file's name in sklearn/datasets/data. */
    public String file() { return file; }

    public int n() { return n; }

    public int d() { return d; }

    public int classes() { return classes; }

    /** Whether the file's first line is "n,d,class names..." rather than a sample. */
    public boolean header() { return header; }

    /** The set of this --data name (case and blanks ignored), or null. */
    public static TabularSet named(String data) {
        if (data == null) return null;
        String t = data.trim().toLowerCase(Locale.ROOT);
        for (TabularSet s : values()) if (s.cliName.equals(t)) return s;
        return null;
    }
}
