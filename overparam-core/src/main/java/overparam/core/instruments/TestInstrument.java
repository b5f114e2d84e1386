package overparam.core.instruments;

import overparam.core.data.Dataset;
import overparam.core.nn.Evaluator;
import overparam.core.nn.Loss;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;

/**
 * Generalization: the loss on a held-out test set (test_loss) and, for class labels, its accuracy and error
 * (test_accuracy, test_error), at every record, a block of rows at a time ({@link Evaluator}). The same on a validation
 * set held out of the training data (validation_loss, validation_accuracy, validation_error): the set early stopping
 * chooses its step by, so that the test set stays untouched by the choice (Frankle and Carbin 2019, Section 2).
 */
public final class TestInstrument implements Observer {
    /** The metrics' prefixes: the test set's and the validation set's. */
    public static final String TEST = "test", VALIDATION = "validation";

    private final Evaluator evaluator;
    private final Loss loss;
    private final boolean classes;
    private final String prefix;

    public TestInstrument(NetworkSpec spec, Dataset test, Loss loss) {
        this(spec, test, loss, TEST);
    }

    /** prefix: {@link #TEST} or {@link #VALIDATION}, the start of the metrics' names. */
    public TestInstrument(NetworkSpec spec, Dataset data, Loss loss, String prefix) {
        this.evaluator = new Evaluator(spec, data);
        this.loss = loss;
        this.classes = loss.classifies(data.y());
        this.prefix = prefix;
    }

    public static double bytes(NetworkSpec spec, int n) { return Evaluator.bytes(spec, n); }

    @Override public void onRecord(RunView view, StepRecord record) {
        Evaluator.Result r = evaluator.evaluate(view.network(), loss);
        record.put(prefix + "_loss", r.loss());
        if (classes) {
            record.put(prefix + "_accuracy", r.accuracy());
            record.put(prefix + "_error", 1 - r.accuracy());
        }
    }

    @Override public void close() { evaluator.close(); }
}
