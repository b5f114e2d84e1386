package overparam.lab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import overparam.core.nn.RunStatus;
import overparam.lab.store.Results;
import overparam.lab.store.Store;

/**
 * A realistic store for report tests: widths {64, 128, 256, 512} x seeds {0, 1, 2} of a two-layer fc network,
 * ten recorded steps each, plus one diverged cell. The loss decays geometrically, faster for wider networks
 * (rate 0.09 - 0.4 / sqrt(m)), under a looser loss_bound; weight_movement_scaled.total saturates at
 * 4 m^-1/2 times log-normal noise (sigma 0.08), so its log-log slope against the width is -1/2.
 */
final class WidthSweep {
    static final int[] WIDTHS = {64, 128, 256, 512};
    static final int SEEDS = 3, STEPS = 10, EVERY = 10;
    static final String EXPERIMENT = "width-sweep";

    /** The store's results, and the final weight movement of each finished cell as written: {width, movement}. */
    record Sweep(Results results, List<double[]> finalMovement) {}

    private WidthSweep() {}

    static Sweep write(Path dir) {
        List<double[]> movement = new ArrayList<>();
        try (Store store = Store.open(dir)) {
            store.recordExperiment(EXPERIMENT, "{\"name\":\"width-sweep\"}", "test");
            for (int width : WIDTHS)
                for (int seed = 0; seed < SEEDS; seed++) {
                    Random random = new Random(1000L * width + seed);
                    long id = store.startCell(EXPERIMENT, "fc-w" + width + "-s" + seed, config(width, seed), seed, "test");
                    double loss0 = 1 + 0.3 * (random.nextDouble() - 0.5);
                    double rate = (0.09 - 0.4 / Math.sqrt(width)) * (1 + 0.16 * (random.nextDouble() - 0.5));
                    double scale = 4 / Math.sqrt(width) * Math.exp(0.08 * random.nextGaussian());
                    List<Store.StepRow> rows = new ArrayList<>();
                    double last = 0;
                    for (int i = 0; i < STEPS; i++) {
                        int step = i * EVERY;
                        double decay = Math.pow(1 - rate, step);
                        last = scale * (1 - 0.02 * decay);
                        Map<String, Double> m = new LinkedHashMap<>();
                        m.put("loss", loss0 * decay);
                        m.put("loss_bound", 1.1 * loss0 * Math.pow(1 - 0.75 * rate, step));
                        m.put("weight_movement_scaled.total", last);
                        rows.add(new Store.StepRow(step, m));
                    }
                    movement.add(new double[] {width, last});
                    store.finishCell(id, RunStatus.DONE, rows, Map.of("lambda_0", 0.31 + 0.004 * random.nextGaussian(), "final_loss", loss0));
                }
            long diverged = store.startCell(EXPERIMENT, "fc-w512-s3", config(512, 3), 3, "test");
            Map<String, Double> blownUp = new LinkedHashMap<>();
            blownUp.put("loss", Double.POSITIVE_INFINITY);   // the store keeps it as NULL
            blownUp.put("weight_movement_scaled.total", 40.0);
            store.finishCell(diverged, RunStatus.DIVERGED, List.of(new Store.StepRow(0, Map.of("loss", 1.0)), new Store.StepRow(10, blownUp)), Map.of());
            return new Sweep(Results.read(store), movement);
        }
    }

    static String config(int width, int seed) {
        return String.format(Locale.ROOT, "{\"arch\":\"fc\",\"width\":%d,\"depth\":1,\"activation\":\"relu\",\"seed\":%d,\"eta\":0.1,"
                + "\"steps\":%d,\"n\":64,\"d\":16}", width, seed, (STEPS - 1) * EVERY);
    }
}
