package overparam.core.nn;

import overparam.core.BadInputException;

/**
 * The shape of a network: architecture, input dimension d, width m, depth H, activation, and the ResNet
 * branch scale c_res. Everything else (layer scales, c_sigma) follows from these.
 */
public record NetworkSpec(Arch arch, int inputDim, int width, int depth, Activation activation, double cRes) {
    /**
     * Default c_res. Seed 004 asks only 0 < c_res < 1 ("a small constant"). At 0.5 the residual stream stays
     * O(1) at every depth, as eq. 3 intends: at initialization ||x^(H)|| / ||x^(1)|| stays below 1.6 for every
     * activation here (1.13 for relu, 1.37 for softplus at H = 64; ResNetScaleTest), where c_res = 1 lets it
     * reach 5.4 (quadratic). A smaller value changes no scaling claim but slows training, since K^(H) of
     * Def. 6.1 carries the factor c_res^2 / H^2.
     */
    public static final double DEFAULT_C_RES = 0.5;

    public NetworkSpec {
        if (arch == null || activation == null) throw new IllegalArgumentException("arch and activation are required");
        if (inputDim < 1) throw BadInputException.of("input dimension d", inputDim, "a positive integer", "Give data with at least one column.");
        if (width < 1) throw BadInputException.of("--width " + width, width, "a positive integer", "e.g. --width 512");
        if (depth < 1) throw BadInputException.of("--depth " + depth, depth, "a positive integer", "e.g. --depth 3");
        if (arch == Arch.RESNET && depth < 2)
            throw BadInputException.of("--depth " + depth, "depth " + depth + " for --arch resnet",
                    "depth >= 2 (eq. 3 has residual blocks for h = 2..H)", "Use --depth 2 or more, or --arch fc for one hidden layer.");
        if (arch == Arch.TWO_LAYER && depth != 1)
            throw BadInputException.of("--depth " + depth, "depth " + depth + " for --arch two-layer",
                    "depth 1 (one hidden layer)", "Drop --depth, or use --arch fc for deeper networks.");
        if (arch == Arch.RESNET && !(cRes > 0 && Double.isFinite(cRes)))
            throw BadInputException.of("--c-res " + cRes, cRes, "a positive number (seed 004 takes 0 < c_res < 1)", "e.g. --c-res 0.5");
    }

    /** c_sigma = 1 / E[sigma(z)^2] of this network's activation. */
    public double cSigma() { return activation.cSigma(); }

    /** The scale in front of sigma(W^(h) x^(h-1)) at hidden layer h (1-based). */
    public double layerScale(int h) {
        return switch (arch) {
            case FC -> Math.sqrt(cSigma() / width);
            case RESNET -> h == 1 ? Math.sqrt(cSigma() / width) : cRes / (depth * Math.sqrt(width));
            case TWO_LAYER -> 1 / Math.sqrt(width);
        };
    }

    /**
     * q_h = (layer scale)^2 * m, the part of the scale that survives the infinite-width limit: c_sigma for the
     * fc layers and the ResNet's first, (c_res / H)^2 for its residual blocks, 1 for the two-layer net.
     */
    public double widthFreeScale(int h) {
        double s = layerScale(h);
        return s * s * width;
    }

    /** Hidden layer h is a residual block (adds its input). */
    public boolean isResidual(int h) { return arch == Arch.RESNET && h >= 2; }

    /** Fan-in of hidden layer h: d for the first, m after. */
    public int fanIn(int h) { return h == 1 ? inputDim : width; }

    /** Number of parameter matrices: W1..WH and a. */
    public int parameterCount() { return depth + 1; }

    /** "W1".."WH" for h = 1..H, "a" for h = H + 1 (DESIGN.md, weights files). */
    public String parameterName(int h) { return h == depth + 1 ? "a" : "W" + h; }

    /** Shape of parameter h as {rows, cols}: W1 m x d, Wh m x m, a m x 1. */
    public int[] parameterShape(int h) { return h == depth + 1 ? new int[] {width, 1} : new int[] {width, fanIn(h)}; }

    /** Whether the architecture itself fixes the output layer (the two-layer net trains only W). */
    public boolean outputFixed() { return arch == Arch.TWO_LAYER; }
}
