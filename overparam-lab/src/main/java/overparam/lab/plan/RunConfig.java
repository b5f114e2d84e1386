package overparam.lab.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import overparam.core.BadInputException;

/**
 * The whole configuration of one training run, as flat named fields: what `./overparam train` takes as
 * options, what summary.json stores as "config", and (for sweeps) what an experiment's YAML sets and varies.
 * Unset fields are null; {@link #withDefaults()} fills them from {@link #DEFAULTS}, the one place where
 * defaults live (the command line's --help reads them from here too).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunConfig(
        String arch, Integer depth, Integer width, String activation, Double leakySlope, Double cRes,
        String data, String labels, String synthetic, Integer n, Integer d, String pixels, Integer patch, String labelsFrom, Integer teacherWidth,
        String loss, String eta, Integer steps, Integer recordEvery, Integer batchSize, String trainLayers,
        String init, Long seed, Long dataSeed, Integer threads, Boolean dumpGram, String instruments, String limitKernel, String out,
        String classes, Integer perClass, Integer testPerClass, Boolean unitNorm, Double labelNoise, Double testFraction,
        String testData, String testLabels, Integer testN, Double momentum, Double weightDecay, String lrSchedule,
        String initScheme, Double teacherNorm, Boolean center, Boolean freshSamples, Double initScale, Double labelNoiseSd, String widths,
        Integer subspaceDim, Integer noiseBatches, Integer noiseBatchSize,
        // optimizer shaping (Zhang et al. 2020; Zhu et al. 2019): clip_norm, normalized, langevin + noise_trace; unset = off
        Double clipNorm, Boolean normalized, String langevin, Double noiseTrace,
        Integer hessianTop, Integer hessianProbes, Integer hessianIterations,
        // signal propagation (issue 16): unset = seed 004's branch scale c_res / (H sqrt m)
        String branchScale,
        // --langevin hessian: the top-k eigenpairs its noise follows, recomputed every S steps; unset = 10 and 10
        Integer langevinTop, Integer langevinEvery,
        // Zhu et al. 2019's protocol: K steps of plain GD first (the start point), Langevin noise matched to SGD with batch B;
        // a free-text name of the run (an experiment's variants set it); unset = none
        Integer gdStart, Integer noiseMatchSgd, String label,
        // Fixup's scalar biases and multipliers (Zhang et al. 2019, rule 3) in --arch resnet-unit; unset = off
        Boolean fixupScalars,
        // the fc network's biases, beta b in each pre-activation and in the output (neural-tangents' b_std); unset = 0, none
        Double biasScale,
        // the infinitely wide network's test predictions for the run's own network and data (issue 17), once per run, and the
        // ridge lambda added to its kernels' diagonals; unset = off, and lambda = 0 (the interpolating network)
        Boolean kernelPredict, Double kernelRidge,
        // the output layer fitted in closed form on the frozen features below it (issue 19, double descent): "min-norm", and the
        // ridge lambda of that fit; unset = off, and lambda = 0 (the minimum-norm least-squares solution)
        String fit, Double fitRidge,
        // lottery tickets (issue 19): the optimizer's direction, "sgd" (momentum, the default) or "adam" with its betas and eps
        // (unset: 0.9, 0.999, 1e-8), and a 0/1 mask .npz over the weights whose zeros stay pruned; unset = sgd, no mask
        String optimizer, Double adamBeta1, Double adamBeta2, Double adamEps, String mask,
        // the weights at step K saved as weights_step_K.npz, for rewinding a ticket to them (Frankle et al. 2020); unset = none
        Integer rewindStep,
        // early stopping (issue 19): N training samples held out by the data seed as a validation set, never trained on; unset = none
        Integer validationN,
        // iterative magnitude pruning (Frankle and Carbin 2019): R rounds after the dense one, the fraction of the remaining hidden
        // weights (and of the output layer's) pruned each round, per layer or global, and the controls trained beside each ticket
        // (reinit, random); unset = no rounds, and 0.2, 0.1, layer, none when rounds are given
        Integer pruneRounds, Double pruneRate, Double pruneRateOutput, String pruneScope, String pruneControls,
        // --kernel-predict at data scale (issue 17): the memory its tiled out-of-core solve may hold (e.g. "15G"; given, the kernels
        // are made in tiles), and a folder of converged predictions shared by runs of the same kernel and data (an experiment sets
        // its own kernel-cache/ folder: like out, where a run looks is no part of what it computes); unset = in memory when the
        // kernels fit, else tiled with the memory available, and no sharing
        String kernelMemory, String kernelCache) {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /**
     * Defaults: seed 004's guiding activation (softplus), full-batch GD without momentum or weight decay, every
     * instrument, all cores; image data scaled to unit norm (the theorems' ||x_i|| = 1), clean labels.
     */
    public static final RunConfig DEFAULTS = new RunConfig(
            "fc", null, 512, null, 0.01, overparam.core.nn.NetworkSpec.DEFAULT_C_RES,
            null, null, null, 64, 10, null, 3, "gaussian", 32,
            "squared", null, 100, 10, 0, "all",
            null, 0L, null, Runtime.getRuntime().availableProcessors(), false, "all", "auto", null,
            null, null, null, true, 0.0, null,
            null, null, 0, 0.0, 0.0, "constant",
            "standard", null, false, false, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null,
            null, null,
            null, null,
            null, null, null, null, null,
            null,
            null,
            null, null, null, null, null,
            null, null);

    /**
     * A copy whose unset fields take their defaults; depth defaults to 1 for two-layer, diagonal, quadratic and seed 002's
     * networks, 3 otherwise; the activation to softplus (seed 004's guide), identity for the linear models, quadratic for the
     * quadratic network. init_scale (1) and label_noise_sd (0) stay unset so configurations written before they existed
     * read the same. noise_batches and noise_batch_size (the gradient-noise instrument's K and b) stay unset too: unset, K is
     * {@link NoisePlan#DEFAULT_BATCHES} and b the run's batch_size.
     * clip_norm, normalized, langevin and noise_trace stay unset too (off): a run without them resumes as it was.
     * So do the hessian instrument's hessian_top, hessian_probes and hessian_iterations (unset: its defaults,
     * {@link Instruments#HESSIAN_DEFAULTS}). gd_start, noise_match_sgd and label stay unset as well (no start phase, no
     * matched trace, no name), and so does fixup_scalars (off) and bias_scale (0: no biases), also with --init-scheme fixup: a fixup run or store made
     * before the scalars existed resumes as the same network. kernel_predict, kernel_ridge, kernel_memory and kernel_cache stay unset (off, 0, untiled, unshared) as well, and so do fit and fit_ridge,
     * optimizer (sgd), adam_beta1, adam_beta2, adam_eps, mask and rewind_step, and validation_n and the prune_* fields.
     */
    public RunConfig withDefaults() {
        ObjectNode merged = JSON.valueToTree(DEFAULTS);
        merged.setAll((ObjectNode) JSON.valueToTree(this));
        RunConfig c = JSON.convertValue(merged, RunConfig.class);
        if (c.depth == null) c = c.with("depth", List.of("two-layer", "identity-mapping", "no-identity", "diagonal", "quadratic").contains(c.arch) ? 1 : 3);
        if (c.activation == null)
            c = c.with("activation", List.of("linear", "diagonal").contains(c.arch) ? "identity" : "quadratic".equals(c.arch) ? "quadratic" : "softplus");
        if (c.dataSeed == null) c = c.with("data_seed", c.seed);          // one seed for everything unless data_seed is given
        return c;
    }

    /** A copy with one field (by its snake_case name) set; for sweeps and the command line. */
    public RunConfig with(String field, Object value) {
        ObjectNode node = JSON.valueToTree(this);
        if (!node.has(field) && !fieldNames().contains(field))
            throw new BadInputException("unknown config field '" + field + "': expected one of " + fieldNames());
        node.set(field, JSON.valueToTree(value));
        return JSON.convertValue(node, RunConfig.class);
    }

    /** The snake_case names of every field. */
    public static java.util.List<String> fieldNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (var c : RunConfig.class.getRecordComponents())
            names.add(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName()));
        return names;
    }

    /** The default value of a field as text, for --help ("" when there is none). */
    public static String defaultText(String field) {
        JsonNode v = ((ObjectNode) JSON.valueToTree(DEFAULTS)).get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    public ObjectNode toJson() { return JSON.valueToTree(this); }

    /** A configuration {@link #toJson} wrote (a run folder's config.json); a field it does not know is refused, naming the file. */
    public static RunConfig read(java.nio.file.Path file) {
        try {
            return JSON.readValue(file.toFile(), RunConfig.class);
        } catch (java.io.IOException e) {
            throw new BadInputException(file + ": not a run configuration (" + e.getMessage().lines().findFirst().orElse("") + "). "
                    + "Give a run folder that ./overparam train or run wrote.");
        }
    }
}
