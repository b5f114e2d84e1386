package overparam.core.instruments;

import java.util.ArrayList;
import java.util.List;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.TrainedLayers;

/** The standard set of instruments of a training run (issue 3), and what they cost in memory. */
public final class Instruments {
    private Instruments() {}

    /** Gram matrices and eigenvalues, weight movement, activation patterns, predictions; the Gram instrument first. */
    public static List<Observer> standard(NetworkSpec spec, int n, TrainedLayers trained) {
        List<Observer> list = new ArrayList<>();
        list.add(new GramInstrument(spec, n, trained));
        list.add(new MovementInstrument(spec));
        list.add(new PatternInstrument(spec));
        list.add(new PredictionInstrument());
        return list;
    }

    /** Native and heap bytes the standard instruments hold. */
    public static double bytes(NetworkSpec spec, long n) {
        return GramInstrument.bytes(spec, n) + MovementInstrument.bytes(spec) + PatternInstrument.bytes(spec, n);
    }
}
