package overparam.lab.plan;

import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;

/**
 * --fit min-norm [--fit-ridge LAMBDA]: the output layer a fitted in closed form on the features the network gives at
 * initialization below it, once before training (core/reference/LeastSquaresReadout): random features for --arch fc with
 * --train-layers a (the hidden layers frozen, Belkin, Hsu, Ma, Mandal 2019; Rahimi and Recht 2008), the inputs themselves
 * for the linear model --arch linear --depth 1 (Hastie, Montanari, Rosset, Tibshirani 2019). Only then is the fit what the
 * run's gradient descent on a from a = 0 converges to (lambda = 0), so only then is it allowed; the losses are the squared
 * ones, whose minimiser least squares is. ridge = 0 is the minimum-norm least-squares solution.
 */
public record ReadoutFitPlan(double ridge) {
    /** The one value of --fit. */
    public static final String MIN_NORM = "min-norm";

    /** The plan, or null when fit is unset (and then fit_ridge must be unset too). */
    static ReadoutFitPlan parse(String fit, Double ridge, NetworkPlan network, TrainPlan train) {
        if (fit == null) {
            if (ridge != null)
                throw new BadInputException("--fit-ridge " + ridge + ": the ridge of --fit's closed-form output layer; add --fit min-norm, or drop --fit-ridge.");
            return null;
        }
        if (!MIN_NORM.equals(fit.trim().toLowerCase(Locale.ROOT)))
            throw BadInputException.of("--fit " + fit, "'" + fit + "'", "'" + MIN_NORM + "'", "e.g. --fit min-norm (with --fit-ridge LAMBDA for ridge)");
        double lambda = ridge == null ? 0 : ridge;
        if (!(lambda >= 0) || !Double.isFinite(lambda))
            throw BadInputException.of("--fit-ridge " + ridge, ridge, "a finite lambda >= 0", "e.g. --fit-ridge 1e-3 (0: the minimum-norm solution)");
        if (network.biasScale() > 0)
            throw new BadInputException("--fit min-norm with --bias-scale " + network.biasScale() + ": the closed-form fit solves for a alone, without the"
                    + " output bias beta b_out; drop --bias-scale, or --fit.");
        int hidden = network.hiddenLayers();
        boolean linearModel = network.arch() == Arch.LINEAR && hidden == 0;
        if (network.arch() != Arch.FC && !linearModel)
            throw new BadInputException("--fit min-norm: fits the output layer on frozen features, of --arch fc (random features, with --train-layers a) or"
                    + " of the inputs (--arch linear --depth 1), not of --arch " + network.arch().cliName() + (network.arch() == Arch.LINEAR ? " --depth " + network.depth() : "")
                    + "; use one of those, or drop --fit.");
        TrainedParameters t = network.trained();
        boolean readoutOnly = hidden == 0 || !t.all() && t.chosen().cardinality() == 1 && t.chosen().get(hidden + 1);
        if (!readoutOnly)
            throw new BadInputException("--fit min-norm: the closed-form fit is the limit of training the output layer alone on the frozen hidden layers,"
                    + " but --train-layers is " + t + "; add --train-layers a, or drop --fit.");
        if (train.loss() != Loss.SQUARED && train.loss() != Loss.ONE_HOT_SQUARED)
            throw new BadInputException("--fit min-norm: a least-squares fit, for --loss squared or one-hot-squared, not " + train.loss().cliName()
                    + "; change --loss, or drop --fit.");
        return new ReadoutFitPlan(lambda);
    }
}
