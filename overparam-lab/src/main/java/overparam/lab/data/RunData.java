package overparam.lab.data;

import overparam.core.data.Dataset;
import overparam.core.nn.Network;

/**
 * What a training run learns from: the training set, an optional held-out test set, the teacher network that
 * labelled synthetic data (null otherwise), and a description of how the data were made (classes, subset sizes,
 * label noise) for summary.json.
 */
public record RunData(Dataset train, Dataset test, Network teacher, String[] classNames) implements AutoCloseable {
    public static RunData of(Dataset train) { return new RunData(train, null, null, null); }

    @Override public void close() {
        train.close();
        if (test != null) test.close();
        if (teacher != null) teacher.close();
    }
}
