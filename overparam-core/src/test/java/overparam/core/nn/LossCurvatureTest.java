package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import overparam.core.linalg.Matrix;

/**
 * Each loss's second derivative in the outputs, applied to a direction, against central differences of its own
 * gradient dL/du along that direction: every loss without a parameter and l_p with p = 2.5, 3, 4.
 */
class LossCurvatureTest {
    static List<Loss> losses() {
        List<Loss> all = new ArrayList<>(Loss.named());
        all.add(Loss.lp(2.5));
        all.add(Loss.lp(3));
        all.add(Loss.lp(4));
        return all;
    }

    /** h = 1e-5: truncation h^2 |l''''| / 6 ~ 1e-10, rounding eps |dL/du| / h ~ 1e-11. */
    @ParameterizedTest
    @MethodSource("losses")
    void curvatureAgreesWithCentralDifferencesOfTheGradient(Loss loss) {
        int n = 7, k = loss.outputs(4);
        SplittableRandom rng = new SplittableRandom(11);
        try (Matrix u = Matrix.zeros(n, k); Matrix y = Matrix.vector(n); Matrix du = Matrix.zeros(n, k);
             Matrix plus = Matrix.zeros(n, k); Matrix minus = Matrix.zeros(n, k); Matrix out = Matrix.zeros(n, k);
             Matrix shifted = Matrix.zeros(n, k)) {
            for (int i = 0; i < n; i++) {
                y.set(i, loss.takesClasses() ? i % k : loss.takesSigns() ? (i % 2 == 0 ? 1 : -1) : rng.nextGaussian());
                for (int c = 0; c < k; c++) {
                    // residuals kept at least 0.2 from 0, where |r|^(p-2) of lp:2.5 is not smooth
                    double r = (0.2 + rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
                    u.set(i, c, loss.takesSigns() || loss.takesClasses() ? 2 * rng.nextGaussian() : y.get(i) + r);
                    du.set(i, c, rng.nextGaussian());
                }
            }
            double h = 1e-5;
            shift(u, du, h, shifted);
            loss.evaluate(shifted, y, plus);
            shift(u, du, -h, shifted);
            loss.evaluate(shifted, y, minus);
            LossCurvature.apply(loss, u, y, du, out);
            for (int i = 0; i < n; i++) for (int c = 0; c < k; c++) {
                double numeric = (plus.get(i, c) - minus.get(i, c)) / (2 * h);
                assertEquals(numeric, out.get(i, c), 1e-7 * Math.max(1, Math.abs(numeric)), loss + " row " + i + " output " + c);
            }
        }
    }

    private static void shift(Matrix u, Matrix du, double h, Matrix into) {
        for (int i = 0; i < u.rows(); i++) for (int c = 0; c < u.cols(); c++) into.set(i, c, u.get(i, c) + h * du.get(i, c));
    }
}
