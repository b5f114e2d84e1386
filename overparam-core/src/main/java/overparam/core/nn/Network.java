package overparam.core.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import overparam.core.BadInputException;
import overparam.core.Seeds;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Gradients;

/**
 * One of seed 004's (or seed 002's) networks with its weights: hidden layers 1..H and the output layer a, u = a^T x^(H)
 * (u = <a, x^(H)> with a in R^{m x p} for the convolutional ResNet; a in R^{m x k} for a k-output head, and a = 1,
 * fixed, for seed 002's u = ||x^(N)||_1). Parameters are numbered h = 1..H for W^(h) and H + 1 for a, as the Gram
 * matrices G^(h) are; a learned PReLU slope belongs to its layer, and so do Fixup's scalars ({@link #scalars}: the
 * branch layers', and the bias before a, whose forward pass leaves x^(H) + b in the workspace's top output). Inside, a is laid out like a sample's activations
 * (pixel-major, index l m + r), so U = X^(H) a is one product for every network; the weights files keep seed 004's
 * m x p ({@link #weightArrays}). The fc network with --bias-scale beta also has biases ({@link #bias}): b^(h) in each hidden
 * layer ({@link DenseLayer}) and b_out in u = a^T x^(H) + beta b_out, trained parameters that follow their layer's weights
 * but are no weights (never in {@link #parameters}, so masks, pruning and weight counts leave them out); the weights files
 * keep them as b1..bH and b_out (1-D, lengths m_1..m_H and k).
 */
public final class Network implements AutoCloseable {
    private final NetworkSpec spec;
    private final List<Layer> layers;
    private final Matrix output;    // a, (p width) x k, pixel-major
    /**
     * Fixup's scalar bias before the output layer (Zhang et al. 2019, Section 3, rule 3), u = (x^(H) + b) a, 1 x 1 and
     * starting at 0; null without Fixup's scalars. Stored with a: the weights file's {@link #OUTPUT_BIAS}.
     */
    private final Matrix outputBias;
    private final List<Matrix> outputScalars;       // [outputBias] or empty, made once
    private double outputBiasGradient;

    /** The weights-file key of the scalar bias before the output layer. */
    public static final String OUTPUT_BIAS = "output_b";

    /** The output bias b_out (k x 1, u gains beta b_out), null without biases; stored in the weights files as {@link #BIAS_OUT}. */
    private final Matrix biasOut;

    /** The weights-file key of the output bias b_out (the hidden layers' are b1..bH, {@link #biasName}). */
    public static final String BIAS_OUT = "b_out";

    private Network(NetworkSpec spec, List<Matrix> hiddenWeights, Matrix output, List<Activation> activations) {
        this.spec = spec;
        this.output = output;
        this.outputBias = spec.fixupScalars() ? Matrix.vectorOf(0.0) : null;
        this.outputScalars = outputBias == null ? List.of() : List.of(outputBias);
        this.biasOut = spec.hasBiases() ? Matrix.vector(spec.outputs()) : null;
        List<Layer> ls = new ArrayList<>();
        for (int h = 1; h <= spec.depth(); h++) {
            Matrix w = hiddenWeights.get(h - 1);
            Activation act = activations.get(h - 1);
            ls.add(spec.layerKind(h).build(w, act, spec, h));
        }
        this.layers = List.copyOf(ls);
    }

    /** Each layer's activation: the spec's, or a slope of its own for PReLU. */
    private static List<Activation> layerActivations(NetworkSpec spec) {
        List<Activation> acts = new ArrayList<>();
        for (int h = 1; h <= spec.depth(); h++)
            acts.add(spec.activation() instanceof Activation.PRelu p ? p.copy() : spec.activation());
        return acts;
    }

    /** The standard initialization ({@link Init#STANDARD}). */
    public static Network initialize(NetworkSpec spec, long seed) {
        return initialize(spec, seed, Init.STANDARD);
    }

    /**
     * Seed 004's initialization: every entry of every W^(h) and of a is N(0, 1); the two-layer network draws a_r
     * uniformly from {-1, +1} instead (Du et al. 2018). Seed 002's networks draw N(0, 1/d) and read out a = 1 (or a
     * k-output head, N(0, 1/d)); so does the quadratic network of Li, Ma, Zhang (2018), W_ij ~ N(0, alpha^2 / d), a = 1. SMALL and ZERO scale the same draws ({@link Init}). Each parameter has its own random
     * stream, so W2 does not change when d does, and the three schemes are the same draw scaled.
     */
    public static Network initialize(NetworkSpec spec, long seed, Init init) {
        return initialize(spec, seed, init, 1.0);
    }

    /**
     * The same draws times the init scale alpha (every trained weight; a fixed output layer stays as its architecture
     * fixes it); the linear models start as {@link LinearModelInit} says.
     */
    public static Network initialize(NetworkSpec spec, long seed, Init init, double alpha) {
        if (!(alpha >= 0) || !Double.isFinite(alpha)) throw new IllegalArgumentException("init scale " + alpha + ": expected a finite alpha >= 0");
        if (spec.arch().isLinearModel()) {
            LinearModelInit.Weights w = LinearModelInit.of(spec, seed, init, alpha);
            return new Network(spec, w.hidden(), w.output(), layerActivations(spec));
        }
        if (init.linearOnly()) throw new IllegalArgumentException(init.cliName() + " initialization is for the deep linear network, not " + spec.arch());
        boolean standard = spec.arch().isSeed002() || spec.arch() == Arch.QUADRATIC;   // N(0, 1/d): W x has the size of x
        double sd = (standard ? 1 / Math.sqrt(spec.inputDim()) : 1) * alpha;
        List<Matrix> ws = new ArrayList<>();
        for (int h = 1; h <= spec.depth(); h++) {
            Matrix w = Matrix.zeros(spec.width(h), spec.fanIn(h));
            fillGaussian(w, Seeds.stream(seed, "init/" + spec.parameterName(h)), sd * init.hiddenFactor(spec, h));
            ws.add(w);
        }
        Matrix a = Matrix.zeros(spec.pixels() * spec.topWidth(), spec.outputs());
        RandomGenerator rng = Seeds.stream(seed, "init/a");
        if (spec.arch() == Arch.TWO_LAYER) for (int r = 0; r < spec.width(); r++) a.set(r, rng.nextBoolean() ? 1.0 : -1.0);
        else if (spec.outputFixed()) a.fill(1.0);                  // seed 002: u = ||x^(N)||_1; quadratic: u = sum_r (w_r^T x)^2
        else fillGaussian(a, rng, init.zeroOutput() ? 0 : sd);
        Network network = new Network(spec, ws, a, layerActivations(spec));
        if (spec.hasBiases()) {                 // b ~ N(0, 1) (neural-tangents' b_std = beta scales it in the forward pass), own streams
            for (int h = 1; h <= spec.depth(); h++)
                fillGaussian(network.bias(h), Seeds.stream(seed, "init/" + biasName(h)), sd * init.hiddenFactor(spec, h));
            fillGaussian(network.biasOut, Seeds.stream(seed, "init/" + BIAS_OUT), init.zeroOutput() ? 0 : sd);
        }
        return network;
    }

    /** The weights-file key of the bias of parameter h: b1..bH, and b_out for h = H + 1. */
    public static String biasName(int h, NetworkSpec spec) { return h == spec.depth() + 1 ? BIAS_OUT : biasName(h); }

    private static String biasName(int h) { return "b" + h; }

    /**
     * A network with the given weights (keys W1..WH and a, shapes as {@link NetworkSpec#parameterShape}, and alpha1..
     * alphaH for PReLU); copied.
     */
    public static Network fromWeights(NetworkSpec spec, Map<String, Matrix> weights, String source) {
        for (int h = 1; h <= spec.depth() + 1 && !spec.hasBiases(); h++)
            if (weights.containsKey(biasName(h, spec)))
                throw BadInputException.of(source, "biases (keys b1..bH, b_out)", "the weights of a network without them",
                        "Train with --bias-scale BETA to start from these weights; dropping the biases would change the function.");
        if (!spec.fixupScalars() && weights.containsKey(OUTPUT_BIAS))
            throw BadInputException.of(source, "Fixup's scalar biases and multipliers (keys " + OUTPUT_BIAS + ", branch1_b1, ...)",
                    "the weights of a network without them", "Start a network with Fixup's scalars from these weights; dropping them would change its function.");
        List<Activation> acts = layerActivations(spec);
        for (int h = 1; h <= spec.depth() && spec.activation() instanceof Activation.PRelu; h++) {
            Matrix alpha = weights.get("alpha" + h);
            if (alpha == null || alpha.size() != 1 || !Double.isFinite(alpha.get(0, 0)))
                throw BadInputException.of(source, "keys " + weights.keySet(), "a finite PReLU slope 'alpha" + h + "' (shape (1,))",
                        "Save every layer's slope with the weights: numpy.savez(path, W1=..., alpha1=..., ...).");
            ((Activation.PRelu) acts.get(h - 1)).slope().set(0, alpha.get(0, 0));
        }
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
                        shape[0] + " x " + shape[1] + " for --arch " + spec.arch() + " " + widthOption(spec) + " and d = " + spec.inputDim(),
                        "Give weights of the network you train, or change --width/--depth to match them.");
            if (!given.allFinite())
                throw BadInputException.of(source + "[" + name + "]", "NaN or infinite entries", "finite weights", "Check how the file was made.");
            if (h <= spec.depth()) ws.add(given.copy());
            else {
                Network network = new Network(spec, ws, spec.outputs() > 1 ? given.copy() : outputFromFile(given, spec.pixels()), acts);
                for (int s = 1; s <= spec.depth() + 1; s++) {
                    List<Matrix> values = network.scalars(s);
                    List<String> names = network.scalarNames(s);
                    for (int k = 0; k < values.size(); k++) values.get(k).set(0, scalarFromFile(weights, names.get(k), source));
                }
                for (int b = 1; b <= spec.depth() + 1 && spec.hasBiases(); b++) network.bias(b).copyFrom(biasFromFile(weights, b, spec, source));
                return network;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** How the widths were given: --width m, or --widths m_1,..,m_H when they differ from layer to layer. */
    public static String widthOption(NetworkSpec spec) {
        int[] widths = spec.hiddenWidths();
        return widths == null ? "--width " + spec.width()
                : "--widths " + Arrays.stream(widths).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    /** The bias of parameter h in a weights file (1-D of its length), which must be there and finite. */
    private static Matrix biasFromFile(Map<String, Matrix> weights, int h, NetworkSpec spec, String source) {
        String name = biasName(h, spec);
        int length = h == spec.depth() + 1 ? spec.outputs() : spec.width(h);
        Matrix given = weights.get(name);
        if (given == null || given.size() != length || !given.allFinite())
            throw BadInputException.of(source, given == null ? "keys " + weights.keySet() : "'" + name + "' of " + given.size() + " values",
                    "a finite bias '" + name + "' of length " + length + " (--bias-scale " + spec.biasScale() + ")",
                    "Give weights saved by a run with the same --bias-scale and widths, or train without biases (--bias-scale 0).");
        return given.reshaped(length, 1);
    }

    /** A trained scalar of the weights file (shape (1,)), which must be there and finite. */
    private static double scalarFromFile(Map<String, Matrix> weights, String name, String source) {
        Matrix given = weights.get(name);
        if (given == null || given.size() != 1 || !Double.isFinite(given.get(0)))
            throw BadInputException.of(source, "keys " + weights.keySet(), "a finite scalar '" + name + "' (shape (1,)): Fixup's biases and multipliers",
                    "Give weights saved by a run with Fixup's scalars, or train without them.");
        return given.get(0);
    }

    /** a from seed 004's m x p (index r p + l) to the pixel-major vector (index l m + r). */
    public static Matrix outputFromFile(Matrix a, int pixels) {  // public: a mask over a (--mask) takes a's layout too
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
        for (int h = 1; h <= spec.depth(); h++)
            if (layer(h).activation() instanceof Activation.PRelu prelu) arrays.put("alpha" + h, overparam.core.data.NdArray.vector(prelu.slope().copy()));
        for (int h = 1; h <= spec.depth() + 1; h++) {                 // Fixup's scalars, shape (1,) each
            List<Matrix> values = scalars(h);
            for (int k = 0; k < values.size(); k++) arrays.put(scalarNames(h).get(k), overparam.core.data.NdArray.vector(values.get(k).copy()));
        }
        for (int h = 1; h <= spec.depth() + 1 && spec.hasBiases(); h++)            // b1..bH, b_out: 1-D each
            arrays.put(biasName(h, spec), overparam.core.data.NdArray.vector(bias(h).copy()));
        if (spec.outputs() > 1) {
            arrays.put("a", overparam.core.data.NdArray.of(output.copy()));                     // m x k
            return arrays;
        }
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

    /** Every entry sd * N(0, 1), drawn in row-major order from rng (also LinearModelInit's draws). */
    static void fillGaussian(Matrix m, RandomGenerator rng, double sd) {
        int per = m.rowsPerBlock();
        for (int first = 0; first < m.rows(); first += per) {
            var block = m.rowBlock(first, Math.min(per, m.rows() - first));
            for (int i = 0; i < block.capacity(); i++) block.put(i, sd * rng.nextGaussian());
        }
    }

    public NetworkSpec spec() { return spec; }

    public int depth() { return spec.depth(); }

    public int width() { return spec.width(); }

    /** Hidden layer h, 1-based. */
    public Layer layer(int h) { return layers.get(h - 1); }

    /** Parameter h: W^(h) for h = 1..H, a for h = H + 1. The live matrix; observers must not modify it. */
    public Matrix parameter(int h) { return h == spec.depth() + 1 ? output : layers.get(h - 1).weights(); }

    /**
     * The trained scalars that belong to parameter h (Fixup's, 1 x 1 each, live): layer h's for h <= H, the bias before
     * the output layer for h = H + 1; empty without them. They train when parameter h trains, after it.
     */
    public List<Matrix> scalars(int h) {
        return h <= spec.depth() ? layer(h).scalars() : outputScalars;
    }

    /** Their weights-file keys (branch3_b1, ..., output_b). */
    public List<String> scalarNames(int h) {
        if (h <= spec.depth()) return layer(h).scalarNames();
        return outputBias == null ? List.of() : List.of(OUTPUT_BIAS);
    }

    /** dL/d (scalar k of parameter h) from the last backward pass of the loss. */
    double scalarGradient(int h, int k) { return h <= spec.depth() ? layer(h).scalarGradient(k) : outputBiasGradient; }

    /**
     * The bias of parameter h (live, m_h x 1; b_out, k x 1, for h = H + 1), or null when the network has none (--bias-scale 0).
     * A trained parameter after W^(h) (after a), never a weight: {@link #parameters} leaves it out.
     */
    public Matrix bias(int h) { return h == spec.depth() + 1 ? biasOut : layer(h).bias(); }

    /** Every parameter by name, W1..WH then a (the weights-file keys of DESIGN.md). Live matrices. */
    public Map<String, Matrix> parameters() {
        Map<String, Matrix> map = new LinkedHashMap<>();
        for (int h = 1; h <= spec.parameterCount(); h++) map.put(spec.parameterName(h), parameter(h));
        return map;
    }

    /**
     * {@link #parameters}, Fixup's trained scalars and the biases by their weights-file keys (live): what {@link #fromWeights} needs
     * for a network of one's own with the same function.
     */
    public Map<String, Matrix> parametersAndScalars() {
        Map<String, Matrix> map = parameters();
        for (int h = 1; h <= spec.parameterCount(); h++)
            for (int k = 0; k < scalars(h).size(); k++) map.put(scalarNames(h).get(k), scalars(h).get(k));
        for (int h = 1; h <= spec.parameterCount() && spec.hasBiases(); h++) map.put(biasName(h, spec), bias(h));
        return map;
    }

    /** The learned PReLU slopes, one per hidden layer (empty for other activations). */
    public double[] learnedSlopes() {
        if (!(spec.activation() instanceof Activation.PRelu)) return new double[0];
        double[] alphas = new double[spec.depth()];
        for (int h = 1; h <= spec.depth(); h++) alphas[h - 1] = ((Activation.PRelu) layer(h).activation()).alpha();
        return alphas;
    }

    /** Bytes the weights take. */
    public static double bytes(NetworkSpec spec) {
        double total = Matrix.bytes((double) spec.pixels() * spec.topWidth(), spec.outputs());
        for (int h = 1; h <= spec.depth(); h++) total += Matrix.bytes(spec.width(h), spec.fanIn(h)) + (spec.hasBiases() ? Matrix.bytes(spec.width(h), 1) : 0);
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
        Matrix top = ws.top(spec.depth());
        if (outputBias != null) Elementwise.shift(top, outputBias.get(0), top);        // x^(H) + b, what a reads
        if (spec.outputs() == 1) Linalg.multVec(1.0, top, output, 0.0, ws.predictions);    // u = X^(H) a
        else Linalg.mult(1.0, top, output, 0.0, ws.predictions);                          // U = X^(H) A
        if (biasOut != null) Linalg.multTransB(spec.biasScale(), ws.ones, biasOut, 1.0, ws.predictions);   // + beta 1 b_out^T
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
        if (!spec.hasSampleSignals())
            throw new IllegalStateException("per-sample signals B_h need one output and fixed activations; " + spec.arch() + " has "
                    + spec.outputs() + " outputs and " + spec.activation().name());
        Elementwise.broadcastRow(output, ws.topGradient());        // du_i / dx^(H)_i = a for every i
        backward(ws, lowest);
        ws.lowestSignal = lowest;
    }

    /**
     * Back-propagates the loss itself, dL/dU = the residuals, for networks without per-sample signals (k outputs, a
     * learned slope): signal_h = dL/d pre^(h) for h = H down to lowest, and each learned slope's dL/dalpha. The
     * signal buffers then hold no B_h (an observer asking for them gets a fresh backward pass).
     */
    private void lossSignals(Workspace ws, int lowest) {
        Linalg.multTransB(1.0, ws.residuals, output, 0.0, ws.topGradient());   // dL/dX^(H) = R a^T
        if (outputBias != null) outputBiasGradient = Elementwise.sum(ws.topGradient());   // before the blocks' skips add to it
        backward(ws, lowest);
        ws.lowestSignal = spec.depth() + 1;
    }

    /** From the gradient at x^(H) in ws.gradA, each layer's backward pass from H down to lowest, two buffers alternating. */
    private void backward(Workspace ws, int lowest) {
        for (int h = spec.depth(); h >= lowest; h--) {
            boolean further = h > lowest, first = (spec.depth() - h) % 2 == 0;        // layer H reads gradA, H - 1 gradB, ...
            Matrix gradOut = first ? ws.gradAOf[h - 1] : ws.gradBOf[h - 1];
            Matrix gradIn = further ? (first ? ws.gradBOf[h - 2] : ws.gradAOf[h - 2]) : null;
            layers.get(h - 1).backward(gradOut, ws.prePixels[h - 1], ws.slopePixels[h - 1], ws.signalPixels[h - 1], gradIn, ws);
        }
    }

    /**
     * The gradients of the trained parameters for an optimizer, from the last forward pass through ws and its residuals
     * dL/du: W^(h) and its learned PReLU slope for each trained h in order, then a. The gradient of W^(h) is
     * (diag(dL/du) B_h)^T phi(X^(h-1)) from the per-sample signals when the network has them (one backward pass then
     * also serves the Gram matrices), else (dL/d pre^(h))^T phi(X^(h-1)); that of a is X^(H)^T dL/dU. Each is formed by
     * BLAS straight into the destination the optimizer names. Made once per run.
     */
    public Gradients gradients(Workspace ws, TrainedLayers trained) { return new LossGradients(ws, trained); }

    private final class LossGradients implements Gradients {
        private final Workspace ws;
        private final int lowest;
        private final int[] layerOf;            // parameter i belongs to layer h (H + 1: a)
        private final boolean[] slope;          // and is its learned slope
        private final int[] scalarOf;           // or its trained scalar k (Fixup's), else -1
        private final boolean[] bias;           // or its bias (b^(h), b_out)
        private final Matrix[] parameters;

        LossGradients(Workspace ws, TrainedLayers trained) {
            this.ws = ws;
            this.lowest = trained.lowestHidden(spec.depth());
            List<Integer> layerOf = new ArrayList<>(), scalarOf = new ArrayList<>();
            List<Boolean> slope = new ArrayList<>(), bias = new ArrayList<>();
            List<Matrix> parameters = new ArrayList<>();
            for (int h = 1; h <= spec.depth() + 1; h++) {
                if (!trained.contains(h)) continue;
                layerOf.add(h); slope.add(false); scalarOf.add(-1); bias.add(false);
                parameters.add(Network.this.parameter(h));
                if (h <= spec.depth() && layer(h).activation() instanceof Activation.PRelu p) {
                    layerOf.add(h); slope.add(true); scalarOf.add(-1); bias.add(false);
                    parameters.add(p.slope());
                }
                List<Matrix> scalars = scalars(h);                          // the parameter vector's order (ParameterVector.of)
                for (int k = 0; k < scalars.size(); k++) {
                    layerOf.add(h); slope.add(false); scalarOf.add(k); bias.add(false);
                    parameters.add(scalars.get(k));
                }
                if (Network.this.bias(h) != null) {                         // b^(h) after W^(h), b_out after a: trained with them
                    layerOf.add(h); slope.add(false); scalarOf.add(-1); bias.add(true);
                    parameters.add(Network.this.bias(h));
                }
            }
            this.layerOf = layerOf.stream().mapToInt(Integer::intValue).toArray();
            this.scalarOf = scalarOf.stream().mapToInt(Integer::intValue).toArray();
            this.slope = new boolean[slope.size()];
            this.bias = new boolean[bias.size()];
            for (int i = 0; i < slope.size(); i++) { this.slope[i] = slope.get(i); this.bias[i] = bias.get(i); }
            this.parameters = parameters.toArray(new Matrix[0]);
        }

        @Override public int count() { return parameters.length; }

        @Override public Matrix parameter(int i) { return parameters[i]; }

        @Override public boolean isScalar(int i) { return slope[i] || scalarOf[i] >= 0; }

        @Override public void prepare() {
            if (spec.hasSampleSignals()) backSignals(ws, lowest);
            else lossSignals(ws, lowest);
        }

        @Override public void accumulate(int i, double alpha, double beta, Matrix target) {
            if (isScalar(i)) {                  // a number: target = beta target + alpha g (beta = 0 ignores target, as BLAS does)
                double g = alpha * scalar(i);
                target.set(0, beta == 0 ? g : beta * target.get(0) + g);
                return;
            }
            int h = layerOf[i];
            if (bias[i] && h == spec.depth() + 1) {             // dL/db_out = beta R^T 1
                Linalg.multTransAVec(alpha * spec.biasScale(), ws.residuals, ws.ones, beta, target);
                return;
            }
            if (h == spec.depth() + 1) {
                Linalg.multTransA(alpha, ws.top(spec.depth()), ws.residuals, beta, target);
                return;
            }
            Matrix signal = ws.signalPixels[h - 1];
            if (spec.hasSampleSignals()) {
                Elementwise.scaleRows(ws.residuals, ws.signal[h - 1], ws.scaledSignalOf[h - 1]);     // diag(dL/du) B_h
                signal = ws.scaledSignalPixelsOf[h - 1];
            }
            if (bias[i]) layers.get(h - 1).accumulateBiasGradient(alpha, signal, beta, target, ws);   // dL/db^(h) = beta S^T 1
            else layers.get(h - 1).accumulateGradient(alpha, signal, ws.layerInput(h), beta, target, ws);
        }

        @Override public double scalar(int i) {
            if (scalarOf[i] >= 0) return scalarGradient(layerOf[i], scalarOf[i]);
            return ((Activation.PRelu) layer(layerOf[i]).activation()).gradient().get(0);
        }
    }

    @Override public void close() {
        for (Layer l : layers) {
            l.weights().close();
            if (l.activation() instanceof Activation.PRelu p) { p.slope().close(); p.gradient().close(); }
            if (l instanceof BranchLayer.In in && in.fixup() != null) in.fixup().close();
            if (l.bias() != null) l.bias().close();
            if (l instanceof BranchLayer.Out out && out.fixup() != null) out.fixup().close();
        }
        output.close();
        if (outputBias != null) outputBias.close();
        if (biasOut != null) biasOut.close();
    }
}
