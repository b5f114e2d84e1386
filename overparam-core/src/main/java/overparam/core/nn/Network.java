package overparam.core.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import overparam.core.BadInputException;
import overparam.core.Seeds;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * One of seed 004's networks with its weights: hidden layers 1..H and the output layer a, u = a^T x^(H)
 * (u = <a, x^(H)> with a in R^{m x p} for the convolutional ResNet). Parameters are numbered h = 1..H for
 * W^(h) and H + 1 for a, as the Gram matrices G^(h) are. Inside, a is a vector laid out like a sample's
 * activations (pixel-major, index l m + r), so u = X^(H) a is one product for every network; the weights files
 * keep seed 004's m x p ({@link #weightArrays}).
 */
public final class Network implements AutoCloseable {
    private final NetworkSpec spec;
    private final List<Layer> layers;
    private final Matrix output;    // a, (p width) x 1, pixel-major

    private Network(NetworkSpec spec, List<Matrix> hiddenWeights, Matrix output) {
        this.spec = spec;
        this.output = output;
        List<Layer> ls = new ArrayList<>();
        for (int h = 1; h <= spec.depth(); h++) {
            Matrix w = hiddenWeights.get(h - 1);
            ls.add(spec.isResidual(h) ? new ResidualLayer(w, spec.activation(), spec.layerScale(h), spec.patches())
                                      : new DenseLayer(w, spec.activation(), spec.layerScale(h), spec.patches(), h == 1 ? 0 : 1));
        }
        this.layers = List.copyOf(ls);
    }

    /**
     * Seed 004's initialization: every entry of every W^(h) and of a is N(0, 1); the two-layer network
     * draws a_r uniformly from {-1, +1} instead (Du et al. 2018). Each parameter has its own random stream,
     * so W2 does not change when d does.
     */
    public static Network initialize(NetworkSpec spec, long seed) {
        List<Matrix> ws = new ArrayList<>();
        for (int h = 1; h <= spec.depth(); h++) {
            Matrix w = Matrix.zeros(spec.width(), spec.fanIn(h));
            fillGaussian(w, Seeds.stream(seed, "init/" + spec.parameterName(h)));
            ws.add(w);
        }
        Matrix a = Matrix.vector(spec.pixels() * spec.width());
        RandomGenerator rng = Seeds.stream(seed, "init/a");
        if (spec.outputFixed()) for (int r = 0; r < spec.width(); r++) a.set(r, rng.nextBoolean() ? 1.0 : -1.0);
        else fillGaussian(a, rng);
        return new Network(spec, ws, a);
    }

    /** A network with the given weights (keys W1..WH and a, shapes as {@link NetworkSpec#parameterShape}); copied. */
    public static Network fromWeights(NetworkSpec spec, Map<String, Matrix> weights, String source) {
        List<Matrix> ws = new ArrayList<>();
        for (int h = 1; h <= spec.parameterCount(); h++) {
            String name = spec.parameterName(h);
            Matrix given = weights.get(name);
            int[] shape = spec.parameterShape(h);
            if (given == null)
                throw BadInputException.of(source, "keys " + weights.keySet(), "a key '" + name + "' (" + shape[0] + " x " + shape[1] + ")",
                        "Save every parameter: numpy.savez(path, W1=..., ..., a=...).");
            if (given.rows() != shape[0] || given.cols() != shape[1])
                throw BadInputException.of(source + "[" + name + "]", given.rows() + " x " + given.cols(),
                        shape[0] + " x " + shape[1] + " for --arch " + spec.arch() + " --width " + spec.width() + " and d = " + spec.inputDim(),
                        "Give weights of the network you train, or change --width/--depth to match them.");
            if (!given.allFinite())
                throw BadInputException.of(source + "[" + name + "]", "NaN or infinite entries", "finite weights", "Check how the file was made.");
            if (h <= spec.depth()) ws.add(given.copy());
            else return new Network(spec, ws, outputFromFile(given, spec.pixels()));
        }
        throw new AssertionError("unreachable");
    }

    /** a from seed 004's m x p (index r p + l) to the pixel-major vector (index l m + r). */
    private static Matrix outputFromFile(Matrix a, int pixels) {
        int width = a.rows();
        Matrix v = Matrix.vector(pixels * width);
        for (int r = 0; r < width; r++) for (int l = 0; l < pixels; l++) v.set(l * width + r, a.get(r, l));
        return v;
    }

    /**
     * Copies of the weights as the files keep them (DESIGN.md; keys W1..WH and a): W^(h) as 2-D arrays, a as a
     * 1-D array of length m, or for the convolutional ResNet as m x p (m x rows x cols for images), the layout of
     * seed 004's a in R^{m x p} and of PyTorch's. The caller closes them.
     */
    public Map<String, overparam.core.data.NdArray> weightArrays() {
        Map<String, overparam.core.data.NdArray> arrays = new LinkedHashMap<>();
        for (int h = 1; h <= spec.depth(); h++) arrays.put(spec.parameterName(h), overparam.core.data.NdArray.of(parameter(h).copy()));
        int width = spec.width(), p = spec.pixels();
        if (!spec.isConvolutional()) {
            arrays.put("a", overparam.core.data.NdArray.vector(output.copy()));
            return arrays;
        }
        Matrix a = Matrix.zeros(width, p);
        for (int r = 0; r < width; r++) for (int l = 0; l < p; l++) a.set(r, l, output.get(l * width + r));
        Patches patches = spec.patches();
        long[] shape = patches.rows() == 1 ? new long[] {width, p} : new long[] {width, patches.rows(), patches.cols()};
        arrays.put("a", new overparam.core.data.NdArray(shape, a));
        return arrays;
    }

    private static void fillGaussian(Matrix m, RandomGenerator rng) {
        int per = m.rowsPerBlock();
        for (int first = 0; first < m.rows(); first += per) {
            var block = m.rowBlock(first, Math.min(per, m.rows() - first));
            for (int i = 0; i < block.capacity(); i++) block.put(i, rng.nextGaussian());
        }
    }

    public NetworkSpec spec() { return spec; }

    public int depth() { return spec.depth(); }

    public int width() { return spec.width(); }

    /** Hidden layer h, 1-based. */
    public Layer layer(int h) { return layers.get(h - 1); }

    /** Parameter h: W^(h) for h = 1..H, a for h = H + 1. The live matrix; observers must not modify it. */
    public Matrix parameter(int h) { return h == spec.depth() + 1 ? output : layers.get(h - 1).weights(); }

    /** Every parameter by name, W1..WH then a (the weights-file keys of DESIGN.md). Live matrices. */
    public Map<String, Matrix> parameters() {
        Map<String, Matrix> map = new LinkedHashMap<>();
        for (int h = 1; h <= spec.parameterCount(); h++) map.put(spec.parameterName(h), parameter(h));
        return map;
    }

    /** Bytes the weights take. */
    public static long bytes(NetworkSpec spec) {
        long total = Matrix.bytes((long) spec.pixels() * spec.width(), 1);
        for (int h = 1; h <= spec.depth(); h++) total += Matrix.bytes(spec.width(), spec.fanIn(h));
        return total;
    }

    /** The predictions u = f(x_i) for the rows of x (allocates a workspace: not for training loops). */
    public Matrix predict(Matrix x) {
        try (Workspace ws = new Workspace(spec, x.rows())) {
            forward(ws, x);
            return ws.predictions.copy();
        }
    }

    /**
     * Forward pass of the rows of x (ws.rows() x d; channel-major n x d0 p for the convolutional ResNet, which
     * first transposes them to pixel rows): fills pre-activations, outputs, slopes and u.
     */
    public void forward(Workspace ws, Matrix x) {
        if (ws.inputPixels != null) toPixelRows(x, ws.inputPixels, spec.pixels());
        ws.input = ws.inputPixels != null ? ws.inputPixels : x;
        Matrix in = ws.input;
        for (int h = 1; h <= spec.depth(); h++) {
            layers.get(h - 1).forward(in, ws.prePixels[h - 1], ws.outPixels[h - 1], ws.slopePixels[h - 1], ws);
            in = ws.outPixels[h - 1];
        }
        Linalg.multVec(1.0, ws.out[spec.depth() - 1], output, 0.0, ws.predictions);    // u = X^(H) a
        ws.lowestSignal = spec.depth() + 1;
    }

    /** x (n x d0 p, channel-major) into pixel rows ((n p) x d0). */
    private static void toPixelRows(Matrix x, Matrix pixelRows, int p) {
        java.nio.DoubleBuffer from = x.buffer(), to = pixelRows.buffer();
        int n = x.rows(), channels = x.cols() / p;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
                for (int l = 0, src = i * p * channels + c * p; l < p; l++) to.put((i * p + l) * channels + c, from.get(src + l));
    }

    /**
     * Back-propagates the unit output through the last forward pass: B_h for h = H down to lowest, each row
     * the gradient of that sample's own output u_i. The loss gradient of layer h is then
     * B_h^T diag(dL/du) X^(h-1), so one backward pass serves both the update and the Gram matrices.
     */
    public void backSignals(Workspace ws, int lowest) {
        if (lowest >= ws.lowestSignal) return;
        Elementwise.broadcastRow(output, ws.gradA);                             // du_i / dx^(H)_i = a for every i
        Matrix gradOut = ws.gradAPixels, gradIn = ws.gradBPixels;
        for (int h = spec.depth(); h >= lowest; h--) {
            boolean further = h > lowest;
            layers.get(h - 1).backward(gradOut, ws.slopePixels[h - 1], ws.signalPixels[h - 1], further ? gradIn : null, ws);
            Matrix t = gradOut; gradOut = gradIn; gradIn = t;
        }
        ws.lowestSignal = lowest;
    }

    /**
     * One gradient step on the trained parameters, from the last forward pass, its residuals dL/du and its
     * signals: W^(h) -= stepSize * (diag(dL/du) B_h)^T phi(X^(h-1)), a -= stepSize * X^(H)^T dL/du.
     * Each update is BLAS calls accumulating into the weights (one per block of patch matrices): no gradient buffer.
     */
    public void descend(Workspace ws, TrainedLayers trained, double stepSize) {
        backSignals(ws, trained.lowestHidden(spec.depth()));
        for (int h = 1; h <= spec.depth(); h++) {
            if (!trained.contains(h)) continue;
            Elementwise.scaleRows(ws.residuals, ws.signal[h - 1], ws.scaledSignal);       // diag(dL/du) B_h
            layers.get(h - 1).descend(stepSize, ws.scaledSignalPixels, ws.layerInput(h), ws);
        }
        if (trained.contains(spec.depth() + 1))
            Linalg.multTransAVec(-stepSize, ws.out[spec.depth() - 1], ws.residuals, 1.0, output);
    }

    @Override public void close() {
        for (Layer l : layers) l.weights().close();
        output.close();
    }
}
