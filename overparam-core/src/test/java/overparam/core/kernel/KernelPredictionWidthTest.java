package overparam.core.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Spectrum;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.CrossKernels;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Patches;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.Optimizer;

/**
 * The finite network, trained by the lab's own gradient descent, approaches the infinite network's prediction on unseen
 * inputs as it widens. With the finite run's own outputs at initialization u0 in the closed form, what is left is the
 * difference between the finite network and its linearization around a kernel Theta_m(0) that is itself within
 * O(m^-1/2) of Theta (Lee et al. 2019, Theorem 2.1 and eq. 16; Jacot et al. 2018, Theorem 1): the error should fall
 * like m^-1/2.
 */
class KernelPredictionWidthTest {
    static final int N = 8, N_TEST = 8, D = 3, STEPS = 300, SEEDS = 8;
    static final int[] WIDTHS = {256, 512, 1024, 2048, 4096};

    static NetworkSpec spec(int width) {
        // fc depth 1 (W1 then a), softplus: cheap at m = 4096 so that five widths and eight seeds stay within about ten seconds
        return new NetworkSpec(Arch.FC, D, width, 1, Activation.parse("softplus", 0.1), 0.5, Patches.NONE, 1);
    }

    /**
     * Over widths 256..4096 and 8 seeds each, the least-squares slope of log(RMS error on 8 test points) against log m,
     * with its 95% t-interval (38 degrees of freedom), contains -1/2 and is narrower than +-0.2; an error that stopped
     * falling (a wrong cross kernel, a dropped u0 term, a wrong step count) gives a slope near 0.
     */
    @Test
    void trainedFiniteNetworkApproachesTheKernelPredictionAtRateMinusOneHalf() {
        try (Matrix x = Synthetic.sphere(N, D, 51); Matrix xt = Synthetic.sphere(N_TEST, D, 52); Matrix y = Synthetic.gaussianLabels(N, 53);
             CrossKernels k = CrossKernels.of(spec(1), xt, x, TrainedLayers.all(spec(1)))) {
            double eta = 1.0 / Spectrum.of(k.ntk()).max();
            int points = WIDTHS.length * SEEDS, p = 0;
            double[] logM = new double[points], logErr = new double[points];
            for (int width : WIDTHS) {
                NetworkSpec spec = spec(width);
                for (int s = 0; s < SEEDS; s++) {
                    try (Network net = Network.initialize(spec, 5300 + 17L * s + width); Dataset data = new Dataset(x.copy(), y.copy(), "width test");
                         Matrix u0Train = net.predict(x); Matrix u0Test = net.predict(xt)) {
                        Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(eta), STEPS, STEPS, TrainedLayers.all(spec), 0),
                                List.of(), TrainingListener.NONE);
                        try (Matrix finite = net.predict(xt);
                             KernelPrediction.Prediction infinite = KernelPrediction.atStep(k.ntk(), k.ntkCross(), y, eta, STEPS, u0Train, u0Test)) {
                            double sq = 0;
                            for (int i = 0; i < N_TEST; i++) sq += Math.pow(finite.get(i, 0) - infinite.values().get(i, 0), 2);
                            logM[p] = Math.log(width);
                            logErr[p++] = 0.5 * Math.log(sq / N_TEST);
                        }
                    }
                }
            }
            double mx = 0, my = 0;
            for (int i = 0; i < points; i++) { mx += logM[i] / points; my += logErr[i] / points; }
            double sxx = 0, sxy = 0;
            for (int i = 0; i < points; i++) { sxx += (logM[i] - mx) * (logM[i] - mx); sxy += (logM[i] - mx) * (logErr[i] - my); }
            double slope = sxy / sxx, intercept = my - slope * mx, rss = 0;
            for (int i = 0; i < points; i++) rss += Math.pow(logErr[i] - intercept - slope * logM[i], 2);
            double se = Math.sqrt(rss / (points - 2) / sxx), half = 2.024 * se;           // t_{0.975, 38}
            String fit = String.format("slope %.3f, 95%% interval [%.3f, %.3f]", slope, slope - half, slope + half);
            assertTrue(slope - half <= -0.5 && -0.5 <= slope + half, fit);
            assertTrue(half < 0.2, fit + " is too wide to tell m^-1/2 from a plateau");
            System.out.println("KernelPredictionWidthTest: " + fit);
        }
    }
}
