package overparam.lab.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import overparam.core.BadInputException;

/**
 * DIR/commands.log: every command that wrote into an experiment's folder (run, run --resume, report), one line each, "DATE
 * COMMAND" in the order they ran. Lines are only ever appended, so the command that computed the results stays, whatever
 * reports were made after it. Each line goes in one write to a file opened for appending, which POSIX keeps whole when two
 * processes append at once (a report while a run goes on); the log is the one file of the folder not written by renaming a
 * complete copy, since a rename would lose a line another process appended meanwhile.
 */
public final class CommandLog {
    public static final String FILE = "commands.log";

    private CommandLog() {}

    public static void append(Path dir, Instant when, String command) {
        String line = when.truncatedTo(ChronoUnit.SECONDS) + "  " + command.replaceAll("[\\r\\n]+", " ") + "\n";
        Path file = dir.resolve(FILE);
        try {
            Files.write(file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot append the command (" + e.getMessage() + "). Check that the folder is writable.");
        }
    }

    /** The log's lines, oldest first (none for a folder written before the log existed). */
    public static List<String> read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read (" + e.getMessage() + "). Check its permissions.");
        }
    }
}
