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
 * (test_accuracy, test_error), at every record, a block of rows at a time ({@link Evaluator}).
 */
public final class TestInstrument implements Observer {
    private final Evaluator evaluator;
    private final Loss loss;
    private final boolean classes;

    public TestInstrument(NetworkSpec spec, Dataset test, Loss loss) {
        this.evaluator = new Evaluator(spec, test);
        this.loss = loss;
        this.classes = loss.classifies(test.y());
    }

    public static double bytes(NetworkSpec spec, int n) { return Evaluator.bytes(spec, n); }

    @Override public void onRecord(RunView view, StepRecord record) {
        Evaluator.Result r = evaluator.evaluate(view.network(), loss);
        record.put("test_loss", r.loss());
        if (classes) {
            record.put("test_accuracy", r.accuracy());
            record.put("test_error", 1 - r.accuracy());
        }
    }

    @Override public void close() { evaluator.close(); }
}
