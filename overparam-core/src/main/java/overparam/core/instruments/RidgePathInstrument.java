package overparam.core.instruments;

import overparam.core.linalg.Matrix;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;
import overparam.core.reference.RidgePath;

/**
 * Gradient descent on least squares against ridge regression along the path (Ali, Kolter and Tibshirani, AISTATS 2019,
 * Theorem 1: risk_gf(t) <= 1.6862 risk_ridge(1/t); sharp constant 1.68591). For the linear model f(x) = a^T x trained by
 * plain gradient descent a <- a - eta X^T (X a - y) from a = 0 on y = X beta* + sigma eps, it records at step k, from the
 * {@link RidgePath} of the training X (exact expectations over the label noise eps, X and beta* fixed):
 * <ul>
 *   <li>risk_gd: E ||beta_k - beta*||^2 of gradient descent with this run's eta after k steps (||beta*||^2 at k = 0);</li>
 *   <li>risk_measured: ||a_k - beta*||^2 of this run, one draw of the noise (its mean over seeds estimates risk_gd);</li>
 *   <li>risk_error: risk_measured - risk_gd, and risk_relative_error = risk_measured / risk_gd - 1, whose means over seeds are
 *       0 when the closed form is right;</li>
 *   <li>for k >= 1, at the calibration lambda = 1 / (eta k), t = eta k: risk_ridge, risk_ratio = risk_gd / risk_ridge,
 *       risk_flow (gradient flow at time t, the theorem's own estimator) and risk_flow_ratio = risk_flow / risk_ridge.</li>
 * </ul>
 * The lab's squared loss is 1/2 sum_i (u_i - y_i)^2, whose gradient in a is X^T (X a - y): the step is RidgePath's
 * {@code gradientDescent(eta, k)} with the same eta, and ridge(lambda) minimises 1/2 ||X b - y||^2 + lambda/2 ||b||^2.
 */
public final class RidgePathInstrument implements Observer {
    private final RidgePath path;
    private final double[] betaStar;
    private final double sigma, eta;

    /** Takes the path (built once on the training X and y) and closes it. */
    public RidgePathInstrument(RidgePath path, double[] betaStar, double sigma, double eta) {
        if (!(sigma >= 0) || !(eta > 0)) throw new IllegalArgumentException("ridge path: sigma >= 0 and eta > 0 expected, got " + sigma + ", " + eta);
        this.path = path;
        this.betaStar = betaStar.clone();
        this.sigma = sigma;
        this.eta = eta;
    }

    /** Native bytes: V^T (min(n, d) x d) kept, and while it is built the SVD's copy of X, U and V^T. */
    public static double bytes(int n, int d) {
        double r = Math.min(n, d);
        return 2 * Matrix.bytes(r, d) + Matrix.bytes(n, d) + Matrix.bytes(n, r);
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        int k = view.step();
        Matrix a = view.network().parameter(1);                       // a (d x 1): f(x) = a^T x
        double measured = 0;
        for (int j = 0; j < betaStar.length; j++) {
            double diff = a.get(j) - betaStar[j];
            measured += diff * diff;
        }
        double gd = path.gradientDescentRisk(betaStar, sigma, eta, k).total();
        record.put("risk_gd", gd);
        record.put("risk_measured", measured);
        record.put("risk_error", measured - gd);
        record.put("risk_relative_error", measured / gd - 1);
        if (k == 0) return;                                            // lambda = 1 / (eta k) is infinite at k = 0
        double t = eta * k;
        double ridge = path.ridgeRisk(betaStar, sigma, 1 / t).total();
        double flow = path.gradientFlowRisk(betaStar, sigma, t).total();
        record.put("risk_ridge", ridge);
        record.put("risk_ratio", gd / ridge);
        record.put("risk_flow", flow);
        record.put("risk_flow_ratio", flow / ridge);
    }

    @Override public void close() { path.close(); }
}
