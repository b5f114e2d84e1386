package overparam.cli;

import java.util.Locale;
import overparam.core.nn.TrainingListener;

/**
 * One running cell's progress as the sweep display shows it: the last step and its loss, written by the cell's thread
 * every step (two volatile stores, no allocation), read by the display's thread when it draws.
 */
final class CellProgress implements TrainingListener {
    final String key;
    private final int steps;
    private final long startNanos = System.nanoTime();
    private volatile int step = -1;
    private volatile double loss = Double.NaN;
    private volatile int kernelDone = -1, kernelTotal;

    CellProgress(String key, int steps) {
        this.key = key;
        this.steps = steps;
    }

    @Override public void onStep(int step, double loss) {
        this.loss = loss;
        this.step = step;
    }

    @Override public void onLimitKernel(int done, int total) {
        kernelTotal = total;
        kernelDone = done;
    }

    double seconds(long now) {
        return (now - startNanos) / 1e9;
    }

    /**
     * "width=1024,seed=0: step 120/200, loss 3.21e-02, 45.2 steps/s, about 2 s left"; the rate counts the steps made
     * since the cell started (its set-up, the limit kernel and the step size, included), so the ETA errs long.
     */
    String line(long now) {
        int k = step;
        double t = seconds(now);
        int kd = kernelDone;
        if (k < 0 && kd >= 0 && kd < kernelTotal)
            return String.format(Locale.ROOT, "%s: limit kernel %d/%d (%.0f s)", key, kd, kernelTotal, t);
        if (k < 0) return String.format(Locale.ROOT, "%s: setting up (%.0f s)", key, t);
        double rate = k / t;                   // onStep comes at steps 0..K: the loss before step k+1, after k steps made
        return String.format(Locale.ROOT, "%s: step %d/%d, loss %.3e, %.3g steps/s, about %s left", key, k, steps, loss, rate,
                duration((steps - k) / rate));
    }

    /** "45 s", "3.2 min", "1.5 h". */
    static String duration(double seconds) {
        if (!(seconds < 1e9)) return "?";
        if (seconds < 100) return String.format(Locale.ROOT, "%.0f s", seconds);
        if (seconds < 6000) return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
