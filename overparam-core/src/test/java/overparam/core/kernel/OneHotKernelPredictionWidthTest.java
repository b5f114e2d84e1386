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

/**
 * {@link KernelPredictionWidthTest} for k outputs: a 3-output network trained by the lab's gradient descent on the one-hot
 * squared loss approaches the infinite network's step-K prediction on the one-hot targets, column by column, as it widens.
 * The k-output network's NTK is Theta_m(0) on each output with cross-output entries of mean zero (the output weights of
 * different outputs are independent), so it is Theta times I_k up to O(m^-1/2) (Jacot et al. 2018, Theorem 1; Lee et al.
 * 2019, eq. 16 with the same Theta on every output), and the step u <- u - eta Theta (u - t) of the sum 1/2 sum_{i,c}
 * (u_ic - t_ic)^2 is {@link KernelPrediction#atStep}'s on each column: the error should fall like m^-1/2, as for one output.
 */
class OneHotKernelPredictionWidthTest {
    static final int CLASSES = 3, N = 9, N_TEST = 6, D = 3, STEPS = 200, SEEDS = 6;
    static final int[] WIDTHS = {256, 512, 1024, 2048, 4096};

    static NetworkSpec spec(int width, int outputs) {
        return new NetworkSpec(Arch.FC, D, width, 1, Activation.parse("softplus", 0.1), 0.5, Patches.NONE, outputs);
    }

    /**
     * Over widths 256..4096 and 6 seeds each, the least-squares slope of log(RMS error over the 6 x 3 test outputs) against
     * log m, with its 95% t-interval (28 degrees of freedom), contains -1/2 and is narrower than +-0.2; targets other than
     * the network's (a flipped 0.9 / -0.1, a swapped class) or a loss that is not the sum give a plateau instead, a slope
     * near 0.
     */
    @Test
    void trainedThreeOutputNetworkApproachesTheOneHotKernelPredictionAtRateMinusOneHalf() {
        try (Matrix x = Synthetic.sphere(N, D, 71); Matrix xt = Synthetic.sphere(N_TEST, D, 72); Matrix classes = Matrix.vector(N);
             CrossKernels k = CrossKernels.of(spec(1, 1), xt, x, TrainedLayers.all(spec(1, 1)))) {
            for (int i = 0; i < N; i++) classes.set(i, (i * 7) % CLASSES);
            double eta = 1.0 / Spectrum.of(k.ntk()).max();
            int points = WIDTHS.length * SEEDS, p = 0;
            double[] logM = new double[points], logErr = new double[points];
            try (Matrix targets = Loss.oneHot(classes, CLASSES)) {
                for (int width : WIDTHS) {
                    NetworkSpec spec = spec(width, CLASSES);
                    for (int s = 0; s < SEEDS; s++) {
                        try (Network net = Network.initialize(spec, 7100 + 13L * s + width); Dataset data = new Dataset(x.copy(), classes.copy(), "one-hot width test");
                             Matrix u0Train = net.predict(x); Matrix u0Test = net.predict(xt)) {
                            Trainer.train(net, data, new TrainSpec(Loss.ONE_HOT_SQUARED, overparam.core.optim.Optimizer.gradientDescent(eta), STEPS, STEPS,
                                    TrainedLayers.all(spec), 0), List.of(), TrainingListener.NONE);
                            try (Matrix finite = net.predict(xt);
                                 KernelPrediction.Prediction infinite = KernelPrediction.atStep(k.ntk(), k.ntkCross(), targets, eta, STEPS, u0Train, u0Test)) {
                                double sq = 0;
                                for (int i = 0; i < N_TEST; i++)
                                    for (int c = 0; c < CLASSES; c++) sq += Math.pow(finite.get(i, c) - infinite.values().get(i, c), 2);
                                logM[p] = Math.log(width);
                                logErr[p++] = 0.5 * Math.log(sq / (N_TEST * CLASSES));
                            }
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
            double se = Math.sqrt(rss / (points - 2) / sxx), half = 2.048 * se;           // t_{0.975, 28}
            String fit = String.format("slope %.3f, 95%% interval [%.3f, %.3f]", slope, slope - half, slope + half);
            assertTrue(slope - half <= -0.5 && -0.5 <= slope + half, fit);
            assertTrue(half < 0.2, fit + " is too wide to tell m^-1/2 from a plateau");
            System.out.println("OneHotKernelPredictionWidthTest: " + fit);
        }
    }
}
