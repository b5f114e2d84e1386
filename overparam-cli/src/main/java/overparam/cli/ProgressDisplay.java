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
    private final ProgressBar bar;
    private final PrintStream plain;
    private final int steps;
    private long lastPlainLine;

    ProgressDisplay(String task, int steps, boolean quiet) {
        this.steps = steps;
        boolean terminal = System.console() != null && !quiet;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(task).setInitialMax(steps + 1L)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).setUnit(" steps", 1).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 120)).build() : null;
        this.plain = terminal || quiet ? null : System.err;
    }

    @Override public void onStep(int step, double loss) {
        if (bar != null) bar.stepTo(step + 1L);
    }

    @Override public void onRecord(StepRecord r) {
        double min = r.number("ntk_lambda_min"), floor = r.number("ntk_lambda_min_roundoff");
        String message = String.format("loss %.3e  lambda_min(G) %s", r.number("loss"),
                !Double.isNaN(floor) && !(min > floor) ? "below round-off (|.| < " + format(floor) + ")" : format(min));
        if (bar != null) bar.setExtraMessage(message);
        long now = System.nanoTime();
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
        if (bar != null) bar.close();
    }
}
