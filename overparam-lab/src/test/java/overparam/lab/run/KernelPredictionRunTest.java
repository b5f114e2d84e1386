package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.linalg.Matrix;

/** The one-hot targets and the scores the prediction's summary reports, by hand on three classes. */
class KernelPredictionRunTest {
    @Test
    void oneHotTargetsAreNinetyAndMinusTen() {
        try (Matrix classes = Matrix.vectorOf(2, 0, 1); Matrix t = overparam.core.nn.Loss.oneHot(classes, 3)) {
            double[][] expected = {{-0.1, -0.1, 0.9}, {0.9, -0.1, -0.1}, {-0.1, 0.9, -0.1}};
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertEquals(expected[i][j], t.get(i, j), 0.0);
        }
    }

    @Test
    void accuracyIsTheLargestOutputAndTheLossTheMeanSquare() {
        // predictions: rows 0 and 2 pick their class (2, then 1), row 1 picks class 2 instead of 0
        try (Matrix classes = Matrix.vectorOf(2, 0, 1); Matrix t = overparam.core.nn.Loss.oneHot(classes, 3);
             Matrix p = Matrix.of(new double[][] {{0, 0, 1}, {0.3, 0, 0.5}, {0, 0.7, 0.1}})) {
            KernelPredictionRun.Scores s = KernelPredictionRun.Scores.of(p, t, classes);
            assertEquals(2.0 / 3, s.accuracy(), 0.0);
            // squared errors: row 0: 0.01 + 0.01 + 0.01; row 1: 0.36 + 0.01 + 0.36; row 2: 0.01 + 0.04 + 0.04
            assertEquals((0.03 + 0.73 + 0.09) / 9, s.loss(), 1e-15);
        }
        try (Matrix y = Matrix.vectorOf(1, -1, 1, -1); Matrix p = Matrix.vectorOf(0.2, -0.4, -0.1, -3)) {
            KernelPredictionRun.Scores s = KernelPredictionRun.Scores.of(p, y, null);
            assertEquals(0.75, s.accuracy(), 0.0);                                   // signs for +-1 labels
        }
        try (Matrix y = Matrix.of(new double[][] {{0, 2}, {0, 3}}); Matrix p = Matrix.of(new double[][] {{0, 1}, {1, 0}})) {
            assertEquals(0.5, KernelPredictionRun.Scores.of(p, y, null).accuracy(), 0.0);    // k >= 2 outputs from files: the largest target
        }
        try (Matrix y = Matrix.vectorOf(0.5, 2); Matrix p = Matrix.vectorOf(0.5, 1)) {
            KernelPredictionRun.Scores s = KernelPredictionRun.Scores.of(p, y, null);
            assertTrue(Double.isNaN(s.accuracy()), "real-valued labels have no accuracy");
            assertEquals(0.5, s.loss(), 0.0);
        }
    }
}
