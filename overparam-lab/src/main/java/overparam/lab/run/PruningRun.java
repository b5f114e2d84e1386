package overparam.lab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import overparam.core.BadInputException;
import overparam.core.Seeds;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainingListener;
import overparam.core.pruning.MagnitudePruning;
import overparam.core.pruning.RandomPruning;
import overparam.lab.plan.PrunePlan;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunPlan;
import overparam.lab.plan.TrainPlan;

/**
 * train --prune-rounds R: iterative magnitude pruning with its controls (Frankle and Carbin 2019), every training an
 * ordinary run folder of its own under DIR/rounds/NN-NETWORK/ (so plot, compare and verify read it), made by
 * {@link TrainRun} from the run's configuration with --out, --init and --mask set: round 0 trains the dense network
 * (00-dense, saving theta_K with --rewind-step K); round k prunes round k-1's trained ticket by magnitude
 * ({@link MagnitudePruning}: ceil(q r) of the r remaining weights of each layer, or of all of them with global scope), writes
 * the mask to DIR/masks/NN-ticket/mask.npz and trains the ticket from theta_0 (round 0's weights_init.npz) or theta_K;
 * the controls train beside it on the same seed, so the minibatches are the same and each comparison is paired: reinit (the
 * ticket's mask on a fresh draw of the initialization, from a seed derived from --seed and the round, DIR/inits/NN-reinit/),
 * random (a mask with the ticket's per-layer counts at uniformly random places, from a stream derived likewise, on theta_0).
 * Pruned are the weights W1..WH and a (biases and other scalars are not weights the paper prunes); the fraction remaining
 * is over all of them.
 *
 * <p>DIR/summary.json is written last, atomically, once every training is done: its "lottery" object holds one row per round
 * and network (weights remaining, early stopping, final test accuracy) and their values under names a check addresses,
 * r03_ticket_early_stop_test_accuracy and the like ({@link #valueName}), which the store keeps as per-run values. A run that
 * fails removes DIR as a failed training run does; a killed one leaves no summary.json, so it never looks complete.
 */
public final class PruningRun {
    /** The summary's key. */
    static final String KEY = "lottery";
    private static final Pattern WEIGHT = Pattern.compile("W\\d+|a");

    private PruningRun() {}

    /** One training of the run: its round and network, the weights it kept, and what it measured (NaN: not measured). */
    public record Row(int round, String network, long remaining, long total, String folder, String status, int earlyStopStep,
                      double earlyStopTestAccuracy, double earlyStopTestLoss, double finalTestAccuracy) {
        public double fraction() { return (double) remaining / total; }
    }

    /** The name of a row's value in the store: r03_ticket_fraction_remaining, r00_dense_early_stop_step, ... */
    public static String valueName(int round, String network, String quantity) {
        return String.format(Locale.ROOT, "r%02d_%s_%s", round, network, quantity);
    }

    /** The folder of one training under DIR: rounds/03-ticket. */
    public static String folderName(int round, String network) {
        return String.format(Locale.ROOT, "rounds/%02d-%s", round, network);
    }

    /** Runs the rounds; notes receives one line per finished training (the fraction remaining and what it reached). */
    static TrainRun.Outcome execute(RunPlan plan, TrainingListener progress, String command, Consumer<String> notes) {
        PrunePlan prune = plan.prune();
        Path out = plan.requireOut();
        RunConfig base = plan.config().with("prune_rounds", null).with("prune_rate", null).with("prune_rate_output", null)
                .with("prune_scope", null).with("prune_controls", null).with("rewind_step", null);
        int rewind = plan.train().rewindStep();
        List<Row> rows = new ArrayList<>();
        try (RunFolder folder = RunFolder.create(out)) {
            Path dense = out.resolve(folderName(0, "dense"));
            TrainRun.Outcome first = TrainRun.execute(RunPlan.parse(base.with("out", dense.toString()).with("rewind_step", rewind >= 0 ? rewind : null)),
                    progress, command);
            // theta_0 read once: the pruned weights' keys, their count and the dense network's all-ones masks
            List<String> keys = prunedKeys(dense.resolve(TrainRun.INIT_WEIGHTS));
            List<Matrix> dense0 = ones(dense.resolve(TrainRun.INIT_WEIGHTS), keys);
            long total = 0;
            for (Matrix m : dense0) total += m.size();
            rows.add(row(out, 0, "dense", total, total, notes));
            TrainRun.Outcome last = first;
            List<Matrix> masks = dense0;
            try {
                Path reset = dense.resolve(rewind >= 0 ? TrainPlan.rewindFile(rewind) : TrainRun.INIT_WEIGHTS);
                if (!first.result().diverged() && !Files.isRegularFile(reset))
                    throw new BadInputException("--rewind-step " + rewind + ": round 0 did not save theta(" + rewind + ") (" + reset.getFileName()
                            + " is missing); rewind to a step the dense run reaches, e.g. --rewind-step 0.");
                Path trained = dense.resolve("weights_final.npz");
                if (!first.result().diverged()) {
                    for (int k = 1; k <= prune.rounds(); k++) {
                        List<Matrix> next = prune(prune, read(trained, keys), masks);
                        close(masks);
                        masks = next;
                        long remaining = 0;
                        for (Matrix m : masks) remaining += MagnitudePruning.remaining(m);
                        Path ticket = out.resolve(folderName(k, "ticket"));
                        Path mask = writeMask(out, k, "ticket", keys, masks);
                        last = TrainRun.execute(RunPlan.parse(base.with("out", ticket.toString()).with("init", reset.toString())
                                .with("mask", mask.toString())), progress, command);
                        rows.add(row(out, k, "ticket", remaining, total, notes));
                        if (prune.controls().contains(PrunePlan.Control.REINIT)) {
                            Path init = writeReinit(out, k, plan, dense);
                            TrainRun.execute(RunPlan.parse(base.with("out", out.resolve(folderName(k, "reinit")).toString()).with("init", init.toString())
                                    .with("mask", mask.toString())), progress, command);
                            rows.add(row(out, k, "reinit", remaining, total, notes));
                        }
                        if (prune.controls().contains(PrunePlan.Control.RANDOM)) {
                            List<Matrix> random = RandomPruning.sameCounts(masks, Seeds.stream(plan.train().seed(), "prune/random-mask/round " + k));
                            Path randomMask;
                            try {
                                randomMask = writeMask(out, k, "random", keys, random);
                            } finally {
                                close(random);
                            }
                            TrainRun.execute(RunPlan.parse(base.with("out", out.resolve(folderName(k, "random")).toString()).with("init", reset.toString())
                                    .with("mask", randomMask.toString())), progress, command);
                            rows.add(row(out, k, "random", remaining, total, notes));
                        }
                        if (last.result().diverged()) break;                   // no trained ticket to prune further
                        trained = ticket.resolve("weights_final.npz");
                    }
                }
            } finally {
                close(masks);
            }
            ObjectNode summary = summary(plan, dense, rows, last.result().diverged() || first.result().diverged());
            folder.finish();
            folder.writeSummary(summary);
            return new TrainRun.Outcome(out, last.result(), first.eta(), first.n(), first.d(), Double.NaN);
        }
    }

    /** The weights a round prunes, in the order W1..WH, a (the output layer last, as MagnitudePruning.perLayer takes them). */
    private static List<String> prunedKeys(Path weights) {
        Map<String, NdArray> arrays = Npz.read(weights);
        try {
            List<String> keys = new ArrayList<>();
            for (String k : arrays.keySet()) if (WEIGHT.matcher(k).matches() && !k.equals("a")) keys.add(k);
            keys.sort((x, y) -> Integer.compare(Integer.parseInt(x.substring(1)), Integer.parseInt(y.substring(1))));
            if (arrays.containsKey("a")) keys.add("a");
            return keys;
        } finally {
            close(arrays);
        }
    }

    private static List<Matrix> prune(PrunePlan prune, Map<String, NdArray> weights, List<Matrix> masks) {
        try {
            List<Matrix> w = new ArrayList<>();
            for (NdArray a : weights.values()) w.add(a.data());
            return prune.scope() == PrunePlan.Scope.LAYER
                    ? MagnitudePruning.perLayer(w, masks, prune.rate(), prune.rateOutput(), "--prune-rate", "--prune-rate-output")
                    : MagnitudePruning.global(w, masks, prune.rate(), "--prune-rate");
        } finally {
            close(weights);
        }
    }

    /** The arrays of these keys, in this order, as the file holds them (a 1-D a is an n x 1 matrix). */
    private static Map<String, NdArray> read(Path file, List<String> keys) {
        Map<String, NdArray> all = new LinkedHashMap<>(Npz.read(file)), chosen = new LinkedHashMap<>();
        for (String k : keys) chosen.put(k, all.remove(k));
        close(all);
        return chosen;
    }

    private static List<Matrix> ones(Path file, List<String> keys) {
        Map<String, NdArray> arrays = read(file, keys);
        List<Matrix> masks = new ArrayList<>();
        for (NdArray a : arrays.values()) {
            Matrix m = Matrix.zeros(a.data().rows(), a.data().cols());
            m.fill(1);
            masks.add(m);
        }
        close(arrays);
        return masks;
    }

    /** DIR/masks/NN-NETWORK/mask.npz, under the weights' keys and in their file shapes (a 1-D for one output). */
    private static Path writeMask(Path out, int round, String network, List<String> keys, List<Matrix> masks) {
        Path file = out.resolve("masks").resolve(String.format(Locale.ROOT, "%02d-%s", round, network)).resolve("mask.npz");
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        for (int l = 0; l < keys.size(); l++) {
            Matrix m = masks.get(l);
            arrays.put(keys.get(l), m.cols() == 1 && keys.get(l).equals("a") ? NdArray.vector(m) : NdArray.of(m));
        }
        createDirectories(file.getParent());
        Npz.write(file, arrays);
        return file;
    }

    /**
     * The reinit control's starting weights: the run's initialization scheme drawn again from a seed derived from --seed and
     * the round (Frankle and Carbin's "randomly reinitialized" tickets), for the network round 0 trained (its summary's shapes).
     */
    private static Path writeReinit(Path out, int round, RunPlan plan, Path dense) {
        JsonNode data = readJson(dense.resolve("summary.json")).get("data");
        int d = data.get("d").asInt(), outputs = data.has("outputs") ? data.get("outputs").asInt() : 1;
        int[] shape = new int[] {d};
        if (data.has("sample_shape")) {
            shape = new int[data.get("sample_shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = data.get("sample_shape").get(i).asInt();
        }
        NetworkSpec spec = plan.network().spec(d, shape, data.get("source").asText(), outputs);
        Path file = out.resolve("inits").resolve(String.format(Locale.ROOT, "%02d-reinit", round)).resolve(TrainRun.INIT_WEIGHTS);
        createDirectories(file.getParent());
        try (Network fresh = Network.initialize(spec, Seeds.derive(plan.train().seed(), "prune/reinit/round " + round), plan.network().initScheme(),
                plan.network().initScale())) {
            Map<String, NdArray> arrays = fresh.weightArrays();
            try {
                Npz.write(file, arrays);
            } finally {
                close(arrays);
            }
        }
        return file;
    }

    /** A finished training's row, read from its folder (summary.json's early_stopping, metrics.jsonl's last test_accuracy), and its note. */
    private static Row row(Path out, int round, String network, long remaining, long total, Consumer<String> notes) {
        String name = folderName(round, network);
        Path dir = out.resolve(name);
        JsonNode summary = readJson(dir.resolve("summary.json"));
        JsonNode early = summary.get(EarlyStopping.KEY);
        int step = early != null && early.has(EarlyStopping.STEP) ? early.get(EarlyStopping.STEP).asInt() : -1;
        double esAccuracy = early != null && early.has(EarlyStopping.TEST_ACCURACY) ? early.get(EarlyStopping.TEST_ACCURACY).asDouble() : Double.NaN;
        double esLoss = early != null && early.has(EarlyStopping.TEST_LOSS) ? early.get(EarlyStopping.TEST_LOSS).asDouble() : Double.NaN;
        double finalAccuracy = Double.NaN;
        String status = summary.get(RunSummary.STATUS).asText();
        try {
            List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
            JsonNode lastRecord = lines.isEmpty() ? null : Json.MAPPER.readTree(lines.get(lines.size() - 1));
            if (lastRecord != null && lastRecord.has("test_accuracy") && lastRecord.get("test_accuracy").isNumber() && status.equals("done"))
                finalAccuracy = lastRecord.get("test_accuracy").asDouble();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("metrics.jsonl"), e);
        }
        Row row = new Row(round, network, remaining, total, name, status, step, esAccuracy, esLoss, finalAccuracy);
        String there = !Double.isNaN(esAccuracy) ? String.format(Locale.ROOT, ", test accuracy %.4f there", esAccuracy)
                : !Double.isNaN(esLoss) ? String.format(Locale.ROOT, ", test loss %.4g there", esLoss) : "";
        notes.accept(String.format(Locale.ROOT, "round %2d  %-6s  %5.1f%% of weights remaining (%,d of %,d)%s%s%s", round, network,
                100 * row.fraction(), remaining, total,
                step >= 0 ? String.format(Locale.ROOT, "  early stop at step %d%s", step, there) : "",
                Double.isNaN(finalAccuracy) ? "" : String.format(Locale.ROOT, "; final %.4f", finalAccuracy),
                status.equals("done") ? "" : "  (" + status + ")"));
        return row;
    }

    /**
     * The run's summary.json: round 0's (its network, data, optimizer, provenance) with the run's own configuration, status (diverged
     * when a ticket did, which ends the rounds) and training time over every training, and the lottery object.
     */
    private static ObjectNode summary(RunPlan plan, Path dense, List<Row> rows, boolean diverged) {
        ObjectNode s = (ObjectNode) readJson(dense.resolve("summary.json"));
        for (String key : List.of(EarlyStopping.KEY, RunSummary.DIVERGED_AT_STEP, "final")) s.remove(key);
        ObjectNode config = plan.config().toJson();
        config.set(RunSummary.ETA, s.get(RunSummary.CONFIG).get(RunSummary.ETA));
        s.set(RunSummary.CONFIG, config);
        s.put(RunSummary.STATUS, diverged ? "diverged" : "done");
        double seconds = 0;
        for (Row r : rows) seconds += readJson(dense.getParent().getParent().resolve(r.folder()).resolve("summary.json"))
                .get(RunSummary.TIMINGS).get(RunSummary.TRAIN_SECONDS).asDouble();
        ObjectNode timings = s.putObject(RunSummary.TIMINGS);
        timings.put(RunSummary.TRAIN_SECONDS, seconds);
        PrunePlan prune = plan.prune();
        ObjectNode lottery = s.putObject(KEY);
        lottery.put("rounds", prune.rounds());
        lottery.put("scope", prune.scope().name().toLowerCase(Locale.ROOT));
        lottery.put("prune_rate", prune.rate());
        if (prune.scope() == PrunePlan.Scope.LAYER) lottery.put("prune_rate_output", prune.rateOutput());
        lottery.put("reset_to", plan.train().rewindStep() > 0 ? "theta_" + plan.train().rewindStep() : "theta_0");
        ArrayNode table = lottery.putArray("trainings");
        ObjectNode values = lottery.putObject("values");
        for (Row r : rows) {
            ObjectNode o = table.addObject();
            o.put("round", r.round());
            o.put("network", r.network());
            o.put("folder", r.folder());
            o.put("status", r.status());
            o.put("weights_remaining", r.remaining());
            o.put("weights", r.total());
            o.put("fraction_remaining", r.fraction());
            values.put(valueName(r.round(), r.network(), "fraction_remaining"), r.fraction());
            if (r.earlyStopStep() >= 0) {
                o.put(EarlyStopping.STEP, r.earlyStopStep());
                values.put(valueName(r.round(), r.network(), EarlyStopping.STEP), r.earlyStopStep());
            }
            if (!Double.isNaN(r.earlyStopTestAccuracy())) {
                o.put(EarlyStopping.TEST_ACCURACY, r.earlyStopTestAccuracy());
                values.put(valueName(r.round(), r.network(), EarlyStopping.TEST_ACCURACY), r.earlyStopTestAccuracy());
            }
            if (!Double.isNaN(r.earlyStopTestLoss())) {
                o.put(EarlyStopping.TEST_LOSS, r.earlyStopTestLoss());
                values.put(valueName(r.round(), r.network(), EarlyStopping.TEST_LOSS), r.earlyStopTestLoss());
            }
            if (!Double.isNaN(r.finalTestAccuracy())) {
                o.put("final_test_accuracy", r.finalTestAccuracy());
                values.put(valueName(r.round(), r.network(), "final_test_accuracy"), r.finalTestAccuracy());
            }
        }
        return s;
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException("--out " + dir + ": cannot create the folder (" + e.getMessage() + "). Choose a writable place.");
        }
    }

    private static void close(List<Matrix> masks) { for (Matrix m : masks) m.close(); }

    private static void close(Map<String, NdArray> arrays) { for (NdArray a : arrays.values()) a.data().close(); }
}
