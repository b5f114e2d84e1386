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
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import overparam.core.BadInputException;
import overparam.lab.experiment.Cell;
import overparam.lab.experiment.CellExecutor;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction2;
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
     * executor, as in-process; {@link SparkMaster#taskCpus}), no limit on the results' total size (each result is a run folder, written to disk as it
     * arrives), and the web UI off unless the user's configuration turns it on.
     */
    static SparkCellExecutor open(String masterOption, int threadsPerCell) {
        String master = SparkMaster.resolve(masterOption);
        SparkMaster.require(master);
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setIfMissing("spark.app.name", "overparam run")
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.driver.maxResultSize", "0")
                .set("spark.task.cpus", String.valueOf(SparkMaster.taskCpus(master, threadsPerCell)));
        double wait = Double.parseDouble(System.getProperty(EXECUTOR_WAIT, "60"));
        long deadline = System.nanoTime() + (long) (wait * 1e9);
        SparkContext sc;
        try {
            sc = start(conf, master, wait, deadline);
            sc.setLogLevel(System.getProperty("overparam.spark.log", "WARN"));
        } catch (BadInputException e) {
            throw e;
        } catch (Exception e) {
            // (SparkException is a checked exception that Scala code throws undeclared: caught as Exception.)
            // Spark's refusals of a master it cannot use (e.g. fewer cores per executor than threads per cell) as one line
            throw new BadInputException("--master " + master + ": Spark refused it (" + firstLine(e.getMessage()) + ")."
                    + " Fix --master (e.g. local[*]), or lower the spec's threads.");
        }
        requireExecutor(sc, master, wait, deadline);
        return new SparkCellExecutor(new JavaSparkContext(sc));
    }

    /**
     * The context, made on a thread of its own: on a standalone master Spark's constructor waits for the master to register
     * the application, up to a minute (3 tries of 20 s, fixed in StandaloneAppClient), and a port that accepts connections
     * without being a master would hold the run that long. Past the deadline the run is refused; the abandoned constructor
     * ends on its own when Spark gives up (its thread is a daemon, so it never keeps the process alive).
     */
    private static SparkContext start(SparkConf conf, String master, double wait, long deadline) throws Exception {
        java.util.concurrent.FutureTask<SparkContext> make = new java.util.concurrent.FutureTask<>(() -> new SparkContext(conf));
        Thread t = new Thread(make, "overparam-spark-start");
        t.setDaemon(true);
        t.start();
        try {
            return make.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw noExecutor(master, wait, conf.get("spark.task.cpus", "1"));
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
        }
    }

    private static BadInputException noExecutor(String master, double wait, String cpus) {
        return new BadInputException(String.format(java.util.Locale.ROOT, "--master %s: accepts connections but gave this run no executor"
                + " within %.0f s (not a Spark master, no worker registered, or none with %s free cores per task). Start a worker"
                + " (sbin/start-worker.sh %s) or fix --master.", master, wait, cpus, master));
    }

    /** How long a cluster's master may take to give this run its first executor (seconds; the system property overrides 60). */
    static final String EXECUTOR_WAIT = "overparam.spark.executor-wait-seconds";

    /**
     * On a cluster, waits for the first executor before the experiment's folder is touched: a port that accepts connections
     * but is not a Spark master, or a master without a worker that has the cores a task needs, would otherwise leave the
     * job waiting forever. A local master has its executor from the start.
     */
    private static void requireExecutor(SparkContext sc, String master, double wait, long deadline) {
        if (SparkMaster.localCores(master) > 0) return;
        try {
            while (sc.statusTracker().getExecutorInfos().length <= 1) {          // the driver is listed as one
                if (sc.isStopped() || System.nanoTime() > deadline) {
                    sc.stop();
                    throw noExecutor(master, wait, sc.getConf().get("spark.task.cpus", "1"));
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            sc.stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
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
                CollectionConverters.asScala(partitions).toSeq(), new Arrive(arrived), new Unit());
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
            throw new IllegalStateException("the Spark job stopped before every cell returned: " + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String s) {
        if (s == null) return "no message";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    @Override public void close() {
        spark.stop();
    }

    /** Spark's result handler (on its scheduler's thread): queues the result for the driver's thread, which stores it. */
    private static final class Arrive extends AbstractFunction2<Object, CellReturn, BoxedUnit> {
        private final BlockingQueue<CellReturn> queue;

        Arrive(BlockingQueue<CellReturn> queue) { this.queue = queue; }

        @Override public BoxedUnit apply(Object partition, CellReturn r) {
            queue.add(r);
            return BoxedUnit.UNIT;
        }
    }

    private static final class Unit extends AbstractFunction0<BoxedUnit> {
        @Override public BoxedUnit apply() { return BoxedUnit.UNIT; }
    }
}
