package overparam.core.nn;

import java.util.Optional;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * Exact Hessian-vector products H v of the training loss L(theta) (as {@link Loss} defines it over the rows given: a sum
 * for the squared loss, a mean for the mean losses) in the trained parameters, in {@link ParameterVector}'s layout, by
 * Pearlmutter's R-operator (Neural Computation 1994), forward over backward. With pre_h = x_{h-1} W_h^T, x_h =
 * s sigma(pre_h) (+ x_{h-1} in a residual block, seed 004 eq. 3), u = x_H a, gamma_h = dL/dx_h, delta_h = dL/dpre_h =
 * gamma_h o s sigma'(pre_h), and R{.} the derivative along v = (V_1, ..., V_H, V_a):
 * <pre>
 *   R{pre_h} = R{x_{h-1}} W_h^T + x_{h-1} V_h^T          R{x_h} = s sigma'(pre_h) o R{pre_h} (+ R{x_{h-1}})
 *   R{u} = R{x_H} a + x_H V_a                            R{dL/du} = l''(u) R{u}        ({@link LossCurvature})
 *   R{gamma_H} = R{dL/du} a^T + dL/du V_a^T
 *   R{delta_h} = R{gamma_h} o s sigma'(pre_h) + gamma_h o s sigma''(pre_h) o R{pre_h}
 *   R{gamma_{h-1}} = R{delta_h} W_h + delta_h V_h (+ R{gamma_h})
 *   H v: R{dL/dW_h} = R{delta_h}^T x_{h-1} + delta_h^T R{x_{h-1}},   R{dL/da} = R{x_H}^T dL/du + x_H^T R{dL/du}
 * </pre>
 * {@link #at} fixes the point (one forward and one backward pass, kept); each {@link #apply} is then a tangent
 * forward and backward pass: six products per layer against a training step's three, so one product costs about two
 * training steps. Every product is BLAS; buffers are made once for a network and a row count.
 * <p>
 * Supported: the dense and residual layers of fc, resnet, two-layer, the deep linear network (depth 0 too), the
 * quadratic network and seed 002's no-identity control. {@link #unsupported} names the rest.
 */
public final class HessianVectorProduct implements AutoCloseable {
    private final Network network;
    private final Loss loss;
    private final ParameterVector layout;
    private final int depth, lowest;
    private final boolean curved;                    // sigma'' != 0: not relu, leaky-relu or identity
    private final boolean outputTrained;
    private final Workspace ws;
    private final Matrix[] rPre, rOut, gamma, delta, curvature, rGamma, rDelta;   // per hidden layer, index h - 1
    private final Matrix rU, rG;                      // R{u}, R{dL/du}: rows x k
    private final Matrix direction, product;          // P-vectors the caller's v is copied into and H v is formed in
    private final Matrix[] directionOf, productOf;    // their blocks per parameter h (index h - 1; null when untrained)
    private Matrix labels;

    /**
     * Why the R-operator here does not cover this network, or empty when it does: a learned PReLU slope has no place in
     * the parameter vector, the convolutional ResNet's patch operator and seed 002's identity-mapping and the diagonal
     * network's layers are not the dense or residual layer the passes above are written for.
     */
    public static Optional<String> unsupported(NetworkSpec spec) {
        if (spec.activation() instanceof Activation.PRelu) return Optional.of("a learned PReLU slope (prelu) is not a coordinate of the parameter vector");
        if (spec.hasBiases()) return Optional.of("--bias-scale " + spec.biasScale() + ": the biases have no tangent pass or place in the parameter vector here");
        if (spec.fixupScalars()) return Optional.of("Fixup's scalar biases and multipliers: their tangent pass (and the branch layers') is not written here");
        if (spec.isConvolutional()) return Optional.of("the convolutional ResNet (conv-resnet): its patch operator has no tangent pass here");
        for (int h = 1; h <= spec.depth(); h++) {
            LayerKind kind = spec.layerKind(h);
            if (kind != DenseLayer.KIND && kind != DenseLayer.FIXED_WIDTH_KIND && kind != DenseLayer.LINEAR_KIND
                    && kind != DenseLayer.QUADRATIC_KIND && kind != ResidualLayer.KIND)
                return Optional.of("the " + kind.name() + " layer of --arch " + spec.arch() + " has no tangent pass here");
        }
        return Optional.empty();
    }

    /** Bytes this takes beyond the network: the forward workspace, seven rows x width buffers per layer, two P-vectors. */
    public static double bytes(NetworkSpec spec, long rows, long parameters) {
        double total = Workspace.bytes(spec, rows) + 2 * Matrix.bytes(rows, spec.outputs()) + 2 * Matrix.bytes(parameters, 1);
        for (int h = 1; h <= spec.depth(); h++) total += 7 * Matrix.bytes(rows, spec.width(h));
        return total;
    }

    public HessianVectorProduct(Network network, TrainedLayers trained, Loss loss, int rows) {
        NetworkSpec spec = network.spec();
        unsupported(spec).ifPresent(reason -> { throw new IllegalArgumentException("no Hessian-vector product for " + reason); });
        this.network = network;
        this.loss = loss;
        this.layout = ParameterVector.of(network, trained);
        this.depth = spec.depth();
        this.lowest = trained.lowestHidden(depth);
        this.curved = !spec.activation().positivelyHomogeneous();
        this.outputTrained = trained.contains(depth + 1);
        this.ws = new Workspace(spec, rows);
        rPre = new Matrix[depth];
        rOut = new Matrix[depth];
        gamma = new Matrix[depth];
        delta = new Matrix[depth];
        curvature = new Matrix[depth];
        rGamma = new Matrix[depth];
        rDelta = new Matrix[depth];
        for (int h = 1; h <= depth; h++) {
            int w = spec.width(h);
            rPre[h - 1] = Matrix.zeros(rows, w);
            rOut[h - 1] = Matrix.zeros(rows, w);
            gamma[h - 1] = Matrix.zeros(rows, w);
            delta[h - 1] = Matrix.zeros(rows, w);
            curvature[h - 1] = curved ? Matrix.zeros(rows, w) : null;
            rGamma[h - 1] = Matrix.zeros(rows, w);
            rDelta[h - 1] = Matrix.zeros(rows, w);
        }
        rU = Matrix.zeros(rows, spec.outputs());
        rG = Matrix.zeros(rows, spec.outputs());
        direction = layout.zeros();
        product = layout.zeros();
        directionOf = new Matrix[depth + 1];
        productOf = new Matrix[depth + 1];
        for (int b = 0; b < layout.blocks(); b++) {
            directionOf[layout.layer(b) - 1] = layout.view(direction, b);
            productOf[layout.layer(b) - 1] = layout.view(product, b);
        }
    }

    public ParameterVector layout() { return layout; }

    public int rows() { return ws.rows(); }

    /**
     * Fixes the point: the network's current weights on the rows (x, y), x with {@link #rows} rows. One forward pass and
     * one backward pass of dL/du, whose delta_h, gamma_h and gamma_h o s sigma''(pre_h) every later {@link #apply}
     * reuses. Returns L there. The weights and x, y must not change until the last apply at this point.
     */
    public double at(Matrix x, Matrix y) {
        if (x.rows() != ws.rows()) throw new IllegalArgumentException("this Hessian takes " + ws.rows() + " rows, got " + x.rows());
        labels = y;
        network.forward(ws, x);
        double value = loss.evaluate(ws.predictions, y, ws.residuals);
        if (lowest > depth) return value;
        Linalg.multTransB(1.0, ws.residuals, network.parameter(depth + 1), 0.0, gamma[depth - 1]);   // dL/dx_H = (dL/du) a^T
        for (int h = depth; h >= lowest; h--) {
            Layer layer = network.layer(h);
            Elementwise.multiply(gamma[h - 1], ws.slope[h - 1], delta[h - 1]);                    // delta_h = gamma_h o s sigma'
            if (curved) secondDerivativeTimes(layer, ws.pre[h - 1], gamma[h - 1], curvature[h - 1]);
            if (h > lowest) {
                Linalg.mult(1.0, delta[h - 1], layer.weights(), 0.0, gamma[h - 2]);              // delta_h W_h
                if (layer instanceof ResidualLayer) Linalg.addScaled(1.0, gamma[h - 1], gamma[h - 2]);   // + the skip
            }
        }
        return value;
    }

    /** out = s sigma''(pre) o gamma, elementwise; once per point. */
    private static void secondDerivativeTimes(Layer layer, Matrix pre, Matrix gamma, Matrix out) {
        Activation act = layer.activation();
        double s = layer.scale();
        var z = pre.buffer();
        var g = gamma.buffer();
        var o = out.buffer();
        for (int i = 0, size = (int) pre.size(); i < size; i++) o.put(i, s * act.secondDerivative(z.get(i)) * g.get(i));
    }

    /** out = H v at the point of the last {@link #at}; v and out are P-vectors of {@link #layout} (out may be v). */
    public void apply(Matrix v, Matrix out) {
        if (labels == null) throw new IllegalStateException("no point: call at(x, y) first");
        direction.copyFrom(v);
        Matrix a = network.parameter(depth + 1), va = directionOf[depth];
        // the tangent forward pass; R{x_h} = 0 below the lowest trained layer
        for (int h = lowest; h <= depth; h++) {
            Layer layer = network.layer(h);
            Matrix in = ws.layerInput(h), vh = directionOf[h - 1];
            boolean fromBelow = h > lowest;
            if (fromBelow) Linalg.multTransB(1.0, rOut[h - 2], layer.weights(), 0.0, rPre[h - 1]);
            if (vh != null) Linalg.multTransB(1.0, in, vh, fromBelow ? 1.0 : 0.0, rPre[h - 1]);
            else if (!fromBelow) rPre[h - 1].fill(0);
            Elementwise.multiply(ws.slope[h - 1], rPre[h - 1], rOut[h - 1]);
            if (layer instanceof ResidualLayer && fromBelow) Linalg.addScaled(1.0, rOut[h - 2], rOut[h - 1]);
        }
        Matrix top = ws.top(depth);
        boolean topMoves = lowest <= depth;
        if (topMoves) Linalg.mult(1.0, rOut[depth - 1], a, 0.0, rU);                                   // R{x_H} a
        if (outputTrained) Linalg.mult(1.0, top, va, topMoves ? 1.0 : 0.0, rU);                       // + x_H V_a
        else if (!topMoves) rU.fill(0);
        LossCurvature.apply(loss, ws.predictions, labels, rU, rG);                                    // R{dL/du} = l'' R{u}
        // the tangent backward pass
        if (outputTrained) {
            Matrix ha = productOf[depth];
            Linalg.multTransA(1.0, top, rG, 0.0, ha);                                                 // x_H^T R{dL/du}
            if (topMoves) Linalg.multTransA(1.0, rOut[depth - 1], ws.residuals, 1.0, ha);             // + R{x_H}^T dL/du
        }
        if (topMoves) {
            Linalg.multTransB(1.0, rG, a, 0.0, rGamma[depth - 1]);
            if (outputTrained) Linalg.multTransB(1.0, ws.residuals, va, 1.0, rGamma[depth - 1]);
        }
        for (int h = depth; h >= lowest; h--) {
            Layer layer = network.layer(h);
            Matrix vh = directionOf[h - 1], hw = productOf[h - 1];
            Elementwise.multiply(rGamma[h - 1], ws.slope[h - 1], rDelta[h - 1]);
            if (curved) Elementwise.multiplyAdd(curvature[h - 1], rPre[h - 1], rDelta[h - 1]);
            if (hw != null) {
                Linalg.multTransA(1.0, rDelta[h - 1], ws.layerInput(h), 0.0, hw);                       // R{delta_h}^T x_{h-1}
                if (h > lowest) Linalg.multTransA(1.0, delta[h - 1], rOut[h - 2], 1.0, hw);             // + delta_h^T R{x_{h-1}}
            }
            if (h > lowest) {
                Linalg.mult(1.0, rDelta[h - 1], layer.weights(), 0.0, rGamma[h - 2]);
                if (vh != null) Linalg.mult(1.0, delta[h - 1], vh, 1.0, rGamma[h - 2]);
                if (layer instanceof ResidualLayer) Linalg.addScaled(1.0, rGamma[h - 1], rGamma[h - 2]);
            }
        }
        out.copyFrom(product);
    }

    /** The workspace of the point: its predictions and residuals dL/du. */
    public Workspace workspace() { return ws; }

    @Override public void close() {
        for (Matrix[] buffers : new Matrix[][] {rPre, rOut, gamma, delta, curvature, rGamma, rDelta})
            for (Matrix m : buffers) if (m != null) m.close();
        for (Matrix m : directionOf) if (m != null) m.close();
        for (Matrix m : productOf) if (m != null) m.close();
        rU.close();
        rG.close();
        direction.close();
        product.close();
        ws.close();
    }
}
