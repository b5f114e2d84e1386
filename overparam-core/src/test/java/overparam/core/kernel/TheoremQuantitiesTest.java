package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Arch;
import overparam.core.nn.LimitKernel;

class TheoremQuantitiesTest {
    /** K = diag(2, 4), y = (1, 1): y^T K^-1 y = 1/2 + 1/4 = 0.75, Arora's sqrt(2 * 0.75 / 2) = sqrt(0.75). */
    @Test
    void aroraBoundAndPredictedRateByHand() {
        double[] y = {1, 1};
        try (Matrix k = Matrix.of(new double[][] {{2, 0}, {0, 4}})) {
            assertEquals(0.75, Theorems.labelComplexity(k, y), 1e-15);
            assertEquals(Math.sqrt(0.75), Theorems.aroraBound(k, y), 1e-15);
        }
        assertEquals(Math.sqrt(0.75), Theorems.aroraBound(0.75, 2), 1e-15);
        assertEquals(0.9, Theorems.predictedRate(0.1, 2), 1e-15);                  // 1 - 0.1 * 2 / 2
        assertEquals(0.9 * 0.9 * 3, Theorems.lossBound(3, 0.1, 2, 2), 1e-15);
        TheoremQuantities q = new TheoremQuantities(2, new Spectrum.Extremes(2, 4), new Spectrum.Extremes(4, 8), 0.75, 0.375,
                Math.sqrt(0.75), 1, List.of());
        assertEquals(2, q.lambda0(), 0.0);
        assertEquals(0.9, q.predictedRate(0.1), 1e-15);
        assertEquals(0.25, q.etaStableBelow(), 1e-15);                              // 2 / lambda_max(Theta) = 2 / 8
    }

    /**
     * A linear fc network of depth 1 has K^(1) = X X^T and Theta = 2 X X^T (W1 and a each give X X^T); with
     * x_1 = (sqrt 2, 0), x_2 = (0, 2) that is K = diag(2, 4), so every quantity is known by hand.
     */
    @Test
    void quantitiesOfALinearNetworkByHand() {
        double[] y = {1, 1};
        try (Matrix x = Matrix.of(new double[][] {{Math.sqrt(2), 0}, {0, 2}});
             LimitKernel k = LimitKernel.of(Fixtures.spec(Arch.FC, "identity", 2, 1, 1), x)) {
            TheoremQuantities q = TheoremQuantities.of(k, x, y);
            assertEquals(2, q.lambda0(), 1e-13);
            assertEquals(4, q.limitGramExtremes().max(), 1e-13);
            assertEquals(4, q.limitNtkExtremes().min(), 1e-13);
            assertEquals(8, q.limitNtkExtremes().max(), 1e-13);
            assertEquals(0.75, q.labelComplexity(), 1e-13);
            assertEquals(0.375, q.labelComplexityNtk(), 1e-13);
            assertEquals(Math.sqrt(0.75), q.aroraBound(), 1e-13);
            assertEquals(Math.sqrt(6), q.separation(), 1e-15);                       // ||x_1 - x_2|| = sqrt(2 + 4)
            assertEquals(0.9, q.predictedRate(0.1), 1e-13);
            assertEquals(0.25, q.etaStableBelow(), 1e-13);
            List<Theorems.Requirement> fc = Theorems.fullyConnected(2, 1, q.lambda0(), TheoremQuantities.DELTA);
            assertEquals(fc, q.requirements(), "fc, not relu: Theorem 5.1 alone");
        }
    }
}
