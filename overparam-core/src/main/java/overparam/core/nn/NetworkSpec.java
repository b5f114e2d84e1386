package overparam.core.nn;

import java.util.Optional;
import overparam.core.BadInputException;

/**
 * The shape of a network: architecture, input dimension d, width m, depth H, activation, the ResNet
 * branch scale c_res, and for the convolutional ResNet its {@link Patches} (image shape and patch size; NONE
 * for the dense networks). The input dimension is the length of a sample's row: d0 p for a convolutional net
 * (d0 channels of p pixels, channel-major as numpy stores n x d0 x p). Everything else (layer scales,
 * c_sigma) follows from these. fixupScalars adds Fixup's trained scalar biases and multipliers to the unit-branch residual
 * MLP ({@link BranchLayer}).
 */
public record NetworkSpec(Arch arch, int inputDim, int width, int depth, Activation activation, double cRes, Patches patches, int outputs,
                          int[] hiddenWidths, boolean fixupScalars, double biasScale) {
    /**
     * Default c_res. Seed 004 asks only 0 < c_res < 1 ("a small constant"). At 0.5 the residual stream stays
     * O(1) at every depth, as eq. 3 intends: at initialization ||x^(H)|| / ||x^(1)|| stays below 1.6 for every
     * activation here (1.13 for relu, 1.37 for softplus at H = 64; ResNetScaleTest), where c_res = 1 lets it
     * reach 5.4 (quadratic). A smaller value changes no scaling claim but slows training, since K^(H) of
     * Def. 6.1 carries the factor c_res^2 / H^2.
     */
    public static final double DEFAULT_C_RES = 0.5;

    /** A dense network (fc, resnet, two-layer). */
    public NetworkSpec(Arch arch, int inputDim, int width, int depth, Activation activation, double cRes) {
        this(arch, inputDim, width, depth, activation, cRes, Patches.NONE);
    }

    /** A network with one output (the theorems' networks). */
    public NetworkSpec(Arch arch, int inputDim, int width, int depth, Activation activation, double cRes, Patches patches) {
        this(arch, inputDim, width, depth, activation, cRes, patches, 1);
    }

    /** A network whose hidden layers all have the width m (every network but a deep linear or fc one with chosen widths). */
    public NetworkSpec(Arch arch, int inputDim, int width, int depth, Activation activation, double cRes, Patches patches, int outputs) {
        this(arch, inputDim, width, depth, activation, cRes, patches, outputs, null);
    }

    /** A network without Fixup's scalars (every network but a unit-branch residual MLP that asks for them). */
    public NetworkSpec(Arch arch, int inputDim, int width, int depth, Activation activation, double cRes, Patches patches, int outputs,
                       int[] hiddenWidths) {
        this(arch, inputDim, width, depth, activation, cRes, patches, outputs, hiddenWidths, false);
    }

    /** A network without biases (every network but an fc one with --bias-scale). */
    public NetworkSpec(Arch arch, int inputDim, int width, int depth, Activation activation, double cRes, Patches patches, int outputs,
                       int[] hiddenWidths, boolean fixupScalars) {
        this(arch, inputDim, width, depth, activation, cRes, patches, outputs, hiddenWidths, fixupScalars, 0);
    }

    /**
     * The same network with or without Fixup's scalar biases and multipliers (Zhang, Dauphin, Ma 2019, Section 3, rule 3;
     * {@link BranchLayer}): the unit-branch residual MLP only.
     */
    public NetworkSpec withFixupScalars(boolean scalars) {
        return new NetworkSpec(arch, inputDim, width, depth, activation, cRes, patches, outputs, hiddenWidths, scalars, biasScale);
    }

    /**
     * The fc network with biases of scale beta (0: none, seed 004's network): the NTK-parameterized network with biases of
     * Jacot et al. (2018) and Lee et al. (2019), neural-tangents' b_std = beta. Hidden layer h is
     * x^(h) = sqrt(c_sigma / m_h) sigma(W^(h) x^(h-1) + beta b^(h)) and the output u = a^T x^(H) + beta b_out, b ~ N(0, 1)
     * at initialization ({@link DenseLayer}).
     */
    public NetworkSpec withBiasScale(double beta) {
        return new NetworkSpec(arch, inputDim, width, depth, activation, cRes, patches, outputs, hiddenWidths, fixupScalars, beta);
    }

    /** Whether the network has biases (b^(1)..b^(H), b_out): --bias-scale beta > 0. */
    public boolean hasBiases() { return biasScale > 0; }

    /**
     * A deep linear network with hidden widths m_1 .. m_{N-1} of its own choosing (W_h is m_h x m_{h-1}); width is then
     * their largest (what memory estimates take).
     */
    public static NetworkSpec linear(int inputDim, int[] hiddenWidths, int outputs) {
        int max = java.util.Arrays.stream(hiddenWidths).max().orElse(inputDim);
        return new NetworkSpec(Arch.LINEAR, inputDim, hiddenWidths.length == 0 ? inputDim : max, hiddenWidths.length, new Activation.Identity(), 0.5,
                Patches.NONE, outputs, hiddenWidths);
    }

    public NetworkSpec {
        if (hiddenWidths != null) {
            hiddenWidths = hiddenWidths.clone();
            if (arch != Arch.LINEAR && arch != Arch.FC || hiddenWidths.length != depth)
                throw new IllegalArgumentException("network shape: chosen hidden widths are for the deep linear and the fully-connected network, one a hidden layer");
            for (int w : hiddenWidths) require(w >= 1, "hidden widths at least 1");
            int max = 0;
            boolean uniform = true;
            for (int w : hiddenWidths) { max = Math.max(max, w); uniform &= w == hiddenWidths[0]; }
            require(depth == 0 || width == max, "width = the largest chosen hidden width");
            if (uniform) hiddenWidths = null;                                       // one width: the ordinary network
        }
        if (arch == null || activation == null || patches == null) throw new IllegalArgumentException("arch, activation and patches are required");
        if (arch != Arch.CONV_RESNET && patches.pixels() * patches.size() != 1)
            throw new IllegalArgumentException("only the convolutional ResNet takes patches, got " + patches + " for " + arch);
        if (arch == Arch.CONV_RESNET && inputDim % patches.pixels() != 0)
            throw BadInputException.of("input dimension " + inputDim, inputDim + " values a sample", "channels x " + patches.pixels() + " pixels",
                    "Give inputs of shape n x channels x pixels (or n x channels x rows x cols).");
        if (inputDim < 1) throw BadInputException.of("input dimension d", inputDim, "a positive integer", "Give data with at least one column.");
        // the shape's invariants; the lab's plan refuses user input breaking them first, with the option and the fix
        require(width >= 1 && depth >= (arch == Arch.LINEAR ? 0 : 1), "width at least 1, depth at least 1 (0 for the linear model)");
        require(!(arch == Arch.RESNET || arch == Arch.CONV_RESNET) || depth >= 2, "residual blocks for h = 2..H: depth >= 2");
        require(arch != Arch.TWO_LAYER || depth == 1, "the two-layer network has depth 1");
        require(outputs >= 1 && (outputs == 1 || arch != Arch.TWO_LAYER && arch != Arch.CONV_RESNET), "one output for two-layer and conv-resnet");
        require(!arch.isSeed002() || width == inputDim, "seed 002's W is d x d: width = input dimension");
        require(!(activation instanceof Activation.PRelu) || arch.isSeed002(), "prelu only in seed 002's networks");
        require(!arch.isLinearModel() || activation instanceof Activation.Identity, "the identity activation in linear models");
        require(arch != Arch.LINEAR || depth > 0 || width == inputDim, "the linear model (no hidden layer) has a d x k: width = d");
        require(arch != Arch.DIAGONAL || depth == 1 && width == 2 * inputDim && outputs == 1, "the diagonal network: one layer of 2d units, one output");
        require(arch != Arch.QUADRATIC || depth == 1 && outputs == 1 && activation instanceof Activation.Quadratic,
                "the quadratic network: one hidden layer, the quadratic activation, one output");
        require(!(arch == Arch.RESNET || arch == Arch.CONV_RESNET) || cRes > 0 && Double.isFinite(cRes), "c_res > 0");
        require(arch != Arch.RESNET_UNIT || depth >= 3 && depth % 2 == 1,
                "the unit-branch residual MLP: an odd depth H >= 3 (W1, then two weight matrices a block)");
        require(!fixupScalars || arch == Arch.RESNET_UNIT, "Fixup's scalar biases and multipliers only in the unit-branch residual MLP");
        require(biasScale >= 0 && Double.isFinite(biasScale) && (biasScale == 0 || arch == Arch.FC), "a finite bias scale >= 0, biases only in the fc network");
    }

    private static void require(boolean holds, String what) {
        if (!holds) throw new IllegalArgumentException("network shape: expected " + what);
    }

    /** The width m_h of hidden layer h (1-based): the network's width, or the one chosen for it (deep linear and fc networks). */
    public int width(int h) { return hiddenWidths == null ? width : hiddenWidths[h - 1]; }

    @Override public int[] hiddenWidths() { return hiddenWidths == null ? null : hiddenWidths.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof NetworkSpec n && arch == n.arch && inputDim == n.inputDim && width == n.width && depth == n.depth
                && activation.equals(n.activation) && Double.compare(cRes, n.cRes) == 0 && patches.equals(n.patches) && outputs == n.outputs
                && java.util.Arrays.equals(hiddenWidths, n.hiddenWidths) && fixupScalars == n.fixupScalars
                && Double.compare(biasScale, n.biasScale) == 0;
    }

    @Override public int hashCode() {
        return (java.util.Objects.hash(arch, inputDim, width, depth, activation, cRes, patches, outputs) * 31 + java.util.Arrays.hashCode(hiddenWidths)) * 31
                + Boolean.hashCode(fixupScalars) + 961 * Double.hashCode(biasScale);
    }

    /** c_sigma = 1 / E[sigma(z)^2] of this network's activation. */
    public double cSigma() { return activation.cSigma(); }

    /** The scale in front of sigma(W^(h) x^(h-1)) at hidden layer h (1-based). */
    public double layerScale(int h) {
        return switch (arch) {
            case FC -> Math.sqrt(cSigma() / width(h));                       // eq. 2 with layer h's own width m_h
            case RESNET, CONV_RESNET -> h == 1 ? Math.sqrt(cSigma() / width) : cRes / (depth * Math.sqrt(width));
            case TWO_LAYER -> 1 / Math.sqrt(width);
            case IDENTITY_MAPPING, NO_IDENTITY, LINEAR, DIAGONAL, QUADRATIC -> 1;
            case RESNET_UNIT -> Math.sqrt(cSigma() / width);                        // He's scale on W1 and both branch matrices
        };
    }

    /**
     * q_h = (layer scale)^2 * m_h, the part of the scale that survives the infinite-width limit: c_sigma for the
     * fc layers and the ResNet's first, (c_res / H)^2 for its residual blocks, 1 for the two-layer net. It does not
     * depend on the widths, also when they differ from layer to layer (fc --widths): the limit is the same.
     */
    public double widthFreeScale(int h) {
        double s = layerScale(h);
        return s * s * width(h);
    }

    /** m_H, the width of the top hidden layer that the output layer a reads (d for the linear model). */
    public int topWidth() { return depth == 0 ? width : width(depth); }

    /** The kind of hidden layer h (1-based), as the architecture registers it ({@link Arch#layerKind}). */
    public LayerKind layerKind(int h) { return arch.layerKind(h); }

    /** Hidden layer h is a residual block (adds its input). */
    public boolean isResidual(int h) { return layerKind(h) == ResidualLayer.KIND || layerKind(h) == BranchLayer.OUT_KIND; }

    /** Whether the network convolves (its inputs are images or signals). */
    public boolean isConvolutional() { return arch == Arch.CONV_RESNET; }

    /** p: pixels per sample (1 for the dense networks). */
    public int pixels() { return patches.pixels(); }

    /** d0: input channels (the input dimension d for the dense networks). */
    public int channels() { return inputDim / patches.pixels(); }

    /** Fan-in of hidden layer h, the columns of W^(h): q d0 for the first, q m after (q = 1 for the dense networks). */
    public int fanIn(int h) {
        if (arch == Arch.DIAGONAL) return 1;                                        // w = (w_+, w_-), 2d x 1
        return patches.size() * (h == 1 ? channels() : width(h - 1));
    }

    /** Number of parameter matrices: W1..WH and a. */
    public int parameterCount() { return depth + 1; }

    /** "W1".."WH" for h = 1..H, "a" for h = H + 1 (DESIGN.md, weights files). */
    public String parameterName(int h) { return h == depth + 1 ? "a" : "W" + h; }

    /**
     * Shape of parameter h as {rows, cols} in the weights files: W1 m x d, Wh m x m, a m x 1 (seed 004, Section
     * 3.3); for the convolutional ResNet W1 m x q d0, Wh m x q m and a m x p (a in R^{m x p}).
     */
    public int[] parameterShape(int h) {
        if (h <= depth) return new int[] {width(h), fanIn(h)};
        int top = topWidth();
        return outputs > 1 ? new int[] {top, outputs} : new int[] {top, pixels()};
    }

    /**
     * Whether the architecture itself fixes the output layer: the two-layer net trains only W (a = +-1), seed 002's
     * one-output networks read out the sum ||x^(N)||_1 (a = 1), the quadratic network sums its units (a = 1).
     */
    public boolean outputFixed() {
        return arch == Arch.TWO_LAYER || arch == Arch.DIAGONAL || arch == Arch.QUADRATIC || arch.isSeed002() && outputs == 1;
    }

    /**
     * Whether the Gram instruments' formula G^(h) = (B_h B_h^T) o (phi(X) phi(X)^T) describes this network: per-sample
     * signals, and every trained hidden layer a dense weight matrix (not the diagonal network's tied w o w).
     */
    public boolean hasDenseGram() { return hasSampleSignals() && arch != Arch.DIAGONAL && depth >= 1; }

    /**
     * Whether f is positively homogeneous in each weight matrix: layers that chain without skips (fc, two-layer, linear,
     * diagonal; not the residual networks, whose x + sigma(W x) is not) and an activation with sigma(t z) = t sigma(z).
     * Then d/dt (||W_{h+1}||^2 - ||W_h||^2) = 0 along gradient flow (Du, Hu, Lee 2018) and the normalized margin of
     * Lyu and Li (2020) is defined. The quadratic network is homogeneous of degree 2 in its one trained W (f(tW) =
     * t^2 f(W), a = 1 fixed) although its activation is not positively homogeneous of degree 1.
     */
    public boolean isHomogeneous() {
        if (arch == Arch.QUADRATIC) return true;
        boolean chained = arch == Arch.FC || arch == Arch.TWO_LAYER || arch == Arch.NO_IDENTITY || arch.isLinearModel();
        return chained && activation.positivelyHomogeneous() && pixels() == 1 && !hasBiases();    // W x + beta b is not homogeneous in W
    }

    /**
     * The degree L of f in each parameter (f(t theta_h) = t^L f(theta_h) with the others fixed): 2 for the diagonal
     * network's w (x o w o w) and the quadratic network's W ((W x)^2), 1 for every weight matrix of the other homogeneous
     * networks.
     */
    public int homogeneityDegree(int h) { return arch == Arch.DIAGONAL || arch == Arch.QUADRATIC ? 2 : 1; }

    /**
     * Whether training back-propagates each sample's own output (the signals B_h of the structured Gram, one output,
     * fixed activations), so the Gram instruments and infinite-width limits apply. Otherwise (k outputs, a learned
     * PReLU slope, Fixup's scalars, whose gradients the per-sample signals would have to carry weighted by dL/du) the loss
     * gradient is back-propagated directly.
     */
    public boolean hasSampleSignals() { return outputs == 1 && !(activation instanceof Activation.PRelu) && !fixupScalars; }

    /** Whether the network has an infinite-width limit: every hidden layer's kind has one, and there is one output. */
    public boolean hasLimit() { return noLimitReason().isEmpty(); }

    /**
     * Why the network has no infinite-width limit, naming the first hidden layer whose kind has none; or its outputs,
     * since the limits are those of one-output networks. Empty when it has a limit.
     */
    public Optional<String> noLimitReason() {
        if (depth == 0) return Optional.of("the linear model f(x) = a^T x has no hidden layer");
        for (int h = 1; h <= depth; h++) {
            LayerKind kind = layerKind(h);
            if (!kind.hasLimit()) return Optional.of("hidden layer " + h + " is " + kind + ", " + kind.noLimitReason().orElseThrow());
        }
        if (outputs != 1) return Optional.of(outputs + " outputs: the infinite-width limits are of one-output networks");
        return Optional.empty();
    }
}
