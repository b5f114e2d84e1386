package overparam.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import overparam.lab.experiment.Cell;
import overparam.lab.experiment.CellExecutor;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * run --executor spark: an experiment's cells as the tasks of one Spark job, one partition per cell. Each task runs its
 * cell as the in-process executor does ({@link RunCellTask}) and returns the run folder; the driver (this process, which
 * holds the experiment's lock and store) writes each folder under cells/ as its result arrives and hands it to the
 * experiment, which stores it, so a driver killed mid-sweep keeps every cell stored so far and --resume redoes the rest.
 */
final class SparkCellExecutor implements CellExecutor {
    private final JavaSparkContext spark;

    private SparkCellExecutor(JavaSparkContext spark) { this.spark = spark; }

    /**
     * A Spark context on the master, with cores per task = the cells' BLAS threads (so cells x threads <= cores on every
     * executor, as in-process; {@link SparkMaster#taskCpus}).
     */
    static SparkCellExecutor open(String masterOption, int threadsPerCell) {
        return new SparkCellExecutor(SparkContexts.open(masterOption, "overparam run", master -> SparkMaster.taskCpus(master, threadsPerCell),
                "or lower the spec's threads"));
    }

    @Override public void runAll(List<Cell> cells, Cells callbacks) {
        Map<String, Cell> byKey = new HashMap<>();
        List<CellTask> tasks = new ArrayList<>();
        List<Object> partitions = new ArrayList<>();
        for (Cell c : cells) {
            byKey.put(c.key(), c);
            tasks.add(CellTask.of(c));
            partitions.add(partitions.size());
        }
        // Every cell is submitted at once, so each is marked running now: a driver killed mid-job leaves them running in
        // the store, and the next --resume redoes exactly the ones whose results had not come back.
        for (Cell c : cells) callbacks.started(c);
        BlockingQueue<CellReturn> arrived = new LinkedBlockingQueue<>();
        spark.setJobDescription("overparam: " + cells.size() + " cells");
        SimpleFutureAction<BoxedUnit> job = spark.sc().submitJob(spark.parallelize(tasks, tasks.size()).rdd(), new RunCellTask(),
                CollectionConverters.asScala(partitions).toSeq(), new SparkJobResults.Arrive<>(arrived), new SparkJobResults.Unit());
        int remaining = cells.size();
        try {
            while (remaining > 0) {
                CellReturn r = arrived.poll(100, TimeUnit.MILLISECONDS);
                if (r == null) {
                    if (job.isCompleted()) requireNotFailed(job);
                    continue;
                }
                r.requireSucceeded();
                Cell cell = byKey.get(r.key());
                r.writeInto(Path.of(cell.config().out()));
                callbacks.finished(cell, r.runStatus(), r.seconds());
                remaining--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (!job.isCompleted()) job.cancel();
        }
    }

    /** A job that ended without every result: Spark's reason (an executor lost too often, a cancelled job). */
    private static void requireNotFailed(SimpleFutureAction<BoxedUnit> job) {
        scala.util.Try<BoxedUnit> t = job.value().get();
        if (t.isFailure()) {
            Throwable e = t.failed().get();
            throw new IllegalStateException("the Spark job stopped before every cell returned: " + SparkContexts.firstLine(e.getMessage()), e);
        }
    }

    @Override public void close() {
        spark.stop();
    }
}
