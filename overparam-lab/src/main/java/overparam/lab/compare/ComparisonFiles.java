package overparam.lab.compare;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jfree.chart.JFreeChart;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;
import overparam.lab.report.FigureFiles;
import overparam.lab.store.Query;

/**
 * What a comparison writes into its folder: one overlay per shared step metric (METRIC.png, .svg, .pdf and
 * METRIC.caption.txt) and, asked for, its tables as configs.csv, metrics.csv and verdicts.csv. Each file is written
 * atomically; the folder must be new or empty, as a run's (a comparison never overwrites earlier files).
 */
public final class ComparisonFiles {
    public static final List<String> CSV_FILES = List.of("configs.csv", "metrics.csv", "verdicts.csv");
    public static final String CAPTION = FigureFiles.CAPTION;

    private ComparisonFiles() {}

    /** Whether the comparison writes anything: overlays, or CSV files. */
    public static boolean writesAnything(Comparison c, boolean csv) {
        return csv || !c.figureMetrics().isEmpty();
    }

    /** Refuses an out folder that holds files, or is a file; call before anything is computed or printed. */
    public static void requireUsable(Path out) {
        if (Files.isRegularFile(out)) throw new BadInputException("--out " + out + ": is a file, expected a folder. Choose another --out.");
        if (!Files.isDirectory(out)) return;
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent())
                throw new BadInputException("--out " + out + ": already holds files (an earlier comparison?); compare never overwrites."
                        + " Choose a new --out or remove the folder.");
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot be read (" + e.getMessage() + "). Choose another --out.");
        }
    }

    /** Writes the overlays (and the tables as CSV when {@code csv}) into out; returns the files in the order written. */
    public static List<Path> write(Comparison c, Path out, boolean csv) {
        requireUsable(out);
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot create the folder (" + e.getMessage() + "). Choose a writable place.");
        }
        if (csv) {
            List<Query.Table> tables = List.of(ComparisonTables.configs(c), ComparisonTables.metrics(c, true), ComparisonTables.verdicts(c, true));
            for (int i = 0; i < tables.size(); i++) files.add(writeCsv(tables.get(i), out.resolve(CSV_FILES.get(i))));
        }
        for (Overlay.Figure f : c.figures()) files.addAll(writeFigure(f.chart(), out, fileName(f.metric()), f.caption()));
        return files;
    }

    private static Path writeCsv(Query.Table table, Path file) {
        AtomicFile.write(file, ch -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(AtomicFile.stream(ch), StandardCharsets.UTF_8));
            Query.writeCsv(table, w);
            w.flush();
        });
        return file;
    }

    /** NAME.png, .svg, .pdf and .caption.txt through the reports' one writer of figures ({@link FigureFiles}). */
    private static List<Path> writeFigure(JFreeChart chart, Path dir, String name, String caption) {
        return FigureFiles.write(chart, dir, name, caption).all();
    }

    /** A metric's name as a file name: letters, digits and . _ - kept, anything else '_'. */
    static String fileName(String metric) {
        return metric.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
