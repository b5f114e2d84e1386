package overparam.core.instruments;

import overparam.core.kernel.InfiniteTrajectory;
import overparam.core.kernel.Theorems;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;

/**
 * What the theorems predict, recorded next to what the run measured (squared loss): {@code loss_bound} =
 * (1 - eta lambda_0 / 2)^k L(0) of Theorems 5.1 and 6.1, and {@code loss_infinite}, the loss of the
 * infinite-width network under the same gradient descent from the run's own u(0), its "infinite twin".
 */
public final class TheoremTwin implements Observer {
    private final Matrix limitNtk;
    private final double lambda0, eta;
    private InfiniteTrajectory twin;
    private double initialLoss;

    /** limitNtk is Theta on the run's data (copied); lambda0 the least eigenvalue of K^(H); eta the run's step size. */
    public TheoremTwin(Matrix limitNtk, double lambda0, double eta) {
        this.limitNtk = limitNtk.copy();
        this.lambda0 = lambda0;
        this.eta = eta;
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        if (twin == null) {
            initialLoss = view.loss();
            double[] y = view.data().y().toArray(), u0 = view.pass(view.network().depth() + 1).predictions().toArray();
            twin = new InfiniteTrajectory(limitNtk, eta, y, u0);
        }
        record.put("loss_bound", Theorems.lossBound(initialLoss, eta, lambda0, view.step()));
        record.put("loss_infinite", twin.loss(view.step()));
    }

    @Override public void close() {
        limitNtk.close();
        if (twin != null) twin.close();
    }
}
