package overparam.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import overparam.core.nn.RunStatus;
import overparam.core.nn.TrainingListener;
import overparam.lab.experiment.ExperimentRun;

/**
 * A sweep's progress: on a terminal a bar (cells done, ETA) whose message is the longest-running cell's step, loss,
 * steps per second and ETA; elsewhere a plain line per finished cell, and every {@link #PLAIN_EVERY_SECONDS} a line for
 * each cell that has run longer than {@link #SHOW_AFTER_SECONDS}. Quiet: nothing but interruptions.
 */
final class SweepProgress implements ExperimentRun.Listener, AutoCloseable {
    static final double SHOW_AFTER_SECONDS = 3;
    static final long PLAIN_EVERY_SECONDS = 15;
    private final String task;
    private final boolean terminal, quiet;
    private final PrintStream plain;
    private final Map<String, CellProgress> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private ProgressBar bar;
    private int total, done;

    SweepProgress(String task, boolean quiet) {
        this(task, quiet, System.console() != null && !quiet, System.err);
    }

    /** With the terminal decided and the plain stream given (tests). */
    SweepProgress(String task, boolean quiet, boolean terminal, PrintStream err) {
        this.task = task;
        this.quiet = quiet;
        this.terminal = terminal;
        this.plain = terminal || quiet ? null : err;
        this.ticker = quiet ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sweep-progress");
            t.setDaemon(true);
            return t;
        });
        if (ticker != null) ticker.scheduleAtFixedRate(this::tick, 1, terminal ? 1 : PLAIN_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    @Override public TrainingListener onCellProgress(String key, int steps) {
        if (quiet) return TrainingListener.NONE;
        CellProgress p = new CellProgress(key, steps);
        running.put(key, p);
        return p;
    }

    /** The running cells' lines: on a terminal the longest-running one in the bar, elsewhere one plain line each. */
    private void tick() {
        tick(System.nanoTime());
    }

    synchronized void tick(long now) {
        List<CellProgress> shown = running.values().stream().filter(p -> p.seconds(now) >= SHOW_AFTER_SECONDS)
                .sorted(java.util.Comparator.comparingDouble(p -> -p.seconds(now))).toList();
        if (bar != null) {
            if (!shown.isEmpty()) bar.setExtraMessage(shown.get(0).line(now) + (running.size() > 1 ? " (+" + (running.size() - 1) + " running)" : ""));
        } else if (plain != null) {
            for (CellProgress p : shown) plain.println("  " + p.line(now));
        }
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
        running.remove(key);
        done++;
        if (bar != null) bar.stepTo(done);
        if (plain != null) plain.printf("cell %d/%d %s: %s (%.1f s)%n", done, total, key, status.word(), seconds);
    }

    @Override public void close() {
        if (ticker != null) ticker.shutdownNow();
        if (bar != null) bar.close();
    }
}
