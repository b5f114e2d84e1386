package overparam.lab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlan;
import overparam.lab.plan.RunPlanTest;
import overparam.lab.plan.TabularSet;

/**
 * python3-sklearn's small sets read by the lab's own reader: each file against the sizes its first line states (and the UCI
 * counts), the seeded split, and the standardization on the training part. The files come as the build gets them
 * (scripts/setup-data.sh, run at validate, unpacks the package into runs/.data/sklearn); without them these tests skip.
 */
class TabularDataTest {
    @TempDir Path tmp;

    private static void requireFiles() {
        assumeTrue(TabularData.installed(), "python3-sklearn's CSV files not found (scripts/setup-data.sh unpacks them)");
    }

    @Test void eachFileHasTheSizesAndClassesOfItsDataSet() {
        requireFiles();
        int[][] expected = {{569, 30, 2}, {178, 13, 3}, {150, 4, 3}, {1797, 64, 10}};       // UCI / sklearn's documented counts
        int[][] perClass = {{212, 357}, {59, 71, 48}, {50, 50, 50}, {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}};
        TabularSet[] sets = {TabularSet.BREAST_CANCER, TabularSet.WINE, TabularSet.IRIS, TabularSet.DIGITS};
        for (int s = 0; s < sets.length; s++) {
            double[][] rows = TabularData.read(sets[s], TabularData.folder());
            assertEquals(expected[s][0], rows.length, sets[s].cliName());
            int[] counts = new int[expected[s][2]];
            for (double[] r : rows) {
                assertEquals(expected[s][1] + 1, r.length, sets[s].cliName());
                counts[(int) r[expected[s][1]]]++;
            }
            assertArrayEquals(perClass[s], counts, sets[s].cliName() + " samples per class");
        }
    }

    private static RunConfig config(String set) {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 8).with("data", set).with("eta", "0.1").with("steps", 1);
    }

    private static RunData load(RunConfig c) {
        RunPlan plan = RunPlan.parse(c);
        return RunDataLoader.load(plan.data(), plan.network(), plan.train().loss());
    }

    @Test void theSplitHasItsSizesDependsOnTheSeedAloneAndTwoClassesAreSigns() {
        requireFiles();
        RunConfig c = config("breast-cancer").with("test_fraction", 0.25).with("seed", 3L);
        try (RunData a = load(c); RunData b = load(c); RunData other = load(c.with("seed", 4L))) {
            assertEquals(Math.round(0.25 * 569), a.test().n());
            assertEquals(569 - Math.round(0.25 * 569), a.train().n());
            assertEquals(30, a.train().d());
            assertArrayEquals(a.train().x().toArray(), b.train().x().toArray(), "same seed, same split, same numbers");
            assertArrayEquals(a.test().y().toArray(), b.test().y().toArray());
            assertFalse(java.util.Arrays.equals(a.train().x().toArray(), other.train().x().toArray()), "another seed, another split");
            for (double v : a.train().y().toArray()) assertTrue(v == 1 || v == -1, "squared loss, two classes: -1 / +1 labels");
            int minus = 0;
            for (double v : a.train().y().toArray()) minus += v == -1 ? 1 : 0;
            for (double v : a.test().y().toArray()) minus += v == -1 ? 1 : 0;
            assertEquals(212, minus, "the first class listed (0, malignant: 212 samples) is -1, as for image sets");
            for (int i = 0; i < a.train().n(); i++) assertEquals(1, norm(a.train().x(), i), 1e-12, "unit-norm rows");
            for (int i = 0; i < a.test().n(); i++) assertEquals(1, norm(a.test().x(), i), 1e-12, "unit-norm rows, test part too");
        }
    }

    @Test void featuresAreStandardizedOnTheTrainingPartAlone() {
        requireFiles();
        RunConfig c = config("wine").with("loss", "cross-entropy").with("test_fraction", 0.5).with("unit_norm", false).with("seed", 1L);
        try (RunData a = load(c)) {
            Matrix x = a.train().x(), t = a.test().x();
            assertEquals(89, a.train().n());
            assertEquals(89, t.rows());
            double testMeanSize = 0;
            for (int j = 0; j < x.cols(); j++) {
                double mean = 0, sq = 0, testMean = 0;
                for (int i = 0; i < x.rows(); i++) mean += x.get(i, j) / x.rows();
                for (int i = 0; i < x.rows(); i++) sq += Math.pow(x.get(i, j) - mean, 2) / x.rows();
                for (int i = 0; i < t.rows(); i++) testMean += t.get(i, j) / t.rows();
                assertEquals(0, mean, 1e-12, "training mean of feature " + j);
                assertEquals(1, Math.sqrt(sq), 1e-12, "training sd (1/n) of feature " + j);
                testMeanSize += Math.abs(testMean);
            }
            // the test part is scaled by the training part's numbers, not its own: its means are not all 0
            assertTrue(testMeanSize > 1e-3, "test means " + testMeanSize);
            for (double v : a.train().y().toArray()) assertTrue(v == 0 || v == 1 || v == 2, "cross-entropy: class indices");
        }
        // by hand: two rows (1, 5) and (3, 5) -> mean (2, 5), sd (1, 0): (-1, 0), (1, 0); the constant feature is only centred
        try (Matrix train = Matrix.of(new double[][] {{1, 5}, {3, 5}}); Matrix test = Matrix.of(new double[][] {{4, 7}})) {
            TabularData.standardize(train, test, false, "by hand");
            assertArrayEquals(new double[] {-1, 0, 1, 0}, train.toArray(), 0);
            assertArrayEquals(new double[] {2, 2}, test.toArray(), 0);
        }
    }

    @Test void chosenClassesAndTheirRefusals() {
        requireFiles();
        try (RunData a = load(config("iris").with("classes", "1,2").with("test_fraction", 0.2))) {
            assertEquals(100, a.train().n() + a.test().n(), "versicolor and virginica, 50 each");
        }
        // refused by the plan, before any file is read
        String three = RunPlanTest.refusal(config("wine").with("test_fraction", 0.2));
        assertTrue(three.startsWith("--classes (all)") && three.contains("--loss cross-entropy"), three);
        String range = RunPlanTest.refusal(config("iris").with("classes", "0,3"));
        assertTrue(range.startsWith("--classes 0,3") && range.contains("classes 0..2"), range);
    }

    @Test void planRefusalsNameTheOptionAndTheFix() {
        assertTrue(RunPlan.parse(config("digits").with("loss", "cross-entropy").with("test_fraction", 0.3)).data().inputs() instanceof DataPlan.TabularInputs);
        for (String[] c : new String[][] {{"labels", "y.npy", "--labels y.npy"}, {"per_class", "10", "--per-class 10"},
                {"test_per_class", "10", "--test-per-class 10"}, {"test_data", "X.npy", "--test-data X.npy"}}) {
            String m = RunPlanTest.refusal(config("wine").with(c[0], c[0].endsWith("class") ? (Object) Integer.parseInt(c[1]) : c[1]));
            assertTrue(m.startsWith(c[2]) && m.contains("--test-fraction"), m);
        }
        assertTrue(RunPlanTest.refusal(config("wine").with("classes", "1,2").with("label_noise_sd", 0.5)).startsWith("--label-noise-sd 0.5"));
    }

    @Test void missingFilesAreRefusedInOneLineWithTheFix() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String m = assertThrows(BadInputException.class, () -> TabularData.read(TabularSet.WINE, empty)).getMessage();
        assertTrue(m.startsWith("--data wine") && m.contains("./overparam setup") && !m.contains("\n"), m);
        Files.writeString(tmp.resolve("iris.csv"), "150,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n");
        String short_ = assertThrows(BadInputException.class, () -> TabularData.read(TabularSet.IRIS, tmp)).getMessage();
        assertTrue(short_.contains("1 samples") && short_.contains("150 samples"), short_);
        Files.writeString(tmp.resolve("iris.csv"), "150,5,setosa,versicolor,virginica\n");
        assertTrue(assertThrows(BadInputException.class, () -> TabularData.read(TabularSet.IRIS, tmp)).getMessage().contains("line 1"));
        assertNotEquals(null, TabularSet.named(" Breast-Cancer "));
    }

    private static double norm(Matrix x, int i) {
        double s = 0;
        for (int j = 0; j < x.cols(); j++) s += x.get(i, j) * x.get(i, j);
        return Math.sqrt(s);
    }
}
