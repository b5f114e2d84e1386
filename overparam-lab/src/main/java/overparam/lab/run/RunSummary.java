package overparam.lab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overparam.core.data.Dataset;
import overparam.core.nn.Activation;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.RunStatus;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.lab.data.RunData;
import overparam.lab.plan.RunPlan;
import overparam.lab.plan.StepSize;
import overparam.lab.reproduce.DataManifest;

/**
 * A run's summary.json (DESIGN.md, command-line contract): written when the run starts (status running, the resolved
 * configuration with the step size used, the data (with what reproducing it needs: {@link DataManifest}), the network's shape
 * and scales, the optimizer, versions, provenance, the theory block) and again when it ends (status, final loss, timings,
 * the provenance's elapsed time).
 */
public final class RunSummary {
    // the keys that are written here and read back by the store (read): one spelling each
    static final String STATUS = "status", CONFIG = "config", ETA = "eta", NETWORK = "network", PARAMETERS = "parameters",
            THEORY = "theory", DIVERGED_AT_STEP = "diverged_at_step", TIMINGS = "timings", TRAIN_SECONDS = "train_seconds",
            STEPS_PER_SECOND = "steps_per_second", PROVENANCE = "provenance", START = "start", NOISE_TRACE = "noise_trace", GD_START_LOSS = "gd_start_loss";

    /**
     * What the store keeps of a summary: the run's status, its parameter names (W1..WH, a: the parts of per-parameter
     * metrics), and its per-run values: the theory's scalars, the first width and step requirement, eta, the step it
     * diverged at, the training time and speed, where training started (gd_start_loss, noise_trace: {@link #startPoint}), and
     * the numbers of --kernel-predict's kernel_prediction ({@link RunKernelPrediction}) and of --fit's readout_fit
     * ({@link RunReadoutFit}), and with --validation-n the early-stopping point ({@link EarlyStopping}: early_stop_step,
     * early_stop_test_accuracy, early_stop_test_loss, ...).
     */
    public record Read(RunStatus status, List<String> parameters, Map<String, Double> values) {}

    private final ObjectNode json;
    private final Provenance provenance;
    private double initWriteSeconds;

    private RunSummary(ObjectNode json, Provenance provenance) {
        this.json = json;
        this.provenance = provenance;
    }

    ObjectNode json() { return json; }

    static RunSummary start(RunPlan plan, NetworkSpec spec, RunData runData, TrainSpec t, Theory theory, DataManifest manifest, Provenance provenance) {
        Dataset data = runData.train();
        ObjectNode s = Json.object();
        s.put(STATUS, RunStatus.RUNNING.word());
        ObjectNode config = plan.config().toJson();
        config.put(ETA, t.optimizer().eta());
        if (plan.train().eta() instanceof StepSize.Auto) config.put("eta_rule", "auto: 1 / lambda_max(G(0))");
        s.set(CONFIG, config);
        s.put("seed", plan.train().seed());
        ObjectNode d = s.putObject("data");
        d.put("source", data.source());
        d.put("n", data.n());
        d.put("d", data.d());
        if (runData.test() != null) {
            d.put("test_source", runData.test().source());
            d.put("n_test", runData.test().n());
        }
        if (runData.classNames() != null) {
            ArrayNode names = d.putArray("classes");
            for (String name : runData.classNames()) names.add(name);
        }
        manifest.writeInto(d);
        if (spec.outputs() > 1) d.put("outputs", spec.outputs());
        if (spec.isConvolutional()) {
            ArrayNode shape = d.putArray("sample_shape");
            for (int v : data.sampleShape()) shape.add(v);
        }
        network(s.putObject(NETWORK), spec, t);
        s.put("optimizer", t.optimizer().name(data.n()) + (plan.data().freshSamples() ? ", fresh samples every step" : ""));
        s.set("versions", Versions.json());
        s.set(PROVENANCE, provenance.json(null));
        s.put("started_at", provenance.startedAt().toString());
        if (theory != null) s.set(THEORY, theory.json(t.optimizer().eta()));
        else s.putObject(THEORY).put("skipped", spec.noLimitReason()
                .orElse("limit kernel off (--limit-kernel auto computes it for n <= " + overparam.lab.plan.LimitMode.AUTO_MAX + ")"));
        return new RunSummary(s, provenance);
    }

    /** The network's c_sigma, layer scales, parameter shapes (as in weights_final.npz) and count, and the trained parameters. */
    private static void network(ObjectNode net, NetworkSpec spec, TrainSpec t) {
        if (spec.isConvolutional()) net.put("patches", spec.patches().describe());
        net.put("c_sigma", spec.cSigma());
        ArrayNode scales = net.putArray("layer_scales");
        for (int h = 1; h <= spec.depth(); h++) scales.add(spec.layerScale(h));
        ObjectNode shapes = net.putObject(PARAMETERS);
        long count = 0;
        for (int h = 1; h <= spec.parameterCount(); h++) {
            int[] shape = spec.parameterShape(h);
            ArrayNode dims = shapes.putArray(spec.parameterName(h)).add(shape[0]);
            if (h <= spec.depth() || spec.isConvolutional() || spec.outputs() > 1) dims.add(shape[1]);       // a is 1-D, as in weights_final.npz (m x p for conv)
            count += (long) shape[0] * shape[1];
        }
        net.put("parameter_count", count);
        if (spec.activation() instanceof Activation.PRelu) net.put("parameter_count_slopes", spec.depth());
        ArrayNode trained = net.putArray("trained");
        t.trained().names(spec).forEach(trained::add);
    }

    /**
     * Where training started (--gd-start, --noise-match-sgd): "start": the plain GD steps taken first, the loss they reached
     * (or the step they diverged at) and their seconds; the Langevin noise trace matched to SGD's there. The store reads
     * the loss as gd_start_loss and the trace as noise_trace.
     */
    void startPoint(int steps, double loss, double seconds, int divergedAt, double matchedTrace) {
        ObjectNode start = json.putObject(START);
        start.put("gd_steps", steps);
        if (steps > 0) {
            Json.putNumber(start, "loss", loss);
            start.put("seconds", seconds);
            if (divergedAt >= 0) start.put("diverged_at_step", divergedAt);
        }
        if (!Double.isNaN(matchedTrace)) start.put(NOISE_TRACE, matchedTrace);
    }

    /** The seconds writing weights_init.npz took (its cost for a big network: timings.init_write_seconds). */
    void initWritten(double seconds) { initWriteSeconds = seconds; }

    /** The run's end: status (and the step it diverged at), final loss, timings; returns the training steps per second. */
    double finish(TrainResult result, double setupSeconds, double writeSeconds) {
        json.put(STATUS, result.status().word());
        if (result.diverged()) json.put(DIVERGED_AT_STEP, result.divergedStep());
        ObjectNode fin = json.putObject("final");
        fin.put("steps", result.stepsDone());
        Json.putNumber(fin, "loss", result.finalLoss());
        ObjectNode timings = json.putObject(TIMINGS);
        timings.put("setup_seconds", setupSeconds);
        timings.put(TRAIN_SECONDS, result.trainSeconds());
        timings.put("instrument_seconds", result.instrumentSeconds());
        timings.put("write_seconds", writeSeconds);
        timings.put("init_write_seconds", initWriteSeconds);
        double stepSeconds = result.trainSeconds() - result.instrumentSeconds();
        double stepsPerSecond = stepSeconds > 0 ? (result.stepsDone() + 1) / stepSeconds : Double.NaN;
        Json.putNumber(timings, STEPS_PER_SECOND, stepsPerSecond);
        Instant finishedAt = Instant.now();
        json.put("finished_at", finishedAt.toString());
        json.set(PROVENANCE, provenance.json(finishedAt));
        return stepsPerSecond;
    }

    /** The summary as the store keeps it (see {@link Read}). */
    public static Read read(JsonNode summary) {
        List<String> parameters = new ArrayList<>();
        summary.get(NETWORK).get(PARAMETERS).fieldNames().forEachRemaining(parameters::add);
        Map<String, Double> v = new LinkedHashMap<>();
        JsonNode theory = summary.get(THEORY);
        if (theory != null) {
            for (Theory.Scalar q : Theory.Scalar.values())
                if (theory.has(q.key())) v.put(q.key(), number(theory.get(q.key())));
            if (theory.has(Theory.REQUIREMENTS))
                for (JsonNode r : theory.get(Theory.REQUIREMENTS)) {
                    String quantity = r.get("quantity").asText();
                    String key = quantity.startsWith("width") ? "width_requirement" : quantity.startsWith("step") ? "step_requirement" : null;
                    if (key != null && !v.containsKey(key)) v.put(key, number(r.get("value")));
                }
        }
        v.put(ETA, summary.get(CONFIG).get(ETA).asDouble());
        JsonNode start = summary.get(START);
        if (start != null) {
            if (start.has("loss") && start.get("loss").isNumber()) v.put(GD_START_LOSS, start.get("loss").asDouble());
            if (start.has(NOISE_TRACE)) v.put(NOISE_TRACE, start.get(NOISE_TRACE).asDouble());
        }
        if (summary.has(DIVERGED_AT_STEP)) v.put(DIVERGED_AT_STEP, summary.get(DIVERGED_AT_STEP).asDouble());
        JsonNode kernel = summary.get(RunKernelPrediction.KEY);              // --kernel-predict: its numbers under their own names
        if (kernel != null) kernel.fields().forEachRemaining(e -> { if (e.getValue().isNumber()) v.put(e.getKey(), e.getValue().asDouble()); });
        JsonNode fit = summary.get(RunReadoutFit.KEY);                        // --fit min-norm: likewise
        if (fit != null) fit.fields().forEachRemaining(e -> { if (e.getValue().isNumber()) v.put(e.getKey(), e.getValue().asDouble()); });
        JsonNode lottery = summary.get(PruningRun.KEY);                     // --prune-rounds: a value per round, network and quantity
        if (lottery != null && lottery.has("values"))
            lottery.get("values").fields().forEachRemaining(e -> { if (e.getValue().isNumber()) v.put(e.getKey(), e.getValue().asDouble()); });
        JsonNode early = summary.get(EarlyStopping.KEY);                     // --validation-n: early_stop_step and the test numbers there
        if (early != null) early.fields().forEachRemaining(e -> { if (e.getValue().isNumber()) v.put(e.getKey(), e.getValue().asDouble()); });
        JsonNode timings = summary.get(TIMINGS);
        if (timings != null) {
            if (timings.has(STEPS_PER_SECOND) && timings.get(STEPS_PER_SECOND).isNumber()) v.put(STEPS_PER_SECOND, timings.get(STEPS_PER_SECOND).asDouble());
            v.put(TRAIN_SECONDS, timings.get(TRAIN_SECONDS).asDouble());
        }
        return new Read(RunStatus.parse(summary.get(STATUS).asText()), parameters, v);
    }

    private static Double number(JsonNode v) {
        return v.isNumber() ? v.asDouble() : null;
    }
}
