package overparam.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.linalg.Matrix;

/**
 * The mask as the chain's last transform, on KnownGradients' theta = [[1, 2], [3, 4]] with G = [[0.5, -1], [2, 0.25]]
 * and the mask [[1, 0], [0, 1]]: theta[0][1] and theta[1][0] become 0.0 at the start and stay exactly 0.0 over 50 steps of
 * each optimizer (G is nonzero there, so momentum's and Adam's buffers are too); the kept weights follow the unmasked run
 * exactly, since G does not depend on theta and the mask only zeroes.
 */
class ApplyMaskTest {
    private static final List<Optimizer> OPTIMIZERS = List.of(
            Optimizer.gradientDescent(0.01),
            new Optimizer(0.01, 0, 0.9, 0, null),
            new Optimizer(0.01, 0, 0, 0.1, null),
            new Optimizer(0.01, 0, 0, 0, null).withAdam(Optimizer.Adam.DEFAULT));

    private static double[] run(Optimizer opt, boolean masked) {
        try (KnownGradients known = new KnownGradients(); Matrix mask = Matrix.of(new double[][] {{1, 0}, {0, 1}})) {
            Optimizer o = masked ? opt.masked(new WeightMask(List.of(known.theta), List.of(mask))) : opt;
            try (Descent d = new Descent(o.chain(4, 4, 50), known)) {
                for (int k = 0; k < 50; k++) d.step();
            }
            return known.theta();
        }
    }

    @Test
    void prunedWeightsStayExactlyZeroAndKeptOnesFollowTheUnmaskedRun() {
        for (Optimizer opt : OPTIMIZERS) {
            double[] masked = run(opt, true), free = run(opt, false);
            assertEquals(0.0, masked[1], 0, opt.name(4));
            assertEquals(0.0, masked[2], 0, opt.name(4));
            assertEquals(free[0], masked[0], 0, opt.name(4) + ": kept weight");
            assertEquals(free[3], masked[3], 0, opt.name(4) + ": kept weight");
            assertTrue(free[1] != 0 && free[2] != 0, "unmasked, they move");
        }
    }

    @Test
    void theMaskComesLastInTheChain() {
        try (KnownGradients known = new KnownGradients(); Matrix mask = Matrix.of(new double[][] {{1, 0}, {0, 1}})) {
            Optimizer o = OPTIMIZERS.get(3).masked(new WeightMask(List.of(known.theta), List.of(mask)));
            assertEquals("chain(scale_by_adam(0.9, 0.999, 1.0E-8), scale_by_learning_rate(0.01, constant), apply_mask)", o.chain(4, 4, 1).toString());
        }
    }

    @Test
    void aMaskMustHoldZerosAndOnesOfItsParametersShape() {
        try (Matrix theta = Matrix.zeros(2, 2); Matrix wrong = Matrix.zeros(2, 3); Matrix half = Matrix.of(new double[][] {{1, 0.5}, {0, 1}})) {
            assertThrows(IllegalArgumentException.class, () -> new WeightMask(List.of(theta), List.of(wrong)));
            assertThrows(IllegalArgumentException.class, () -> new WeightMask(List.of(theta), List.of(half)));
        }
    }
}
