package overparam.core.nn;

import java.util.Arrays;
import java.util.Locale;

/** The networks of the convergence theorems. */
public enum Arch {
    /** Seed 004, eq. 2: x^(h) = sqrt(c_sigma/m) sigma(W^(h) x^(h-1)), u = a^T x^(H). */
    FC("fc"),
    /** Seed 004, eq. 3: the fc first layer, then x^(h) = x^(h-1) + c_res/(H sqrt m) sigma(W^(h) x^(h-1)). */
    RESNET("resnet"),
    /** Du, Zhai, Poczos, Singh (2018): f(x) = (1/sqrt m) sum_r a_r sigma(w_r^T x), a_r in {-1, +1} fixed. */
    TWO_LAYER("two-layer"),
    /**
     * Seed 004, Section 3.3: the ResNet on images or signals, x^(1) = sqrt(c_sigma/m) sigma(W^(1) phi_1(x)), then
     * x^(h) = x^(h-1) + c_res/(H sqrt m) sigma(W^(h) phi_h(x^(h-1))), u = <a, x^(H)> with a in R^{m x p}.
     */
    CONV_RESNET("conv-resnet"),
    /**
     * Seed 002 (Li and Yuan 2017): x^(h) = sigma((W^(h) + I) x^(h-1)) with W^(h) d x d, read out as
     * u = ||x^(N)||_1 = sum_r x_r^(N) (seed 002, eqs. 1 and 8; the sum of the elements, as its eq. 4 has it), or by a
     * trained k-output head for classification. No width scaling: W is the matrix of the formula.
     */
    IDENTITY_MAPPING("identity-mapping"),
    /** Seed 002's control: the same network without the identity, x^(h) = sigma(W^(h) x^(h-1)). */
    NO_IDENTITY("no-identity"),
    /**
     * The deep linear network of Arora, Cohen, Hazan (2018) and Arora, Cohen, Golowich, Hu (2019): f(x) = W_N ... W_1 x
     * in the standard parameterization (no width scaling), N = H + 1 weight matrices: hidden layers W1..WH (m x d, m x m)
     * and the output layer a = W_N^T (m x k). H = 0 is the linear model f(x) = a^T x.
     */
    LINEAR("linear"),
    /**
     * The diagonal linear network of Woodworth et al. (COLT 2020): f(x) = <beta, x> with beta = w_+ o w_+ - w_- o w_-,
     * one hidden "layer" of 2d units (x_j w_{+,j}^2 and x_j w_{-,j}^2) read out by the fixed a = (+1, ..., -1, ...).
     */
    DIAGONAL("diagonal"),
    /**
     * The quadratic network of Li, Ma, Zhang (COLT 2018, "Algorithmic regularization in over-parameterized matrix sensing
     * and neural networks with quadratic activations"): f(x) = sum_{r=1}^m (w_r^T x)^2 = x^T W^T W x, one hidden layer of
     * m units with the quadratic activation and scale 1, read out by the fixed a = 1 (every output weight +1), no width
     * scaling. Fitting y = x^T M* x is matrix sensing with the rank-one measurements x x^T.
     */
    QUADRATIC("quadratic"),
    /**
     * The standard residual MLP without normalization (--arch resnet --branch-scale unit): the fc first layer
     * x^(1) = sqrt(c_sigma/m) sigma(W^(1) x), then L = (H - 1) / 2 blocks x_{l+1} = x_l + s W_out s sigma(W_in x_l) of two
     * weight matrices each, He's scale s = sqrt(c_sigma / m) on both ({@link BranchLayer}), u = a^T x^(H). H is odd and
     * counts weight matrices, as everywhere. The branch is not scaled down with depth (seed 004's resnet scales it by
     * c_res / H), so ||x^(H)||^2 grows like 3^L at initialization unless Fixup (Zhang et al. 2019) starts it.
     */
    RESNET_UNIT("resnet-unit");

    private final String cliName;

    Arch(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    /** The architecture of this name (its cliName). */
    public static Arch parse(String name) {
        for (Arch a : values()) if (a.cliName.equals(name == null ? "" : name.trim().toLowerCase(Locale.ROOT))) return a;
        throw new IllegalArgumentException("unknown architecture '" + name + "': expected one of " + Arrays.stream(values()).map(Arch::cliName).toList());
    }

    /** Seed 004's networks (and Du et al. 2018's), the ones with infinite-width limits (not the unit-branch residual MLP). */
    public static java.util.List<Arch> seed004() {
        return Arrays.stream(values()).filter(a -> !a.isSeed002() && !a.isLinearModel() && a != QUADRATIC && a != RESNET_UNIT).toList();
    }

    /** The implicit-bias models of seed 000's reading list: f is linear in x (deep linear, diagonal). */
    public boolean isLinearModel() { return this == LINEAR || this == DIAGONAL; }

    /** Seed 002's networks: square layers of width d, weights used as they are (no 1 / sqrt m), no infinite-width limit. */
    public boolean isSeed002() { return this == IDENTITY_MAPPING || this == NO_IDENTITY; }

    /**
     * The kind of hidden layer h (1-based): the one place that says which layer each network is made of, for its finite
     * network ({@link Network}) and its limit kernel ({@link LimitKernel}) alike.
     */
    public LayerKind layerKind(int h) {
        return switch (this) {
            case FC, TWO_LAYER -> DenseLayer.KIND;                                   // eq. 2; Du et al. 2018
            case RESNET, CONV_RESNET -> h == 1 ? DenseLayer.KIND : ResidualLayer.KIND;   // eq. 3: residual blocks for h = 2..H
            case IDENTITY_MAPPING -> IdentityMappingLayer.KIND;                      // seed 002, eq. 8
            case NO_IDENTITY -> DenseLayer.FIXED_WIDTH_KIND;                         // seed 002's control: sigma(W x), scale 1
            case LINEAR -> DenseLayer.LINEAR_KIND;                                   // W x, scale 1
            case DIAGONAL -> DiagonalLayer.KIND;                                     // x o w o w
            case QUADRATIC -> DenseLayer.QUADRATIC_KIND;                             // (W x)^2, scale 1
            case RESNET_UNIT -> h == 1 ? DenseLayer.KIND : h % 2 == 0 ? BranchLayer.IN_KIND : BranchLayer.OUT_KIND;   // W1, then (W_in, W_out) blocks
        };
    }

    /** The number of residual blocks L = (H - 1) / 2 of the unit-branch residual MLP of depth H (its weight matrices). */
    public static int branches(int depth) { return (depth - 1) / 2; }

    @Override public String toString() { return cliName; }
}
