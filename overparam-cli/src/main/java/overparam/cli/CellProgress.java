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
    private final java.util.function.LongSupplier clock;
    private final long startNanos;
    private volatile int step = -1;
    private volatile double loss = Double.NaN;
    private volatile int kernelDone = -1, kernelTotal;
    private volatile int firstStep;                        // where training began (0, or a resumed run's step), and when
    private volatile long firstStepNanos = Long.MIN_VALUE;
    private volatile double predictionDone = -1, predictionTotal;
    private volatile String predictionPhase;
    private volatile long predictionStartNanos;

    CellProgress(String key, int steps) {
        this(key, steps, System::nanoTime);
    }

    /** With the clock given (tests). */
    CellProgress(String key, int steps, java.util.function.LongSupplier clock) {
        this.key = key;
        this.steps = steps;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
    }

    @Override public void onStep(int step, double loss) {
        if (firstStepNanos == Long.MIN_VALUE) {
            firstStep = step;
            firstStepNanos = clock.getAsLong();
        }
        this.loss = loss;
        this.step = step;
    }

    @Override public void onLimitKernel(int done, int total) {
        kernelTotal = total;
        kernelDone = done;
    }

    @Override public void onKernelPrediction(double done, double total, String phase) {
        if (done == 0) predictionStartNanos = clock.getAsLong();
        predictionTotal = total;
        predictionPhase = phase;
        predictionDone = done;
    }

    double seconds(long now) {
        return (now - startNanos) / 1e9;
    }

    /**
     * "width=1024,seed=0: step 120/200, loss 3.21e-02, 45.2 steps/s, about 2 s left", the rate over the steps made since
     * training began (not since the cell did: a kernel prediction before it can take half an hour); before training, the
     * limit kernel's part or the kernel prediction's share of its work, with the time left at its rate so far.
     */
    String line(long now) {
        int k = step;
        double t = seconds(now);
        int kd = kernelDone;
        if (k < 0 && kd >= 0 && kd < kernelTotal)
            return String.format(Locale.ROOT, "%s: limit kernel %d/%d (%.0f s)", key, kd, kernelTotal, t);
        double pd = predictionDone, pt = predictionTotal;
        if (k < 0 && pd >= 0 && pd < pt) {
            double elapsed = (now - predictionStartNanos) / 1e9, fraction = pd / pt;
            return String.format(Locale.ROOT, "%s: kernel prediction %.1f%%, %s (%.0f s, about %s left)", key, 100 * fraction, predictionPhase, t,
                    timeLeft(elapsed, fraction));
        }
        if (k < 0) return String.format(Locale.ROOT, "%s: setting up (%.0f s)", key, t);
        double rate = (k - firstStep) / ((now - firstStepNanos) / 1e9);   // onStep comes at steps 0..K: the loss before step k+1, after k steps made
        return String.format(Locale.ROOT, "%s: step %d/%d, loss %.3e, %.3g steps/s, about %s left", key, k, steps, loss, rate,
                duration((steps - k) / rate));
    }

    /** The time left when a fraction of the work took elapsed seconds, at that rate ("?" before any work is done). */
    static String timeLeft(double elapsed, double fraction) {
        return fraction > 0 ? duration(elapsed * (1 - fraction) / fraction) : "?";
    }

    /** "45 s", "3.2 min", "1.5 h". */
    static String duration(double seconds) {
        if (!(seconds < 1e9)) return "?";
        if (seconds < 100) return String.format(Locale.ROOT, "%.0f s", seconds);
        if (seconds < 6000) return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
