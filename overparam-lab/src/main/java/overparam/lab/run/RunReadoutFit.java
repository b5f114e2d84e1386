package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import overparam.core.BadInputException;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.Workspace;
import overparam.core.reference.LeastSquaresReadout;
import overparam.core.reference.RidgelessRisk;
import overparam.lab.data.RunData;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.RunPlan;

/**
 * train --fit min-norm [--fit-ridge LAMBDA]: the output layer fitted in closed form on the features the network gives at
 * initialization below it ({@link LeastSquaresReadout}: Phi^+ Y, or ridge), computed once before training, written as
 * summary.json's "readout_fit" (whose numbers the store keeps as per-run values) and fit_a.npy (p x k, the fitted a in
 * weights_final.npz's layout). Features Phi: the last hidden layer's outputs x^(H) (random features of --arch fc whose hidden
 * layers --train-layers a freezes), or the inputs x for --arch linear --depth 1. Targets: the run's training labels (noise
 * included), one-hot 0.9 / -0.1 for --loss one-hot-squared.
 *
 * <p>Values: fit_test_loss (mean squared error over the n* x k test targets, as kernel_prediction's), fit_test_accuracy and
 * fit_test_error (class labels or signs), fit_train_residual (||Phi A - Y||_F / ||Y||_F: 0 up to round-off when p >= n),
 * fit_norm (||A||_F), fit_rank, fit_features (p), and fit_s_max, fit_s_min: Phi's largest and least kept singular values
 * (s_min -> 0 as p -> n is what makes the minimum-norm solution's norm, and the test error, peak at the interpolation threshold;
 * gradient descent on a at eta converges to the fit at the rate 1 - eta s_min^2). For the linear model on --synthetic normal inputs (x ~ N(0, I_p)) labelled
 * by its linear teacher beta*: fit_excess_risk = ||a - beta*||^2 = E_x[(x^T (a - beta*))^2], the risk of Hastie et al.
 * (2019), next to fit_mean_risk, its exact mean over training sets of this n, p, r = ||beta*|| and sigma = --label-noise-sd
 * ({@link RidgelessRisk#meanRisk}; without ridge only, null where it is infinite).
 */
final class RunReadoutFit {
    /** The summary's key. */
    static final String KEY = "readout_fit";

    private RunReadoutFit() {}

    /** The numbers of readout_fit and the fitted a (p x k) for fit_a.npy. */
    record Result(ObjectNode json, Matrix a) implements AutoCloseable {
        @Override public void close() { a.close(); }
    }

    /** network: the run's network at initialization (its hidden layers are the frozen features). */
    static Result of(RunPlan plan, RunData data, Network network, Loss loss) {
        long t0 = System.nanoTime();
        Dataset train = data.train(), test = data.test();
        int hidden = network.depth(), k = network.spec().outputs();
        int p = hidden == 0 ? train.d() : network.spec().topWidth() * network.spec().pixels();
        double bytes = 8.0 * ((double) train.n() * p * 3 + (double) test.n() * p);            // Phi, its copy and V^T in dgesdd, Phi*
        if (bytes > Memory.availableBytes())
            throw new BadInputException("--fit min-norm: the features of " + train.n() + " samples x " + p + " take " + Memory.format(bytes)
                    + " with their SVD, more than the " + Memory.format(Memory.availableBytes()) + " free; use fewer samples or a smaller --width.");
        boolean oneHot = loss == Loss.ONE_HOT_SQUARED;
        double lambda = plan.fit().ridge();
        ObjectNode s = Json.object();
        s.put("fit", "min-norm" + (lambda > 0 ? " with ridge" : ""));
        s.put("features", hidden == 0 ? "the inputs x" : "x^(" + hidden + ") at initialization");
        s.put("routine", "dgesdd: A = V diag(s / (s^2 + lambda)) U^T Y over s > rcond s_max");
        s.put("fit_ridge", lambda);
        try (Matrix phi = features(network, train.x()); Matrix phiTest = features(network, test.x());
             Matrix y = oneHot ? Loss.oneHot(train.y(), k) : train.y().copy();
             Matrix yTest = oneHot ? Loss.oneHot(test.y(), k) : test.y().copy();
             LeastSquaresReadout.Fit fit = LeastSquaresReadout.of(phi, y, lambda);
             Matrix u = Matrix.zeros(train.n(), k); Matrix uTest = Matrix.zeros(test.n(), k)) {
            Linalg.mult(1.0, phi, fit.a(), 0.0, u);
            Linalg.mult(1.0, phiTest, fit.a(), 0.0, uTest);
            KernelPredictionRun.Scores scores = KernelPredictionRun.Scores.of(uTest, yTest, oneHot ? test.y() : null);
            Json.putNumber(s, "fit_test_loss", scores.loss());
            Json.putNumber(s, "fit_test_accuracy", scores.accuracy());
            Json.putNumber(s, "fit_test_error", 1 - scores.accuracy());
            Json.putNumber(s, "fit_train_residual", Math.sqrt(squaredDistance(u, y) / squaredDistance(y, null)));
            Json.putNumber(s, "fit_norm", Math.sqrt(squaredDistance(fit.a(), null)));
            s.put("fit_rank", fit.rank());
            s.put("fit_features", p);
            Json.putNumber(s, "fit_s_max", fit.sMax());
            Json.putNumber(s, "fit_s_min", fit.sMin());
            excessRisk(plan, data, network, fit.a(), lambda, s);
            s.put("fit_seconds", (System.nanoTime() - t0) / 1e9);
            return new Result(s, fit.a().copy());
        }
    }

    /** The readout's input on the rows of x: x itself for the linear model, else x^(H) of the network as it is (a copy). */
    private static Matrix features(Network network, Matrix x) {
        if (network.depth() == 0) return x.copy();
        try (Workspace ws = new Workspace(network.spec(), x.rows())) {
            network.forward(ws, x);
            return ws.top(network.depth()).copy();
        }
    }

    /** fit_excess_risk, fit_teacher_norm2 and fit_mean_risk for the linear model on N(0, I) inputs labelled by its linear teacher. */
    private static void excessRisk(RunPlan plan, RunData data, Network network, Matrix a, double lambda, ObjectNode s) {
        double[] beta = network.depth() == 0 ? References.teacherBeta(network.spec(), data) : null;
        boolean normal = plan.data().inputs() instanceof DataPlan.SyntheticInputs in && in.kind() == Synthetic.Kind.NORMAL;
        if (beta == null || !normal || a.cols() != 1) return;
        double risk = 0, r2 = 0;
        for (int j = 0; j < beta.length; j++) {
            risk += (a.get(j) - beta[j]) * (a.get(j) - beta[j]);
            r2 += beta[j] * beta[j];
        }
        Json.putNumber(s, "fit_excess_risk", risk);
        Json.putNumber(s, "fit_teacher_norm2", r2);
        if (lambda == 0 && !plan.data().freshSamples())
            Json.putNumber(s, "fit_mean_risk", RidgelessRisk.meanRisk(data.train().n(), beta.length, Math.sqrt(r2), plan.data().labelNoiseSd()));
    }

    /** ||a - b||_F^2, or ||a||_F^2 when b is null. */
    private static double squaredDistance(Matrix a, Matrix b) {
        double sq = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = a.get(i) - (b == null ? 0 : b.get(i));
            sq += d * d;
        }
        return sq;
    }
}
