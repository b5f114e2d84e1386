package overparam.core.instruments;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.LayerGram;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Workspace;

/**
 * The Gram matrices of seed 004, Section 4: G^(h)_ij = <du_i/dW^(h), du_j/dW^(h)> for every parameter
 * h = 1..H+1 (H+1 is a), and the empirical NTK G = the sum over trained parameters.
 *
 * <p>Built from their structure, never from per-sample Jacobians: du_i/dW^(h) = b_i x_i^T with b_i the
 * back-propagated signal (row i of B_h) and x_i the layer input (row i of X^(h-1)), so
 * G^(h) = (B_h B_h^T) o (X^(h-1) X^(h-1)^T), two dsyrk calls of O(n^2 m) (DESIGN.md); for the convolutional
 * ResNet the same sum over pixel pairs and patches ({@link LayerGram}). For a,
 * du_i/da = x^(H)_i, so G^(H+1) = X^(H) X^(H)^T. With biases (fc --bias-scale beta) G^(h) is that of W^(h) and b^(h) together,
 * (B_h B_h^T) o (X^(h-1) X^(h-1)^T + beta^2), and G^(H+1) that of a and b_out, X^(H) X^(H)^T + beta^2. Extreme eigenvalues come from LAPACK
 * ({@link Spectrum}), not a full spectrum.
 */
public final class GramInstrument implements Observer {
    private final int depth;
    private final double biasVariance;         // beta^2, 0 without biases
    private final TrainedLayers trained;
    private final Matrix[] layerGram;          // index h - 1 for h = 1..H+1
    private final Matrix ntk, difference, gramAtStart, ntkAtStart;
    private final LayerGram layerGrams;
    private final Spectrum spectrum;
    private boolean started;
    private double gramNormAtStart, ntkNormAtStart;

    public GramInstrument(NetworkSpec spec, int n, TrainedLayers trained) {
        this.depth = spec.depth();
        this.trained = trained;
        this.biasVariance = spec.biasScale() * spec.biasScale();
        layerGram = new Matrix[depth + 1];
        for (int h = 0; h <= depth; h++) layerGram[h] = Matrix.zeros(n, n);
        ntk = Matrix.zeros(n, n);
        layerGrams = new LayerGram(spec, n);
        difference = Matrix.zeros(n, n);
        gramAtStart = Matrix.zeros(n, n);
        ntkAtStart = Matrix.zeros(n, n);
        spectrum = new Spectrum(n);
    }

    /** Native bytes this instrument holds for n samples and depth H. */
    public static double bytes(NetworkSpec spec, long n) {
        return (spec.depth() + 6.0) * Matrix.bytes(n, n) + LayerGram.bytes(spec, n) + 20.0 * n * Double.BYTES;   // + the Spectrum's copy
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        Workspace pass = view.pass(1);
        for (int h = 1; h <= depth; h++) layerGrams.compute(pass.signalPixels(h), pass.layerInput(h), layerGram[h - 1]);
        Linalg.multOuter(pass.output(depth), layerGram[depth]);                          // G^(H+1) = X^(H) X^(H)^T
        if (biasVariance > 0) {                                                            // + beta^2 from du_i/db_out = beta
            Matrix top = layerGram[depth];
            for (int i = 0; i < top.rows(); i++) for (int j = 0; j < top.cols(); j++) top.set(i, j, top.get(i, j) + biasVariance);
        }
        ntk.fill(0);
        for (int h = 1; h <= depth + 1; h++) if (trained.contains(h)) Linalg.addScaled(1.0, layerGram[h - 1], ntk);

        double[] layerMin = new double[depth + 1], layerMax = new double[depth + 1], layerTrace = new double[depth + 1];
        for (int h = 1; h <= depth + 1; h++) {
            Spectrum.Extremes e = spectrum.extremes(layerGram[h - 1]);
            layerMin[h - 1] = e.min();
            layerMax[h - 1] = e.max();
            layerTrace[h - 1] = trace(layerGram[h - 1]);
        }
        Spectrum.Extremes ntkExtremes = spectrum.extremes(ntk);
        if (!started) {
            gramAtStart.copyFrom(gram());
            ntkAtStart.copyFrom(ntk);
            gramNormAtStart = Math.max(Math.abs(layerMin[depth - 1]), Math.abs(layerMax[depth - 1]));
            ntkNormAtStart = ntkExtremes.spectralNorm();
            started = true;
        }
        // what float64 can resolve: an eigenvalue below n eps ||G|| is indistinguishable from 0 (Spectrum.Extremes.roundoff)
        int n = gram().rows();
        record.put("gram_lambda_min", layerMin[depth - 1]);
        record.put("gram_lambda_min_roundoff", new Spectrum.Extremes(layerMin[depth - 1], layerMax[depth - 1]).roundoff(n));
        record.put("ntk_lambda_min_roundoff", ntkExtremes.roundoff(n));
        record.put("gram_lambda_max", layerMax[depth - 1]);
        record.put("ntk_lambda_min", ntkExtremes.min());
        record.put("ntk_lambda_max", ntkExtremes.max());
        double gramChange = changeFrom(gramAtStart, gram());
        record.put("gram_change", gramChange);
        record.put("gram_change_relative", gramChange / gramNormAtStart);
        double ntkChange = changeFrom(ntkAtStart, ntk);
        record.put("ntk_change", ntkChange);
        record.put("ntk_change_relative", ntkChange / ntkNormAtStart);
        record.put("layer_gram_lambda_min", layerMin);
        record.put("layer_gram_lambda_max", layerMax);
        record.put("layer_gram_trace", layerTrace);
    }

    /** G^(H)(k) of the last record (the last hidden layer's Gram). Not to be modified. */
    public Matrix gram() { return layerGram[depth - 1]; }

    /** G^(h)(k) of the last record, h = 1..H+1. */
    public Matrix layerGram(int h) { return layerGram[h - 1]; }

    /** G(k) of the last record: the sum of G^(h) over trained parameters. */
    public Matrix ntk() { return ntk; }

    /** ||current - start||_2, the spectral norm of a symmetric difference. */
    private double changeFrom(Matrix start, Matrix current) {
        difference.copyFrom(current);
        Linalg.addScaled(-1.0, start, difference);
        return spectrum.extremes(difference).spectralNorm();
    }

    private static double trace(Matrix m) {
        double t = 0;
        for (int i = 0; i < m.rows(); i++) t += m.get(i, i);
        return t;
    }

    @Override public void close() {
        for (Matrix m : layerGram) m.close();
        ntk.close(); layerGrams.close(); difference.close(); gramAtStart.close(); ntkAtStart.close();
        spectrum.close();
    }
}
