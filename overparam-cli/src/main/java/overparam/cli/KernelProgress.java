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
    private final boolean terminal, quiet;
    private final PrintStream plain;
    private ProgressBar bar;
    private double total, done;
    private String phase = "";
    private long started, lastLine;

    KernelProgress(boolean quiet) {
        this.quiet = quiet;
        this.terminal = System.console() != null && !quiet;
        this.plain = terminal || quiet ? null : System.err;
    }

    @Override public synchronized void start(double totalWork, String what) {
        total = totalWork;
        started = System.nanoTime();
        if (terminal)
            bar = new ProgressBarBuilder().setTaskName("kernel").setInitialMax(STEPS).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(1000).setUnit(" per mille", 1).setConsumer(new ConsoleProgressBarConsumer(System.err, 120)).build();
        if (plain != null) plain.println("kernel: " + what);
    }

    @Override public synchronized void advance(double work, String phase) {
        done += work;
        long step = (long) Math.min(STEPS, STEPS * done / total);
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(phase);
        }
        long now = System.nanoTime();
        if (plain != null && (!phase.equals(this.phase) || now - lastLine > Duration.ofSeconds(30).toNanos())) {
            double elapsed = (now - started) / 1e9, fraction = Math.min(1, done / total);   // the total is an estimate
            plain.printf("kernel: %5.1f%%  %s  (%.0f s, about %.0f s left)%n", 100 * fraction, phase, elapsed,
                    fraction > 0 ? elapsed * (1 - fraction) / fraction : Double.NaN);
            lastLine = now;
        }
        this.phase = phase;
    }

    @Override public void close() {
        if (bar != null) bar.close();
    }
}
