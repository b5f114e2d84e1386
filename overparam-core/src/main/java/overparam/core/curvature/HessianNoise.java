package overparam.core.curvature;

import java.util.random.RandomGenerator;
import overparam.core.Seeds;
import overparam.core.data.Dataset;
import overparam.core.linalg.Lanczos;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.TrainedLayers;
import overparam.core.optim.NoiseShape;
import overparam.core.optim.Update;

/**
 * Langevin noise shaped by the loss's curvature: Zhu, Wu, Yu, Wu, Ma (ICML 2019), Section 4's "GLD Hessian". With the top-k
 * eigenpairs (lambda_j, u_j) of the training loss's Hessian at the current weights, epsilon = sum_j sqrt(c lambda_j+) u_j z_j,
 * z_j ~ N(0, 1) independent, so Cov(epsilon) = c sum_j lambda_j+ u_j u_j^T, and c = T / sum_j lambda_j+ makes its trace the
 * prescribed T (lambda+ = max(lambda, 0): a direction of negative curvature carries no noise). The eigenpairs come from
 * exact Hessian-vector products on the run's network and whole training set ({@link Curvature}, Lanczos from a start
 * vector of a stream of its own), recomputed every {@code refresh} steps at the weights of that step; in between, the
 * same directions. The buffers (P x k eigenvectors, the P-vector draw and its per-parameter views) are made once; a draw
 * is one matrix-vector product.
 */
public final class HessianNoise implements NoiseShape {
    /** Lanczos stops when every Ritz residual is below this times the largest |eigenvalue|. */
    static final double TOLERANCE = 1e-6;

    private final Network network;
    private final Dataset data;
    private final int k, refresh;
    private final Curvature curvature;
    private final ParameterVector layout;
    private final RandomGenerator lanczosRng;
    private final Matrix directions, weights, epsilon;     // P x k eigenvectors, the k coefficients, the P-vector draw
    private final double[] values;
    private double scale;                                 // c = T / sum_j lambda_j+ per unit trace: 1 / sum_j lambda_j+
    private Matrix[] epsilonOf = new Matrix[0];           // the draw's block of each parameter
    private int step;

    /**
     * Noise along the top {@code k} eigenvectors of the Hessian of {@code loss} over {@code data} at {@code network}'s
     * weights (the run's own: read, never written), recomputed every {@code refresh} steps.
     */
    public HessianNoise(Network network, TrainedLayers trained, Loss loss, Dataset data, int k, int refresh, long seed) {
        if (k < 1 || refresh < 1) throw new IllegalArgumentException("Hessian noise needs k >= 1 directions and a refresh >= 1 step, got " + k + ", " + refresh);
        this.network = network;
        this.data = data;
        this.refresh = refresh;
        int parameters = ParameterVector.of(network, trained).size();
        this.curvature = new Curvature(network, trained, loss, data.n(), lanczosIterations(k, parameters), false);
        this.layout = curvature.layout();
        this.k = Math.min(k, layout.size());
        this.lanczosRng = Seeds.stream(seed, "langevin/hessian");
        this.directions = Matrix.zeros(layout.size(), this.k);
        this.weights = Matrix.vector(this.k);
        this.epsilon = layout.zeros();
        this.values = new double[this.k];
    }

    /** Lanczos vectors kept for k eigenpairs: enough for the top ones to converge on a clustered spectrum. */
    static int lanczosIterations(int k, int parameters) { return Math.min(parameters, Math.max(3 * k + 10, 30)); }

    /** Bytes beyond the network: the curvature's buffers and the P x k directions. */
    public static double bytes(overparam.core.nn.NetworkSpec spec, long rows, long parameters, int k) {
        int iterations = lanczosIterations(k, (int) Math.min(parameters, Integer.MAX_VALUE));
        return Curvature.bytes(spec, rows, parameters, iterations, false) + Matrix.bytes(parameters, k + 1.0);
    }

    @Override public void init(Update[] updates) {
        if (updates.length != layout.blocks())
            throw new IllegalArgumentException("Hessian noise covers " + layout.blocks() + " parameters, the optimizer " + updates.length);
        epsilonOf = layout.views(epsilon);
        step = 0;
    }

    @Override public void draw(RandomGenerator rng, double trace, Matrix[] noise) {
        if (step++ % refresh == 0) recompute();
        double c = trace * scale;
        for (int j = 0; j < k; j++) weights.set(j, Math.sqrt(c * Math.max(values[j], 0)) * rng.nextGaussian());
        Linalg.multVec(1.0, directions, weights, 0.0, epsilon);                      // epsilon = U (sqrt(c lambda+) o z)
        for (int b = 0; b < noise.length; b++) noise[b].copyFrom(epsilonOf[b]);
    }

    /** The top-k eigenpairs at the network's current weights over the whole training set. */
    private void recompute() {
        curvature.at(data.x(), data.y());
        try (Lanczos.Eigenpairs top = curvature.topEigenpairs(k, TOLERANCE, lanczosRng)) {
            for (int j = 0; j < k; j++) values[j] = top.values()[j];
            directions.copyFrom(top.vectors());
        }
        double positive = 0;
        for (double v : values) positive += Math.max(v, 0);
        scale = positive > 0 ? 1 / positive : 0;                  // no positive curvature: no noise
    }

    /** The eigenvalues the last recomputation found, descending (for tests and reports). */
    public double[] eigenvalues() { return values.clone(); }

    /** The eigenvectors the last recomputation found, P x k (live; not to be modified). */
    public Matrix eigenvectors() { return directions; }

    @Override public String describe() { return "hessian top " + k + " every " + refresh; }

    /** Frees the native buffers (the optimizer does not own this shape; the run that made it closes it). */
    public void close() {
        curvature.close();
        directions.close();
        weights.close();
        epsilon.close();
    }
}
