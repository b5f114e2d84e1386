package overparam.core.optim;

import java.util.random.RandomGenerator;
import overparam.core.linalg.Matrix;

/**
 * The covariance of Langevin noise: how a draw epsilon ~ N(0, Sigma) with a prescribed trace tr(Sigma) = T spreads over
 * the P trained coordinates: isotropic here (Sigma = (T / P) I, Zhu et al. 2019's "GLD const"); shapes that need the
 * network and the data live in core/curvature: Hessian-shaped ({@code HessianNoise}, epsilon = sum_j sqrt(c lambda_j) u_j z_j
 * over the top-k eigenpairs, c = T / sum_j lambda_j: their "GLD Hessian"), and any shape at SGD's trace ({@code SgdMatchedNoise}).
 */
public interface NoiseShape {
    /** Called once with the parameters' shapes; P is the total count of their entries. */
    default void init(Update[] updates) {}

    /** Fills noise[i] (parameter i's shape) with one draw of epsilon, tr Cov(epsilon) = trace. Allocates nothing. */
    void draw(RandomGenerator rng, double trace, Matrix[] noise);

    /** e.g. "isotropic". */
    String describe();

    NoiseShape ISOTROPIC = new Isotropic();

    /** Sigma = (T / P) I: every coordinate N(0, T / P), independent. */
    record Isotropic() implements NoiseShape {
        @Override public void draw(RandomGenerator rng, double trace, Matrix[] noise) {
            long p = 0;
            for (Matrix m : noise) p += m.size();
            double sd = Math.sqrt(trace / p);
            for (Matrix m : noise) {
                int per = m.rowsPerBlock();
                for (int first = 0; first < m.rows(); first += per) {
                    var block = m.rowBlock(first, Math.min(per, m.rows() - first));
                    for (int i = 0; i < block.capacity(); i++) block.put(i, sd * rng.nextGaussian());
                }
            }
        }

        @Override public String describe() { return "isotropic"; }
    }
}
