package overparam.core.instruments;

import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;

/** The prediction vector u(k) on the training set, to compare with y and with the infinite-width trajectory. */
public final class PredictionInstrument implements Observer {
    @Override public void onRecord(RunView view, StepRecord record) {
        var pass = view.pass(view.network().depth() + 1);
        record.put("predictions", pass.predictions().toArray());
    }
}
