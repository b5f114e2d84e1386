package overparam.core.instruments;

import overparam.core.data.Dataset;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.core.nn.LossGradient;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.ParameterVector;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Workspace;

/**
 * Local smoothness along the trajectory, as Zhang, He, Sra, Jadbabaie (ICLR 2020, Figure 1) measure it: with
 * d = theta(t) - theta(t - 1) the step into a record,
 * L_hat(t) = ||grad f(theta(t - 1) + (1 - a) d) - grad f(theta(t - 1))|| / ((1 - a) ||d||), a = 1/2: their code
 * (why-clipping-accelerates, main.py eval_smooth, num_pts = 1) takes alphas = [1/2] and the max over that one point.
 * f is the training loss as the run defines it (a sum or a mean) over the whole training set; their code averages over a
 * tenth of the corpus. Records
 * <ul>
 *   <li>smoothness: L_hat(t), at every record but step 0 (no step into it) and none when d = 0;</li>
 *   <li>smoothness_grad_norm: ||grad f(theta(t - 1))||, the gradient norm Figure 1 plots L_hat against.</li>
 * </ul>
 * It copies theta(t - 1) and its gradient at step t - 1 ({@link Observer#beforeRecordedStep}) and evaluates the gradient
 * at the midpoint on a network of its own, by the training step's backward pass ({@link LossGradient}): two passes over
 * the training set per record, buffers made once, the run's weights only read.
 */
public final class SmoothnessInstrument implements Observer {
    /** Their a: the gradient is evaluated at theta(t - 1) + (1 - A) d. */
    public static final double A = 0.5;

    private final Network own;
    private final LossGradient gradient;
    private final ParameterVector layout;
    private final Dataset data;
    private final Matrix previous, previousGradient, step, gradientAt;
    private int previousStep = Integer.MIN_VALUE;

    /** network: the run's, at its initial weights (the untrained parameters, fixed through the run, are copied from it). */
    public SmoothnessInstrument(Network network, TrainedLayers trained, Dataset data, Loss loss) {
        if (!applies(network.spec())) throw new IllegalArgumentException("smoothness needs a network whose trained parameters are all matrices (no learned PReLU slope)");
        this.own = Network.fromWeights(network.spec(), network.parametersAndScalars(), "smoothness");
        this.gradient = new LossGradient(own, trained, loss, data.n());
        this.layout = gradient.layout();
        this.data = data;
        this.previous = layout.zeros();
        this.previousGradient = layout.zeros();
        this.step = layout.zeros();
        this.gradientAt = layout.zeros();
    }

    /** Whether the gradient is one vector of matrices ({@link ParameterVector#supports}). */
    public static boolean applies(NetworkSpec spec) { return ParameterVector.supports(spec); }

    /** Native bytes: a copy of the weights, a workspace over the n training rows, four P-vectors. */
    public static double bytes(NetworkSpec spec, int n) {
        return 5 * Network.bytes(spec) + Workspace.bytes(spec, n);
    }

    @Override public void beforeRecordedStep(int stepIndex, Network network) {
        layout.read(network, previous);
        layout.write(previous, own);
        gradient.evaluate(data.x(), data.y(), previousGradient);
        previousStep = stepIndex;
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        if (previousStep != view.step() - 1) return;                       // step 0: no step into it
        layout.read(view.network(), step);
        Linalg.addScaled(-1.0, previous, step);                             // d = theta(t) - theta(t - 1)
        double norm = Linalg.normF(step);
        if (norm == 0) return;
        layout.write(previous, own);
        layout.add(1 - A, step, own);                                       // theta(t - 1) + (1 - a) d
        gradient.evaluate(data.x(), data.y(), gradientAt);
        Linalg.addScaled(-1.0, previousGradient, gradientAt);
        record.put("smoothness", Linalg.normF(gradientAt) / ((1 - A) * norm));
        record.put("smoothness_grad_norm", Linalg.normF(previousGradient));
    }

    @Override public void close() {
        gradient.close();
        own.close();
        previous.close();
        previousGradient.close();
        step.close();
        gradientAt.close();
    }
}
