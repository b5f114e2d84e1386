package overparam.lab.data;

import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.data.Csv;
import overparam.core.data.Dataset;
import overparam.core.data.NdArray;
import overparam.core.data.Npy;
import overparam.core.data.Synthetic;
import overparam.lab.plan.DataPlan.SyntheticInputs;
import overparam.core.linalg.Matrix;
import overparam.lab.plan.InputShape;

/** Reads --data/--labels files (.npy or .csv) and checks them: shape, finiteness; draws synthetic inputs. */
public final class DataLoader {
    private DataLoader() {}

    /** The inputs and labels named by the config's data and labels fields (--data, --labels). */
    public static Dataset fromFiles(String dataPath, String labelsPath) {
        return fromFiles("--data", dataPath, "--labels", labelsPath);
    }

    /** The test set's inputs and labels (--test-data, --test-labels): every message names the options the user gave. */
    public static Dataset testFromFiles(String dataPath, String labelsPath) {
        return fromFiles("--test-data", dataPath, "--test-labels", labelsPath);
    }

    private static Dataset fromFiles(String dataOption, String dataPath, String labelsOption, String labelsPath) {
        if (labelsPath == null)
            throw new BadInputException(dataOption + " " + dataPath + ": no labels given. Add " + labelsOption + " y.npy (one label per row of X).");
        Inputs x = read(dataOption, dataPath, false);
        Matrix y;
        try {
            y = read(labelsOption, labelsPath, true).matrix();
        } catch (RuntimeException e) {
            x.matrix().close();
            throw e;
        }
        return new Dataset(x.matrix(), y, dataPath + " + " + labelsPath, x.sampleShape());
    }

    /** Inputs as rows, and the shape of one sample ({d}, {d0, p} or {d0, rows, cols}: numpy's shape without n). */
    public record Inputs(Matrix matrix, int[] sampleShape) {}

    /**
     * Points from a synthetic generator; labels are the caller's (Gaussian or teacher). Samples of several axes
     * (channels x pixels) are drawn as vectors of their size: "sphere" then puts each image on the unit sphere
     * (||x_i||_F = 1, Theorem 7.1's assumption).
     */
    /**
     * n inputs of the generator: from the point seed, and for a subspace on the basis drawn from basisSeed (the training
     * set's seed, so that fresh test samples lie in the same subspace).
     */
    static Matrix syntheticInputs(SyntheticInputs s, int n, long seed, long basisSeed) {
        int d = InputShape.size(s.sampleShape());
        return s.subspaceDim() != null ? Synthetic.subspace(n, d, s.subspaceDim(), seed, basisSeed) : s.kind().draw(n, d, seed);
    }

    /** Inputs alone (n x d; n x d0 x p and n x d0 x rows x cols arrays as rows of d0 p values), for commands that need no labels. */
    public static Inputs inputs(String path) {
        return read("--data", path, false);
    }

    /** Test inputs alone (--test-data), for predictions whose test labels are optional. */
    public static Inputs testInputs(String path) {
        return read("--test-data", path, false);
    }

    /** Labels alone (n values). */
    public static Matrix labels(String path) {
        return read("--labels", path, true).matrix();
    }

    private static Inputs read(String option, String pathText, boolean labels) {
        Path path = Path.of(pathText);
        String what = option + " " + pathText;
        if (!Files.exists(path)) throw new BadInputException(what + ": no such file. Check the path.");
        if (Files.isDirectory(path)) throw new BadInputException(what + ": is a folder, expected a .npy or .csv file.");
        if (!Files.isReadable(path)) throw new BadInputException(what + ": not readable. Check its permissions.");
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        Matrix m;
        int[] sampleShape;
        if (name.endsWith(".csv") || name.endsWith(".txt") || name.endsWith(".tsv")) {
            m = Csv.read(path, true);                                           // nan and inf refused at their line and column
            sampleShape = new int[] {m.cols()};
        } else {
            NdArray a = Npy.read(path);
            boolean fits = labels ? a.dims() == 1 || a.dims() == 2 && a.shape()[1] == 1 : a.dims() >= 2 && a.dims() <= 4;
            if (!fits) {
                a.data().close();
                throw BadInputException.of(what, "an array of shape " + a.shapeString(),
                        labels ? "a 1-D array of n labels" : "a 2-D array n x d (one sample per row), or n x channels x pixels (x cols) for conv-resnet",
                        labels ? "Save it with numpy.save(path, y.ravel())." : "Save it with numpy.save(path, X.reshape(n, -1)).");
            }
            m = a.data();
            sampleShape = new int[Math.max(1, a.dims() - 1)];
            for (int i = 1; i < a.dims(); i++) sampleShape[i - 1] = (int) a.shape()[i];
            if (a.dims() == 1) sampleShape[0] = 1;
        }
        if (labels && m.cols() != 1) {
            int cols = m.cols();
            m.close();
            throw BadInputException.of(what, cols + " columns", "one label per line", "Keep only the label column.");
        }
        requireFinite(what, m, labels);
        return new Inputs(m, sampleShape);
    }

    private static void requireFinite(String what, Matrix m, boolean labels) {
        int per = m.rowsPerBlock(), cols = m.cols();
        for (int first = 0; first < m.rows(); first += per) {
            DoubleBuffer b = m.rowBlock(first, Math.min(per, m.rows() - first));
            for (int i = 0; i < b.capacity(); i++) {
                double v = b.get(i);
                if (Double.isFinite(v)) continue;
                int row = first + i / cols, col = i % cols;
                m.close();
                throw new BadInputException(what + ": " + (labels ? "label " + row : "row " + row + ", column " + col) + " is " + v
                        + " (numpy indices, from 0); expected finite numbers. Remove or impute that " + (labels ? "sample" : "value") + ".");
            }
        }
    }
}
