package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import overparam.core.Fixtures;
import overparam.core.data.Dataset;
import overparam.core.linalg.Matrix;
import overparam.core.optim.Optimizer;

/**
 * One step of gradient descent worked out by hand on the smallest network of seed 004's eq. 2: fc, relu
 * (c_sigma = 2), d = 1, width m = 1, depth 1, W1 = (1/2), a = (2), on x = 1 with label 0. Then
 * u = a sqrt(c_sigma / m) relu(W1 x) = 2 sqrt 2 / 2 = sqrt 2, and L = (1/2) sum (u_i - y_i)^2 = 1 (eq. 1).
 * dL/dW1 = (u - y) a sqrt 2 x = 4, dL/da = (u - y) sqrt 2 W1 x = 1. One step of eta = 1/10: W1 = 1/10, a = 19/10,
 * u = (19/10) sqrt 2 / 10, L = (1/2) 2 (19/100)^2 = 0.0361.
 * c_sigma, the 1/2 of the loss, relu's derivative and the step each change one of these numbers.
 */
class GradientStepByHandTest {
    private static Network network(NetworkSpec spec) {
        try (Matrix w1 = Matrix.of(new double[][] {{0.5}}); Matrix a = Matrix.of(new double[][] {{2}})) {
            return Network.fromWeights(spec, Map.of("W1", w1, "a", a), "by hand");
        }
    }

    private static Dataset ones(int n) {
        double[][] x = new double[n][1], y = new double[n][1];
        for (int i = 0; i < n; i++) x[i][0] = 1;
        return new Dataset(Matrix.of(x), Matrix.of(y), n + " copies of x = 1");
    }

    @Test
    void oneSampleOneStep() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 1, 1, 1);
        try (Network net = network(spec); Dataset data = ones(1)) {
            List<Double> losses = new ArrayList<>();
            TrainResult r = Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(0.1), 1, 1, TrainedLayers.all(spec), 0),
                    List.of(), new TrainingListener() {
                        @Override public void onStep(int step, double loss) { losses.add(loss); }
                    });
            assertEquals(1.0, losses.get(0), 1e-15, "L(0) = (1/2) (sqrt 2)^2");
            assertEquals(0.1, net.parameter(1).get(0, 0), 1e-15, "W1 = 1/2 - 4/10");
            assertEquals(1.9, net.parameter(2).get(0, 0), 1e-15, "a = 2 - 1/10");
            assertEquals(0.0361, losses.get(1), 1e-15, "L(1) = (19/100)^2");
            assertEquals(0.0361, r.finalLoss(), 1e-15);
        }
    }

    /**
     * SGD's n / b on the loss summed over n samples (eq. 1): two copies of the sample above, so that whichever the
     * sampler draws, a batch of b = 1 has half the full gradient (4, 1) of each copy and n / b = 2 restores it.
     * Full batch at eta = 1/20: W1 = 1/2 - 8/20, a = 2 - 2/20, the same W1 = 1/10, a = 19/10 as above, and the whole
     * set's loss 2 * 0.0361. SGD with b = 1 must land on the same numbers; without n / b it would reach W1 = 3/10.
     */
    @Test
    void sgdScalesTheBatchGradientByNOverB() {
        NetworkSpec spec = Fixtures.spec(Arch.FC, "relu", 1, 1, 1);
        for (int batch : new int[] {0, 1}) {
            try (Network net = network(spec); Dataset data = ones(2)) {
                TrainResult r = Trainer.train(net, data, new TrainSpec(Loss.SQUARED, new Optimizer(0.05, batch), 1, 1, TrainedLayers.all(spec), 7),
                        List.of(), TrainingListener.NONE);
                assertEquals(0.1, net.parameter(1).get(0, 0), 1e-15, "batch " + batch + ": W1");
                assertEquals(1.9, net.parameter(2).get(0, 0), 1e-15, "batch " + batch + ": a");
                assertEquals(0.0722, r.finalLoss(), 1e-15, "batch " + batch + ": whole-set loss after one step");
            }
        }
    }
}
