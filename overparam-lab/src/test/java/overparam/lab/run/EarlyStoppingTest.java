package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.nn.Loss;
import overparam.core.nn.StepRecord;
import overparam.lab.data.RunData;
import overparam.lab.data.RunDataLoader;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.plan.RunPlan;

/** --validation-n: the held-out split, its refusals, and the early-stopping point read off the records. */
class EarlyStoppingTest {
    private static RunConfig base() {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 16).with("synthetic", "sphere").with("n", 40).with("d", 5)
                .with("labels_from", "teacher").with("eta", "0.05");
    }

    private static StepRecord record(int step, double validationLoss, double testAccuracy) {
        StepRecord r = new StepRecord(step);
        r.put("validation_loss", validationLoss);
        r.put("test_accuracy", testAccuracy);
        r.put("test_loss", 10 + step);
        return r;
    }

    /** The least validation loss, the first record on ties; NaN (a diverging run) never wins; the test numbers come from that record. */
    @Test
    void theStepOfLeastValidationLossFirstOnTies() {
        EarlyStopping e = new EarlyStopping();
        assertEquals(-1, e.step());
        assertFalse(e.json().has(EarlyStopping.STEP), "no record yet, no step");
        e.onRecord(record(0, 3.0, 0.1));
        e.onRecord(record(10, 2.0, 0.5));
        e.onRecord(record(20, 2.5, 0.6));
        e.onRecord(record(30, 2.0, 0.7));          // equals the minimum: the first stays
        e.onRecord(record(40, Double.NaN, 0.9));
        assertEquals(10, e.step());
        ObjectNode j = e.json();
        assertEquals(10, j.get(EarlyStopping.STEP).asInt());
        assertEquals(0.5, j.get(EarlyStopping.TEST_ACCURACY).asDouble());
        assertEquals(20.0, j.get(EarlyStopping.TEST_LOSS).asDouble());
        assertEquals(2.0, j.get(EarlyStopping.VALIDATION_LOSS).asDouble());
        e.onRecord(record(50, 1.999, 0.2));
        assertEquals(50, e.step(), "a strictly smaller loss moves it");
    }

    /** The split: N rows held out, the rest trained on, together exactly the rows of the run without the split; seeded. */
    @Test
    void validationRowsAreHeldOutOfTheTrainingSet() {
        RunPlan whole = RunPlan.parse(base());
        RunPlan split = RunPlan.parse(base().with("validation_n", 12));
        try (RunData all = RunDataLoader.load(whole.data(), whole.network(), Loss.SQUARED);
             RunData parts = RunDataLoader.load(split.data(), split.network(), Loss.SQUARED)) {
            assertEquals(28, parts.train().n());
            assertEquals(12, parts.validation().n());
            Set<String> train = rows(parts.train().x()), validation = rows(parts.validation().x()), every = rows(all.train().x());
            assertEquals(40, every.size());
            Set<String> both = new HashSet<>(train);
            both.retainAll(validation);
            assertTrue(both.isEmpty(), "no validation row is trained on");
            Set<String> union = new HashSet<>(train);
            union.addAll(validation);
            assertEquals(every, union);
            for (int i = 0; i < parts.validation().n(); i++) {      // labels travel with their rows
                int j = indexOf(all.train().x(), parts.validation().x().row(i));
                assertEquals(all.train().y().get(j), parts.validation().y().get(i));
            }
            try (RunData again = RunDataLoader.load(split.data(), split.network(), Loss.SQUARED);
                 RunData other = RunDataLoader.load(RunPlan.parse(base().with("validation_n", 12).with("seed", 5L)).data(), split.network(), Loss.SQUARED)) {
                assertEquals(validation, rows(again.validation().x()), "same seed, same split");
                assertFalse(validation.equals(rows(other.validation().x())), "another seed, another split");
            }
        }
    }

    @Test
    void refusals() {
        for (RunConfig c : new RunConfig[] {base().with("validation_n", 0), base().with("validation_n", 40),
                base().with("validation_n", 5).with("fresh_samples", true).with("batch_size", 4)}) {
            BadInputException e = assertThrows(BadInputException.class, () -> RunPlan.parse(c));
            assertTrue(e.getMessage().startsWith("--validation-n"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        RunPlan files = RunPlan.parse(RunConfigTest.empty().with("data", "breast-cancer").with("test_fraction", 0.5).with("validation_n", 284)
                .with("eta", "0.05"));
        BadInputException e = assertThrows(BadInputException.class, () -> RunDataLoader.load(files.data(), files.network(), Loss.SQUARED));
        assertTrue(e.getMessage().startsWith("--validation-n 284") && e.getMessage().contains("fewer than the 284 training samples"), e.getMessage());
    }

    private static Set<String> rows(overparam.core.linalg.Matrix x) {
        Set<String> s = new HashSet<>();
        for (int i = 0; i < x.rows(); i++) s.add(java.util.Arrays.toString(x.row(i)));
        return s;
    }

    private static int indexOf(overparam.core.linalg.Matrix x, double[] row) {
        for (int i = 0; i < x.rows(); i++) if (java.util.Arrays.equals(x.row(i), row)) return i;
        throw new AssertionError("row not found");
    }
}
