package overparam.core;

/**
 * Input the user can fix: a file, an option value, a shape. Its message is one line that names the input,
 * says what was expected and what to do (DESIGN.md, Conventions). The command line turns it into exit
 * code 2 without a stack trace.
 */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "INPUT: expected EXPECTED, found FOUND. FIX" */
    public static BadInputException of(String input, Object found, String expected, String fix) {
        return new BadInputException(input + ": expected " + expected + ", found " + found + ". " + fix);
    }
}
