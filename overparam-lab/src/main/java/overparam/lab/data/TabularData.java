package overparam.lab.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import overparam.core.BadInputException;
import overparam.core.data.Dataset;
import overparam.core.data.Subsets;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.lab.plan.DataPlan.TabularInputs;
import overparam.lab.plan.TabularSet;

/**
 * The small classification sets of Debian's python3-sklearn ({@link TabularSet}) as a run's data, read from the package's
 * CSV files by this class (no Python): the chosen classes (all when none are named), labels as class indices 0..k-1 for
 * cross-entropy or -1 / +1 for a two-class problem with one output (the first class listed is -1), as for image sets. The
 * test set is a seeded random part (--test-fraction, split by {@link RunDataLoader}); {@link #standardize} then scales
 * each feature by the training part's mean and standard deviation (Arora et al. 2020 standardize their UCI features),
 * and rows to unit norm (the theorems' ||x_i|| = 1, as image sets are), after the split so the test part plays no role.
 *
 * <p>The files are looked up in the folder the system property {@value #FOLDER_PROPERTY} names, else where the package
 * installs them ({@link #SYSTEM_FOLDER}), else in {@link #CACHE} of the repository (overparam.home, or the first
 * ancestor of the working folder holding scripts/setup-data.sh), where scripts/setup-data.sh unpacks the package
 * without root.
 */
public final class TabularData {
    public static final String FOLDER_PROPERTY = "overparam.sklearn-data";
    public static final Path SYSTEM_FOLDER = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data");
    /** Where scripts/setup-data.sh puts the files, relative to the repository. */
    public static final String CACHE = "runs/.data/sklearn";

    private TabularData() {}

    static RunData load(TabularInputs in, Loss loss) {
        TabularSet set = in.set();
        int[] chosen = in.chosen();                                            // checked by the plan (DataPlan.tabular)
        boolean signs = loss.outputs(chosen.length) == 1;
        double[][] rows = read(set, folder());
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) if (position(chosen, (int) rows[i][set.d()]) >= 0) kept.add(i);
        Matrix x = Matrix.zeros(kept.size(), set.d()), y = Matrix.vector(kept.size());
        for (int r = 0; r < kept.size(); r++) {
            double[] row = rows[kept.get(r)];
            for (int j = 0; j < set.d(); j++) x.set(r, j, row[j]);
            int label = position(chosen, (int) row[set.d()]);
            y.set(r, signs ? 2 * label - 1 : label);
        }
        String[] names = new String[chosen.length];
        for (int i = 0; i < chosen.length; i++) names[i] = String.valueOf(chosen[i]);
        String source = set.cliName() + " (python3-sklearn)" + (in.classes().length == 0 ? "" : ", classes " + Arrays.toString(chosen))
                + ", features standardized on the training part" + (in.unitNorm() ? ", rows scaled to norm 1" : "");
        return new RunData(new Dataset(x, y, source), null, null, names);
    }

    /**
     * Each feature centred and scaled by the training rows' mean and standard deviation (the population's, 1/n, as
     * sklearn's StandardScaler; a feature constant on the training rows, e.g. a digits pixel that is always 0, is only
     * centred), the test rows by the same numbers; then every row scaled to unit norm when asked. In place.
     */
    static void standardize(Matrix train, Matrix test, boolean unitNorm, String source) {
        standardize(train, test == null ? List.of() : List.of(test), unitNorm, source);
    }

    /** As above, with every held-out part (test, validation) scaled by the training part's statistics. */
    static void standardize(Matrix train, List<Matrix> others, boolean unitNorm, String source) {
        int n = train.rows(), d = train.cols();
        double[] mean = new double[d], sd = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += train.get(i, j);
        for (int j = 0; j < d; j++) mean[j] /= n;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) sd[j] += Math.pow(train.get(i, j) - mean[j], 2);
        for (int j = 0; j < d; j++) sd[j] = sd[j] > 0 ? Math.sqrt(sd[j] / n) : 1;
        List<Matrix> all = new java.util.ArrayList<>(List.of(train));
        all.addAll(others);
        for (Matrix m : all)
            for (int i = 0; i < m.rows(); i++) for (int j = 0; j < d; j++) m.set(i, j, (m.get(i, j) - mean[j]) / sd[j]);
        if (!unitNorm) return;
        Subsets.scaleToUnitNorm(train, source);
        for (Matrix m : others) Subsets.scaleToUnitNorm(m, source + " (held-out part)");
    }

    /** The folder holding the files, or a refusal naming the fix. */
    static Path folder() {
        String given = System.getProperty(FOLDER_PROPERTY);
        if (given != null && !given.isBlank()) {
            try {
                return Path.of(given);
            } catch (InvalidPathException e) {
                throw BadInputException.of("-D" + FOLDER_PROPERTY + "=" + given, "not a path", "the folder holding sklearn's CSV files", "Give a folder.");
            }
        }
        if (Files.isDirectory(SYSTEM_FOLDER)) return SYSTEM_FOLDER;
        return cache();
    }

    /** The repository's cache folder: under overparam.home (the launcher sets it), else under the nearest ancestor of the working folder holding scripts/setup-data.sh. */
    static Path cache() {
        String home = System.getProperty("overparam.home");
        if (home != null && !home.isBlank()) return Path.of(home).resolve(CACHE);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("scripts/setup-data.sh"))) return p.resolve(CACHE);
        return Path.of(CACHE).toAbsolutePath();
    }

    /** Whether the four files are where {@link #folder} looks (tests skip without them). */
    public static boolean installed() {
        Path f = folder();
        for (TabularSet s : TabularSet.values()) if (!Files.isRegularFile(f.resolve(s.file()))) return false;
        return true;
    }

    /**
     * The file's rows: d features then the class (an integer 0..k-1), n of them. The header line, when the file has one,
     * must state n and d; every row must have d + 1 numbers and a class in range: otherwise the file is refused naming its line.
     */
    static double[][] read(TabularSet set, Path folder) {
        Path file = folder.resolve(set.file());
        if (!Files.isRegularFile(file))
            throw new BadInputException("--data " + set.cliName() + ": " + file + " is missing (Debian's python3-sklearn ships it); run ./overparam setup, "
                    + "which unpacks the package into " + CACHE + " without root, or apt-get install python3-sklearn.");
        String where = "--data " + set.cliName() + " (" + file + ")";
        try (InputStream raw = Files.newInputStream(file);
             BufferedReader r = new BufferedReader(new InputStreamReader(set.file().endsWith(".gz") ? new GZIPInputStream(raw) : raw, StandardCharsets.UTF_8))) {
            String line = r.readLine();
            int lineNo = 1;
            if (set.header()) {
                String[] h = line == null ? new String[0] : line.split(",");
                if (h.length < 2 || !h[0].trim().equals(String.valueOf(set.n())) || !h[1].trim().equals(String.valueOf(set.d())))
                    throw BadInputException.of(where + " line 1", line, set.n() + "," + set.d() + ",<class names>", "Reinstall the file (./overparam setup).");
                line = r.readLine();
                lineNo++;
            }
            double[][] rows = new double[set.n()][];
            int i = 0;
            for (; line != null; line = r.readLine(), lineNo++) {
                if (line.isBlank()) continue;
                if (i == set.n()) throw BadInputException.of(where, "more than " + set.n() + " samples", set.n() + " samples", "Reinstall the file (./overparam setup).");
                String[] f = line.split(",");
                if (f.length != set.d() + 1)
                    throw BadInputException.of(where + " line " + lineNo, f.length + " values", (set.d() + 1) + " (" + set.d() + " features and the class)",
                            "Reinstall the file (./overparam setup).");
                double[] row = new double[f.length];
                for (int j = 0; j < f.length; j++) row[j] = number(f[j], where, lineNo);
                double c = row[set.d()];
                if (c != Math.rint(c) || c < 0 || c >= set.classes())
                    throw BadInputException.of(where + " line " + lineNo, "class " + f[set.d()].trim(), "a class 0.." + (set.classes() - 1), "Reinstall the file (./overparam setup).");
                rows[i++] = row;
            }
            if (i != set.n()) throw BadInputException.of(where, i + " samples", set.n() + " samples", "Reinstall the file (./overparam setup).");
            return rows;
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot be read (" + e.getMessage() + "). Reinstall it with ./overparam setup.");
        }
    }

    private static double number(String text, String where, int line) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isFinite(v)) return v;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw BadInputException.of(where + " line " + line, "'" + text.trim() + "'", "finite numbers", "Reinstall the file (./overparam setup).");
    }

    private static int position(int[] chosen, int label) {
        for (int i = 0; i < chosen.length; i++) if (chosen[i] == label) return i;
        return -1;
    }

}
