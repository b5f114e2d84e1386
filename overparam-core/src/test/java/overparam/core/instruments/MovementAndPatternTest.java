package overparam.core.instruments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.StepRecord;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.nn.Workspace;
import overparam.core.optim.Optimizer;

/** The movement and pattern instruments against a recount from the weights before and after training. */
class MovementAndPatternTest {
    @Test
    void movementAndPatternChangeMatchARecount() {
        NetworkSpec spec = Fixtures.spec(Arch.RESNET, "relu", 5, 48, 3);
        try (Dataset data = Fixtures.sphere(9, 5, 2); Network net = Network.initialize(spec, 4)) {
            double[][] before = weights(net);
            boolean[][] patternBefore = patterns(net, data);
            List<StepRecord> records = new ArrayList<>();
            TrainedLayers all = TrainedLayers.all(spec);
            Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.3), 30, 30, all, 0),
                    List.of(new MovementInstrument(spec), new PatternInstrument(spec)), new TrainingListener() {
                        @Override public void onRecord(StepRecord r) { records.add(r); }
                    });
            StepRecord last = records.get(records.size() - 1);
            double[][] after = weights(net);
            for (int p = 0; p < after.length; p++) {
                double sumSq = 0, rowMax = 0;
                int cols = spec.parameterShape(p + 1)[1];
                for (int r = 0; r < spec.width(); r++) {
                    double row = 0;
                    for (int j = 0; j < cols; j++) row += Math.pow(after[p][r * cols + j] - before[p][r * cols + j], 2);
                    sumSq += row;
                    rowMax = Math.max(rowMax, Math.sqrt(row));
                }
                assertEquals(Math.sqrt(sumSq), last.list("weight_movement")[p], 1e-12);
                assertEquals(Math.sqrt(sumSq / spec.width()), last.list("weight_movement_scaled")[p], 1e-12);
                if (p < spec.depth()) assertEquals(rowMax, last.list("neuron_movement_max")[p], 1e-12);
            }
            boolean[][] patternAfter = patterns(net, data);
            long changed = 0, units = 0;
            for (int h = 0; h < spec.depth(); h++) {
                long layerChanged = 0;
                for (int i = 0; i < patternAfter[h].length; i++) if (patternAfter[h][i] != patternBefore[h][i]) layerChanged++;
                assertEquals((double) layerChanged / patternAfter[h].length, last.list("pattern_change_per_layer")[h], 0.0);
                changed += layerChanged;
                units += patternAfter[h].length;
            }
            assertTrue(changed > 0, "a step size of 0.3 on m = 48 should flip some relu");
            assertEquals((double) changed / units, last.number("pattern_change"), 0.0);
            assertEquals(0.0, records.get(0).number("pattern_change"));
        }
    }

    private static double[][] weights(Network net) {
        double[][] w = new double[net.spec().parameterCount()][];
        for (int h = 1; h <= w.length; h++) w[h - 1] = net.parameter(h).toArray();
        return w;
    }

    private static boolean[][] patterns(Network net, Dataset data) {
        boolean[][] on = new boolean[net.depth()][];
        try (Workspace ws = new Workspace(net.spec(), data.n())) {
            net.forward(ws, data.x());
            for (int h = 1; h <= net.depth(); h++) {
                double[] pre = ws.preActivation(h).toArray();
                on[h - 1] = new boolean[pre.length];
                for (int i = 0; i < pre.length; i++) on[h - 1][i] = pre[i] > 0;
            }
        }
        return on;
    }
}
