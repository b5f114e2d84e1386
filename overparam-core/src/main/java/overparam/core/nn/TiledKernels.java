package overparam.core.nn;

import java.nio.DoubleBuffer;
import java.util.Optional;
import java.util.stream.IntStream;
import overparam.core.kernel.ClosedForm;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * Theta and the NNGP of a network of dense layers (fc, two-layer) one rectangular tile at a time: entry (i, j) for
 * rows X_I and columns X_J, with no n x n matrix anywhere, so that kernels of tens of thousands of samples are made
 * tile by tile and held on disk ({@link LimitKernel} folds whole n x n matrices layer by layer).
 *
 * <p>The maps are {@link DenseLayer}'s limit, entry by entry (seed 004, Defs. 5.1 and 7.1): with a = K_ii, b = K_jj,
 * c = K_ij of the layer below and q = {@link NetworkSpec#widthFreeScale},
 * <pre>
 *   K'_ij = q E[sigma(u) sigma(v)],   factor_ij = q E[sigma'(u) sigma'(v)],
 *   Theta_ij <- factor_ij Theta_ij + factor_ij K_ij (where layer h is trained),
 * </pre>
 * and after layer H the output layer adds K^(H)_ij (where a is trained). With biases of scale beta (fc --bias-scale) the
 * Gaussian pair is taken at a + beta^2, b + beta^2, c + beta^2, the layer's Gram is factor_ij (K_ij + beta^2), and the
 * output's NNGP and Gram are K^(H)_ij + beta^2, as {@link DenseLayer}'s and {@link KernelState}'s maps. A dense layer's map needs only the pair's own
 * variances, and those follow each sample alone ({@link #variances}), so every tile is computed from its inputs and
 * two variance lists: the fold runs over the layers inside each entry, in registers. The activation must have a
 * {@link ClosedForm}; a Mehler series activation's maps are matrix-wide ({@link overparam.core.kernel.MehlerMaps}).
 */
public final class TiledKernels {
    private final Recipe recipe;
    private final ClosedForm form;
    private final double[] q;               // q[h], h = 1..H
    private final boolean[] trainedHidden;  // [h], h = 1..H
    private final boolean outputTrained;
    private final int depth;
    private final double biasVariance;      // beta^2

    /**
     * Everything the maps are made of, as plain values that serialize: a process without the network's spec (a Spark
     * executor computing tiles) makes the same maps from it, to the same bits. activation is a {@link ClosedForm}
     * activation's name, leakySlope leaky-relu's slope (0 for the others); q[h] and trainedHidden[h] for h = 1..H
     * (index 0 unused); biasVariance beta^2 (0 without biases).
     */
    public record Recipe(String activation, double leakySlope, double[] q, boolean[] trainedHidden, boolean outputTrained, double biasVariance)
            implements java.io.Serializable {
        /** A network without biases. */
        public Recipe(String activation, double leakySlope, double[] q, boolean[] trainedHidden, boolean outputTrained) {
            this(activation, leakySlope, q, trainedHidden, outputTrained, 0);
        }

        public int depth() { return q.length - 1; }
    }

    private TiledKernels(Recipe recipe) {
        Activation a = Activation.parse(recipe.activation(), recipe.leakySlope());
        if (!(a instanceof ClosedForm f))
            throw new IllegalArgumentException("the " + a.name() + " activation has no closed-form Gaussian maps; tiles need one");
        if (recipe.trainedHidden().length != recipe.q().length)
            throw new IllegalArgumentException("recipe of depth " + recipe.depth() + " with " + (recipe.trainedHidden().length - 1) + " trained flags");
        this.recipe = recipe;
        this.form = f;
        this.q = recipe.q().clone();
        this.trainedHidden = recipe.trainedHidden().clone();
        this.outputTrained = recipe.outputTrained();
        this.depth = recipe.depth();
        this.biasVariance = recipe.biasVariance();
    }

    /** Why the network's kernels cannot be made tile by tile; empty when they can. */
    public static Optional<String> unsupported(NetworkSpec spec) {
        Optional<String> noLimit = spec.noLimitReason();
        if (noLimit.isPresent()) return noLimit;
        for (int h = 1; h <= spec.depth(); h++)
            if (spec.layerKind(h) != DenseLayer.KIND)
                return Optional.of("hidden layer " + h + " is " + spec.layerKind(h) + "; tiles are made for networks of dense layers (fc, two-layer)");
        if (spec.pixels() != 1) return Optional.of("a convolutional network's kernel sums over patches, which tiles do not");
        if (!(spec.activation() instanceof ClosedForm))
            return Optional.of("the " + spec.activation().name() + " activation has no closed-form Gaussian maps (its Mehler series is taken matrix-wide)");
        return Optional.empty();
    }

    public static TiledKernels of(NetworkSpec spec, TrainedLayers trained) {
        unsupported(spec).ifPresent(reason -> { throw new IllegalArgumentException(spec.arch() + " network: " + reason); });
        int depth = spec.depth();
        double[] q = new double[depth + 1];
        boolean[] t = new boolean[depth + 1];
        for (int h = 1; h <= depth; h++) {
            q[h] = spec.widthFreeScale(h);
            t[h] = trained.contains(h);
        }
        double slope = spec.activation() instanceof Activation.LeakyRelu l ? l.slope() : 0;
        return new TiledKernels(new Recipe(spec.activation().name(), slope, q, t, trained.contains(depth + 1), spec.biasScale() * spec.biasScale()));
    }

    /** The maps a {@link #recipe()} describes. */
    public static TiledKernels of(Recipe recipe) {
        return new TiledKernels(recipe);
    }

    /** What these maps are made of, to make them again elsewhere ({@link #of(Recipe)}). */
    public Recipe recipe() { return recipe; }

    /** Each sample's variance K^(h)_ii for h = 0..H (row h): ||x_i||^2, then K'_ii = q E[sigma(u)^2], u ~ N(0, K_ii + beta^2). */
    public double[][] variances(Matrix x) {
        int n = x.rows();
        double[][] v = new double[depth + 1][n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (double e : x.row(i)) s += e * e;
            v[0][i] = s;
            for (int h = 1; h <= depth; h++) {
                double sigma = v[h - 1][i] + biasVariance;
                v[h][i] = q[h] * form.products(sigma, sigma, sigma);
            }
        }
        return v;
    }

    /**
     * The tile of rows [r0, r0 + ntk.rows()) of xRows against columns [c0, c0 + ntk.cols()) of xCols: Theta into ntk,
     * the NNGP into nngp. vRows and vCols are the {@link #variances} of all of xRows and xCols; gram is scratch of the
     * tile's shape (the inputs' inner products, by BLAS). When xRows and xCols are the same matrix, an entry of a sample
     * with itself takes its variance ||x_i||^2 as its inner product: the correlation is then exactly 1, where BLAS's
     * rounding of x_i . x_i could put it 1e-16 off, and acos near 1 turns that into 1e-8 (acos(1 - e) ~ sqrt(2 e)).
     */
    public void tile(Matrix xRows, double[][] vRows, int r0, Matrix xCols, double[][] vCols, int c0, Matrix gram, Matrix ntk, Matrix nngp) {
        int rows = ntk.rows(), cols = ntk.cols();
        if (nngp.rows() != rows || nngp.cols() != cols || gram.rows() != rows || gram.cols() != cols)
            throw new IllegalArgumentException("tile: ntk " + ntk + ", nngp " + nngp + " and gram " + gram + " must share one shape");
        try (Matrix a = xRows.rowRange(r0, rows); Matrix b = xCols.rowRange(c0, cols)) {   // views: xRows may be xCols
            Linalg.multTransB(1.0, a, b, 0.0, gram);                                       // K^(0) = X_I X_J^T
        }
        DoubleBuffer g = gram.buffer(), t = ntk.buffer(), k = nngp.buffer();
        boolean sameSet = xRows == xCols;
        IntStream.range(0, rows).parallel().forEach(i -> {
            double[] out = new double[2];
            for (int j = 0, at = i * cols; j < cols; j++, at++) {
                boolean self = sameSet && r0 + i == c0 + j;
                entry(vRows, r0 + i, vCols, c0 + j, self ? vRows[0][r0 + i] : g.get(at), out);
                t.put(at, out[0]);
                k.put(at, out[1]);
            }
        });
    }

    /** Theta and the NNGP of one sample with itself (the test points' own variances, for the NNGP posterior). */
    public double[][] diagonal(double[][] v) {
        int n = v[0].length;
        double[][] d = new double[2][n];
        double[] out = new double[2];
        for (int i = 0; i < n; i++) {
            entry(v, i, v, i, v[0][i], out);
            d[0][i] = out[0];
            d[1][i] = out[1];
        }
        return d;
    }

    /** One entry through every layer: out[0] = Theta_ij, out[1] = K^(H)_ij (+ beta^2: the output's NNGP). */
    private void entry(double[][] vi, int i, double[][] vj, int j, double k0, double[] out) {
        double k = k0, theta = 0, b2 = biasVariance;
        for (int h = 1; h <= depth; h++) {
            double sigma = k + b2;                                                 // the pre-activations' covariance
            form.productsAndDerivative(vi[h - 1][i] + b2, vj[h - 1][j] + b2, sigma, out);
            double factor = q[h] * out[1];
            theta = factor * theta + (trainedHidden[h] ? factor * sigma : 0);  // DenseLayer.limit: carry, then this layer's Gram (W and b)
            k = q[h] * out[0];
        }
        k += b2;                                                                   // u = a^T x^(H) + beta b_out
        out[0] = outputTrained ? theta + k : theta;
        out[1] = k;
    }
}
