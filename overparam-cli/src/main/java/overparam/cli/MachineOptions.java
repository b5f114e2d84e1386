package overparam.cli;

import picocli.CommandLine.Option;

/** The seed, the threads and --debug, as every computing command takes them (a picocli mixin). */
final class MachineOptions {
    @Option(names = "--seed", paramLabel = "S", description = "Seed of data, initialization and sampler. Default: ${DEFAULT-VALUE}.")
    Long seed;
    @Option(names = "--threads", paramLabel = "T", description = "BLAS threads. Default: ${DEFAULT-VALUE} (the cores).")
    Integer threads;
    @Option(names = "--debug", description = "Stack traces with errors.")
    boolean debug;
}
