package overparam.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import overparam.core.BadInputException;
import overparam.core.Spelling;

/**
 * ./overparam: the laboratory's commands. Exit codes (DESIGN.md): 0 ok, 1 a run diverged or a check failed,
 * 2 bad usage or bad input (one line naming the input and the fix), 3 an internal error (a bug: please
 * report it with --debug's stack trace).
 */
@Command(name = "overparam", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "A laboratory for the optimization theory of over-parameterized neural networks.",
        footer = {"", "Also (run by the ./overparam script itself):",
                  "  ./overparam bench --help   the benchmark harness",
                  "  ./overparam setup --help   installs Debian's dataset-fashion-mnist",
                  "                             (for --data fashion-mnist; the build runs it too)",
                  "",
                  "Examples:",
                  "  ./overparam catalog",
                  "  ./overparam train --arch fc --depth 3 --width 256 --activation relu --synthetic sphere --n 32 --d 10 --eta auto --steps 200 --out runs/fc",
                  "  ./overparam kernel --arch fc --depth 3 --activation relu --synthetic sphere --n 32 --d 10 --out K.npy",
                  "  # Theorems 5.1 and 6.1, 64 training runs (slow: a few minutes on 2 idle cores; for a quick look, lower steps: in a copy from catalog --show):",
                  "  ./overparam run du2019-depth",
                  "  ./overparam report runs/du2019-depth",
                  "  ./overparam plot runs/du2019-depth loss --by depth --logy",
                  "  ./overparam train --help"},
        subcommands = {RunCommand.class, CatalogCommand.class, ReportCommand.class, PlotCommand.class, CompareCommand.class, SqlCommand.class, ExportCommand.class,
                TrainCommand.class, KernelCommand.class, VerifyCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @picocli.CommandLine.Spec CommandLine.Model.CommandSpec spec;
    public static final int DIVERGED = 1, BAD_INPUT = 2, INTERNAL = 3;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by the tests, which cannot exit). */
    public static int run(String... args) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cli = new CommandLine(new Main()).setOverwrittenOptionsAllowed(true);   // the last --x given wins
        cli.getSubcommands().get("help").getCommandSpec().usageMessage().footer("", "Examples:", "  ./overparam help train");
        printFootersAsWritten(cli);
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            // picocli reports a missing required option before an unknown one, but "--ot K.npy" is a misspelt --out
            List<String> unknown = c.getUnmatchedArguments();
            CommandLine.UnmatchedArgumentException u = e instanceof CommandLine.UnmatchedArgumentException x ? x
                    : unknown.isEmpty() ? null : new CommandLine.UnmatchedArgumentException(c, unknown);
            String problem = u == null ? null : unmatched(u);
            Matcher helpFor = Pattern.compile("Unknown subcommand '(.*)'\\.").matcher(e.getMessage());   // ./overparam help trian
            if (problem == null && helpFor.matches()) problem = unknownCommand(c.getCommandSpec(), helpFor.group(1));
            if (problem == null) problem = e.getMessage().replace('\n', ' ').trim();
            c.getErr().println(c.getCommandName() + ": " + problem
                    + " See ./overparam " + (c.getParent() == null ? "" : c.getCommandName() + " ") + "--help.");
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

    /**
     * The command line as the user typed it, "./overparam" and the arguments (picocli keeps them as given), quoted where a
     * shell needs it: for the provenance of what a command writes.
     */
    static String typed(CommandLine.Model.CommandSpec spec) {
        return "./overparam " + overparam.lab.reproduce.ShellWords.join(spec.root().commandLine().getParseResult().originalArgs());
    }

    /** The commands the ./overparam script runs itself, without this class. */
    static final List<String> LAUNCHER_COMMANDS = List.of("bench", "setup");

    /**
     * One sentence for arguments picocli could not place: an unknown command or option with the closest valid spellings
     * by edit distance (picocli's own UnmatchedArgumentException.printSuggestions prints a second line, "Did you mean:
     * overparam train?" for commands by cosine similarity and "Possible solutions: --depth, --debug" for options by
     * their first two letters); null for anything else (a surplus positional argument), which keeps picocli's message.
     */
    static String unmatched(CommandLine.UnmatchedArgumentException e) {
        CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
        List<String> args = e.getUnmatched();
        if (args.isEmpty()) return null;
        if (e.isUnknownOption()) {
            List<String> names = List.copyOf(spec.optionsMap().keySet());
            List<String> options = args.stream().filter(arg -> arg.startsWith("-") && !arg.matches("-[0-9.].*"))   // not a value (the 5 of --widht 5)
                    .map(arg -> arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg).distinct().toList();
            if (options.isEmpty()) return null;
            if (options.size() == 1) {
                String hint = Spelling.didYouMean(options.get(0), names);
                return "unknown option " + options.get(0) + (hint.isEmpty() ? "." : hint);
            }
            return "unknown options " + options.stream().map(o -> {
                List<String> close = Spelling.closest(o, names);
                return close.isEmpty() ? o : o + " (did you mean " + String.join(" or ", close) + "?)";
            }).collect(java.util.stream.Collectors.joining(", ")) + ".";
        }
        if (spec.subcommands().isEmpty() || e.getCommandLine().getParent() != null)
            return "unexpected argument " + args.get(0) + (args.size() > 1 ? " (and " + (args.size() - 1) + " more)" : "") + ".";
        return unknownCommand(spec, args.get(0));
    }

    /** An unknown command, with the closest of this program's commands and the launcher's. */
    static String unknownCommand(CommandLine.Model.CommandSpec spec, String command) {
        if (LAUNCHER_COMMANDS.contains(command))
            return command + " is run by the ./overparam script, not by this Java program (./overparam " + command + " --help).";
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        names.addAll(LAUNCHER_COMMANDS);
        String hint = Spelling.didYouMean(command, names);
        return "unknown command " + command + (hint.isEmpty() ? "." : hint);
    }

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Every command's footer (exit codes, then examples) line for line, as the annotation writes it: picocli would wrap
     * a long example at the terminal's width, and a wrapped example no longer runs when pasted.
     */
    static void printFootersAsWritten(CommandLine cli) {
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> {
            StringBuilder text = new StringBuilder();
            for (String line : help.commandSpec().usageMessage().footer()) text.append(line).append(System.lineSeparator());
            return text.toString();
        });
        for (CommandLine sub : cli.getSubcommands().values()) printFootersAsWritten(sub);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"overparam " + overparam.lab.run.Versions.overparam()};
        }
    }
}
