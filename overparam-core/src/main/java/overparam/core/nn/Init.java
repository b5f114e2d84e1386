package overparam.core.nn;

import java.util.Locale;

/**
 * How the weights start. STANDARD is each architecture's own: seed 004's N(0, 1) entries (the scale lives in the
 * forward pass), seed 002's N(0, 1/d) (LeCun's, so W x has the size of x). SMALL draws the same hidden weights times
 * {@link #SMALL_FACTOR}, inside the small ball ||W||_2 <= gamma of seed 002's theorem (||W||_2 ~ 0.1 at d = 10).
 * ZERO sets every trained weight to 0 (hidden weights and a trained output head), seed 002's Section 5.3. BALANCED and
 * IDENTITY are the deep linear network's (Arora et al. 2019). Every scheme's draw is multiplied by the init scale alpha
 * (1 by default), the knob of the kernel-versus-rich transition (Woodworth et al. 2020).
 */
public enum Init {
    STANDARD, SMALL, ZERO,
    /**
     * Deep linear networks only: Arora, Cohen, Golowich, Hu (2019), Procedure 1. The end-to-end matrix A (k x d,
     * N(0, 1/d) entries times the init scale) is drawn first, A = U S V^T, and W_1 = S^{1/N} V^T, W_j = S^{1/N},
     * W_N = U S^{1/N}, zero-padded to the widths, so W_{j+1}^T W_{j+1} = W_j W_j^T at initialization.
     */
    BALANCED,
    /** Deep linear networks only: every W_h (and a) the rectangular identity times the init scale. */
    IDENTITY,
    /**
     * The unit-branch residual MLP only ({@link Arch#RESNET_UNIT}): Fixup (Zhang, Dauphin, Ma, ICLR 2019, Section 3, rules 2
     * and 3): the last layer of each branch (W_out) and the output layer a start at 0; the other branch layer (W_in) is the
     * standard draw times L^(-1/(2m - 2)) = L^(-1/2) for m = 2 layers a branch and L branches; W1 is standard. The
     * network is then exactly x -> x^(1) followed by L identities, and u = 0. Fixup's rule 3, the scalar biases (0) and
     * multipliers (1), is the network's own choice ({@link NetworkSpec#fixupScalars}, {@link BranchLayer}); this scheme sets
     * only the weights, and the scalars' starting values keep the network the identity above.
     */
    FIXUP;

    /** SMALL's factor on the standard deviation of the hidden weights. */
    public static final double SMALL_FACTOR = 0.05;

    /** The factor on a hidden weight's standard draw. */
    double hiddenFactor() {
        return switch (this) { case STANDARD, BALANCED, IDENTITY, FIXUP -> 1; case SMALL -> SMALL_FACTOR; case ZERO -> 0; };
    }

    /**
     * The factor on hidden layer h's standard draw in a network of this spec: Fixup's per-layer rule (W1: 1; W_in:
     * L^(-1/2); W_out: 0), else {@link #hiddenFactor}.
     */
    double hiddenFactor(NetworkSpec spec, int h) {
        if (this != FIXUP) return hiddenFactor();
        if (spec.arch() != Arch.RESNET_UNIT) throw new IllegalArgumentException("fixup initialization is for the unit-branch residual MLP, not " + spec.arch());
        if (h == 1) return 1;
        int branches = Arch.branches(spec.depth());
        return h % 2 == 0 ? Math.pow(branches, -1.0 / (2 * 2 - 2)) : 0;              // L^(-1/(2m-2)), m = 2; W_out = 0
    }

    /** Whether a trained output layer starts at 0 (zero initialization, and Fixup's rule 2). */
    boolean zeroOutput() { return this == ZERO || this == FIXUP; }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    /** Whether the scheme exists only for the deep linear network. */
    public boolean linearOnly() { return this == BALANCED || this == IDENTITY; }
}
