package overparam.lab.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.data.Npy;
import overparam.core.instruments.BalanceInstrument;
import overparam.core.instruments.EndToEndInstrument;
import overparam.core.instruments.GradientNoiseInstrument;
import overparam.core.instruments.GramInstrument;
import overparam.core.instruments.HessianInstrument;
import overparam.core.instruments.MovementInstrument;
import overparam.core.instruments.PatternInstrument;
import overparam.core.instruments.RecoveryInstrument;
import overparam.core.instruments.RidgePathInstrument;
import overparam.core.instruments.SmoothnessInstrument;
import overparam.core.instruments.TestInstrument;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.nn.Arch;
import overparam.core.nn.Evaluator;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Workspace;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.DataPlan.FileInputs;
import overparam.lab.plan.DataPlan.SyntheticInputs;
import overparam.lab.plan.Instruments;
import overparam.lab.plan.Instruments.Instrument;
import overparam.lab.plan.KernelPlan;
import overparam.lab.plan.RunPlan;
import overparam.lab.plan.StepSize;

/**
 * Refuses a run whose buffers exceed what the machine can give, with the estimate and the limit, before anything is
 * allocated: once from the plan alone ({@link #requirePlan}, before the data are drawn or read: every cell of an
 * experiment is checked so before any runs), and again with the data's exact sizes ({@link #require}). Three limits:
 * native memory for the matrices ({@link Memory#availableBytes}: free physical memory, or JavaCPP's maxBytes), the
 * Java heap for the activation patterns (Runtime.maxMemory), and the size of one matrix (its values are addressed by
 * Java loops through one buffer of at most 2^31 - 1 bytes, {@link Matrix#MAX_VALUES} values). Estimates are doubles:
 * a width of 1e9 (8e18 bytes per m x m layer) or n = 2e9 (n x n Gram matrices) must not overflow into a small number.
 */
final class MemoryCheck {
    private MemoryCheck() {}

    /** A part of what a run holds at once, and the largest matrix in it. */
    private record Part(String name, double bytes, String largest, double rows, double cols) {
        double values() { return rows * cols; }
    }

    /**
     * The run's data as the plan (or the loaded data) gives it: n training rows; nHeld the test and validation rows, which
     * records evaluate; nTest the test rows alone (the kernel prediction's n*); and the bytes still to allocate.
     */
    private record Sizes(int n, int nHeld, int nTest, String samples, double dataBytes) {}

    /** From the plan alone: synthetic sizes, or the headers of .npy files (CSV and image sets are checked once read). */
    static void requirePlan(RunPlan plan) {
        DataPlan data = plan.data();
        int[] shape;
        int n, nTest = 0;
        String samples;
        if (data.inputs() instanceof SyntheticInputs s) {
            shape = s.sampleShape();
            n = s.n();
            nTest = data.test().n();
            samples = "--n " + n;
        } else if (data.inputs() instanceof FileInputs f) {
            long[] s = npyShape(f.data());
            if (s == null || s.length < 2) return;
            n = (int) s[0];
            shape = new int[s.length - 1];
            for (int i = 1; i < s.length; i++) shape[i - 1] = (int) s[i];
            long[] t = data.test().data() == null ? null : npyShape(data.test().data());
            nTest = t == null ? 0 : (int) t[0];
            samples = "--data " + f.data() + " (n = " + n + ")";
        } else {
            return;                                                         // an image set: at most 70000 images of 784 pixels
        }
        NetworkSpec spec = plan.network().spec(overparam.lab.plan.InputShape.size(shape), shape, samples, 1);   // k outputs: at least 1
        Instruments instruments = plan.instruments().applicableTo(spec, plan);
        boolean limit = spec.hasLimit() && plan.limitKernel().wanted(n, spec.pixels());
        double d = spec.inputDim();
        double dataBytes = Matrix.bytes(n, d + 1) + (nTest > 0 ? Matrix.bytes(nTest, d + 1) : 0);
        if (data.labelsFrom() == DataPlan.LabelSource.TEACHER) {                  // a sparse teacher is one vector
            NetworkSpec teacher = plan.network().withWidth(data.teacher().width()).spec(spec.inputDim(), shape, "teacher", 1);
            dataBytes += Network.bytes(teacher) + Workspace.bytes(teacher, Math.max(n, nTest));
        }
        int validation = data.validationN();                                    // held out of the n samples, never trained on
        require(plan, spec, new Sizes(n - validation, nTest + validation, nTest, samples, dataBytes), instruments, limit);
    }

    /** With the data loaded: their exact sizes (they are allocated already, so only what the run adds counts). */
    static void require(RunPlan plan, NetworkSpec spec, overparam.lab.data.RunData data, Instruments instruments, boolean limitKernel) {
        int n = data.train().n();
        String samples = plan.data().synthetic() ? "--n " + n : "n = " + n;
        int test = data.test() == null ? 0 : data.test().n();
        int held = test + (data.validation() == null ? 0 : data.validation().n());   // both evaluated at records; only the test set predicted on
        require(plan, spec, new Sizes(n, held, test, samples, 0), instruments, limitKernel);
    }

    private static void require(RunPlan plan, NetworkSpec spec, Sizes s, Instruments instruments, boolean limitKernel) {
        int n = s.n(), batch = plan.train().batchSize();
        int rows = batch > 0 && batch < n ? batch : n;
        boolean gram = instruments.has(Instrument.GRAM), autoEta = plan.train().eta() instanceof StepSize.Auto;
        double m = spec.width(), p = spec.pixels();
        String width = "--width " + spec.width() + (spec.depth() > 1 ? " at --depth " + spec.depth() : "");
        List<Part> parts = new ArrayList<>();

        int copies = 1 + plan.train().optimizerBuffers() + (instruments.has(Instrument.MOVEMENT) ? 1 : 0)
                + (plan.network().init() != null ? 1 : 0)        // momentum trace, the movement's W(0), --init's arrays while copied
                + plan.train().shaping().buffers();              // clipping's or normalization's formed gradient, Langevin's noise
        double q = spec.patches().size(), inputFanIn = q * spec.channels();
        boolean inputLayer = spec.depth() == 1 || inputFanIn > m;                // W1 (m x d) is the largest layer when d > m
        parts.add(new Part(inputLayer && inputFanIn > m ? "input weights" : "weights", copies * Network.bytes(spec),
                inputLayer ? "W1" : "W2", m, inputLayer ? inputFanIn : q * m));

        double activations = Workspace.bytes(spec, rows);
        if (rows < n) activations += Evaluator.bytes(spec, n) + Matrix.bytes(rows, spec.inputDim() + 1)
                + (instruments.needWholePass() ? Workspace.bytes(spec, n) : 0);
        if (s.nHeld() > 0) activations += TestInstrument.bytes(spec, s.nHeld());
        int passRows = rows < n && instruments.needWholePass() ? n : rows;
        parts.add(new Part("activations", activations, "the activations of one layer", passRows, p * m));

        if (gram || autoEta) parts.add(new Part("Gram matrices", GramInstrument.bytes(spec, n), "G^(h)", n, n));
        if (instruments.has(Instrument.BALANCE) && BalanceInstrument.bytes(spec) > 0)
            parts.add(new Part("balance matrices", BalanceInstrument.bytes(spec), "W_{h+1}^T W_{h+1}", m, m));
        if (instruments.has(Instrument.END_TO_END))
            parts.add(new Part("end-to-end map", EndToEndInstrument.bytes(spec), "W_e", spec.inputDim(), spec.outputs()));
        if (spec.arch() == Arch.QUADRATIC && plan.data().labelsFrom() == DataPlan.LabelSource.TEACHER)
            parts.add(new Part("recovery matrices", RecoveryInstrument.bytes(spec.inputDim()), "W^T W", spec.inputDim(), spec.inputDim()));
        if (instruments.has(Instrument.INPUT_GRADIENT))
            parts.add(new Part("input gradients", overparam.core.instruments.InputGradientInstrument.bytes(spec, n), "df/dX", n, spec.inputDim()));
        if (instruments.has(Instrument.RIDGE_PATH))
            parts.add(new Part("ridge path (SVD of X)", RidgePathInstrument.bytes(n, spec.inputDim()), "X", n, spec.inputDim()));
        if (instruments.has(Instrument.GRADIENT_NOISE)) {                        // K noise vectors of P coordinates, two workspaces
            overparam.lab.plan.NoisePlan noise = plan.train().noise();
            double parameters = 0;
            for (int h = 1; h <= spec.parameterCount(); h++) parameters += (double) spec.parameterShape(h)[0] * spec.parameterShape(h)[1];
            parts.add(new Part("gradient noise", GradientNoiseInstrument.bytes(spec, parameters, n, noise.batches(), Math.min(noise.batchSize(), n)),
                    "the noise vectors", noise.batches(), parameters));
        }
        if (instruments.has(Instrument.SMOOTHNESS))
            parts.add(new Part("smoothness (weights copy, pass over n)", SmoothnessInstrument.bytes(spec, n), "the activations of one layer", n, p * m));
        if (plan.train().shaping().hessian() != null) {        // --langevin hessian: Lanczos basis and the P x k directions
            double parameters = Network.bytes(spec) / Double.BYTES;
            int top = plan.train().shaping().hessian().top();
            parts.add(new Part("Hessian noise", overparam.core.curvature.HessianNoise.bytes(spec, n, (long) parameters, top),
                    "the Lanczos vectors and eigenvectors", Math.min(3.0 * top + 10, parameters), parameters));
        }
        if (plan.train().shaping().langevin() != null && plan.train().shaping().langevin().matchesSgd()) {   // a one-row pass, gbar, g_i
            double parameters = Network.bytes(spec) / Double.BYTES;
            parts.add(new Part("SGD-matched noise", overparam.core.curvature.GradientCovariance.bytes(spec, (long) parameters),
                    "the per-sample gradients", 2, parameters));
        }
        if (instruments.has(Instrument.HESSIAN)) {            // P <= every parameter; the Lanczos basis is min(iterations, P) x P
            double parameters = Network.bytes(spec) / Double.BYTES;
            parts.add(new Part("Hessian", HessianInstrument.bytes(spec, n, (long) parameters, instruments.hessian()), "the Lanczos vectors",
                    Math.min(instruments.hessian().iterations(), parameters), parameters));
        }
        if (limitKernel) parts.add(new Part("limit kernels", Theory.bytes(n, spec.pixels()), "the limit kernel", p * n, n));
        // the fold over the stacked [X*; X], as kernel --predict counts it (freed before training); a tiled solve bounds its own
        // memory (--kernel-memory, else 0.9 of what is available) and refuses a budget below its fixed part
        if (plan.kernelPredict() && !RunKernelPrediction.tiled(plan, n, s.nTest(), spec.pixels()))
            parts.add(new Part("kernel prediction", Theory.bytes((long) n + s.nTest(), spec.pixels()), "the kernel of the stacked test and training inputs",
                    p * (n + s.nTest()), n + s.nTest()));
        // the inputs are read past 2 GiB, and plain BLAS products take them so; generated inputs, minibatches and patches
        // go through one buffer
        boolean inputsInOneBuffer = plan.data().synthetic() || rows < n || spec.isConvolutional();
        if (s.dataBytes() > 0) parts.add(new Part("data", s.dataBytes(), "the inputs X", inputsInOneBuffer ? n : 0, spec.inputDim()));

        double need = parts.stream().mapToDouble(Part::bytes).sum();
        long available = Memory.availableBytes();
        Part top = parts.stream().max(Comparator.comparingDouble(Part::bytes)).orElseThrow();
        if (need > available)
            throw new BadInputException(input(top, width, s.samples()) + ": this run needs " + Memory.format(need) + " of memory ("
                    + breakdown(parts) + ") but only " + Memory.format(available) + " is available (free memory, or JavaCPP's"
                    + " maxBytes). " + fix(top, gram, autoEta));

        for (Part part : parts)
            if (part.values() > Matrix.MAX_VALUES)
                throw new BadInputException(input(part, width, s.samples()) + ": " + part.largest() + " would be "
                        + count(part.rows()) + " x " + count(part.cols()) + " = " + String.format(Locale.ROOT, "%.3g", part.values())
                        + " values, more than the " + Matrix.MAX_VALUES + " (2 GiB) one matrix can hold. " + fix(part, gram, autoEta));

        if (instruments.has(Instrument.PATTERN)) {
            double heap = PatternInstrument.bytes(spec, n);
            long heapAvailable = Memory.heapAvailableBytes();
            if (heap > heapAvailable)
                throw new BadInputException("--instruments pattern with " + width + " and " + s.samples() + ": the activation patterns need "
                        + Memory.format(heap) + " of Java heap but only " + Memory.format(heapAvailable) + " is free (Runtime.maxMemory "
                        + Memory.format(Runtime.getRuntime().maxMemory()) + "). Use --instruments without pattern, fewer samples or a smaller --width.");
        }
    }

    /** ./overparam kernel from its plan: the n x n kernels (two sets with --layer) and the inputs, before they are drawn or read. */
    /** Whether the in-memory kernels of n samples fit: what {@link #requireKernel} refuses otherwise. */
    static boolean kernelFits(int n, int pixels) {
        return Theory.bytes(n, pixels) <= Memory.availableBytes() && (double) pixels * n * n <= Matrix.MAX_VALUES;
    }

    static void requireKernel(KernelPlan plan, int n, int pixels, double data, String samples) {
        double kernels = Theory.bytes(n, pixels) * (plan.layer() != null ? 2 : 1);
        long available = Memory.availableBytes();
        if (kernels + data > available)
            throw new BadInputException(samples + ": the kernels need " + Memory.format(kernels) + " of memory (eight "
                    + count((double) pixels * n) + " x " + count(n) + " matrices)" + (data > 0 ? " and the inputs " + Memory.format(data) : "") + ", but only "
                    + Memory.format(available) + " is available (free memory, or JavaCPP's maxBytes). Use fewer samples.");
        if ((double) pixels * n * n > Matrix.MAX_VALUES)
            throw new BadInputException(samples + ": the kernel would be " + count((double) pixels * n) + " x " + count(n) + " values, more than the "
                    + Matrix.MAX_VALUES + " (2 GiB) one matrix can hold. Use at most " + (long) Math.sqrt(Matrix.MAX_VALUES / (double) pixels) + " samples.");
    }

    /** The kernel command's inputs from the plan: synthetic sizes or a .npy header (null: known only once read). */
    static void requireKernelPlan(KernelPlan plan) {
        if (plan.data().inputs() instanceof SyntheticInputs s) {
            int pixels = s.sampleShape().length > 1 ? overparam.lab.plan.InputShape.size(s.sampleShape()) / s.sampleShape()[0] : 1;
            requireKernel(plan, s.n(), pixels, Matrix.bytes(s.n(), s.d() + 1.0), "--n " + s.n());
        } else if (plan.data().inputs() instanceof FileInputs f) {
            long[] shape = npyShape(f.data());
            if (shape == null || shape.length < 2) return;
            long pixels = 1, d = 1;
            for (int i = 1; i < shape.length; i++) d *= shape[i];
            for (int i = 2; i < shape.length; i++) pixels *= shape[i];
            requireKernel(plan, (int) shape[0], (int) pixels, Matrix.bytes(shape[0], d + 1.0), "--data " + f.data() + " (n = " + shape[0] + ")");
        }
    }

    /** A .npy file's shape from its header, or null when the file is no .npy (or absent: the reader names that). */
    private static long[] npyShape(String file) {
        Path path = Path.of(file);
        if (!file.toLowerCase(Locale.ROOT).endsWith(".npy") || !Files.isRegularFile(path)) return null;
        return Npy.shape(path);
    }

    private static String input(Part part, String width, String samples) {
        return switch (part.name()) {
            case "weights" -> width;
            case "input weights" -> "--width " + (long) part.rows() + " with input dimension d = " + (long) part.cols();
            case "activations" -> width + " with " + samples;
            case "Hessian noise" -> "--langevin hessian with --langevin-top " + (long) ((part.rows() - 10) / 3) + " and P = " + count(part.cols()) + " parameters";
            case "Hessian" -> "--instruments hessian with " + (long) part.rows() + " Lanczos vectors (--hessian-iterations) and P = " + count(part.cols()) + " parameters";
            default -> samples;
        };
    }

    private static String fix(Part part, boolean gram, boolean autoEta) {
        return switch (part.name()) {
            case "weights" -> "Use a smaller --width or --depth.";
            case "input weights" -> "Use inputs of fewer dimensions (--d) or a smaller --width.";
            case "activations" -> "Use a smaller --width, fewer samples, or --batch-size B.";
            case "Gram matrices" -> "Use fewer samples" + (gram ? ", or --instruments without gram" : "") + (autoEta ? " and a fixed --eta" : "") + ".";
            case "limit kernels" -> "Use fewer samples, or --limit-kernel off.";
            case "kernel prediction" -> "Use fewer training or test samples, or drop --kernel-predict.";
            case "gradient noise" -> "Use fewer --noise-batches, a smaller --width, or --instruments without gradient-noise.";
            case "Hessian noise" -> "Lower --langevin-top (its eigenvectors and Lanczos vectors are P values each), or use a smaller --width.";
            case "Hessian" -> "A Hessian request too large for memory: lower --hessian-iterations (Lanczos vectors of P values each), or use a smaller --width.";
            default -> "Use fewer samples (--n) or a smaller input dimension (--d).";
        };
    }

    private static String breakdown(List<Part> parts) {
        StringBuilder b = new StringBuilder();
        for (Part part : parts) b.append(b.length() == 0 ? "" : ", ").append(part.name()).append(' ').append(Memory.format(part.bytes()));
        return b.toString();
    }

    private static String count(double v) {
        return v < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
