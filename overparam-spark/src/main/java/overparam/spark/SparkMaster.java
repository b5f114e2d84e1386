package overparam.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import overparam.core.BadInputException;

/**
 * The master URL of run --executor spark, checked before a Spark context exists: Spark's standalone client would retry
 * an unreachable master for a minute (3 tries of 20 s) before giving up, after the experiment's folder was made; here
 * one TCP connection per listed master, with a short timeout, decides in a few seconds and before anything is written.
 */
final class SparkMaster {
    /** The default: every core of this machine, in this process. */
    static final String DEFAULT = "local[*]";
    /** How long one master may take to accept a connection (a master on the same network answers in milliseconds). */
    static final int CONNECT_TIMEOUT_MS = 3000;
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?])?");
    private static final Pattern STANDALONE = Pattern.compile("spark://[^/,:\\s]+:[0-9]{1,5}(,[^/,:\\s]+:[0-9]{1,5})*");

    private SparkMaster() {}

    /**
     * The master to use: --master if given, else the one spark-submit set (its --master becomes the system property
     * spark.master), else {@link #DEFAULT}.
     */
    static String resolve(String option) {
        if (option != null) return option;
        String submitted = System.getProperty("spark.master");
        return submitted == null || submitted.isBlank() ? DEFAULT : submitted;
    }

    /** The cores a local master runs tasks on (local: 1, local[*]: this machine's, local[N] and local[N,F]: N); 0 for a cluster. */
    static int localCores(String master) {
        java.util.regex.Matcher m = LOCAL.matcher(master);
        if (!m.matches()) return 0;
        if (m.group(2) == null) return 1;
        return m.group(2).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(2));
    }

    /**
     * Spark's cores per task for cells of {@code threadsPerCell} BLAS threads: as many, so that cells x threads <= cores; on
     * a local master at most its cores, so that (as in-process) cells wider than the machine still run, one at a time.
     */
    static int taskCpus(String master, int threadsPerCell) {
        int cores = localCores(master);
        return cores > 0 ? Math.min(threadsPerCell, cores) : threadsPerCell;
    }

    /** Refuses a URL this build cannot use, and a standalone master none of whose hosts accepts a connection. */
    static void require(String master) {
        if (LOCAL.matcher(master).matches()) return;
        if (!STANDALONE.matcher(master).matches())
            throw new BadInputException("--master " + master + ": not a master this build runs on; expected local, local[N], local[*] or "
                    + "spark://HOST:PORT[,HOST2:PORT2] (a standalone cluster; YARN and Kubernetes need Spark's own modules). Fix --master.");
        List<String> tried = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, colon);
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 1 || port > 65535) throw new BadInputException("--master " + master + ": port " + port + " is not a TCP port (1 to 65535). Fix --master.");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                return;                                                            // one live master is enough (standby masters)
            } catch (IOException e) {
                tried.add(hostPort + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
        }
        throw new BadInputException("--master " + master + ": no Spark master answers at " + String.join(", ", tried)
                + ". Start it (sbin/start-master.sh on that host) or fix --master; --master local[*] runs the cells on this machine.");
    }
}
