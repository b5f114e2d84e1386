package overparam.core.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.Seeds;
import overparam.core.linalg.Matrix;

class RandomPruningTest {
    /**
     * Each layer keeps exactly as many weights as the given mask, at places that do not follow it: over 200 draws of 30 of 100
     * places, each place is kept with probability 0.3, so its count is Binomial(200, 0.3) (mean 60, sd 6.5); every one of the
     * 100 counts lies in [30, 90] (4.6 sd) unless the draw is not uniform (the chance that any does is below 1e-3).
     */
    @Test
    void keepsEachLayersCountAtUniformPlaces() {
        try (Matrix first = Matrix.zeros(10, 10); Matrix second = Matrix.zeros(4, 5)) {
            for (int e = 0; e < 30; e++) first.set(e, 1);             // the first 30 places
            for (int e = 0; e < 20; e++) second.set(e, e % 2);         // 10 of 20
            int[] counts = new int[100];
            var random = Seeds.stream(7, "test");
            for (int draw = 0; draw < 200; draw++) {
                List<Matrix> r = RandomPruning.sameCounts(List.of(first, second), random);
                assertEquals(30, MagnitudePruning.remaining(r.get(0)));
                assertEquals(10, MagnitudePruning.remaining(r.get(1)));
                assertEquals(4, r.get(1).rows());
                for (int e = 0; e < 100; e++) {
                    double v = r.get(0).get(e);
                    assertTrue(v == 0 || v == 1);
                    counts[e] += (int) v;
                }
                r.forEach(Matrix::close);
            }
            for (int e = 0; e < 100; e++) assertTrue(counts[e] >= 30 && counts[e] <= 90, "place " + e + " kept " + counts[e] + " of 200 times");
        }
    }
}
