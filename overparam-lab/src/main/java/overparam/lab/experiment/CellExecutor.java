package overparam.lab.experiment;

import java.util.List;
import java.util.ServiceLoader;
import overparam.core.BadInputException;
import overparam.lab.plan.ExecutorChoice;
import overparam.core.nn.RunStatus;
import overparam.core.nn.TrainingListener;

/**
 * Where an experiment's cells run. {@link ExperimentRun} decides which cells run and with what configuration (each one's
 * out is its folder under DIR/cells, its threads and defaults set), and stores what they give; an executor only runs
 * them and says when each one's folder is complete at the driver, the one process that holds the folder's lock and its
 * store. {@link InProcessExecutor} (run --executor local, the default) runs them on a pool in this process; the Spark
 * executor (module overparam-spark, built with -Pspark) is a {@link Provider} found by ServiceLoader, so nothing here
 * depends on Spark at compile time.
 */
public interface CellExecutor extends AutoCloseable {
    /** The executor names run --executor takes; "local" is this process. */
    String LOCAL = ExecutorChoice.LOCAL, SPARK = ExecutorChoice.SPARK;
    List<String> NAMES = ExecutorChoice.NAMES;

    /** What the experiment does around each cell, at the driver. Called from any thread; the implementation is thread-safe. */
    interface Cells {
        /** Before the cell runs: its folder is cleared and its row in the store marked running. */
        void started(Cell cell);

        /** After the cell's folder under its out is complete: it is read into the store. */
        void finished(Cell cell, RunStatus status, double seconds);

        /**
         * Where the cell's steps and records go while it runs (the sweep's display of the cells in progress). An executor
         * whose cells run elsewhere (Spark's) does not call it: their progress shows as cells finish.
         */
        default TrainingListener progress(Cell cell) { return TrainingListener.NONE; }
    }

    /**
     * Runs every cell and returns when each one is {@link Cells#finished}; a cell that fails (an exception in its run)
     * ends the whole call with that exception, as a crash of one run ends an in-process sweep.
     */
    void runAll(List<Cell> cells, Cells callbacks);

    @Override default void close() {}

    /** Opens an executor for cells of the given BLAS threads each (the pool's size, or Spark's task.cpus, follows from it). */
    @FunctionalInterface
    interface Factory {
        CellExecutor open(int threadsPerCell);
    }

    /** An executor built outside the lab (overparam-spark), registered in META-INF/services under this interface's name. */
    interface Provider {
        /** Its run --executor name. */
        String name();

        /**
         * Opens it on a master URL (null: its default). Refuses, before the experiment's folder is touched, what it can
         * see is wrong: a master that cannot be reached, or one it cannot parse.
         */
        CellExecutor open(String master, int threadsPerCell);
    }

    /**
     * The factory that run --executor NAME [--master URL] names, checked before anything runs: an unknown name is refused
     * with the choices, --master without --executor spark is refused, and so is the Spark executor when it is not on the
     * classpath (it is built only by -Pspark; ./overparam builds it on first use).
     */
    static Factory choose(String name, String master) {
        ExecutorChoice c = ExecutorChoice.parse(name, master, "cells run in this process otherwise");
        if (c.local()) return InProcessExecutor::new;
        for (Provider p : ServiceLoader.load(Provider.class))
            if (p.name().equals(c.name())) return threads -> p.open(master, threads);
        throw c.notBuilt();
    }
}
