package overparam.lab.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.data.Dataset;
import overparam.core.data.Npy;
import overparam.core.kernel.Theorems;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.LimitKernel;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/** ./overparam kernel: one infinite-width kernel of a network on a data set, written as .npy, with its spectrum's ends. */
public final class KernelRun {
    /** What to compute: K^(H) (gram), Theta (ntk), the NNGP, or the limit of one layer's Gram (layer). */
    public record Request(String arch, Integer depth, String activation, double leakySlope, double cRes, String kind, Integer layer,
                          String data, String labels, String synthetic, int n, int d, String pixels, Integer patch, long seed, String trainLayers,
                          int threads, String out) {}

    /** The answer: the matrix's least and largest eigenvalue and, with labels, y^T K^-1 y and Arora et al.'s bound. */
    public record Result(String description, int n, int d, double lambdaMin, double lambdaMax, double seconds, double labelComplexity,
                         double aroraBound, String singularWarning, Path written) {}

    private KernelRun() {}

    public static Result execute(Request r) {
        Path out = Path.of(r.out());
        if (Files.isDirectory(out)) throw new BadInputException("--out " + out + ": is a folder; name a .npy file, e.g. --out K.npy");
        if (Files.exists(out)) throw new BadInputException("--out " + out + ": exists already; nothing is overwritten. Choose a new file name.");
        if (r.threads() < 1) throw BadInputException.of("--threads " + r.threads(), r.threads(), "at least 1", "e.g. --threads 2");
        Linalg.setThreads(r.threads());
        Arch arch = Arch.parse(r.arch());
        Activation activation = Activation.parse(r.activation(), r.leakySlope());
        String kind = r.kind().trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("gram") && !kind.equals("ntk") && !kind.equals("nngp"))
            throw BadInputException.of("--kind " + r.kind(), "'" + r.kind() + "'", "gram (K^(H)), ntk (Theta) or nngp", "e.g. --kind gram");
        int depth = r.depth() != null ? r.depth() : arch == Arch.TWO_LAYER ? 1 : 3;
        try (Dataset data = load(r)) {
            NetworkSpec spec = InputShape.spec(arch, data, 1, depth, activation, r.cRes(), r.patch());  // the limit does not depend on the width
            TrainedLayers trained = TrainedLayers.parse(r.trainLayers(), spec);
            if (r.layer() != null && (r.layer() < 1 || r.layer() > spec.parameterCount() || !kind.equals("gram")))
                throw BadInputException.of("--layer " + r.layer(), r.layer(), "a layer 1.." + spec.parameterCount() + " with --kind gram",
                        "e.g. --kind gram --layer 1 for the limit of G^(1)(0)");
            long need = Theory.bytes(data.n(), spec.pixels()) * (r.layer() != null ? 2 : 1), available = Memory.availableBytes();
            if (need > available)
                throw new BadInputException("--data: n = " + data.n() + " needs " + Memory.format(need) + " for the kernels, only "
                        + Memory.format(available) + " is available. Use fewer samples.");
            long t0 = System.nanoTime();
            try (LimitKernel k = LimitKernel.of(spec, data.x(), trained, r.layer() != null)) {
                Matrix m = switch (kind) {
                    case "ntk" -> k.limitNtk();
                    case "nngp" -> k.nngp();
                    default -> r.layer() != null ? k.gram(r.layer()) : k.limitGram();
                };
                Spectrum.Extremes e = Spectrum.of(m);
                String warning = singularWarning(e, data.x(), m);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double yKy = Double.NaN, arora = Double.NaN;
                if (r.labels() != null) {
                    yKy = Theorems.labelComplexity(m, data.y().toArray());
                    arora = Theorems.aroraBound(yKy, data.n());
                }
                Npy.write(out, m);
                String what = switch (kind) {
                    case "ntk" -> "Theta (limit of G(0) over " + trained.names(spec) + ")";
                    case "nngp" -> "NNGP of layer " + depth;
                    default -> r.layer() != null ? "limit of G^(" + r.layer() + ")(0)" : "K^(" + depth + ") (limit of G^(" + depth + ")(0))";
                };
                String description = what + " of " + arch + " depth " + depth + " " + activation.name()
                        + (spec.isResidual(2) ? " c_res " + r.cRes() : "") + (spec.isConvolutional() ? ", " + spec.patches().describe() : "");
                return new Result(description, data.n(), data.d(), e.min(), e.max(), seconds, yKy, arora, warning, out);
            }
        }
    }

    /** Inputs from --data (labels optional) or --synthetic; labels are only used for y^T K^-1 y. */
    private static Dataset load(Request r) {
        if ((r.data() == null) == (r.synthetic() == null))
            throw new BadInputException(r.data() == null ? "no data: give --data X.npy (or --synthetic sphere --n N --d D)."
                    : "--data and --synthetic: both given; choose one source of inputs.");
        if (r.data() != null && r.pixels() != null)
            throw new BadInputException("--pixels " + r.pixels() + ": only for --synthetic data; a --data file's own shape gives the pixels.");
        DataLoader.Inputs in = r.data() != null ? DataLoader.inputs(r.data()) : null;
        int[] shape = in != null ? in.sampleShape() : InputShape.synthetic(Arch.parse(r.arch()), r.d(), r.pixels());
        Matrix x = in != null ? in.matrix() : DataLoader.syntheticInputs(r.synthetic(), r.n(), shape, r.seed());
        Matrix y = r.labels() != null ? DataLoader.labels(r.labels()) : Matrix.vector(x.rows());
        return new Dataset(x, y, r.data() != null ? r.data() : "synthetic " + r.synthetic(), shape);
    }

    /** When the kernel is numerically singular, say why: duplicated or parallel inputs, or a sample whose row is zero. */
    private static String singularWarning(Spectrum.Extremes e, Matrix x, Matrix k) {
        if (e.min() > 1e-12 * e.max()) return null;
        int n = x.rows();
        try (Matrix g = Matrix.zeros(n, n)) {
            Linalg.multOuter(x, g);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < i; j++) {
                    double c = g.get(i, j) / Math.sqrt(g.get(i, i) * g.get(j, j));
                    if (c > 1 - 1e-12)
                        return "the kernel is singular (lambda_min = " + e.min() + "): inputs " + j + " and " + i + " are "
                                + (Math.abs(g.get(i, i) - g.get(j, j)) <= 1e-12 * g.get(i, i) ? "duplicates" : "parallel")
                                + "; the theorems assume no two inputs are parallel. Remove one of them.";
                }
        }
        for (int i = 0; i < n; i++)
            if (Math.abs(k.get(i, i)) <= 1e-300)
                return "the kernel is singular: its row " + i + " is zero (input " + i + " has norm " + Math.sqrt(sumSquares(x.row(i)))
                        + ", and sigma(0) = 0 leaves it no features). Remove that sample.";
        return String.format(Locale.ROOT, "the kernel is ill-conditioned: lambda_min / lambda_max = %.1e. Its entries are exact to about"
                + " 1e-13 of their scale, so lambda_min and y^T K^-1 y carry that error times the condition number.", e.min() / e.max());
    }

    private static double sumSquares(double[] v) {
        double s = 0;
        for (double e : v) s += e * e;
        return s;
    }
}
