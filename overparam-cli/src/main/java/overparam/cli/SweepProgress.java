package overparam.cli;

import java.io.PrintStream;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import overparam.core.nn.RunStatus;
import overparam.lab.experiment.ExperimentRun;

/** A sweep's progress: on a terminal a bar (cells done, current cell, ETA), elsewhere a plain line per finished cell. */
final class SweepProgress implements ExperimentRun.Listener, AutoCloseable {
    private final String task;
    private final boolean terminal;
    private final PrintStream plain;
    private ProgressBar bar;
    private int total, done;

    SweepProgress(String task, boolean quiet) {
        this.task = task;
        this.terminal = System.console() != null && !quiet;
        this.plain = terminal || quiet ? null : System.err;
    }

    @Override public synchronized void onStart(int cells, int alreadyDone) {
        total += cells - alreadyDone;
        if (terminal && bar == null)
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(500).setUnit(" cells", 1).setConsumer(new ConsoleProgressBarConsumer(System.err, 120)).build();
        else if (bar != null) bar.maxHint(total);
        if (plain != null) plain.printf("%s: %d cell%s to run%s%n", task, cells - alreadyDone, cells - alreadyDone == 1 ? "" : "s", alreadyDone > 0 ? " (" + alreadyDone + " done before)" : "");
    }

    /** Printed whether or not the display is quiet: the store changed (these cells lost their partial rows). */
    @Override public synchronized void onInterrupted(List<String> cells) {
        System.err.printf("%s: %d cell%s interrupted (the process running %s was killed), rerun now: %s%n", task, cells.size(),
                cells.size() == 1 ? " was" : "s were", cells.size() == 1 ? "it" : "them", String.join("; ", cells));
    }

    @Override public synchronized void onCellStart(String key) {
        if (bar != null) bar.setExtraMessage(key);
    }

    @Override public synchronized void onCellDone(String key, RunStatus status, double seconds) {
        done++;
        if (bar != null) bar.stepTo(done);
        if (plain != null) plain.printf("cell %d/%d %s: %s (%.1f s)%n", done, total, key, status.word(), seconds);
    }

    @Override public void close() {
        if (bar != null) bar.close();
    }
}
