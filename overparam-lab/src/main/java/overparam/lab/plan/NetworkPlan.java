package overparam.lab.plan;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Init;
import overparam.core.nn.NetworkSpec;

/**
 * The network a run trains, as the user chose it: its architecture, depth H, width m (seed 002's networks are as
 * wide as their input: {@link #widthFor}), activation, ResNet branch scale c_res, the convolutional ResNet's patch
 * size, how the weights start (a scheme, or a weights file) and which parameters train. The input dimension and the
 * number of outputs come from the data: {@link #spec} completes it into the core's {@link NetworkSpec}.
 */
public record NetworkPlan(Arch arch, int depth, int width, Activation activation, double cRes, int patch,
                          Init initScheme, double initScale, Path init, TrainedParameters trained, int[] widths, boolean fixupScalars,
                          double biasScale) {
    /** A network without biases. */
    public NetworkPlan(Arch arch, int depth, int width, Activation activation, double cRes, int patch,
                       Init initScheme, double initScale, Path init, TrainedParameters trained, int[] widths, boolean fixupScalars) {
        this(arch, depth, width, activation, cRes, patch, initScheme, initScale, init, trained, widths, fixupScalars, 0);
    }

    /** A network without Fixup's scalars. */
    public NetworkPlan(Arch arch, int depth, int width, Activation activation, double cRes, int patch,
                       Init initScheme, double initScale, Path init, TrainedParameters trained, int[] widths) {
        this(arch, depth, width, activation, cRes, patch, initScheme, initScale, init, trained, widths, false);
    }

    /** The chosen hidden widths m_1 .. m_H (--widths; deep linear and fc networks), or null: every hidden layer --width wide. */
    @Override public int[] widths() { return widths == null ? null : widths.clone(); }


    /**
     * Seed 002's width rule: its W^(h) is d x d (Li and Yuan 2017), so the width is the input dimension d whatever
     * --width says; every other network has the width asked for.
     */
    public int widthFor(int inputDim) {
        if (arch == Arch.DIAGONAL) return 2 * inputDim;                      // w_+ and w_-: 2d units
        if (arch == Arch.LINEAR && depth == 1) return inputDim;             // the linear model's a is d x k
        return arch.isSeed002() ? inputDim : width;
    }

    /**
     * Hidden layers H of the core's network: the deep linear network's --depth counts its N weight matrices (Arora et al.),
     * the last of which is the output layer a, so H = N - 1; every other network's --depth is H.
     */
    public int hiddenLayers() { return arch == Arch.LINEAR ? depth - 1 : depth; }

    /** The same network at another width (the limit kernels do not depend on it). */
    public NetworkPlan withWidth(int newWidth) {
        return new NetworkPlan(arch, depth, newWidth, activation, cRes, patch, initScheme, initScale, init, trained, null, fixupScalars, biasScale);
    }

    /** The network on inputs of this shape (a sample's numpy shape without n), read from {@code source}, with k outputs. */
    public NetworkSpec spec(int inputDim, int[] sampleShape, String source, int outputs) {
        if (outputs > 1 && arch == Arch.TWO_LAYER)
            throw BadInputException.of("--arch two-layer", outputs + " classes", "one output (Du et al. 2018 fix a = +-1)",
                    "Use a two-class problem with --loss squared or logistic, or --arch fc --depth 1 for k classes.");
        if (outputs > 1 && arch == Arch.QUADRATIC)
            throw BadInputException.of("--arch quadratic", outputs + " classes", "one output (f(x) = x^T W^T W x, Li, Ma, Zhang 2018)",
                    "Use real-valued labels with --loss squared, e.g. --labels-from teacher.");
        if (outputs > 1 && arch == Arch.CONV_RESNET)
            throw BadInputException.of("--arch conv-resnet", outputs + " classes", "one output (seed 004's u = <a, x^(H)>)",
                    "Use a two-class problem with --loss squared or logistic, or a dense --arch for k classes.");
        if (inputDim < 1) throw BadInputException.of("input dimension d", inputDim, "a positive integer", "Give data with at least one column.");
        int narrowest = widths == null ? width : java.util.Arrays.stream(widths).min().orElse(width);
        if (initScheme == Init.BALANCED && init == null && depth > 1 && narrowest < Math.min(inputDim, outputs))
            throw BadInputException.of((widths == null ? "--width " : "--widths ") + (widths == null ? width : widthsText()),
                    "width " + narrowest + " with --init-scheme balanced", "every hidden width >= min(d, k) = "
                    + Math.min(inputDim, outputs) + " (Arora et al. 2019, Procedure 1: every layer carries the end-to-end rank)",
                    "Use widths of " + Math.min(inputDim, outputs) + " or more, or --init-scheme standard.");
        if (widths != null) {
            int max = java.util.Arrays.stream(widths).max().orElseThrow();
            return new NetworkSpec(arch, inputDim, max, hiddenLayers(), activation, cRes, overparam.core.nn.Patches.NONE, outputs, widths)
                    .withBiasScale(biasScale);
        }
        return new NetworkSpec(arch, inputDim, widthFor(inputDim), hiddenLayers(), activation, cRes, InputShape.patches(arch, sampleShape, source, patch), outputs)
                .withFixupScalars(fixupScalars).withBiasScale(biasScale);
    }

    /**
     * Checks every field that needs no data; depth defaults to 1 for two-layer, diagonal, quadratic and seed 002's networks,
     * 3 otherwise (for --arch linear, N = 3 weight matrices).
     */
    static NetworkPlan parse(RunConfig c) {
        Arch arch = branchScale(arch(c.arch()), c.branchScale(), c.depth());
        int depth = c.depth();
        Activation activation = activation(c.activation(), c.leakySlope());
        if (!arch.isSeed002() && c.width() < 1) throw BadInputException.of("--width " + c.width(), c.width(), "a positive integer", "e.g. --width 512");
        if (depth < 1) throw BadInputException.of("--depth " + depth, depth, "a positive integer", "e.g. --depth 3");
        if ((arch == Arch.RESNET || arch == Arch.CONV_RESNET) && depth < 2)
            throw BadInputException.of("--depth " + depth, "depth " + depth + " for --arch " + arch,
                    "depth >= 2 (seed 004 has residual blocks for h = 2..H)", "Use --depth 2 or more, or --arch fc for one hidden layer.");
        if (arch == Arch.TWO_LAYER && depth != 1)
            throw BadInputException.of("--depth " + depth, "depth " + depth + " for --arch two-layer",
                    "depth 1 (one hidden layer)", "Drop --depth, or use --arch fc for deeper networks.");
        if (arch == Arch.DIAGONAL && depth != 1)
            throw BadInputException.of("--depth " + depth, "depth " + depth + " for --arch diagonal",
                    "depth 1 (beta = w_+^2 - w_-^2, Woodworth et al. 2020)", "Drop --depth, or use --arch linear for a deep linear network.");
        if (arch == Arch.QUADRATIC && depth != 1)
            throw BadInputException.of("--depth " + depth, "depth " + depth + " for --arch quadratic",
                    "depth 1 (f(x) = sum_r (w_r^T x)^2, Li, Ma, Zhang 2018)", "Drop --depth, or use --arch fc --activation quadratic for deeper networks.");
        if (arch == Arch.QUADRATIC && !(activation instanceof Activation.Quadratic))
            throw BadInputException.of("--activation " + activation.name(), "--arch quadratic", "quadratic (the network is x^T W^T W x)",
                    "Drop --activation, or use --arch two-layer --activation " + activation.name() + " for a two-layer network with that activation.");
        if (arch.isLinearModel() && !(activation instanceof Activation.Identity))
            throw BadInputException.of("--activation " + activation.name(), "--arch " + arch, "identity (the linear models compute a linear map of x)",
                    "Drop --activation, or use --arch fc --activation " + activation.name() + " for a nonlinear network.");
        Init scheme = initScheme(c.initScheme());
        if (scheme == Init.FIXUP && arch != Arch.RESNET_UNIT)
            throw BadInputException.of("--init-scheme fixup", "--arch " + arch.cliName(), "the residual MLP with unit branches (Zhang et al. 2019's setting)",
                    "Use --arch resnet --branch-scale unit --depth 2L+1, or another --init-scheme.");
        if (scheme.linearOnly() && arch != Arch.LINEAR)
            throw BadInputException.of("--init-scheme " + scheme.cliName(), "--arch " + arch, "--arch linear (Arora et al. 2019's deep linear network)",
                    "Use --init-scheme standard, small or zero, or --arch linear.");
        double initScale = c.initScale() == null ? 1.0 : c.initScale();
        if (!(initScale >= 0) || !Double.isFinite(initScale))
            throw BadInputException.of("--init-scale " + c.initScale(), c.initScale(), "a finite scale alpha >= 0 on the initial weights", "e.g. --init-scale 0.01");
        if (activation instanceof Activation.PRelu && !arch.isSeed002())
            throw BadInputException.of("--activation prelu", "--arch " + arch, "--arch identity-mapping or no-identity (seed 002's networks)",
                    "Use leaky-relu for a fixed slope in seed 004's networks.");
        if ((arch == Arch.RESNET || arch == Arch.CONV_RESNET) && !(c.cRes() > 0 && Double.isFinite(c.cRes())))
            throw BadInputException.of("--c-res " + c.cRes(), c.cRes(), "a positive number (seed 004 takes 0 < c_res < 1)", "e.g. --c-res 0.5");
        int patch = c.patch();
        if (arch == Arch.CONV_RESNET && (patch < 1 || patch % 2 == 0))
            throw BadInputException.of("--patch " + patch, patch, "an odd patch size (stride 1 with zero padding keeps p pixels only for odd sizes)", "e.g. --patch 3");
        int hidden = arch == Arch.LINEAR ? depth - 1 : depth;
        return new NetworkPlan(arch, depth, c.width(), activation, c.cRes(), patch, scheme, initScale,
                c.init() == null ? null : Path.of(c.init()), TrainedParameters.parse(c.trainLayers(), hidden), widths(c.widths(), arch, hidden),
                fixupScalars(c.fixupScalars(), arch), biasScale(c.biasScale(), arch));
    }

    /**
     * --bias-scale beta: the fc network's biases (NetworkSpec.withBiasScale), a finite beta >= 0; unset or 0 is seed 004's
     * network without biases, so a configuration written before biases existed resumes as the same network.
     */
    static double biasScale(Double given, Arch arch) {
        if (given == null || given == 0) return 0;
        if (!(given > 0) || !Double.isFinite(given))
            throw BadInputException.of("--bias-scale " + given, given, "a finite beta >= 0 (neural-tangents' b_std; 0: no biases)", "e.g. --bias-scale 0.1");
        if (arch != Arch.FC)
            throw BadInputException.of("--bias-scale " + given, "--arch " + arch.cliName(), "--arch fc (the fully-connected network's biases)",
                    "Use --arch fc, or drop --bias-scale.");
        return given;
    }

    /**
     * --fixup-scalars: Fixup's scalar biases and multipliers (Zhang et al. 2019, Section 3, rule 3) in the unit-branch
     * residual MLP, with any --init-scheme (with standard it is Fixup's rule 3 without its rescaling, rules 1-2). Off unless
     * given, also with --init-scheme fixup: a fixup configuration written before the scalars existed then resumes as the
     * same network, and the rescaling alone stays a run of its own.
     */
    static boolean fixupScalars(Boolean given, Arch arch) {
        if (given == null || !given) return false;
        if (arch != Arch.RESNET_UNIT)
            throw BadInputException.of("--fixup-scalars", "--arch " + arch.cliName(), "the residual MLP with unit branches (Fixup's scalars sit in its two-layer branches)",
                    "Use --arch resnet-unit --depth 2L+1, or drop --fixup-scalars.");
        return true;
    }

    /**
     * --widths 32,16,8: chosen hidden widths m_1 .. m_H, each a positive integer, one per hidden layer (W_h is m_h x m_{h-1}):
     * the deep linear network's N - 1 (N weight matrices) and the fc network's H (LeNet-300-100 is --depth 2 --widths 300,100).
     * The fc network's limit kernels do not depend on them.
     */
    static int[] widths(String text, Arch arch, int hidden) {
        if (text == null) return null;
        if (arch != Arch.LINEAR && arch != Arch.FC)
            throw BadInputException.of("--widths " + text, "--arch " + arch, "--arch linear or fc (the networks whose hidden layers may differ in width)",
                    "Use --width for every other network.");
        String[] parts = text.trim().isEmpty() ? new String[0] : text.split(",");
        int[] out = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Integer.parseInt(parts[i].trim());
                if (out[i] < 1) throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw BadInputException.of("--widths " + text, "'" + text + "'", "positive integers separated by commas", "e.g. --widths 32,16,8");
        }
        if (out.length != hidden && arch == Arch.LINEAR)
            throw BadInputException.of("--widths " + text, out.length + " widths for --depth " + (hidden + 1), (hidden) + " widths (one per hidden layer: N - 1 for N weight matrices)",
                    hidden == 0 ? "Drop --widths: the linear model a^T x has no hidden layer." : "Give " + hidden + " widths, or change --depth.");
        if (out.length != hidden)
            throw BadInputException.of("--widths " + text, out.length + " widths for --depth " + hidden, hidden + " widths (one per hidden layer)",
                    "Give " + hidden + " widths, or use --depth " + out.length + ".");
        return out;
    }

    private String widthsText() {
        return java.util.Arrays.stream(widths).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    static Arch arch(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Arch a : Arch.values()) if (a.cliName().equals(key)) return a;
        throw BadInputException.of("--arch " + name, "an unknown architecture",
                "one of " + Arrays.stream(Arch.values()).map(Arch::cliName).toList(), "e.g. --arch resnet");
    }

    /**
     * --branch-scale du (unset: seed 004's c_res / (H sqrt m)) or unit (the standard residual block x + s W_out s sigma(W_in x),
     * He's s = sqrt(c_sigma / m), {@link Arch#RESNET_UNIT}), for --arch resnet only; unit blocks take two weight matrices
     * each, so --depth H = 2L + 1 is odd (W1, then L blocks). --arch resnet-unit is the same network in one word (a sweep over
     * architectures can then name fc, resnet and resnet-unit on one axis).
     */
    static Arch branchScale(Arch arch, String text, Integer depth) {
        if (text == null && arch != Arch.RESNET_UNIT) return arch;
        String key = text == null ? "unit" : text.trim().toLowerCase(Locale.ROOT);
        if (arch == Arch.RESNET_UNIT && key.equals("du"))
            throw BadInputException.of("--branch-scale du", "--arch resnet-unit", "unit (resnet-unit is --arch resnet --branch-scale unit)",
                    "Use --arch resnet for seed 004's branch scale.");
        if (arch == Arch.RESNET_UNIT) arch = Arch.RESNET;
        if (!key.equals("du") && !key.equals("unit"))
            throw BadInputException.of("--branch-scale " + text, "'" + text + "'", "du (seed 004: c_res / (H sqrt m)) or unit (He's scale, two matrices a block)",
                    "e.g. --branch-scale unit");
        if (arch != Arch.RESNET)
            throw BadInputException.of("--branch-scale " + text, "--arch " + arch.cliName(), "--arch resnet (the dense residual network)",
                    "Drop --branch-scale, or use --arch resnet.");
        if (key.equals("du")) return arch;
        if (depth != null && (depth < 3 || depth % 2 == 0))
            throw BadInputException.of("--depth " + depth, "depth " + depth + " with --branch-scale unit", "an odd depth H = 2L + 1 >= 3 (W1, then L blocks of two weight matrices)",
                    "Use --depth " + Math.max(3, depth % 2 == 0 ? depth + 1 : depth) + ".");
        return Arch.RESNET_UNIT;
    }

    /** The activation named; leakySlope is leaky-relu's slope and prelu's initial slope. */
    static Activation activation(String name, double leakySlope) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (key.startsWith("leaky") && (!Double.isFinite(leakySlope) || leakySlope < 0 || leakySlope >= 1))
            throw BadInputException.of("--leaky-slope " + leakySlope, "out of range", "a slope in [0, 1)", "e.g. --leaky-slope 0.01");
        if (key.equals("prelu") && !Double.isFinite(leakySlope))
            throw BadInputException.of("--leaky-slope " + leakySlope, leakySlope, "a finite initial PReLU slope", "e.g. --leaky-slope 0.25");
        try {
            return Activation.parse(name, leakySlope);
        } catch (IllegalArgumentException e) {
            throw BadInputException.of("--activation " + name, "an unknown name", "one of " + String.join(", ", Activation.NAMES),
                    "Pick one of those, e.g. --activation softplus");
        }
    }

    static Init initScheme(String text) {
        String key = text == null ? "standard" : text.trim().toLowerCase(Locale.ROOT);
        for (Init i : Init.values()) if (i.cliName().equals(key)) return i;
        throw BadInputException.of("--init-scheme " + text, "'" + text + "'", "standard, small, zero, balanced or identity (the last two for --arch linear), fixup (--arch resnet --branch-scale unit)",
                "e.g. --init-scheme zero");
    }
}
