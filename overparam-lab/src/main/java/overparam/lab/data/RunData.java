package overparam.lab.data;

import overparam.core.data.Dataset;
import overparam.core.nn.Network;

/**
 * What a training run learns from: the training set, an optional held-out test set, the teacher network that
 * labelled synthetic data (null otherwise), a description of how the data were made (classes, subset sizes,
 * label noise) for summary.json, and the validation set held out of the training data (--validation-n; null otherwise).
 */
public record RunData(Dataset train, Dataset test, Network teacher, String[] classNames, Dataset validation) implements AutoCloseable {
    public RunData(Dataset train, Dataset test, Network teacher, String[] classNames) { this(train, test, teacher, classNames, null); }

    public static RunData of(Dataset train) { return new RunData(train, null, null, null); }

    @Override public void close() {
        train.close();
        if (test != null) test.close();
        if (validation != null) validation.close();
        if (teacher != null) teacher.close();
    }
}
