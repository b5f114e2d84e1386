package overparam.lab.run;

import java.util.ArrayList;
import java.util.List;
import overparam.core.instruments.BalanceInstrument;
import overparam.core.instruments.EndToEndInstrument;
import overparam.core.instruments.ForwardSignalInstrument;
import overparam.core.instruments.GradientNoiseInstrument;
import overparam.core.instruments.GramInstrument;
import overparam.core.instruments.HessianInstrument;
import overparam.core.instruments.InputGradientInstrument;
import overparam.core.instruments.MarginInstrument;
import overparam.core.instruments.MovementInstrument;
import overparam.core.instruments.PatternInstrument;
import overparam.core.instruments.PredictionInstrument;
import overparam.core.instruments.RecoveryInstrument;
import overparam.core.instruments.RidgePathInstrument;
import overparam.core.instruments.SmoothnessInstrument;
import overparam.core.instruments.TeacherDistance;
import overparam.core.instruments.TestInstrument;
import overparam.core.instruments.TheoremTwin;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainSpec;
import overparam.core.reference.RidgePath;
import overparam.lab.data.RunData;
import overparam.lab.plan.Instruments;
import overparam.lab.plan.Instruments.Instrument;

/**
 * The observers of one run, in the order their values appear in a metrics.jsonl line: the chosen instruments, then
 * the test set's loss and accuracy, the validation set's, the distance to the teacher (and for the quadratic network the recovery of its
 * M* = W*^T W*), and the infinite-width twin of the theorems
 * (squared loss with the limit kernel). Made before training, closed after it.
 */
final class RunObservers implements AutoCloseable {
    private final List<Observer> list = new ArrayList<>();
    private GramInstrument gram;

    private RunObservers() {}

    /**
     * initScale: the diagonal network's alpha when it starts at w = alpha 1 (the standard scheme), else 0; labelNoiseSd: the
     * sigma of the Gaussian noise on the labels (--label-noise-sd), which the ridge path's exact risks take; path: the direction of
     * --synthetic line's inputs (input-gradient's autocorrelations along it), or null.
     */
    static RunObservers of(NetworkSpec spec, RunData data, Network network, TrainSpec train, Instruments instruments, Theory theory, double initScale,
                           double labelNoiseSd, double[] path) {
        RunObservers o = new RunObservers();
        try {
            if (instruments.has(Instrument.GRAM)) o.list.add(o.gram = new GramInstrument(spec, data.train().n(), train.trained()));
            if (instruments.has(Instrument.MOVEMENT)) o.list.add(new MovementInstrument(spec));
            if (instruments.has(Instrument.PATTERN)) o.list.add(new PatternInstrument(spec));
            if (instruments.has(Instrument.PREDICTIONS)) o.list.add(new PredictionInstrument());
            if (instruments.has(Instrument.BALANCE)) o.list.add(new BalanceInstrument(spec, train.trained()));
            if (instruments.has(Instrument.MARGIN)) o.list.add(new MarginInstrument(spec, train.trained(), smoothing(train.loss())));
            if (instruments.has(Instrument.END_TO_END)) o.list.add(new EndToEndInstrument(spec, References.of(spec, data, train.loss(), initScale)));
            if (instruments.has(Instrument.RIDGE_PATH))
                o.list.add(new RidgePathInstrument(RidgePath.of(data.train().x(), data.train().y().toArray()), References.teacherBeta(spec, data),
                        labelNoiseSd, train.optimizer().eta()));
            if (instruments.has(Instrument.SMOOTHNESS)) o.list.add(new SmoothnessInstrument(network, train.trained(), data.train(), train.loss()));
            if (instruments.has(Instrument.HESSIAN))
                o.list.add(new HessianInstrument(network, train.trained(), train.loss(), data.train().n(), instruments.hessian(), train.seed()));
            // signal propagation (issue 16): path = the line's direction when the inputs are --synthetic line, else null
            if (instruments.has(Instrument.INPUT_GRADIENT)) o.list.add(new InputGradientInstrument(spec, data.train().n(), path));
            if (instruments.has(Instrument.FORWARD_SIGNAL)) o.list.add(new ForwardSignalInstrument(spec));
            if (data.test() != null) o.list.add(new TestInstrument(spec, data.test(), train.loss()));
            if (data.validation() != null) o.list.add(new TestInstrument(spec, data.validation(), train.loss(), TestInstrument.VALIDATION));
            if (data.teacher() != null && TeacherDistance.comparable(data.teacher(), network)) o.list.add(new TeacherDistance(data.teacher()));
            if (data.teacher() != null && RecoveryInstrument.applies(data.teacher(), network)) o.list.add(new RecoveryInstrument(data.teacher()));
            if (theory != null && train.loss() == Loss.SQUARED)
                o.list.add(new TheoremTwin(theory.limitNtk(), theory.lambda0(), train.optimizer().eta()));
            return o;
        } catch (RuntimeException e) {
            o.close();
            throw e;
        }
    }

    List<Observer> list() { return list; }

    /** Lyu and Li's smoothed margin exists for the exponential and logistic losses. */
    private static MarginInstrument.Smoothing smoothing(Loss loss) {
        if (loss == Loss.EXPONENTIAL) return MarginInstrument.Smoothing.EXPONENTIAL;
        return loss == Loss.LOGISTIC ? MarginInstrument.Smoothing.LOGISTIC : MarginInstrument.Smoothing.NONE;
    }

    /**
     * The gradient-noise instrument (Simsekli et al. 2019) with its K minibatches of b samples, drawn from the run's seed on a
     * stream of their own (TrainRun has checked b < n).
     */
    void gradientNoise(Network network, RunData data, TrainSpec train, overparam.lab.plan.NoisePlan noise) {
        list.add(new GradientNoiseInstrument(network, train.trained(), train.loss(), data.train(), noise.batches(), noise.batchSize(), train.seed()));
    }

    /** --dump-gram: G^(H)(k) and G(k) of every record as gram_step{k}.npy and ntk_step{k}.npy (the run checked that gram is on). */
    void dumpGram(RunFolder folder) {
        GramInstrument g = gram;
        list.add(new Observer() {
            @Override public void onRecord(RunView view, StepRecord record) {
                folder.writeMatrix("gram_step" + view.step() + ".npy", g.gram());
                folder.writeMatrix("ntk_step" + view.step() + ".npy", g.ntk());
            }
        });
    }

    @Override public void close() {
        for (Observer o : list) o.close();
    }
}
