package overparam.core.instruments;

import java.nio.DoubleBuffer;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;

/**
 * How far the weights moved from initialization, the quantity the theorems bound (weights stay in a
 * ball of radius O(1/sqrt m) per neuron): ||W^(h)(k) - W^(h)(0)||_F for W1..WH and a, the same divided by
 * sqrt(m_h) (the layer's own width; a's is m_H, the width it reads), relative to ||W^(h)(0)||_F, and the largest per-neuron distance max_r ||w_r(k) - w_r(0)||
 * (rows of W^(h): the incoming weights of neuron r).
 */
public final class MovementInstrument implements Observer {
    private final NetworkSpec spec;
    private Matrix[] initial;                  // copies taken at the first record (step 0)
    private double[] initialNorm;

    public MovementInstrument(NetworkSpec spec) {
        this.spec = spec;
    }

    /** Native bytes: one copy of the weights. */
    public static double bytes(NetworkSpec spec) {
        return Network.bytes(spec);
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        Network network = view.network();
        int count = spec.parameterCount();
        if (initial == null) {
            initial = new Matrix[count];
            initialNorm = new double[count];
            for (int h = 1; h <= count; h++) {
                initial[h - 1] = network.parameter(h).copy();
                initialNorm[h - 1] = overparam.core.linalg.Linalg.normF(initial[h - 1]);
            }
        }
        double[] movement = new double[count], scaled = new double[count], relative = new double[count];
        double[] neuronMax = new double[spec.depth()];
        for (int h = 1; h <= count; h++) {
            double[] frobeniusAndRowMax = distance(network.parameter(h), initial[h - 1]);
            movement[h - 1] = frobeniusAndRowMax[0];
            scaled[h - 1] = frobeniusAndRowMax[0] / Math.sqrt(spec.width(Math.min(h, spec.depth())));
            relative[h - 1] = frobeniusAndRowMax[0] / initialNorm[h - 1];
            if (h <= spec.depth()) neuronMax[h - 1] = frobeniusAndRowMax[1];
        }
        record.put("weight_movement", movement);
        record.put("weight_movement_scaled", scaled);
        record.put("weight_movement_relative", relative);
        record.put("neuron_movement_max", neuronMax);
    }

    /** {||now - then||_F, max over rows of the row distance}, row block by row block (any size). */
    static double[] distance(Matrix now, Matrix then) {
        double sumSq = 0, rowMaxSq = 0;
        int per = now.rowsPerBlock(), cols = now.cols();
        for (int first = 0; first < now.rows(); first += per) {
            int rows = Math.min(per, now.rows() - first);
            DoubleBuffer a = now.rowBlock(first, rows), b = then.rowBlock(first, rows);
            for (int r = 0; r < rows; r++) {
                double rowSq = 0;
                for (int j = r * cols, end = j + cols; j < end; j++) {
                    double diff = a.get(j) - b.get(j);
                    rowSq += diff * diff;
                }
                sumSq += rowSq;
                rowMaxSq = Math.max(rowMaxSq, rowSq);
            }
        }
        return new double[] {Math.sqrt(sumSq), Math.sqrt(rowMaxSq)};
    }

    @Override public void close() {
        if (initial != null) for (Matrix m : initial) m.close();
    }
}
