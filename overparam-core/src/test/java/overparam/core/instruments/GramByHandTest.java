package overparam.core.instruments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.Optimizer;

/**
 * A network whose Gram matrices are all different and all known by hand, so that a metric read from the wrong layer
 * (or the wrong end of a spectrum) gives a different number: the linear (identity, c_sigma = 1) fc network of depth
 * H = 2, width m = 2, on x_1 = e_1, x_2 = e_2, with W1 = diag(1, 2), W2 = diag(3, 1), a = (1, 2). Each layer scales by
 * s = sqrt(1 / m), s^2 = 1/2 (seed 004, eq. 2), so x^(1)_i = s W1 e_i, x^(2)_i = s W2 x^(1)_i and u_i = a . x^(2)_i.
 * <ul>
 *   <li>G^(3) (of a) = X^(2) X^(2)^T = s^4 diag(3^2 1^2, 1^2 2^2) = diag(9/4, 1);</li>
 *   <li>G^(2) = (B_2 B_2^T) o (X^(1) X^(1)^T) with b = s a: s^2 |a|^2 * s^2 diag(1, 4) = (5/4) diag(1, 4) = diag(5/4, 5);</li>
 *   <li>G^(1) with b = s^2 W2^T a = s^2 (3, 2): s^4 (9 + 4) I = (13/4) I;</li>
 *   <li>G = G^(1) + G^(2) + G^(3) = diag(27/4, 37/4).</li>
 * </ul>
 * gram_lambda_min is that of G^(H) = G^(2): 5/4, where G^(1) gives 13/4 and G^(3) gives 1. Up to the rounding of s (a few ulps: 1e-13).
 */
class GramByHandTest {
    @Test
    void metricsComeFromTheLayerTheyName() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "identity", 2, 2, 2);
        try (Matrix w1 = Matrix.of(new double[][] {{1, 0}, {0, 2}}); Matrix w2 = Matrix.of(new double[][] {{3, 0}, {0, 1}});
             Matrix a = Matrix.of(new double[][] {{1}, {2}});
             Network net = Network.fromWeights(spec, Map.of("W1", w1, "W2", w2, "a", a), "by hand");
             Dataset data = new Dataset(Matrix.of(new double[][] {{1, 0}, {0, 1}}), Matrix.of(new double[][] {{0}, {0}}), "e1, e2")) {
            TrainedLayers all = TrainedLayers.all(spec);
            StepRecord[] first = new StepRecord[1];
            try (GramInstrument gram = new GramInstrument(spec, 2, all)) {
                Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.1), 0, 1, all, 0), List.of(gram),
                        new TrainingListener() {
                            @Override public void onRecord(StepRecord r) { first[0] = r; }
                        });
                assertArrayEquals(new double[] {1.25, 0, 0, 5}, gram.gram().toArray(), 1e-13, "G^(H)");
                assertArrayEquals(new double[] {6.75, 0, 0, 9.25}, gram.ntk().toArray(), 1e-13, "G");
            }
            StepRecord r = first[0];
            assertEquals(1.25, r.number("gram_lambda_min"), 1e-13);
            assertEquals(5, r.number("gram_lambda_max"), 1e-13);
            assertEquals(6.75, r.number("ntk_lambda_min"), 1e-13);
            assertEquals(9.25, r.number("ntk_lambda_max"), 1e-13);
            assertArrayEquals(new double[] {3.25, 1.25, 1}, r.list("layer_gram_lambda_min"), 1e-13);
            assertArrayEquals(new double[] {3.25, 5, 2.25}, r.list("layer_gram_lambda_max"), 1e-13);
            assertArrayEquals(new double[] {6.5, 6.25, 3.25}, r.list("layer_gram_trace"), 1e-13);
            assertEquals(0, r.number("gram_change"), 0);
        }
    }
}
