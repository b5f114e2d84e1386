package overparam.spark;

import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import overparam.core.BadInputException;

/**
 * The Spark context of an executor (run's cells, kernel's tiles): on the master the user gave, checked first (a master
 * that does not answer is refused in seconds, before anything is written), with no limit on the results' total size
 * (each result is written to disk at the driver as it arrives) and the web UI off unless the user's configuration turns
 * it on; on a cluster, not returned until the first executor has registered.
 */
final class SparkContexts {
    /** How long a cluster's master may take to give this run its first executor (seconds; the system property overrides 60). */
    static final String EXECUTOR_WAIT = "overparam.spark.executor-wait-seconds";

    private SparkContexts() {}

    /** fix: what else the user may change when Spark refuses the master (e.g. "or lower the spec's threads"). */
    static JavaSparkContext open(String masterOption, String appName, ToIntFunction<String> taskCpus, String fix) {
        String master = SparkMaster.resolve(masterOption);
        SparkMaster.require(master);
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setIfMissing("spark.app.name", appName)
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.driver.maxResultSize", "0")
                .set("spark.task.cpus", String.valueOf(taskCpus.applyAsInt(master)));
        double wait = Double.parseDouble(System.getProperty(EXECUTOR_WAIT, "60"));
        long deadline = System.nanoTime() + (long) (wait * 1e9);
        SparkContext sc;
        try {
            // a local master has nothing to wait for: its start is only slow on a loaded machine, which is no reason to refuse
            sc = SparkMaster.localCores(master) > 0 ? new SparkContext(conf) : start(conf, master, wait, deadline);
            sc.setLogLevel(System.getProperty("overparam.spark.log", "WARN"));
        } catch (BadInputException e) {
            throw e;
        } catch (Exception e) {
            // (SparkException is a checked exception that Scala code throws undeclared: caught as Exception.)
            // Spark's refusals of a master it cannot use (e.g. fewer cores per executor than threads per cell) as one line
            throw new BadInputException("--master " + master + ": Spark refused it (" + firstLine(e.getMessage()) + ")."
                    + " Fix --master (e.g. local[*]), " + fix + ".");
        }
        requireExecutor(sc, master, wait, deadline);
        return new JavaSparkContext(sc);
    }

    /**
     * A cluster's context, made on a thread of its own: on a standalone master Spark's constructor waits for the master to register
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

    /**
     * On a cluster, waits for the first executor before anything is written: a port that accepts connections but is not a
     * Spark master, or a master without a worker that has the cores a task needs, would otherwise leave the job waiting
     * forever. A local master has its executor from the start.
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

    static String firstLine(String s) {
        if (s == null) return "no message";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
