package overparam.lab.plan;

import java.util.Locale;
import overparam.core.BadInputException;

/** Whether a run computes the infinite-width kernels of its data (lambda_0, the loss bound, the infinite twin). */
public enum LimitMode {
    AUTO, ON, OFF;

    /**
     * AUTO computes them up to this many samples (six n x n matrices); a convolutional net of p > 8 pixels counts
     * n p^2 / 64 (its p same-pixel slices, each with patch sums over p pixels), so 28 x 28 images stay off unless asked
     * for: their limit takes minutes even for a handful of images.
     */
    public static final int AUTO_MAX = 4000;

    /** Whether to compute the limit for n samples of p pixels. */
    public boolean wanted(long n, long pixels) {
        return switch (this) {
            case AUTO -> n * Math.max(1L, pixels * pixels / 64) <= AUTO_MAX;
            case ON -> true;
            case OFF -> false;
        };
    }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    static LimitMode parse(String text) {
        for (LimitMode m : values()) if (m.cliName().equals(text.trim().toLowerCase(Locale.ROOT))) return m;
        throw BadInputException.of("--limit-kernel " + text, "'" + text + "'", "auto, on or off", "e.g. --limit-kernel on");
    }
}
