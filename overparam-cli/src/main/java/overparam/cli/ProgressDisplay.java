package overparam.cli;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainingListener;

/**
 * The terminal's view of a run: on a terminal a progress bar (step, steps per second, ETA, and the last record's loss
 * and lambda_min(G)), elsewhere (CI, a pipe) one plain line per record, at most one every two seconds, with the steps
 * per second and the time left.
 */
final class ProgressDisplay implements TrainingListener, AutoCloseable {
    private final String task;
    private final boolean terminal;
    private final PrintStream plain;
    private final int steps;
    private ProgressBar bar, kernelBar;          // made when their phase starts: one bar on the terminal at a time
    private KernelProgress prediction;           // --kernel-predict's tiled solve, while it runs
    private final java.util.function.LongSupplier clock;
    private long lastPlainLine, kernelStart;
    private boolean kernelShown;                 // off a terminal, a limit kernel is shown once it has taken 2 s

    ProgressDisplay(String task, int steps, boolean quiet) {
        this(task, steps, quiet, System.console() != null && !quiet, System.err, System::nanoTime);
    }

    /** With the terminal decided, the plain stream and the clock given (tests). */
    ProgressDisplay(String task, int steps, boolean quiet, boolean terminal, PrintStream err, java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.task = task;
        this.steps = steps;
        this.terminal = terminal;
        this.plain = terminal || quiet ? null : err;
    }

    /**
     * The limit kernel's own bar (layers, then the output layer with lambda_0), before training starts; off a terminal a
     * plain line every 2 s once it has taken 2 s, and the time it took (a kernel of a second says nothing).
     */
    @Override public void onLimitKernel(int done, int total) {
        long now = clock.getAsLong();
        if (done == 0) {
            kernelStart = now;
            kernelShown = false;
            if (terminal) kernelBar = new ProgressBarBuilder().setTaskName("limit kernel").setInitialMax(total)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).setUnit(" layers", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err, 120)).build();
        }
        if (kernelBar != null) kernelBar.stepTo(done);
        double seconds = (now - kernelStart) / 1e9;
        if (plain != null && seconds >= 2 && (done == total ? kernelShown : now - lastPlainLine > Duration.ofSeconds(2).toNanos())) {
            plain.printf(done == total ? "limit kernel: done (%4$.1f s)%n" : "limit kernel: %d/%d done, now %s (%.1f s)%n", done, total,
                    done < total - 1 ? "layer " + (done + 1) + "'s map" : "the output layer and lambda_0", seconds);
            lastPlainLine = now;
            kernelShown = true;
        }
        if (done == total && kernelBar != null) {
            kernelBar.close();
            kernelBar = null;
        }
    }

    /**
     * A tiled kernel prediction (before training; up to half an hour at 60,000 images): the kernel command's display, a bar
     * in per mille with its ETA on a terminal, elsewhere a line at each new phase and every 30 s.
     */
    @Override public void onKernelPrediction(double done, double total, String phase) {
        if (done == 0 && prediction == null) {
            prediction = new KernelProgress("kernel prediction", terminal, plain);
            prediction.start(total, "the converged NTK and NNGP predictions, tile by tile");
        }
        if (prediction == null) return;
        prediction.moveTo(done, phase);
        if (done >= total) {
            prediction.close();
            prediction = null;
        }
    }

    @Override public void onStep(int step, double loss) {
        if (prediction != null) {                // a prediction whose estimated total was not reached: its bar ends here
            prediction.close();
            prediction = null;
        }
        if (terminal && bar == null)
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps + 1L)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).setUnit(" steps", 1).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(System.err, 120)).build();
        if (bar != null) bar.stepTo(step + 1L);
    }

    @Override public void onRecord(StepRecord r) {
        double min = r.number("ntk_lambda_min"), floor = r.number("ntk_lambda_min_roundoff");
        String message = String.format("loss %.3e  lambda_min(G) %s", r.number("loss"),
                !Double.isNaN(floor) && !(min > floor) ? "below round-off (|.| < " + format(floor) + ")" : format(min));
        if (bar != null) bar.setExtraMessage(message);
        long now = clock.getAsLong();
        if (plain != null && (now - lastPlainLine > Duration.ofSeconds(2).toNanos() || r.step() == steps || r.step() == 0)) {
            double seconds = r.number("elapsed_seconds"), rate = r.step() / seconds;       // elapsed since training began
            plain.printf("step %d/%d  %s  (%.1f s%s)%n", r.step(), steps, message, seconds,
                    r.step() > 0 && seconds > 0 ? String.format(", %.3g steps/s, about %s left", rate, CellProgress.duration((steps - r.step()) / rate)) : "");
            lastPlainLine = now;
        }
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3e", v);
    }

    @Override public void close() {
        if (prediction != null) prediction.close();
        if (kernelBar != null) kernelBar.close();
        if (bar != null) bar.close();
    }
}
