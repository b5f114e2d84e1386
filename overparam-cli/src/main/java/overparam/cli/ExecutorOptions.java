package overparam.cli;

import picocli.CommandLine.Option;

/** Where the work runs, as run (its cells) and kernel --predict (its tiles) take it (a picocli mixin). */
final class ExecutorOptions {
    @Option(names = "--executor", paramLabel = "NAME", description = "Where the work runs: local (this process) or spark (Apache Spark tasks: "
            + "run's cells, kernel --predict's tiles). Default: local.")
    String name;
    @Option(names = "--master", paramLabel = "URL", description = "The Spark master of --executor spark: local[N], local[*] or spark://HOST:PORT. "
            + "Default: spark-submit's master if it launched this, else local[*].")
    String master;

    /** Whether --executor names something other than this process (whether it is known is the lab's to say). */
    boolean elsewhere() { return name != null && !name.equals("local"); }
}
