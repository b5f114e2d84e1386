package overparam.lab.reproduce;

import java.util.List;
import java.util.regex.Pattern;

/** Words as a POSIX shell reads them back: a word with anything but safe characters is single-quoted. */
public final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./=:,+@%^-]+");

    private ShellWords() {}

    public static String quote(String word) {
        if (SAFE.matcher(word).matches()) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> words) {
        return String.join(" ", words.stream().map(ShellWords::quote).toList());
    }
}
