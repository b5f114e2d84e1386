package overparam.core.kernel;

import java.util.ArrayList;
import java.util.List;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Arch;
import overparam.core.nn.LimitKernel;
import overparam.core.nn.NetworkSpec;

/**
 * The theorems' quantities for one network on one data set: the extremes of K^(H) (lambda_0 is the least) and of
 * Theta, y^T K^-1 y and y^T Theta^-1 y, Arora et al.'s bound, the separation phi of the inputs, and the width and
 * step-size requirements of the theorems that cover the network (hidden constants set to 1, at failure
 * probability {@link #DELTA}).
 */
public record TheoremQuantities(int n, Spectrum.Extremes limitGramExtremes, Spectrum.Extremes limitNtkExtremes, double labelComplexity,
                                double labelComplexityNtk, double aroraBound, double separation, List<Theorems.Requirement> requirements) {
    /** The failure probability delta the width requirements are evaluated at. */
    public static final double DELTA = 0.1;

    public TheoremQuantities { requirements = List.copyOf(requirements); }

    /** From the network's limit kernel on the inputs x (its rows) and the labels y. */
    public static TheoremQuantities of(LimitKernel kernel, Matrix x, double[] y) {
        NetworkSpec spec = kernel.spec();
        Spectrum.Extremes gram = Spectrum.of(kernel.limitGram()), ntk = Spectrum.of(kernel.limitNtk());
        double yKy = Theorems.labelComplexity(kernel.limitGram(), y);
        double yThetaY = Theorems.labelComplexity(kernel.limitNtk(), y);           // seed 001: y^T (Theta^(L))^-1 y
        double separation = Theorems.separation(x);
        // a lambda_0 below round-off is no number: the requirements built on it (n^6 / lambda_0^4, ...) are left undefined
        double lambda0 = gram.resolvesMin(x.rows()) ? gram.min() : Double.NaN;
        return new TheoremQuantities(x.rows(), gram, ntk, yKy, yThetaY, Theorems.aroraBound(yKy, x.rows()), separation,
                requirements(spec, x.rows(), lambda0, separation));
    }

    /** lambda_0 = lambda_min(K^(H)) as computed (below {@link #lambda0Roundoff} it is round-off, of either sign). */
    public double lambda0() { return limitGramExtremes.min(); }

    /** The round-off floor of K^(H)'s eigenvalues, n eps ||K^(H)||_2 ({@link Spectrum.Extremes#roundoff}). */
    public double lambda0Roundoff() { return limitGramExtremes.roundoff(n); }

    /** Whether lambda_0 is resolved in float64 (positive, above its round-off floor). */
    public boolean lambda0Resolved() { return limitGramExtremes.resolvesMin(n); }

    /** The loss's contraction per step that Theorems 5.1 and 6.1 promise at step size eta. */
    public double predictedRate(double eta) { return Theorems.predictedRate(eta, lambda0()); }

    /** Gradient descent on the linearized network is stable for eta < 2 / lambda_max(Theta). */
    public double etaStableBelow() { return 2 / limitNtkExtremes.max(); }

    /** The requirements of the theorem for the network's architecture, and for deep relu networks seed 001's table. */
    private static List<Theorems.Requirement> requirements(NetworkSpec spec, int n, double lambda0, double separation) {
        int depth = spec.depth();
        List<Theorems.Requirement> reqs = new ArrayList<>(switch (spec.arch()) {
            case FC -> Theorems.fullyConnected(n, depth, lambda0, DELTA);
            case RESNET -> Theorems.resNet(n, depth, lambda0, DELTA);
            case TWO_LAYER -> Theorems.twoLayer(n, lambda0, DELTA);
            case CONV_RESNET -> Theorems.convResNet(n, depth, spec.pixels(), lambda0, DELTA);
            case IDENTITY_MAPPING, NO_IDENTITY, LINEAR, DIAGONAL, QUADRATIC, RESNET_UNIT -> throw new IllegalArgumentException(spec.arch() + " has no limit kernel");
        });
        if (spec.activation().name().equals("relu") && (spec.arch() == Arch.FC || spec.arch() == Arch.RESNET))
            reqs.addAll(Theorems.deepReluTable(n, depth, separation));
        return reqs;
    }
}
