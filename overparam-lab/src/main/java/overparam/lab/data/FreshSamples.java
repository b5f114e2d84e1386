package overparam.lab.data;

import java.nio.DoubleBuffer;
import java.util.random.RandomGenerator;
import overparam.core.Seeds;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;
import overparam.core.nn.BatchSource;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.Workspace;

/**
 * --fresh-samples: every SGD batch is a new draw of the synthetic distribution, labelled by the teacher, so SGD
 * follows the gradient of the population loss E_x[(y(x, W) - y(x, W*))^2] (seed 002, eq. 2; Li and Yuan 2017) rather
 * than of a fixed sample. Its own random stream; the teacher's forward pass runs in a workspace made once.
 */
public final class FreshSamples implements BatchSource, AutoCloseable {
    private final Synthetic.Kind kind;
    private final Network teacher;
    private final Workspace ws;
    private final RandomGenerator rng;
    private final boolean signs;

    public FreshSamples(Synthetic.Kind kind, Network teacher, int rows, long seed, Loss loss) {
        this.kind = kind;
        this.teacher = teacher;
        this.ws = new Workspace(teacher.spec(), rows);
        this.rng = Seeds.stream(seed, "data/fresh");
        this.signs = loss.takesSigns();
    }

    @Override public void fill(Matrix x, Matrix y) {
        kind.fill(x, rng);
        teacher.forward(ws, x);
        DoubleBuffer u = ws.predictions().buffer(), labels = y.buffer();
        for (int i = 0; i < y.rows(); i++) labels.put(i, signs ? (u.get(i) >= 0 ? 1 : -1) : u.get(i));
    }

    @Override public void close() { ws.close(); }
}
