package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import overparam.core.nn.RunStatus;
import overparam.core.nn.TrainingListener;

/** Progress within a cell, off a terminal: plain lines for the cells that run long, none once they end, none when quiet. */
class SweepProgressTest {
    private static final long LATER = (long) 20e9;      // a tick 20 s after the cells started: past SHOW_AFTER_SECONDS

    @Test void aLongCellGetsALineWithItsStepLossRateAndTimeLeft() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (SweepProgress p = new SweepProgress("tiny", false, false, new PrintStream(err, true, StandardCharsets.UTF_8))) {
            p.onStart(2, 0);
            TrainingListener cell = p.onCellProgress("width=1024,seed=0", 200);
            cell.onStep(0, 0.5);
            cell.onStep(50, 0.03125);
            p.tick(System.nanoTime() + LATER);
            String out = err.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("  width=1024,seed=0: step 50/200, loss 3.125e-02, "), out);
            // 50 steps in about 20 s: 2.5 steps/s, 150 steps left at that rate take about a minute
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("loss 3.125e-02, ([0-9.]+) steps/s, about ([0-9]+) s left").matcher(out);
            assertTrue(m.find(), out);
            assertEquals(2.5, Double.parseDouble(m.group(1)), 0.01);
            assertEquals(60, Integer.parseInt(m.group(2)), 1);

            p.onCellDone("width=1024,seed=0", RunStatus.DONE, 20);
            err.reset();
            p.tick(System.nanoTime() + LATER);
            assertEquals("", err.toString(StandardCharsets.UTF_8), "a finished cell has no progress line");
        }
    }

    @Test void aCellStillSettingUpSaysSo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (SweepProgress p = new SweepProgress("tiny", false, false, new PrintStream(err, true, StandardCharsets.UTF_8))) {
            p.onCellProgress("n=60000", 10);
            p.tick(System.nanoTime() + LATER);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("  n=60000: setting up (20 s)"), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test void aShortCellHasNoLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (SweepProgress p = new SweepProgress("tiny", false, false, new PrintStream(err, true, StandardCharsets.UTF_8))) {
            p.onCellProgress("width=8", 10).onStep(3, 1.0);
            p.tick(System.nanoTime());
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test void quietSilencesItAll() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (SweepProgress p = new SweepProgress("tiny", true, false, new PrintStream(err, true, StandardCharsets.UTF_8))) {
            p.onStart(1, 0);
            assertSame(TrainingListener.NONE, p.onCellProgress("width=8", 10));
            p.tick(System.nanoTime() + LATER);
            p.onCellDone("width=8", RunStatus.DONE, 1);
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test void aCellComputingItsLimitKernelSaysWhichPart() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (SweepProgress p = new SweepProgress("tiny", false, false, new PrintStream(err, true, StandardCharsets.UTF_8))) {
            TrainingListener cell = p.onCellProgress("n=60000", 10);
            cell.onLimitKernel(0, 4);
            cell.onLimitKernel(2, 4);
            p.tick(System.nanoTime() + LATER);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("  n=60000: limit kernel 2/4 (20 s)"), err.toString(StandardCharsets.UTF_8));
            err.reset();
            cell.onLimitKernel(4, 4);
            p.tick(System.nanoTime() + LATER);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("  n=60000: setting up (20 s)"), "kernel done, training not started yet");
        }
    }

    /**
     * A kernel prediction before training (half an hour at 59,000 images) shows its share of the work, its phase and the
     * time left at its rate so far; once done the cell is setting up again.
     */
    @Test void aCellSolvingItsKernelPredictionShowsItsShareAndTimeLeft() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (SweepProgress p = new SweepProgress("tiny", false, false, new PrintStream(err, true, StandardCharsets.UTF_8))) {
            TrainingListener cell = p.onCellProgress("per_class=6000", 10);
            cell.onKernelPrediction(0, 400, "kernel tiles");
            cell.onKernelPrediction(100, 400, "factorization of Theta");
            p.tick(System.nanoTime() + LATER);
            String out = err.toString(StandardCharsets.UTF_8);
            // a quarter in 20 s: three quarters left take about 60 s
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "  per_class=6000: kernel prediction 25.0%, factorization of Theta \\(20 s, about ([0-9]+) s left\\)").matcher(out);
            assertTrue(m.find(), out);
            assertEquals(60, Integer.parseInt(m.group(1)), 1);
            err.reset();
            cell.onKernelPrediction(400, 400, "posterior variance");
            p.tick(System.nanoTime() + LATER);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("  per_class=6000: setting up (20 s)"), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** The step rate counts from the first step, not from the cell's start: 30 minutes of kernel prediction do not slow it. */
    @Test void theStepRateLeavesOutWhatCameBeforeTraining() {
        long[] now = {0};
        CellProgress cell = new CellProgress("per_class=6000", 6000, () -> now[0]);
        now[0] = (long) 1800e9;
        cell.onStep(0, 0.5);
        now[0] = (long) 1820e9;
        cell.onStep(2000, 0.1);
        assertTrue(cell.line(now[0]).startsWith("per_class=6000: step 2000/6000, loss 1.000e-01, 100 steps/s, about 40 s left"), cell.line(now[0]));
    }

    /** train's own display of a tiled kernel prediction, off a terminal: what it solves, then a line at each new phase. */
    @Test void trainShowsAKernelPredictionsPhases() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ProgressDisplay d = new ProgressDisplay("train", 10, false, false, new PrintStream(err, true, StandardCharsets.UTF_8), System::nanoTime)) {
            d.onKernelPrediction(0, 400, "kernel tiles");
            d.onKernelPrediction(100, 400, "kernel tiles");          // same phase, within 30 s: no line
            d.onKernelPrediction(200, 400, "factorization of Theta");
            d.onKernelPrediction(400, 400, "posterior variance");
        }
        String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, String.join("\n", lines));
        assertEquals("kernel prediction: the converged NTK and NNGP predictions, tile by tile", lines[0]);
        assertTrue(lines[1].startsWith("kernel prediction:   0.0%  kernel tiles  ("), lines[1]);
        assertTrue(lines[2].startsWith("kernel prediction:  50.0%  factorization of Theta  (") && lines[2].contains(" left)"), lines[2]);
        assertTrue(lines[3].startsWith("kernel prediction: 100.0%  posterior variance  ("), lines[3]);
    }

    @Test void trainShowsALongLimitKernelEveryTwoSecondsAndAShortOneNotAtAll() {
        long[] now = {0};
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ProgressDisplay d = new ProgressDisplay("train", 10, false, false, new PrintStream(err, true, StandardCharsets.UTF_8), () -> now[0])) {
            d.onLimitKernel(0, 3);
            now[0] = (long) 1e9;
            d.onLimitKernel(1, 3);                     // 1 s in: not yet
            now[0] = (long) 2.5e9;
            d.onLimitKernel(2, 3);                     // 2.5 s in: shown
            now[0] = (long) 3.0e9;
            d.onLimitKernel(3, 3);                     // done, and it was shown: its time
            now[0] = (long) 10e9;
            d.onLimitKernel(0, 3);                     // a second, short kernel: nothing
            now[0] = (long) 10.5e9;
            d.onLimitKernel(3, 3);
        }
        assertEquals("limit kernel: 2/3 done, now the output layer and lambda_0 (2.5 s)\nlimit kernel: done (3.0 s)\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
