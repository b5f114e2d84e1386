package overparam.lab.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.data.Npy;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlan;
import overparam.lab.run.TrainRun;

/** A refusal names the option the user typed: the test set's files are --test-data and --test-labels, not --data and --labels. */
class OptionNamesTest {
    @TempDir Path tmp;

    private RunConfig withFiles() throws IOException {
        Path x = tmp.resolve("X.npy"), y = tmp.resolve("y.npy");
        try (Matrix xm = Matrix.of(new double[][] {{1, 0}, {0, 1}, {0.6, 0.8}}); Matrix ym = Matrix.of(new double[][] {{1}, {-1}, {1}})) {
            Npy.write(x, xm);
            Npy.write(y, ym);
        }
        return RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 8).with("data", x.toString()).with("labels", y.toString())
                .with("eta", "0.1").with("steps", 1).with("out", tmp.resolve("run").toString());
    }

    private String refusal(RunConfig c) {
        return assertThrows(BadInputException.class, () -> TrainRun.execute(c, TrainingListener.NONE)).getMessage();
    }

    @Test void aMissingTestFileIsNamedByItsOption() throws IOException {
        RunConfig c = withFiles();
        String m = refusal(c.with("test_data", tmp.resolve("nope.npy").toString()).with("test_labels", c.labels()));
        assertTrue(m.startsWith("--test-data " + tmp.resolve("nope.npy") + ": no such file"), m);
        m = refusal(c.with("test_data", c.data()).with("test_labels", tmp.resolve("nope.npy").toString()));
        assertTrue(m.startsWith("--test-labels " + tmp.resolve("nope.npy") + ": no such file"), m);
    }

    @Test void testDataWithoutTestLabelsAsksForTestLabels() throws IOException {
        RunConfig c = withFiles();
        String m = refusal(c.with("test_data", c.data()));
        assertTrue(m.startsWith("--test-data " + c.data() + ": no labels given. Add --test-labels y.npy"), m);
    }

    @Test void testLabelsAloneOrTestDataForSyntheticInputsAreRefusedNotIgnored() throws IOException {
        RunConfig c = withFiles();
        String m = assertThrows(BadInputException.class, () -> RunPlan.parse(c.with("test_labels", c.labels()))).getMessage();
        assertTrue(m.startsWith("--test-labels " + c.labels() + ": labels of what?"), m);
        RunConfig synthetic = c.with("data", null).with("labels", null).with("synthetic", "sphere").with("test_data", c.data()).with("test_labels", c.labels());
        m = assertThrows(BadInputException.class, () -> RunPlan.parse(synthetic)).getMessage();
        assertTrue(m.startsWith("--test-data " + c.data() + ": only with --data files; --synthetic data take --test-n"), m);
    }

    @Test void aNonFiniteCsvValueIsPlacedAtItsLineAndColumn() throws IOException {
        RunConfig c = withFiles();
        Path csv = Files.writeString(tmp.resolve("X.csv"), "x1,x2\n1,0\n0, inf\n0.6,0.8\n");
        String m = refusal(c.with("data", csv.toString()));
        assertTrue(m.startsWith(csv + " line 3, column 4 (field 2): \"inf\" is Infinity; expected finite numbers."), m);
    }
}
