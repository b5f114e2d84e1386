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
    IDENTITY;

    /** SMALL's factor on the standard deviation of the hidden weights. */
    public static final double SMALL_FACTOR = 0.05;

    /** The factor on a hidden weight's standard draw. */
    double hiddenFactor() {
        return switch (this) { case STANDARD, BALANCED, IDENTITY -> 1; case SMALL -> SMALL_FACTOR; case ZERO -> 0; };
    }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    /** Whether the scheme exists only for the deep linear network. */
    public boolean linearOnly() { return this == BALANCED || this == IDENTITY; }
}
