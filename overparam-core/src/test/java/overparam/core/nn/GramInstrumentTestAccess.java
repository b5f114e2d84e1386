package overparam.core.nn;

import java.util.List;
import overparam.core.data.Dataset;
import overparam.core.instruments.GramInstrument;
import overparam.core.optim.Optimizer;

/** G^(h)(0) of a network through the instrument a run uses: zero steps of training with the Gram instrument on. */
final class GramInstrumentTestAccess {
    private GramInstrumentTestAccess() {}

    static GramInstrument measureAtInit(Network net, Dataset data) {
        TrainedLayers all = TrainedLayers.all(net.spec());
        GramInstrument gram = new GramInstrument(net.spec(), data.n(), all);
        Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.1), 0, 1, all, 0), List.of(gram), TrainingListener.NONE);
        return gram;
    }
}
