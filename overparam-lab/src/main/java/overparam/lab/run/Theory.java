package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.ToDoubleBiFunction;
import overparam.core.data.Dataset;
import overparam.core.kernel.TheoremQuantities;
import overparam.core.kernel.Theorems;
import overparam.core.linalg.Matrix;
import overparam.core.nn.LimitKernel;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/**
 * A run's infinite-width kernel and its {@link TheoremQuantities}, written as the "theory" block of summary.json.
 * The kernel stays open for the run (its Theta feeds the theorem twin) until {@link #close}.
 */
public final class Theory implements AutoCloseable {
    /** The key of the theorems' width and step-size requirements in the theory block. */
    static final String REQUIREMENTS = "requirements";

    /** The theory block's numbers, in summary.json's order; an experiment's store reads the same keys back as run values. */
    public enum Scalar {
        /** lambda_0, null when it is below its round-off floor (then lambda_0_roundoff is what float64 can say: |lambda_0| < it). */
        LAMBDA_0("lambda_0", (q, eta) -> q.lambda0Resolved() ? q.lambda0() : Double.NaN),
        LAMBDA_0_ROUNDOFF("lambda_0_roundoff", (q, eta) -> q.lambda0Roundoff()),
        LIMIT_GRAM_LAMBDA_MAX("limit_gram_lambda_max", (q, eta) -> q.limitGramExtremes().max()),
        LIMIT_NTK_LAMBDA_MIN("limit_ntk_lambda_min", (q, eta) -> q.limitNtkExtremes().min()),
        LIMIT_NTK_LAMBDA_MAX("limit_ntk_lambda_max", (q, eta) -> q.limitNtkExtremes().max()),
        PREDICTED_RATE("predicted_rate", (q, eta) -> q.lambda0Resolved() ? q.predictedRate(eta) : Double.NaN),
        ETA_STABLE_BELOW("eta_stable_below", (q, eta) -> q.etaStableBelow()),
        Y_K_INV_Y("y_K_inv_y", (q, eta) -> q.labelComplexity()),
        Y_NTK_INV_Y("y_ntk_inv_y", (q, eta) -> q.labelComplexityNtk()),
        ARORA_BOUND("arora_bound", (q, eta) -> q.aroraBound()),
        SEPARATION("separation", (q, eta) -> q.separation());

        private final String key;
        private final ToDoubleBiFunction<TheoremQuantities, Double> value;

        Scalar(String key, ToDoubleBiFunction<TheoremQuantities, Double> value) {
            this.key = key;
            this.value = value;
        }

        /** Its key in the theory block (and its name among an experiment's run values). */
        public String key() { return key; }
    }

    final LimitKernel kernel;
    final TheoremQuantities quantities;
    final double seconds;

    private Theory(LimitKernel kernel, TheoremQuantities quantities, double seconds) {
        this.kernel = kernel; this.quantities = quantities; this.seconds = seconds;
    }

    public static Theory of(NetworkSpec spec, Dataset data, TrainedLayers trained) {
        return of(spec, data, trained, overparam.core.nn.TrainingListener.NONE);
    }

    /** As above, reporting each layer's map and then the output layer with lambda_0 to {@code progress}. */
    public static Theory of(NetworkSpec spec, Dataset data, TrainedLayers trained, overparam.core.nn.TrainingListener progress) {
        long t0 = System.nanoTime();
        int parts = spec.depth() + 1;
        progress.onLimitKernel(0, parts);
        LimitKernel k = LimitKernel.of(spec, data.x(), trained, false, h -> progress.onLimitKernel(h, parts));
        TheoremQuantities q = TheoremQuantities.of(k, data.x(), data.y().toArray());
        progress.onLimitKernel(parts, parts);
        return new Theory(k, q, (System.nanoTime() - t0) / 1e9);
    }

    public double lambda0() { return quantities.lambda0(); }

    public Matrix limitNtk() { return kernel.limitNtk(); }

    /** The "theory" block of summary.json. */
    ObjectNode json(double eta) {
        ObjectNode t = Json.object();
        for (Scalar s : Scalar.values()) Json.putNumber(t, s.key, s.value.applyAsDouble(quantities, eta));
        t.put("delta", TheoremQuantities.DELTA);
        ArrayNode reqs = t.putArray(REQUIREMENTS);
        for (Theorems.Requirement r : quantities.requirements()) {
            ObjectNode o = reqs.addObject();
            o.put("source", r.source());
            o.put("quantity", r.quantity());
            o.put("formula", r.formula());
            Json.putNumber(o, "value", r.value());
            o.put("hidden_constants", 1);
        }
        t.put("seconds", seconds);
        return t;
    }

    /** Bytes the limit kernel takes for n samples of p pixels: about eight (p n) x n matrices at its peak. */
    static double bytes(long n, long pixels) {
        return 8 * Matrix.bytes((double) pixels * n, n);
    }

    @Override public void close() {
        kernel.close();
    }
}
