package overparam.lab.plan;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import overparam.core.BadInputException;
import overparam.core.instruments.BalanceInstrument;
import overparam.core.instruments.EndToEndInstrument;
import overparam.core.instruments.SmoothnessInstrument;
import overparam.core.instruments.HessianInstrument;
import overparam.core.nn.HessianVectorProduct;
import overparam.core.nn.Arch;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/**
 * The instruments a run carries (--instruments): all (every one that applies to the network), none, or a list.
 * A test set, a teacher and the infinite twin add their own observers; these are the ones the user chooses.
 */
public record Instruments(Set<Instrument> chosen, boolean all, HessianInstrument.Settings hessian) {
    /** The hessian instrument's defaults: the top 3 eigenvalues, 10 Hutchinson probes, at most 50 Lanczos vectors. */
    public static final HessianInstrument.Settings HESSIAN_DEFAULTS = new HessianInstrument.Settings(3, 10, 50);

    public Instruments(Set<Instrument> chosen, boolean all) { this(chosen, all, HESSIAN_DEFAULTS); }

    public enum Instrument {
        GRAM, MOVEMENT, PATTERN, PREDICTIONS,
        /** Du, Hu, Lee (2018): per-layer and per-neuron balancedness of a homogeneous network. */
        BALANCE,
        /** Lyu and Li (2020): the normalized margin of a homogeneous network on classification labels. */
        MARGIN,
        /** The linear models' end-to-end map W_e, its singular values, and its distance to reference solutions. */
        END_TO_END,
        /** Ali, Kolter, Tibshirani (2019): gradient descent's exact risk against ridge's at lambda = 1 / (eta k), and the run's own. */
        RIDGE_PATH,
        /**
         * Simsekli, Sagun, Gurbuzbalaban (2019): minibatch gradient noise, its tail index (pooled and standardized) and tr Sigma.
         * Not part of "all": it costs K + 1 gradient evaluations per record.
         */
        GRADIENT_NOISE,
        /**
         * Zhang, He, Sra, Jadbabaie (2020): local smoothness along the trajectory against the gradient norm. Not in "all": it
         * costs two gradients over the training set per record.
         */
        SMOOTHNESS,
        /**
         * Exact Hessian-vector products (Pearlmutter 1994): the top eigenvalues by Lanczos, Hutchinson's trace, Tr(H Sigma)
         * (Zhu et al. 2019). Only by name, never in "all": a record costs about 2 (iterations + probes + n) training steps.
         */
        HESSIAN,
        // signal propagation (issue 16); opt-in: "all" leaves them out, so runs with "all" keep their cost and metrics
        /** Balduzzi et al. (2017): input gradients df/dx, and along --synthetic line their lag-k autocorrelations. */
        INPUT_GRADIENT,
        /** Zhang et al. (2019): log10 ||x^(h)||^2 / ||x||^2 at every hidden layer, the forward signal Fixup controls. */
        FORWARD_SIGNAL;

        public String cliName() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        /**
         * Named only: "all" does not add it (gradient-noise, smoothness and hessian cost from a few to hundreds of training
         * steps a record; input-gradient and forward-signal an extra pass and metrics the other runs do not have), so a run
         * with "all" keeps the cost and metrics it had before they existed.
         */
        public boolean optIn() {
            return this == GRADIENT_NOISE || this == SMOOTHNESS || this == HESSIAN || this == INPUT_GRADIENT || this == FORWARD_SIGNAL;
        }
    }

    public Instruments {
        chosen = chosen.isEmpty() ? EnumSet.noneOf(Instrument.class) : EnumSet.copyOf(chosen);
    }

    public boolean has(Instrument i) { return chosen.contains(i); }

    /**
     * Those that apply to this network, its trained parameters and labels: "all" drops the ones that do not; a named one that
     * does not is refused with what it needs. Gram needs the dense structured formula ({@link NetworkSpec#hasDenseGram});
     * balance a homogeneous network with two consecutive trained parameters (never the quadratic network: only its W trains);
     * margin a homogeneous network and labels it classifies (not the quadratic network, whose f >= 0); end-to-end a network
     * linear in x; pattern (activation patterns) is dropped from "all" for the linear models; ridge-path the setting of its
     * closed form ({@link #ridgePathMissing}), with linearTeacher saying whether a linear teacher labelled the data.
     */
    public Instruments applicableTo(NetworkSpec spec, TrainedLayers trained, boolean classifies, RunPlan plan, boolean linearTeacher) {
        EnumSet<Instrument> rest = chosen.isEmpty() ? EnumSet.noneOf(Instrument.class) : EnumSet.copyOf(chosen);
        for (Instrument i : chosen) {
            String missing = missing(i, spec, trained, classifies, plan, linearTeacher);
            if (missing == null) continue;
            if (!all) throw new BadInputException("--instruments " + this + ": " + i.cliName() + " " + missing + ". Drop " + i.cliName() + " from --instruments.");
            rest.remove(i);
        }
        return new Instruments(rest, all, hessian);
    }

    /** Before the labels are read: everything but margin's labels (assumed to classify) and ridge-path's teacher (as the plan says). */
    public Instruments applicableTo(NetworkSpec spec, RunPlan plan) {
        boolean teacher = plan.data().labelsFrom().hasTeacher() && !(plan.data().inputs() instanceof DataPlan.FileInputs f && f.labels() != null);
        return applicableTo(spec, TrainedLayers.all(spec), true, plan, teacher);
    }

    /**
     * What the ridge-path instrument's closed form (core/reference/RidgePath) assumes and this run lacks, or null: the linear
     * model a^T x with one output, trained by plain full-batch gradient descent (no momentum, weight decay, schedule or
     * minibatches) on the squared loss 1/2 sum (u - y)^2 from a = 0, on labels a linear teacher beta* made.
     */
    static String ridgePathMissing(NetworkSpec spec, RunPlan plan, boolean linearTeacher) {
        TrainPlan t = plan.train();
        if (spec.arch() != Arch.LINEAR || spec.depth() != 0 || spec.outputs() != 1)
            return "needs the linear model f(x) = a^T x with one output (--arch linear --depth 1); this is --arch " + spec.arch().cliName()
                    + (spec.arch() == Arch.LINEAR ? " --depth " + (spec.depth() + 1) : "") + (spec.outputs() != 1 ? " with " + spec.outputs() + " outputs" : "");
        if (t.loss() != overparam.core.nn.Loss.SQUARED)
            return "needs gradient descent on the squared loss 1/2 sum (u - y)^2 (--loss squared); this is --loss " + t.loss().cliName();
        if (t.batchSize() != 0) return "needs full-batch gradient descent; this run takes minibatches (--batch-size " + t.batchSize() + ")";
        if (t.momentum() != 0 || t.weightDecay() != 0)
            return "needs plain gradient descent; this run has " + (t.momentum() != 0 ? "--momentum " + t.momentum() : "--weight-decay " + t.weightDecay());
        if (!t.shaping().isNone()) return "needs plain gradient descent; this run clips, normalizes or adds noise to its gradient";
        if (!(t.schedule() instanceof overparam.core.optim.Optimizer.Schedule.Constant))
            return "needs a constant step size; this run has --lr-schedule " + t.schedule().describe();
        if (plan.network().init() != null || plan.network().initScheme() != overparam.core.nn.Init.ZERO)
            return "needs gradient descent from a = 0 (--init-scheme zero); this run starts from "
                    + (plan.network().init() != null ? "--init " + plan.network().init() : "--init-scheme " + plan.network().initScheme().cliName());
        if (!linearTeacher) return "needs labels from a linear teacher beta* (--labels-from teacher or sparse:R)";
        return null;
    }

    /** What instrument i needs that this run lacks, or null when it applies. */
    private static String missing(Instrument i, NetworkSpec spec, TrainedLayers trained, boolean classifies, RunPlan plan, boolean linearTeacher) {
        String homogeneous = "needs a network homogeneous in each weight matrix: layers without skips or biases (--arch fc, two-layer, "
                + "no-identity, linear, diagonal; quadratic, of degree 2) and a relu, leaky-relu or identity activation; this is --arch " + spec.arch() + " with " + spec.activation().name()
                + (spec.hasBiases() ? " and --bias-scale " + spec.biasScale() : "");
        return switch (i) {
            case GRAM -> spec.hasDenseGram() ? null : "needs the structured Gram formula (one output, fixed activations, dense hidden layers); this network has "
                    + spec.outputs() + " outputs, " + spec.activation().name() + (spec.arch() == Arch.DIAGONAL ? ", the diagonal layer" : "")
                    + (spec.depth() == 0 ? ", no hidden layer" : "")
                    + (spec.fixupScalars() ? ", and Fixup's trained scalars (--fixup-scalars), which no per-layer Gram G^(h) covers" : "");
            case BALANCE -> !spec.isHomogeneous() ? homogeneous
                    : BalanceInstrument.applies(spec, trained) ? null : "needs two consecutive trained weight matrices (W_h and W_{h+1}); this run trains " + trained.names(spec);
            case MARGIN -> !spec.isHomogeneous() ? homogeneous
                    : spec.arch() == Arch.QUADRATIC ? "has no margin in the quadratic network: f(x) = x^T W^T W x >= 0 never takes a -1 label's sign"
                    : classifies ? null : "needs classification labels (+-1, or classes with --loss cross-entropy)";
            case END_TO_END -> EndToEndInstrument.applies(spec) ? null
                    : "needs a network linear in x (--arch linear or diagonal, or fc with --activation identity); this is --arch " + spec.arch() + " with " + spec.activation().name();
            case PATTERN -> spec.arch().isLinearModel() ? "has no activation pattern to watch in a linear model" : null;
            case RIDGE_PATH -> ridgePathMissing(spec, plan, linearTeacher);
            case GRADIENT_NOISE -> !overparam.core.nn.ParameterVector.supports(spec)
                    ? "needs every trained parameter in one vector; " + (spec.hasBiases() ? "the biases of --bias-scale " + spec.biasScale() + " are not (drop --bias-scale)"
                    : "a learned PReLU slope is not (use --activation relu or leaky-relu)")
                    : plan.train().noise().batchSize() < 1 ? "needs a minibatch size: --batch-size B (SGD) or --noise-batch-size B" : null;
            case SMOOTHNESS -> SmoothnessInstrument.applies(spec) ? null
                    : "needs every trained parameter to be a matrix of the gradient vector; " + (spec.hasBiases() ? "the biases of --bias-scale "
                    + spec.biasScale() + " are not (drop --bias-scale)" : "--activation prelu's learned slope is not");
            case HESSIAN -> hessianMissing(spec, trained);
            case MOVEMENT, PREDICTIONS -> null;
            case INPUT_GRADIENT -> overparam.core.instruments.InputGradientInstrument.applies(spec) ? null
                    : "needs df/dx = B_1 W1: one output, fixed activations and a dense first layer (not conv-resnet, seed 002's networks or diagonal); this is --arch "
                    + spec.arch().cliName() + " with " + spec.outputs() + " output(s) and " + spec.activation().name()
                    + (spec.fixupScalars() ? " with --fixup-scalars (its per-sample signals B_h are not formed)" : "");
            case FORWARD_SIGNAL -> overparam.core.instruments.ForwardSignalInstrument.applies(spec) ? null
                    : "needs a dense network with hidden layers; this is --arch " + spec.arch().cliName();
        };
    }

    /** What the Hessian-vector product lacks for this network (HessianVectorProduct.unsupported), or null. */
    private static String hessianMissing(NetworkSpec spec, TrainedLayers trained) {
        return HessianVectorProduct.unsupported(spec).map(reason -> "has no exact Hessian-vector product for " + reason).orElse(null);
    }

    /**
     * The hessian instrument's settings from --hessian-top, --hessian-probes and --hessian-iterations (unset: {@link
     * #HESSIAN_DEFAULTS}), refused when out of range or given without the instrument.
     */
    Instruments withHessian(RunConfig c) {
        Integer top = c.hessianTop(), probes = c.hessianProbes(), iterations = c.hessianIterations();
        if (!has(Instrument.HESSIAN)) {
            String given = top != null ? "--hessian-top" : probes != null ? "--hessian-probes" : iterations != null ? "--hessian-iterations" : null;
            if (given != null)
                throw new BadInputException(given + ": only the hessian instrument reads it, and --instruments " + this + " does not have it. "
                        + "Add hessian to --instruments, or drop " + given + ".");
            return this;
        }
        int k = top != null ? top : HESSIAN_DEFAULTS.top(), n = probes != null ? probes : HESSIAN_DEFAULTS.probes();
        int iters = iterations != null ? iterations : Math.max(HESSIAN_DEFAULTS.iterations(), k);
        if (k < 1) throw BadInputException.of("--hessian-top " + k, k, "at least 1 eigenvalue", "e.g. --hessian-top 3");
        if (n < 2) throw BadInputException.of("--hessian-probes " + n, n, "at least 2 probes (a standard error needs two)", "e.g. --hessian-probes 10");
        if (iters < k)
            throw BadInputException.of("--hessian-iterations " + iters, iters, "at least --hessian-top (" + k + ") Lanczos vectors", "e.g. --hessian-iterations " + Math.max(50, 4 * k));
        return new Instruments(chosen, all, new HessianInstrument.Settings(k, n, iters));
    }

    /** Whether any chosen instrument reads a pass over the whole training set. */
    public boolean needWholePass() {
        return has(Instrument.GRAM) || has(Instrument.PATTERN) || has(Instrument.PREDICTIONS) || has(Instrument.MARGIN)
                || has(Instrument.GRADIENT_NOISE) || has(Instrument.INPUT_GRADIENT) || has(Instrument.FORWARD_SIGNAL);
    }

    @Override public String toString() {
        return all ? "all" : chosen.isEmpty() ? "none" : chosen.stream().map(Instrument::cliName).collect(Collectors.joining(","));
    }

    static Instruments parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("all")) {
            EnumSet<Instrument> every = EnumSet.allOf(Instrument.class);
            every.removeIf(Instrument::optIn);
            return new Instruments(every, true);
        }
        EnumSet<Instrument> set = EnumSet.noneOf(Instrument.class);
        if (t.equals("none")) return new Instruments(set, false);
        for (String part : t.split(",")) {
            String name = part.trim();
            Instrument found = Arrays.stream(Instrument.values()).filter(i -> i.cliName().equals(name)).findFirst()
                    .orElseThrow(() -> BadInputException.of("--instruments " + text, "'" + name + "'", "all, none, or a list from "
                            + Arrays.stream(Instrument.values()).map(Instrument::cliName).toList(), "e.g. --instruments gram,movement"));
            set.add(found);
        }
        return new Instruments(set, false);
    }
}
