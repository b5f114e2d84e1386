package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import overparam.core.data.Dataset;
import overparam.core.kernel.Theorems;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Arch;
import overparam.core.nn.LimitKernel;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/**
 * The theorems' quantities for one network and data set: lambda_0 = lambda_min(K^(H)), the extremes of Theta,
 * y^T K^-1 y and Arora et al.'s bound, and the width and step-size requirements (hidden constants set to 1).
 */
public final class Theory implements AutoCloseable {
    /** The failure probability delta the width requirements are evaluated at. */
    static final double DELTA = 0.1;

    final NetworkSpec spec;
    final LimitKernel kernel;
    final Spectrum.Extremes gram, ntk;
    final double labelComplexity, labelComplexityNtk, aroraBound, separation;
    final List<Theorems.Requirement> requirements;
    final double seconds;

    private Theory(NetworkSpec spec, LimitKernel kernel, Spectrum.Extremes gram, Spectrum.Extremes ntk, double labelComplexity,
                   double labelComplexityNtk, double aroraBound, double separation, List<Theorems.Requirement> requirements, double seconds) {
        this.spec = spec; this.kernel = kernel; this.gram = gram; this.ntk = ntk; this.labelComplexity = labelComplexity;
        this.labelComplexityNtk = labelComplexityNtk;
        this.aroraBound = aroraBound; this.separation = separation; this.requirements = requirements; this.seconds = seconds;
    }

    public static Theory of(NetworkSpec spec, Dataset data, TrainedLayers trained) {
        long t0 = System.nanoTime();
        LimitKernel k = LimitKernel.of(spec, data.x(), trained, false);
        Spectrum.Extremes gram = Spectrum.of(k.limitGram()), ntk = Spectrum.of(k.limitNtk());
        double[] y = data.y().toArray();
        double yKy = Theorems.labelComplexity(k.limitGram(), y);
        double yThetaY = Theorems.labelComplexity(k.limitNtk(), y);                // seed 001: y^T (Theta^(L))^-1 y
        double separation = Theorems.separation(data.x());
        int n = data.n(), depth = spec.depth();
        double lambda0 = gram.min();
        List<Theorems.Requirement> reqs = new ArrayList<>(switch (spec.arch()) {
            case FC -> Theorems.fullyConnected(n, depth, lambda0, DELTA);
            case RESNET -> Theorems.resNet(n, depth, lambda0, DELTA);
            case TWO_LAYER -> Theorems.twoLayer(n, lambda0, DELTA);
            case CONV_RESNET -> Theorems.convResNet(n, depth, spec.pixels(), lambda0, DELTA);
            case IDENTITY_MAPPING, NO_IDENTITY -> throw new IllegalArgumentException("seed 002's networks have no limit kernel");
        });
        if (spec.activation().name().equals("relu") && (spec.arch() == Arch.FC || spec.arch() == Arch.RESNET)) reqs.addAll(Theorems.deepReluTable(n, depth, separation));
        return new Theory(spec, k, gram, ntk, yKy, yThetaY, Math.sqrt(2 * yKy / n), separation, reqs, (System.nanoTime() - t0) / 1e9);
    }

    public double lambda0() { return gram.min(); }

    public Matrix limitNtk() { return kernel.limitNtk(); }

    /** The "theory" block of summary.json. */
    ObjectNode json(double eta) {
        ObjectNode t = Json.object();
        Json.putNumber(t, "lambda_0", gram.min());
        Json.putNumber(t, "limit_gram_lambda_max", gram.max());
        Json.putNumber(t, "limit_ntk_lambda_min", ntk.min());
        Json.putNumber(t, "limit_ntk_lambda_max", ntk.max());
        Json.putNumber(t, "predicted_rate", 1 - eta * gram.min() / 2);
        Json.putNumber(t, "eta_stable_below", 2 / ntk.max());
        Json.putNumber(t, "y_K_inv_y", labelComplexity);
        Json.putNumber(t, "y_ntk_inv_y", labelComplexityNtk);
        Json.putNumber(t, "arora_bound", aroraBound);
        Json.putNumber(t, "separation", separation);
        t.put("delta", DELTA);
        ArrayNode reqs = t.putArray("requirements");
        for (Theorems.Requirement r : requirements) {
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
    static long bytes(long n, long pixels) {
        return 8 * Matrix.bytes(pixels * n, n);
    }

    @Override public void close() {
        kernel.close();
    }
}
