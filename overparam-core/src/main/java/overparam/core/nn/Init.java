package overparam.core.nn;

import java.util.Locale;

/**
 * How the weights start. STANDARD is each architecture's own: seed 004's N(0, 1) entries (the scale lives in the
 * forward pass), seed 002's N(0, 1/d) (LeCun's, so W x has the size of x). SMALL draws the same hidden weights times
 * {@link #SMALL_FACTOR}, inside the small ball ||W||_2 <= gamma of seed 002's theorem (||W||_2 ~ 0.1 at d = 10).
 * ZERO sets every trained weight to 0 (hidden weights and a trained output head), seed 002's Section 5.3.
 */
public enum Init {
    STANDARD, SMALL, ZERO;

    /** SMALL's factor on the standard deviation of the hidden weights. */
    public static final double SMALL_FACTOR = 0.05;

    /** The factor on a hidden weight's standard draw. */
    double hiddenFactor() {
        return switch (this) { case STANDARD -> 1; case SMALL -> SMALL_FACTOR; case ZERO -> 0; };
    }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }
}
