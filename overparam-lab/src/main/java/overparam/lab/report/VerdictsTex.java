package overparam.lab.report;

import java.nio.file.Path;
import java.util.List;
import overparam.core.data.AtomicFile;
import overparam.lab.check.Verdict;

/**
 * The verdicts as a LaTeX table for a paper ({@code DIR/verdicts.tex}): a booktabs tabular of each check's name,
 * verdict, estimate with its 95% interval, what the claim predicts, and the cells it rests on. Input it inside a
 * table environment; it needs the booktabs package and, for names with non-ASCII letters, a UTF-8 input encoding.
 */
public final class VerdictsTex {
    public static final String FILE = "verdicts.tex";

    private VerdictsTex() {}

    /** Writes dir/verdicts.tex and returns its path. */
    public static Path write(Path dir, String experiment, List<Verdict> verdicts) {
        Path file = dir.resolve(FILE);
        AtomicFile.writeString(file, table(experiment, verdicts));
        return file;
    }

    static String table(String experiment, List<Verdict> verdicts) {
        StringBuilder b = new StringBuilder();
        b.append("% Verdicts of ").append(experiment == null ? "the experiment" : experiment.replaceAll("[\\r\\n]+", " "))
                .append(", written by ./overparam report --latex. Needs \\usepackage{booktabs}.\n")
                .append("% A check HOLDS when its whole 95% interval lies inside the prediction, FAILS when wholly outside.\n")
                .append("\\begin{tabular}{@{}p{0.30\\linewidth}lp{0.22\\linewidth}p{0.22\\linewidth}r@{}}\n\\toprule\n")
                .append("Check & Verdict & Estimate [95\\% interval] & Prediction & Cells \\\\\n\\midrule\n");
        for (Verdict v : verdicts)
            b.append(escape(v.name())).append(" & ").append(v.verdict()).append(" & ").append(escape(v.interval())).append(" & ")
                    .append(escape(v.expected())).append(" & ").append(v.cellsUsed()).append(" of ").append(v.cellsExpected()).append(" \\\\\n");
        if (verdicts.isEmpty()) b.append("\\multicolumn{5}{@{}l}{This experiment has no checks.} \\\\\n");
        return b.append("\\bottomrule\n\\end{tabular}\n").toString();
    }

    /** Text safe in LaTeX's text mode: its ten special characters spelled out, and < > as text symbols (not ¡ ¿ under OT1). */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\textbackslash{}");
                case '&', '%', '$', '#', '_', '{', '}' -> b.append('\\').append(c);
                case '~' -> b.append("\\textasciitilde{}");
                case '^' -> b.append("\\textasciicircum{}");
                case '<' -> b.append("\\textless{}");
                case '>' -> b.append("\\textgreater{}");
                case '\n', '\r' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
