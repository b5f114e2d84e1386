package overparam.core.instruments;

import java.util.List;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Svd;
import overparam.core.nn.Arch;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.nn.Workspace;

/**
 * The linear map a linear model computes, f(x) = W_e x (k x d), and how far it is from the solutions the implicit-bias
 * theorems name. W_e = W_N ... W_1 for the deep linear network (Arora et al. 2018, 2019), formed right to left by BLAS as
 * W_e^T = W_1^T (W_2^T (... a)); beta = w_+ o w_+ - w_- o w_- for the diagonal network (Woodworth et al. 2020). Records
 * end_to_end_sv (its singular values, LAPACK dgesdd), end_to_end_norm (||W_e||_F), end_to_end (its entries, row-major,
 * when k d <= {@link #LISTED}), and for each {@link Reference} (one output only): distance_NAME = ||beta - beta_ref||_2, or
 * for a direction (the hard-margin SVM of Soudry et al. 2018) cosine_NAME = <beta, beta_ref> / (||beta|| ||beta_ref||) and
 * direction_distance_NAME = ||beta / ||beta|| - beta_ref / ||beta_ref||||.
 */
public final class EndToEndInstrument implements Observer {
    /** End-to-end maps with at most this many entries are listed in every record. */
    public static final int LISTED = 32;

    /** A solution to compare the trained predictor with, computed by the lab from the training data. */
    public record Reference(String name, double[] beta, boolean direction) {}

    private final NetworkSpec spec;
    private final List<Reference> references;
    private final Matrix product;                 // W_e^T, d x k
    private final Matrix[] chain;                 // intermediate products, m x k
    private final Matrix identity;                // I_d, for the fc network's forward pass
    private final Workspace pass;                 // its d rows, made once

    public EndToEndInstrument(NetworkSpec spec, List<Reference> references) {
        if (!applies(spec)) throw new IllegalArgumentException("end-to-end needs a network linear in x (--arch linear or diagonal, or fc with the identity), not " + spec.arch());
        for (Reference r : references)
            if (spec.outputs() != 1 || r.beta().length != spec.inputDim())
                throw new IllegalArgumentException("reference " + r.name() + ": one output and " + spec.inputDim() + " coefficients expected");
        this.spec = spec;
        this.references = List.copyOf(references);
        this.product = Matrix.zeros(spec.inputDim(), spec.outputs());
        boolean chained = spec.arch() == Arch.LINEAR && spec.depth() > 0;
        this.chain = chained ? new Matrix[spec.depth() + 1] : null;               // chain[h - 1]: W_h^T (...), m_{h-1} x k, h = 2..H
        for (int h = 2; chained && h <= spec.depth(); h++) chain[h - 1] = Matrix.zeros(spec.width(h - 1), spec.outputs());
        if (spec.arch() == Arch.FC) {
            identity = Matrix.zeros(spec.inputDim(), spec.inputDim());
            for (int j = 0; j < spec.inputDim(); j++) identity.set(j, j, 1);
            pass = new Workspace(spec, spec.inputDim());
        } else {
            identity = null;
            pass = null;
        }
    }

    /**
     * Whether f is linear in x: the linear models, and seed 004's fc network with the identity activation (a deep linear
     * network in the NTK parameterization, whose map is read off its forward pass on the rows of the identity).
     */
    public static boolean applies(NetworkSpec spec) {
        if (spec.hasBiases()) return false;                                          // x -> W x + beta b is affine, not linear
        return spec.arch().isLinearModel() || spec.arch() == Arch.FC && spec.activation() instanceof overparam.core.nn.Activation.Identity;
    }

    /** Native bytes: W_e and two m x k products. */
    public static double bytes(NetworkSpec spec) {
        double forward = spec.arch() == Arch.FC ? Matrix.bytes(spec.inputDim(), spec.inputDim()) + overparam.core.nn.Workspace.bytes(spec, spec.inputDim()) : 0;
        return Matrix.bytes(spec.inputDim(), spec.outputs()) + Math.max(0, spec.depth() - 1) * Matrix.bytes(spec.width(), spec.outputs()) + forward;
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        endToEndTransposed(view.network(), product);
        record.put("end_to_end_sv", Svd.values(product));
        record.put("end_to_end_norm", Linalg.normF(product));
        if (product.size() <= LISTED) record.put("end_to_end", transposedEntries(product));
        if (references.isEmpty()) return;
        double[] beta = product.toArray();
        double norm = norm(beta);
        for (Reference r : references) {
            double refNorm = norm(r.beta());
            if (!r.direction()) {
                record.put("distance_" + r.name(), distance(beta, 1, r.beta(), 1));
                continue;
            }
            double dot = 0;
            for (int j = 0; j < beta.length; j++) dot += beta[j] * r.beta()[j];
            record.put("cosine_" + r.name(), dot / (norm * refNorm));
            record.put("direction_distance_" + r.name(), distance(beta, 1 / norm, r.beta(), 1 / refNorm));
        }
    }

    /** W_e^T (d x k) of the network into out. */
    public void endToEndTransposed(Network network, Matrix out) {
        if (spec.arch() == Arch.FC) {
            network.forward(pass, identity);                                          // row j = f(e_j)
            out.copyFrom(pass.predictions());
            return;
        }
        if (spec.arch() == Arch.DIAGONAL) {
            Matrix w = network.parameter(1);
            int d = spec.inputDim();
            for (int j = 0; j < d; j++) out.set(j, w.get(j) * w.get(j) - w.get(j + d) * w.get(j + d));
            return;
        }
        int depth = spec.depth();
        if (depth == 0) {
            out.copyFrom(network.parameter(1));                                       // a = W_1^T
            return;
        }
        Matrix current = network.parameter(depth + 1);                               // a = W_N^T, m x k
        for (int h = depth; h >= 2; h--) {
            Matrix next = chain[h - 1];
            Linalg.multTransA(1.0, network.parameter(h), current, 0.0, next);        // W_h^T (...)
            current = next;
        }
        Linalg.multTransA(1.0, network.parameter(1), current, 0.0, out);             // W_1^T (...), d x k
    }

    private static double[] transposedEntries(Matrix wt) {
        int d = wt.rows(), k = wt.cols();
        double[] out = new double[d * k];
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) out[c * d + j] = wt.get(j, c);
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    private static double distance(double[] a, double sa, double[] b, double sb) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double diff = sa * a[j] - sb * b[j];
            s += diff * diff;
        }
        return Math.sqrt(s);
    }

    @Override public void close() {
        product.close();
        if (chain != null) for (Matrix m : chain) if (m != null) m.close();
        if (identity != null) identity.close();
        if (pass != null) pass.close();
    }
}
