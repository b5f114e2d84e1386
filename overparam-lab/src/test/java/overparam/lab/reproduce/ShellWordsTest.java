package overparam.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quoted words come back from a real shell as they went in. */
class ShellWordsTest {
    @Test
    void bashReadsQuotedWordsBackUnchanged() throws IOException, InterruptedException {
        List<String> words = List.of("--data=/tmp/a b/X.npy", "it's", "$HOME", "plain-word_1.5", "--eta=1e-3", "a\"b", "*", "");
        Process p = new ProcessBuilder("bash", "-c", "for w in " + ShellWords.join(words) + "; do printf '%s\\n' \"$w\"; done").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals(words, out.lines().toList());
    }
}
