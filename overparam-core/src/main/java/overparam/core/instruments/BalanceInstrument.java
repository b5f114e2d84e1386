package overparam.core.instruments;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainedLayers;

/**
 * Balancedness (Du, Hu, Lee, NeurIPS 2018): for a network homogeneous in each weight matrix ({@link NetworkSpec#isHomogeneous})
 * trained by gradient flow, <dL/dW_h, W_h> = sum_i l'_i f(x_i) for every h, so the differences
 * D_h = ||W_{h+1}||_F^2 - ||W_h||_F^2 are conserved (their Theorem 2.1), and so is, per hidden neuron j of layer h, its
 * incoming minus outgoing squared norm ||W_h[j, :]||^2 - ||W_{h+1}[:, j]||^2 (Theorem 2.1's per-neuron form; a's row j
 * above the last hidden layer); for linear networks the matrices W_{h+1}^T W_{h+1} - W_h W_h^T are (their Theorem 2.2;
 * Arora et al. 2018). One gradient-descent step of size eta changes D_h by exactly eta^2 (||g_{h+1}||^2 - ||g_h||^2), so
 * the drift is O(eta^2) per step. Records:
 * <ul>
 *   <li>layer_norm_sq: ||W_h||_F^2 for W1..WH and a (what grows by orders of magnitude);</li>
 *   <li>balance: D_h for each pair of consecutive trained parameters, in order; balance_drift: max_h |D_h(k) - D_h(0)|;</li>
 *   <li>balance_neuron_drift: the largest change of a hidden neuron's incoming minus outgoing squared norm;</li>
 *   <li>balance_drift_relative: balance_drift over the largest change of a ||W_h||_F^2 (0 before anything moved): how
 *       small the drift is next to what training does to the norms themselves;</li>
 *   <li>balance_matrix (linear networks: --arch linear, or fc with the identity): max_h ||W_{h+1}^T W_{h+1} - W_h W_h^T||_F, zero at balanced initialization,
 *       and balance_matrix_drift, the largest change of one of those matrices since step 0.</li>
 * </ul>
 * Matrices are those of the weights files: W_h is m x fan-in, a is m x k (a = W_{H+1}^T). Products by BLAS.
 */
public final class BalanceInstrument implements Observer {
    private final NetworkSpec spec;
    private final int[] pairs;                   // D_h is over parameters pairs[i] and pairs[i] + 1
    private final boolean matrices;
    private double[] initialDifferences, initialNormSq;
    private double[][] initialNeurons;           // per hidden layer h with a trained pair, per neuron
    private Matrix[] initialMatrices;
    private final Matrix[] scratch;              // W_{h+1}^T W_{h+1} and W_h W_h^T (m x m), per pair

    public BalanceInstrument(NetworkSpec spec, TrainedLayers trained) {
        if (!applies(spec, trained))
            throw new IllegalArgumentException("balance needs a network homogeneous in each weight matrix with two consecutive trained parameters");
        this.spec = spec;
        int count = 0;
        int[] p = new int[spec.parameterCount()];
        for (int h = 1; h < spec.parameterCount(); h++) if (trained.contains(h) && trained.contains(h + 1)) p[count++] = h;
        this.pairs = java.util.Arrays.copyOf(p, count);
        this.matrices = spec.activation() instanceof Activation.Identity;            // a linear network: fc with identity too

        this.scratch = matrices ? new Matrix[2 * pairs.length] : null;              // m_h x m_h, twice per pair
        for (int i = 0; matrices && i < pairs.length; i++) {
            int m = spec.width(pairs[i]);
            scratch[2 * i] = Matrix.zeros(m, m);
            scratch[2 * i + 1] = Matrix.zeros(m, m);
        }
    }

    /** Whether the law holds for this network and these trained parameters. */
    public static boolean applies(NetworkSpec spec, TrainedLayers trained) {
        if (!spec.isHomogeneous() || spec.arch() == Arch.DIAGONAL || spec.arch() == Arch.QUADRATIC) return false;   // degree-2 parameters
        for (int h = 1; h < spec.parameterCount(); h++) if (trained.contains(h) && trained.contains(h + 1)) return true;
        return false;
    }

    /** Native bytes: two m x m matrices per pair for linear networks (their balance matrices at step 0, and scratch). */
    public static double bytes(NetworkSpec spec) {
        return spec.activation() instanceof Activation.Identity ? (spec.parameterCount() + 2) * Matrix.bytes(spec.width(), spec.width()) : 0;
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        Network network = view.network();
        int count = spec.parameterCount();
        double[] normSq = new double[count];
        for (int h = 1; h <= count; h++) {
            double f = Linalg.normF(network.parameter(h));
            normSq[h - 1] = f * f;
        }
        double[] differences = new double[pairs.length];
        double[][] neurons = new double[pairs.length][];
        for (int i = 0; i < pairs.length; i++) {
            int h = pairs[i];
            differences[i] = normSq[h] - normSq[h - 1];
            neurons[i] = neuronDifferences(network.parameter(h), network.parameter(h + 1), h + 1 == count);
        }
        boolean first = initialDifferences == null;
        if (first) {
            initialDifferences = differences.clone();
            initialNeurons = neurons;
            initialNormSq = normSq.clone();
        }
        double drift = 0, neuronDrift = 0, growth = 0;
        for (int h = 1; h <= count; h++) growth = Math.max(growth, Math.abs(normSq[h - 1] - initialNormSq[h - 1]));
        for (int i = 0; i < pairs.length; i++) {
            drift = Math.max(drift, Math.abs(differences[i] - initialDifferences[i]));
            for (int j = 0; j < neurons[i].length; j++) neuronDrift = Math.max(neuronDrift, Math.abs(neurons[i][j] - initialNeurons[i][j]));
        }
        record.put("layer_norm_sq", normSq);
        record.put("balance", differences);
        record.put("balance_drift", drift);
        record.put("balance_neuron_drift", neuronDrift);
        record.put("balance_drift_relative", growth > 0 ? drift / growth : 0);
        if (matrices) recordMatrices(network, record, first);
    }

    /**
     * Per hidden neuron j of layer h: ||W_h[j, :]||^2 - ||W_{h+1}[:, j]||^2, the outgoing weights being a's row j when
     * W_{h+1} is the output layer a (m x k).
     */
    private static double[] neuronDifferences(Matrix incoming, Matrix outgoing, boolean outgoingIsOutput) {
        int m = incoming.rows();
        double[] out = new double[m];
        DoubleBuffer in = incoming.buffer(), next = outgoing.buffer();
        int fanIn = incoming.cols(), cols = outgoing.cols();
        for (int j = 0; j < m; j++) {
            double sumIn = 0, sumOut = 0;
            for (int c = 0; c < fanIn; c++) { double v = in.get(j * fanIn + c); sumIn += v * v; }
            if (outgoingIsOutput) for (int c = 0; c < cols; c++) { double v = next.get(j * cols + c); sumOut += v * v; }
            else for (int r = 0; r < outgoing.rows(); r++) { double v = next.get(r * cols + j); sumOut += v * v; }
            out[j] = sumIn - sumOut;
        }
        return out;
    }

    /** max_h ||W_{h+1}^T W_{h+1} - W_h W_h^T||_F and its largest change since step 0 (deep linear networks). */
    private void recordMatrices(Network network, StepRecord record, boolean first) {
        int count = spec.parameterCount();
        if (first) initialMatrices = new Matrix[pairs.length];
        double largest = 0, drift = 0;
        for (int i = 0; i < pairs.length; i++) {
            int h = pairs[i];
            Matrix upper = scratch[2 * i], lower = scratch[2 * i + 1];
            Matrix next = network.parameter(h + 1);
            if (h + 1 == count) Linalg.multTransB(1.0, next, next, 0.0, upper);         // W_N^T W_N = a a^T
            else Linalg.multTransA(1.0, next, next, 0.0, upper);                      // W_{h+1}^T W_{h+1}
            Linalg.multTransB(1.0, network.parameter(h), network.parameter(h), 0.0, lower); // W_h W_h^T
            Linalg.addScaled(-1.0, lower, upper);
            largest = Math.max(largest, Linalg.normF(upper));
            if (first) initialMatrices[i] = upper.copy();
            else {
                Linalg.addScaled(-1.0, initialMatrices[i], upper);
                drift = Math.max(drift, Linalg.normF(upper));
            }
        }
        record.put("balance_matrix", largest);
        record.put("balance_matrix_drift", drift);
    }

    @Override public void close() {
        if (scratch != null) for (Matrix m : scratch) m.close();
        if (initialMatrices != null) for (Matrix m : initialMatrices) if (m != null) m.close();
    }
}
