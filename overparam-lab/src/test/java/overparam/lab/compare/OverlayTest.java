package overparam.lab.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static overparam.lab.compare.Cells.cell;
import static overparam.lab.compare.Cells.config;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The band is the mean's 95% t-interval over the seeds; the legend says which folder and what the line is. */
class OverlayTest {
    @Test
    void theBandIsTheTIntervalOfTheMean() {
        // 1, 2, 3: mean 2, s = 1; with 2 degrees of freedom the t quantile has a closed form, t_p = (2p - 1) / sqrt(2p(1 - p)),
        // 4.3026527297 at p = 0.975; the half-width is t s / sqrt(3). Hipparchus inverts the distribution to about 1e-11.
        double p = 0.975, t = (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), half = t / Math.sqrt(3);
        double[] band = Overlay.band(new double[] {1, 2, 3});
        assertArrayEquals(new double[] {2, 2 - half, 2 + half}, band, 1e-9);
        assertArrayEquals(new double[] {5, 5, 5}, Overlay.band(new double[] {5}), 0, "one seed: the point itself");
    }

    @Test
    void theLegendNamesTheFolderItsCellAndItsSeeds() {
        ComparedFolder run = Cells.run("r", cell("run", config("seed", 0), 1, 1, 1));
        ComparedFolder e = Cells.experiment("e", MetricDiffTest.SPEC, List.of());
        assertEquals("r", Overlay.label(run, "", 1));
        assertEquals("r width=8", Overlay.label(run, "width=8", 1));
        assertEquals("e (mean of 3 seeds, 95% t-interval)", Overlay.label(e, "", 3));
        assertEquals("e width=8 (1 seed)", Overlay.label(e, "width=8", 1));
    }
}
