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
import overparam.core.linalg.Spectrum;
import overparam.core.nn.LimitKernel;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;
import overparam.lab.data.RunDataLoader;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.KernelPlan;
import overparam.lab.plan.NetworkPlan;

/** ./overparam kernel: one infinite-width kernel of a network on a data set, written as .npy, with its spectrum's ends. */
public final class KernelRun {
    /** The answer: the matrix's least and largest eigenvalue and, with labels, y^T K^-1 y and Arora et al.'s bound. */
    public record Result(String description, int n, int d, double lambdaMin, double lambdaMax, double seconds, double labelComplexity,
                         double aroraBound, String singularWarning, Path written) {}

    private KernelRun() {}

    public static Result execute(KernelPlan plan) {
        Path out = plan.out();
        if (Files.isDirectory(out)) throw new BadInputException("--out " + out + ": is a folder; name a .npy file, e.g. --out K.npy");
        if (Files.exists(out)) throw new BadInputException("--out " + out + ": exists already; nothing is overwritten. Choose a new file name.");
        Linalg.setThreads(plan.threads());
        NetworkPlan network = plan.network();
        Integer layer = plan.layer();
        boolean labelled = plan.data().inputs() instanceof DataPlan.FileInputs f && f.labels() != null;
        MemoryCheck.requireKernelPlan(plan);                                  // before the inputs are drawn or read
        try (Dataset data = RunDataLoader.inputs(plan.data())) {
            NetworkSpec spec = network.withWidth(1).spec(data.d(), data.sampleShape(), data.source(), 1);   // the limit does not depend on the width
            if (!spec.hasLimit())
                throw new BadInputException("--arch " + spec.arch() + ": " + spec.noLimitReason().orElseThrow() + ". Use --arch fc, resnet, two-layer or conv-resnet.");
            TrainedLayers trained = network.trained().of(spec);
            MemoryCheck.requireKernel(plan, data.n(), spec.pixels(), 0, plan.data().synthetic() ? "--n " + data.n() : "--data " + data.source() + " (n = " + data.n() + ")");
            long t0 = System.nanoTime();
            try (LimitKernel k = LimitKernel.of(spec, data.x(), trained, layer != null)) {
                Matrix m = switch (plan.kind()) {
                    case NTK -> k.limitNtk();
                    case NNGP -> k.nngp();
                    case GRAM -> layer != null ? k.gram(layer) : k.limitGram();
                };
                Spectrum.Extremes e = Spectrum.of(m);
                String warning = singularWarning(e, data.x(), m);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double yKy = Double.NaN, arora = Double.NaN;
                if (labelled) {
                    yKy = Theorems.labelComplexity(m, data.y().toArray());
                    arora = Theorems.aroraBound(yKy, data.n());
                }
                Npy.write(out, m);
                int depth = network.depth();
                String what = switch (plan.kind()) {
                    case NTK -> "Theta (limit of G(0) over " + trained.names(spec) + ")";
                    case NNGP -> "NNGP of layer " + depth;
                    case GRAM -> layer != null ? "limit of G^(" + layer + ")(0)" : "K^(" + depth + ") (limit of G^(" + depth + ")(0))";
                };
                String description = what + " of " + spec.arch() + " depth " + depth + " " + spec.activation().name()
                        + (spec.isResidual(2) ? " c_res " + network.cRes() : "") + (spec.isConvolutional() ? ", " + spec.patches().describe() : "");
                return new Result(description, data.n(), data.d(), e.min(), e.max(), seconds, yKy, arora, warning, out);
            }
        }
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
