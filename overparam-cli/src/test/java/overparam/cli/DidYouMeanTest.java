package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** A misspelt command, option or catalogue entry: one line naming the closest valid spelling, exit 2, nothing on stdout. */
class DidYouMeanTest {
    static void refused(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals(expected + System.lineSeparator(), r.err());
    }

    @Test
    void misspeltCommand() {
        refused("overparam: unknown command trian; did you mean train? See ./overparam --help.", "trian");
        refused("overparam: unknown command kernal; did you mean kernel? See ./overparam --help.", "kernal", "--n", "3");
        refused("overparam: unknown command bnech; did you mean bench? See ./overparam --help.", "bnech");   // the launcher's
        refused("overparam: unknown command trian; did you mean train? See ./overparam --help.", "help", "trian");
        refused("overparam: unknown command frobnicate. See ./overparam --help.", "frobnicate");            // nothing close
        refused("overparam: unknown command plto; did you mean plot? See ./overparam --help.", "plto");
    }

    @Test
    void misspeltOption() {
        refused("train: unknown option --widht; did you mean --width or --widths? See ./overparam train --help.", "train", "--widht", "5");
        refused("train: unknown option --widht; did you mean --width or --widths? See ./overparam train --help.", "train", "--widht=5");
        refused("train: unknown options --widht (did you mean --width or --widths?), --dpeth (did you mean --depth?). See ./overparam train --help.",
                "train", "--widht", "5", "--dpeth", "3");
        refused("kernel: unknown option --bogus-option. See ./overparam kernel --help.", "kernel", "--bogus-option", "--out", "K.npy");
        refused("kernel: unknown option --ot; did you mean --out? See ./overparam kernel --help.", "kernel", "--ot", "K.npy");   // not "--out is missing"
        refused("overparam: unknown option --hlep; did you mean --help? See ./overparam --help.", "--hlep");
    }

    @Test
    void misspeltCatalogueEntry() {
        refused("run: experiment du2019-dept: not in the catalogue and not a file; did you mean du2019-depth?"
                + " (./overparam catalog lists them all; a YAML spec is given by its path.)", "run", "du2019-dept");
        refused("catalog: experiment du2019-widht: not in the catalogue and not a file; did you mean du2019-width?"
                + " (./overparam catalog lists them all; a YAML spec is given by its path.)", "catalog", "--show", "du2019-widht");
        CliRun far = CliRun.of("run", "nothing-like-it");
        assertEquals(2, far.exit());
        assertFalse(far.err().contains("did you mean"), far.err());
        assertEquals(1, far.err().lines().count(), far.err());
    }

    @Test
    void aSurplusArgumentIsOneLineToo() {
        refused("report: unexpected argument extra. See ./overparam report --help.", "report", "runs/x", "extra");
    }
}
