package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainingListener;

/**
 * Early-stopping bookkeeping (Frankle and Carbin 2019, Section 2: "the iteration of minimum validation loss", and the test
 * accuracy there): of the run's records, the one of least validation_loss, the first on ties (a later record that only
 * equals it is no improvement); its step and the test loss and accuracy it recorded. Training is not stopped there: the
 * run goes on to --steps, so the final numbers stay comparable between networks; the early-stopping point is read off the
 * records. A non-finite validation loss (a diverging run) is never the minimum.
 */
final class EarlyStopping implements TrainingListener {
    /** The summary's key; its numbers become the store's per-run values under their own names. */
    static final String KEY = "early_stopping";
    static final String STEP = "early_stop_step", VALIDATION_LOSS = "early_stop_validation_loss",
            VALIDATION_ACCURACY = "early_stop_validation_accuracy", TEST_LOSS = "early_stop_test_loss", TEST_ACCURACY = "early_stop_test_accuracy";

    private int step = -1;
    private double validationLoss = Double.NaN, validationAccuracy = Double.NaN, testLoss = Double.NaN, testAccuracy = Double.NaN;

    @Override public void onRecord(StepRecord record) {
        double v = value(record, "validation_loss");
        if (!Double.isFinite(v) || step >= 0 && !(v < validationLoss)) return;
        step = record.step();
        validationLoss = v;
        validationAccuracy = value(record, "validation_accuracy");
        testLoss = value(record, "test_loss");
        testAccuracy = value(record, "test_accuracy");
    }

    /** The record of least validation loss so far: its step, or -1 before any finite one. */
    int step() { return step; }

    /** The summary's early_stopping object: the step and what was recorded there (absent values, e.g. no test set, are left out). */
    ObjectNode json() {
        ObjectNode s = Json.object();
        s.put("rule", "the recorded step of least validation loss, the first on ties");
        if (step < 0) return s;
        s.put(STEP, step);
        put(s, VALIDATION_LOSS, validationLoss);
        put(s, VALIDATION_ACCURACY, validationAccuracy);
        put(s, TEST_LOSS, testLoss);
        put(s, TEST_ACCURACY, testAccuracy);
        return s;
    }

    private static void put(ObjectNode s, String name, double v) {
        if (!Double.isNaN(v)) s.put(name, v);
    }

    private static double value(StepRecord record, String name) { return record.number(name); }
}
