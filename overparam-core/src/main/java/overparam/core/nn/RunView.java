package overparam.core.nn;

import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;

/**
 * What an observer may read at a recorded step. All matrices are live buffers of the run: read them, never
 * write them (EJML's "Not modified").
 */
public interface RunView {
    int step();

    Network network();

    TrainedLayers trained();

    /** The whole training set (also under SGD, where the step itself saw a batch). */
    Dataset data();

    /** The training loss over the whole training set at this step's weights. */
    double loss();

    /**
     * The forward pass over the whole training set at this step's weights, with back-propagated signals
     * B_h for every hidden layer h >= lowestSignal (computed on demand).
     */
    Workspace pass(int lowestSignal);

    /**
     * The input of parameter h over the training set as pixel rows (Workspace#layerInput): X for h = 1, x^(h-1) for
     * h <= H.
     */
    default Matrix layerInput(int h) {
        return pass(network().depth() + 1).layerInput(h);
    }
}
