package overparam.cli;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import overparam.lab.run.KernelPredictionRun;

/**
 * The progress of a tiled kernel job over its whole work (kernel tiles, both factorizations, the solves): on a terminal
 * a bar in per mille with its ETA and the current phase, elsewhere a plain line every 30 seconds and at each new phase.
 */
final class KernelProgress implements KernelPredictionRun.Progress, AutoCloseable {
    private static final long STEPS = 1000;
    private final String name;
    private final boolean terminal;
    private final PrintStream plain;
    private ProgressBar bar;
    private double total, done;
    private String phase = "";
    private long started, lastLine;

    KernelProgress(boolean quiet) {
        this("kernel", System.console() != null && !quiet, quiet ? null : System.err);
    }

    /** Named name on the bar and the plain lines, with the terminal decided and the plain stream given (null: none). */
    KernelProgress(String name, boolean terminal, PrintStream plain) {
        this.name = name;
        this.terminal = terminal;
        this.plain = terminal ? null : plain;
    }

    @Override public synchronized void start(double totalWork, String what) {
        total = totalWork;
        started = System.nanoTime();
        if (terminal)
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(STEPS).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(1000).setUnit(" per mille", 1).setConsumer(new ConsoleProgressBarConsumer(System.err, 120)).build();
        if (plain != null) plain.println(name + ": " + what);
    }

    @Override public synchronized void advance(double work, String phase) {
        moveTo(done + work, phase);
    }

    /** Sets the work done so far (advance adds to it; train's listener reports the running total). */
    synchronized void moveTo(double done, String phase) {
        this.done = done;
        long step = (long) Math.min(STEPS, STEPS * done / total);
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(phase);
        }
        long now = System.nanoTime();
        if (plain != null && (!phase.equals(this.phase) || now - lastLine > Duration.ofSeconds(30).toNanos())) {
            double elapsed = (now - started) / 1e9, fraction = Math.min(1, done / total);   // the total is an estimate
            plain.printf("%s: %5.1f%%  %s  (%.0f s%s)%n", name, 100 * fraction, phase, elapsed,
                    fraction > 0 ? ", about " + CellProgress.timeLeft(elapsed, fraction) + " left" : "");
            lastLine = now;
        }
        this.phase = phase;
    }

    @Override public void close() {
        if (bar != null) bar.close();
    }
}
