package overparam.lab.plan;

import java.util.List;
import overparam.core.BadInputException;

/**
 * --executor NAME [--master URL] as {@code run} (cells) and {@code kernel} (tiles) take them, checked once before anything
 * runs: an unknown name is refused with the choices, --master without --executor spark is refused, and an empty master too.
 * Which provider then serves a remote executor is the caller's (ServiceLoader finds it when the module is built).
 */
public record ExecutorChoice(String name, String master) {
    /** The executor names; "local" is this process. */
    public static final String LOCAL = "local", SPARK = "spark";
    public static final List<String> NAMES = List.of(LOCAL, SPARK);

    /** {@code inProcess} says what local means for the caller ("cells run in this process otherwise"), for the refusal. */
    public static ExecutorChoice parse(String name, String master, String inProcess) {
        String n = name == null ? LOCAL : name;
        if (!NAMES.contains(n))
            throw new BadInputException("--executor " + name + ": unknown executor; expected one of " + String.join(", ", NAMES) + ".");
        if (n.equals(LOCAL) && master != null)
            throw new BadInputException("--master " + master + ": applies only to --executor spark (" + inProcess + "). Add --executor spark, or drop --master.");
        if (master != null && master.isBlank())
            throw new BadInputException("--master: empty. Give a Spark master URL, e.g. --master local[2] or --master spark://HOST:7077.");
        return new ExecutorChoice(n, master);
    }

    public boolean local() { return name.equals(LOCAL); }

    /** The refusal when no provider of this (remote) executor is on the classpath. */
    public BadInputException notBuilt() {
        return new BadInputException("--executor " + name + ": the Spark executor is not built here (it is the optional module overparam-spark). "
                + "Run through ./overparam, which builds it on first use, or build it with: mvn -Pspark package -DskipTests.");
    }
}
