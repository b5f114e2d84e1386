package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overparam.core.data.NpyTest.assertRefused;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.linalg.Matrix;

class SubsetsTest {
    // ---------------------------------------------------------------- corruptLabels

    static int[] cyclicLabels(int n, int classes) {
        return IntStream.range(0, n).map(i -> i % classes).toArray();
    }

    static int changed(int[] before, int[] after) {
        int count = 0;
        for (int i = 0; i < before.length; i++) if (before[i] != after[i]) count++;
        return count;
    }

    @Test
    void replacesExactlyRoundFractionTimesNLabelsAndNoOthers() {
        int[] labels = cyclicLabels(1000, 10);
        int[] original = labels.clone();
        for (double fraction : new double[] {0, 0.001, 0.3, 0.5, 1}) {
            int[] chosen = Subsets.corruptedSamples(1000, fraction, 7);
            assertEquals(Math.round(fraction * 1000), chosen.length, "fraction " + fraction);
            assertEquals(chosen.length, IntStream.of(chosen).distinct().count(), "distinct samples");
            int[] noisy = Subsets.corruptLabels(labels, 10, fraction, 7);
            java.util.Set<Integer> picked = new java.util.HashSet<>();
            for (int i : chosen) picked.add(i);
            for (int i = 0; i < labels.length; i++) {
                assertTrue(noisy[i] >= 0 && noisy[i] < 10, "label " + noisy[i]);
                if (!picked.contains(i)) assertEquals(labels[i], noisy[i], "sample " + i + " was not chosen");
            }
            // a replaced label is uniform over all 10 classes: 9/10 of them change; sd sqrt(n p q) <= 9.5, so 6 sd = 57
            assertEquals(0.9 * chosen.length, changed(labels, noisy), 57, "fraction " + fraction);
        }
        assertArrayEquals(original, labels, "the input is not modified");
        assertEquals(3, Subsets.corruptedSamples(10, 0.25, 1).length, "round half up: 0.25 of 10 is 2.5 -> 3");
    }

    @Test
    void sameSeedSameLabelsOtherSeedOtherLabels() {
        int[] labels = cyclicLabels(500, 10);
        int[] a = Subsets.corruptLabels(labels, 10, 0.2, 42);
        assertArrayEquals(a, Subsets.corruptLabels(labels, 10, 0.2, 42));
        assertArrayEquals(Subsets.corruptedSamples(500, 0.2, 42), Subsets.corruptedSamples(500, 0.2, 42));
        assertFalse(Arrays.equals(a, Subsets.corruptLabels(labels, 10, 0.2, 43)));
    }

    @Test
    void fullNoiseMakesLabelsUniformAndIndependentOfTheOriginal() {
        int n = 90000;
        int[] zeros = new int[n];
        int[] noisy = Subsets.corruptLabels(zeros, 10, 1.0, 3);
        int[] counts = new int[10];
        for (int label : noisy) counts[label]++;
        // 9000 expected per class, standard deviation about 90: 600 is over 6 standard deviations
        for (int c = 0; c < 10; c++) assertEquals(9000, counts[c], 600, "class " + c);
        // two classes, every label replaced: about half change (a flip of all would be a learnable relabelling)
        int[] pm = cyclicLabels(10000, 2);
        assertEquals(5000, changed(pm, Subsets.corruptLabels(pm, 2, 1.0, 5)), 300);

        int[] chosen = Subsets.corruptedSamples(n, 0.5, 3);
        long inFirstHalf = IntStream.of(chosen).filter(i -> i < n / 2).count();
        assertEquals(n / 4, inFirstHalf, 600, "chosen samples spread over the whole set");
    }

    @Test
    void refusesAFractionOutsideZeroToOneNamingTheQuantity() {
        int[] labels = cyclicLabels(10, 2);
        for (double fraction : new double[] {-0.1, 1.1, Double.NaN}) {
            assertRefused("label noise", () -> Subsets.corruptLabels(labels, 2, fraction, 1));   // the lab names the option: RunPlanTest
        }
        assertArrayEquals(new int[] {0, 0}, Subsets.corruptLabels(new int[] {0, 0}, 1, 0.5, 1), "one class: a random label is that class");
        assertThrows(IllegalArgumentException.class, () -> Subsets.corruptLabels(new int[] {0, 5}, 2, 0.5, 1));
    }

    // ---------------------------------------------------------------- firstPerClass and gathering

    static final int[] LABELS = {2, 0, 1, 0, 2, 1, 0, 2};

    @Test
    void firstPerClassKeepsFileOrder() {
        assertArrayEquals(new int[] {0, 1, 3, 4}, Subsets.firstPerClass(LABELS, new int[] {0, 2}, 2, "toy"));
        assertArrayEquals(new int[] {0, 1, 3, 4}, Subsets.firstPerClass(LABELS, new int[] {2, 0}, 2, "toy"), "class order does not matter");
        assertArrayEquals(new int[] {0, 1, 2}, Subsets.firstPerClass(LABELS, null, 1, "toy"));
        assertArrayEquals(new int[] {0, 1, 2}, Subsets.firstPerClass(LABELS, new int[0], 1, "toy"));
        assertArrayEquals(new int[] {1, 2, 3, 5, 6}, Subsets.firstPerClass(LABELS, new int[] {0, 1}, 0, "toy"), "perClass 0: all");
        assertArrayEquals(IntStream.range(0, 8).toArray(), Subsets.firstPerClass(LABELS, null, -1, "toy"));
    }

    @Test
    void firstPerClassRefusesAbsentClassesListingThePresentOnes() {
        String message = assertRefused("class 5", () -> Subsets.firstPerClass(LABELS, new int[] {0, 5}, 1, "toy"));
        assertTrue(message.contains("class 5") && message.contains("[0, 1, 2]") && message.contains("toy"), message);
    }

    @Test
    void firstPerClassRefusesTooFewSamplesSayingHowManyThereAre() {
        String message = assertRefused("class 1", () -> Subsets.firstPerClass(LABELS, new int[] {1}, 3, "toy"));
        assertTrue(message.contains("only 2 samples"), message);
        assertRefused("class 1", () -> Subsets.firstPerClass(LABELS, new int[] {1, 1}, 1, "toy"));
    }

    @Test
    void gathersRowsAndLabels() {
        try (Matrix x = Matrix.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}); Matrix picked = Subsets.gatherRows(x, new int[] {2, 0, 2})) {
            assertArrayEquals(new double[][] {{5, 6}, {1, 2}, {5, 6}}, picked.toRows());
            assertThrows(IndexOutOfBoundsException.class, () -> Subsets.gatherRows(x, new int[] {3}));
        }
        assertArrayEquals(new int[] {1, 2, 1}, Subsets.gather(new int[] {2, 0, 1}, new int[] {2, 0, 2}));
    }

    // ---------------------------------------------------------------- scaleToUnitNorm

    @Test
    void scalesEveryRowToNormOneKeepingItsDirection() {
        try (Matrix x = Matrix.of(new double[][] {{3, 4}, {0, -2}, {1e-3, 1e-3}})) {
            Subsets.scaleToUnitNorm(x, "toy");
            assertArrayEquals(new double[] {0.6, 0.8}, x.row(0), 1e-15);
            assertArrayEquals(new double[] {0, -1}, x.row(1), 0);
            assertArrayEquals(new double[] {Math.sqrt(0.5), Math.sqrt(0.5)}, x.row(2), 1e-15);
        }
    }

    @Test
    void refusesAZeroRowNamingItAndChangesNothing() {
        try (Matrix x = Matrix.of(new double[][] {{3, 4}, {0, 0}})) {
            BadInputException e = assertThrows(BadInputException.class, () -> Subsets.scaleToUnitNorm(x, "toy"));
            assertTrue(e.getMessage().contains("toy: row 1 is all zeros"), e.getMessage());
            assertArrayEquals(new double[] {3, 4}, x.row(0));
        }
    }

    // ---------------------------------------------------------------- trainTestSplit

    @Test
    void splitsIntoSortedDisjointPartsOfTheAskedSizes() {
        int[][] split = Subsets.trainTestSplit(100, 0.25, 5);
        int[] train = split[0];
        int[] test = split[1];
        assertEquals(75, train.length);
        assertEquals(25, test.length);
        assertTrue(isSorted(train) && isSorted(test));
        int[] all = IntStream.concat(Arrays.stream(train), Arrays.stream(test)).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 100).toArray(), all);
        assertArrayEquals(test, Subsets.trainTestSplit(100, 0.25, 5)[1], "same seed, same split");
        assertFalse(Arrays.equals(test, Subsets.trainTestSplit(100, 0.25, 6)[1]), "another seed, another split");
        assertEquals(0, Subsets.trainTestSplit(100, 0, 5)[1].length);
        assertEquals(0, Subsets.trainTestSplit(0, 0.5, 5)[0].length);
    }

    static boolean isSorted(int[] a) {
        for (int i = 1; i < a.length; i++) if (a[i - 1] >= a[i]) return false;
        return true;
    }

    @Test
    void refusesATestFractionOutsideZeroToOneNamingTheQuantity() {
        for (double fraction : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            assertRefused("test fraction", () -> Subsets.trainTestSplit(10, fraction, 1));   // the lab names the option: RunPlanTest
        }
        assertRefused("test fraction", () -> Subsets.trainTestSplit(1, 0.6, 1));   // rounds to the one sample
    }
}
