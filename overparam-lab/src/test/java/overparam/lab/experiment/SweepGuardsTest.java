package overparam.lab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;

/** A sweep is counted from its axes before a cell is made; a large one needs --yes; every cell's memory is checked before any runs. */
class SweepGuardsTest {
    @TempDir Path tmp;

    static String values(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    static String spec(String name, String sweep) {
        return "name: " + name + "\nbase: {arch: fc, depth: 2, width: 16, synthetic: sphere, n: 8, d: 3, eta: \"0.1\", steps: 1}\nsweep:\n" + sweep;
    }

    /** A sweep value may be a variant: fields set together, shown on its axis by the axis's own field. */
    @Test void variantsSetSeveralFieldsAndAreKeyedByTheAxisField() {
        ExperimentSpec s = SpecParser.parse(spec("variants", "  label:\n    - {label: gd}\n    - {label: sgd, batch_size: 4, eta: \"0.2\"}\n"
                + "  seed: [0, 1]\n"), "variants.yaml");
        var cells = s.cells();
        assertEquals(4, cells.size());
        assertEquals("label=gd,seed=0", cells.get(0).key());
        assertEquals("label=sgd,seed=1", cells.get(3).key());
        assertEquals(null, cells.get(0).config().batchSize());
        assertEquals(4, cells.get(3).config().batchSize());
        assertEquals("0.2", cells.get(3).config().eta());
        assertEquals("sgd", cells.get(3).config().label());
        assertEquals(1L, cells.get(3).config().seed());
        ExperimentSpec bad = SpecParser.parse(spec("bad", "  label:\n    - {batch_size: 4}\n"), "bad.yaml");
        BadInputException e = assertThrows(BadInputException.class, bad::cells);
        assertTrue(e.getMessage().startsWith("sweep axis 'label': the variant {batch_size=4} does not set label"), e.getMessage());
        ExperimentSpec unknown = SpecParser.parse(spec("unknown", "  label:\n    - {label: x, batch: 4}\n"), "unknown.yaml");
        assertTrue(assertThrows(BadInputException.class, unknown::cells).getMessage().contains("unknown config field 'batch'"));
    }

    @Test void aMillionCellsNeedYesAndAreCountedWithoutExpanding() {
        ExperimentSpec s = SpecParser.parse(spec("big", "  seed: " + values(1000) + "\n  data_seed: " + values(1000) + "\n"), "big.yaml");
        assertEquals(1_000_000, s.cellCount());
        BadInputException e = assertThrows(BadInputException.class,
                () -> ExperimentRun.execute(s, "", tmp.resolve("big"), false, false, ExperimentRun.Listener.NONE, "run"));
        assertEquals("big: the sweep has 1000000 cells (seed 1000 values x data_seed 1000 values), about 11.6 days at a second a cell,"
                + " more than the 10000 cells a run takes unasked. Add --yes to run them all, or sweep fewer values.", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("big")));
        ExperimentRun.requireSweepSize(s, true);                              // with --yes it may go on
    }

    @Test void aSweepWhoseCellsAloneFillTheHeapIsRefusedEvenWithYes() {
        // 1000^4 = 10^12 cells: expanding them first would never finish; the count refuses them at once
        String axes = "  seed: " + values(1000) + "\n  data_seed: " + values(1000) + "\n  width: " + values(1000) + "\n  n: " + values(1000) + "\n";
        ExperimentSpec s = SpecParser.parse(spec("huge", axes), "huge.yaml");
        assertEquals(1_000_000_000_000L, s.cellCount());
        BadInputException e = assertThrows(BadInputException.class, () -> ExperimentRun.requireSweepSize(s, true));
        assertTrue(e.getMessage().startsWith("huge: the sweep has 1000000000000 cells (seed 1000 values x data_seed 1000 values x width 1000"
                + " values x n 1000 values); their configurations alone would take 3.6 PB of Java heap"), e.getMessage());
        assertTrue(e.getMessage().contains("even with --yes"), e.getMessage());
    }

    @Test void aCountPastALongIsNotAnOverflow() {
        StringBuilder axes = new StringBuilder();
        for (String field : new String[] {"seed", "data_seed", "width", "n", "d", "steps", "depth"}) axes.append("  ").append(field).append(": ").append(values(1000)).append('\n');
        assertEquals(Long.MAX_VALUE, SpecParser.parse(spec("past", axes.toString()), "past.yaml").cellCount());   // 10^21 cells
    }

    @Test void aSearchChecksItsWidestCellBeforeAnyRuns() {
        // powers of two up to 2^30: the bisection starts at the top, which no machine holds at depth 2
        String text = "name: search\nbase: {arch: fc, depth: 2, synthetic: sphere, n: 8, d: 3, eta: \"0.1\", steps: 1}\n"
                + "search: {field: width, low: 16, high: 2147483647, seeds: [0], delta: 0.1}\n";
        ExperimentSpec s = SpecParser.parse(text, "search.yaml");
        Path dir = tmp.resolve("search");
        BadInputException e = assertThrows(BadInputException.class,
                () -> ExperimentRun.execute(s, text, dir, false, false, ExperimentRun.Listener.NONE, "run"));
        assertTrue(e.getMessage().startsWith("search, cell width=1073741824,seed=0: --width 1073741824 at --depth 2: this run needs"), e.getMessage());
        assertFalse(Files.exists(dir));
    }

    @Test void everyCellIsCheckedForMemoryBeforeAnyRuns() {
        ExperimentSpec s = SpecParser.parse(spec("wide", "  width: [16, 1000000000]\n"), "wide.yaml");
        Path dir = tmp.resolve("wide");
        BadInputException e = assertThrows(BadInputException.class,
                () -> ExperimentRun.execute(s, "", dir, false, false, ExperimentRun.Listener.NONE, "run"));
        assertTrue(e.getMessage().startsWith("wide, cell width=1000000000: --width 1000000000 at --depth 2: this run needs 13.9 EB of memory"), e.getMessage());
        assertFalse(Files.exists(dir), "the small cell did not run either");
    }
}
