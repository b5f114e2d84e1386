package overparam.core.instruments;

import java.nio.DoubleBuffer;
import java.util.random.RandomGenerator;
import overparam.core.Seeds;
import overparam.core.data.Dataset;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.core.nn.LossGradient;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainedLayers;

/**
 * Stochastic gradient noise at the recorded steps, as Simsekli, Sagun and Gurbuzbalaban (ICML 2019) measure it, and the
 * covariance it comes from.
 * <p>
 * With g_i = grad l_i the per-example gradients, gbar = (1/n) sum_i g_i and Sigma = (1/n) sum_i (g_i - gbar)(g_i - gbar)^T
 * the covariance of g_I for I uniform on the training set: SGD's estimate from a batch B of b distinct samples, scaled as
 * the run scales it (n/b times the batch's sum for a summed loss, {@link overparam.core.optim.ScaleByBatch}; the batch's
 * mean for a mean loss), is s mean_{i in B} g_i with s = n (sum) or 1 (mean), and its noise xi = that minus grad L has
 * covariance s^2 (n - b) / (b (n - 1)) Sigma (sampling without replacement). Records:
 * <ul>
 *   <li>grad_norm: ||grad L|| over the whole training set (L as the run's loss defines it);</li>
 *   <li>grad_noise_trace: tr Sigma = (1/n) sum_i ||g_i||^2 - ||gbar||^2 ({@link PerExampleGradients}, from the back-propagated
 *       signals, for one-output dense networks; for any other network, k-output heads and cross-entropy among them, by one
 *       row at a time, {@link overparam.core.curvature.GradientCovariance}), and grad_noise_trace_batch = s^2 (n - b) / (b (n - 1)) tr Sigma, E ||xi||^2 at batch size b;</li>
 *   <li>grad_noise_sq_mean: (1/K) sum_k ||xi_k||^2 over the K drawn batches (Monte Carlo of the same, any network);</li>
 *   <li>tail_index_pooled: {@link TailIndex} over all K P coordinates of the K noise vectors, as their code pools them;
 *       tail_index_layer: the same per parameter block (W1..WH, a: the trained ones, in order; Fixup's 1 x 1 scalars are in
 *       the pooled and standardized estimates, not here, so entry b stays a weight matrix). Under softmax cross-entropy
       the output layer's noise sums to zero over the k classes of each hidden unit, so a block of whole rows of a sums to
       ~0 and its estimate (negative) is no tail index: the estimator assumes independent coordinates;</li>
 *   <li>tail_index_standardized: the same after dividing each coordinate by its standard deviation over the K vectors
 *       (coordinates without noise, such as a dead unit's weights, left out): pooling coordinates of very different
 *       scales reads Gaussian noise as heavy-tailed (TailIndexTest), and this version does not.</li>
 * </ul>
 * The K batches (b distinct samples each, independent across batches) come from a stream of their own seeded by the run's
 * seed, never the training sampler's, and the gradients are evaluated in workspaces of their own: the run is unchanged.
 */
public final class GradientNoiseInstrument implements Observer {
    private final NetworkSpec spec;
    private final Loss loss;
    private final Dataset data;
    private final int batches, batchSize, n, p;
    private final boolean perExample;
    private final overparam.core.curvature.GradientCovariance covariance;   // tr Sigma where the signals' formula does not apply
    private final double scale;                 // s: n / b for a summed loss (applied to the batch's sum), 1 for a mean
    private final LossGradient full, batch;
    private final ParameterVector layout;
    private final int matrixBlocks;                 // W^(h) and a: the entries of tail_index_layer
    private final Matrix fullGradient, noise, batchX, batchY;
    private final Matrix[] noiseRows;           // the K noise vectors as P-vector views of noise (made once)
    private final int[] order, chosen, kept;
    private final double[] exampleNorms, sd;
    private final RandomGenerator rng;

    public GradientNoiseInstrument(Network network, TrainedLayers trained, Loss loss, Dataset data, int batches, int batchSize, long seed) {
        if (!ParameterVector.supports(network.spec())) throw new IllegalArgumentException("gradient noise needs every trained parameter in the parameter vector (no learned PReLU slope)");
        if (batches < 2) throw new IllegalArgumentException("gradient noise needs at least 2 batches, got " + batches);
        if (batchSize < 1 || batchSize > data.n()) throw new IllegalArgumentException("batch size " + batchSize + " is not in 1.." + data.n());
        this.spec = network.spec();
        this.loss = loss;
        this.data = data;
        this.batches = batches;
        this.batchSize = batchSize;
        this.n = data.n();
        this.perExample = PerExampleGradients.applies(spec);
        this.covariance = perExample ? null : new overparam.core.curvature.GradientCovariance(network, trained, loss);
        this.scale = loss.isMean() ? 1 : (double) n / batchSize;
        this.full = new LossGradient(network, trained, loss, n);
        this.batch = new LossGradient(network, trained, loss, batchSize);
        this.layout = full.layout();
        int matrices = 0;
        for (int b = 0; b < layout.blocks(); b++) if (!layout.isScalar(b)) matrices++;
        this.matrixBlocks = matrices;
        this.p = layout.size();
        this.fullGradient = layout.zeros();
        this.noise = Matrix.vector(Math.multiplyExact(batches, p));
        this.noiseRows = new Matrix[batches];
        for (int k = 0; k < batches; k++) noiseRows[k] = noise.rowRange(k * p, p);
        this.batchX = Matrix.zeros(batchSize, data.d());
        this.batchY = Matrix.zeros(batchSize, data.y().cols());
        this.order = new int[n];
        this.chosen = new int[batchSize];
        this.kept = new int[p];
        this.exampleNorms = new double[n];
        this.sd = new double[p];
        this.rng = Seeds.stream(seed, "gradient-noise");
    }

    /** Native bytes for K batches of b over n samples: the K noise vectors, the full gradient, two workspaces, the batch. */
    public static double bytes(NetworkSpec spec, double parameters, int n, int batches, int batchSize) {
        return (batches + 1.0) * parameters * Double.BYTES + overparam.core.nn.Workspace.bytes(spec, n)
                + overparam.core.nn.Workspace.bytes(spec, batchSize) + Matrix.bytes(batchSize, spec.inputDim() + 1)
                + (PerExampleGradients.applies(spec) ? 0 : overparam.core.curvature.GradientCovariance.bytes(spec, (long) parameters));
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        if (perExample) PerExampleGradients.squaredNorms(spec, layout, loss, view.pass(1), exampleNorms);
        full.evaluate(data.x(), data.y(), fullGradient);
        double gradNorm = Linalg.normF(fullGradient);
        record.put("grad_norm", gradNorm);
        {
            double trace;
            if (perExample) {
                double mean = 0;
                for (double v : exampleNorms) mean += v;
                mean /= n;
                double gbar = loss.isMean() ? gradNorm : gradNorm / n;          // gbar = grad L for a mean, grad L / n for a sum
                trace = Math.max(mean - gbar * gbar, 0);
            } else {
                trace = covariance.trace(data.x(), data.y());                    // 2n one-row passes: any network
            }
            record.put("grad_noise_trace", trace);
            record.put("grad_noise_trace_batch", overparam.core.curvature.GradientCovariance.batchNoiseTrace(trace, n, batchSize, loss));
        }
        double sq = 0;
        for (int k = 0; k < batches; k++) {
            drawBatch();
            batch.evaluate(batchX, batchY, noiseRows[k]);
            Linalg.scale(scale, noiseRows[k]);
            Linalg.addScaled(-1.0, fullGradient, noiseRows[k]);                 // xi_k = the step's estimate - grad L
            double norm = Linalg.normF(noiseRows[k]);
            sq += norm * norm;
        }
        record.put("grad_noise_sq_mean", sq / batches);
        DoubleBuffer xi = noise.buffer();
        record.put("tail_index_pooled", TailIndex.estimate(batches * p, xi::get));
        double[] layers = new double[matrixBlocks];
        for (int b = 0, entry = 0; b < layout.blocks(); b++) {
            if (layout.isScalar(b)) continue;
            int offset = layout.offset(b), size = (b + 1 < layout.blocks() ? layout.offset(b + 1) : p) - offset;
            layers[entry++] = batches * size < 4 ? Double.NaN : TailIndex.estimate(batches * size, j -> xi.get((j / size) * p + offset + j % size));
        }
        record.put("tail_index_layer", layers);
        record.put("tail_index_standardized", TailIndex.standardized(batches, p, xi::get, sd, kept));
    }

    /** b distinct samples (a partial Fisher-Yates shuffle) gathered into the batch buffers. */
    private void drawBatch() {
        for (int i = 0; i < n; i++) order[i] = i;
        for (int r = 0; r < batchSize; r++) {
            int j = r + rng.nextInt(n - r);
            int t = order[r]; order[r] = order[j]; order[j] = t;
            chosen[r] = order[r];
        }
        DoubleBuffer from = data.x().buffer(), to = batchX.buffer(), labels = data.y().buffer(), into = batchY.buffer();
        int d = data.d(), k = data.y().cols();
        for (int r = 0; r < batchSize; r++) {
            int i = chosen[r];
            for (int j = 0; j < d; j++) to.put(r * d + j, from.get(i * d + j));
            for (int c = 0; c < k; c++) into.put(r * k + c, labels.get(i * k + c));
        }
    }

    @Override public void close() {
        full.close();
        batch.close();
        fullGradient.close();
        noise.close();
        batchX.close();
        batchY.close();
        if (covariance != null) covariance.close();
    }
}
