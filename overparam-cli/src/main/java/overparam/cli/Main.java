package overparam.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import overparam.core.BadInputException;

/**
 * ./overparam: the laboratory's commands. Exit codes (DESIGN.md): 0 ok, 1 a run diverged or a check failed,
 * 2 bad usage or bad input (one line naming the input and the fix), 3 an internal error (a bug: please
 * report it with --debug's stack trace).
 */
@Command(name = "overparam", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "A laboratory for the optimization theory of over-parameterized neural networks.",
        footer = {"", "Also:",
                  "  ./overparam bench --help   the benchmark harness",
                  "  ./overparam setup          installs Debian's dataset-fashion-mnist",
                  "                             (for --data fashion-mnist; the build runs it too)"},
        subcommands = {RunCommand.class, CatalogCommand.class, ReportCommand.class, SqlCommand.class, ExportCommand.class,
                TrainCommand.class, KernelCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int DIVERGED = 1, BAD_INPUT = 2, INTERNAL = 3;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by the tests, which cannot exit). */
    public static int run(String... args) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cli = new CommandLine(new Main()).setOverwrittenOptionsAllowed(true);   // the last --x given wins
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage().replace('\n', ' ').trim()
                    + " See ./overparam " + (e.getCommandLine().getParent() == null ? "" : e.getCommandLine().getCommandName() + " ") + "--help.");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter err = c.getErr();
            if (e instanceof BadInputException) {
                err.println(c.getCommandName() + ": " + e.getMessage());
                if (debug) e.printStackTrace(err);
                return BAD_INPUT;
            }
            err.println(c.getCommandName() + ": internal error: " + e + (debug ? "" : " (run again with --debug for the stack trace)"));
            if (debug) e.printStackTrace(err);
            return INTERNAL;
        });
        return cli.execute(args);
    }

    @Override public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"overparam " + overparam.lab.run.Versions.overparam()};
        }
    }
}
