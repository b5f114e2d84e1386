package overparam.core.nn;

import java.util.Locale;
import overparam.core.BadInputException;

/**
 * Gradient descent with step size eta: full batch (the theorems' algorithm, batchSize 0) or minibatch SGD with
 * batches of batchSize drawn by a seeded sampler; optionally with heavy-ball momentum mu and weight decay lambda
 * (PyTorch's SGD: g += lambda theta; v = mu v + g; theta -= eta_k v) and a learning-rate schedule eta_k.
 * For a loss that is a sum (seed 004's eq. 1), SGD scales its batch gradient by n / batchSize so that it is an
 * unbiased estimate of the full gradient and eta means the same in both; a mean loss needs no scaling.
 */
public record Optimizer(double eta, int batchSize, double momentum, double weightDecay, Schedule schedule) {
    public Optimizer {
        if (!(eta > 0) || !Double.isFinite(eta))
            throw BadInputException.of("--eta " + eta, eta, "a positive step size", "e.g. --eta 0.05");
        if (batchSize < 0)
            throw BadInputException.of("--batch-size " + batchSize, batchSize, "a positive batch size (or none for full-batch GD)", "e.g. --batch-size 32");
        if (!(momentum >= 0 && momentum < 1))
            throw BadInputException.of("--momentum " + momentum, momentum, "a momentum in [0, 1)", "e.g. --momentum 0.9");
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay))
            throw BadInputException.of("--weight-decay " + weightDecay, weightDecay, "a weight decay >= 0", "e.g. --weight-decay 5e-4");
        if (schedule == null) schedule = Schedule.CONSTANT;
    }

    /** Plain gradient descent or SGD at a constant step. */
    public Optimizer(double eta, int batchSize) {
        this(eta, batchSize, 0, 0, Schedule.CONSTANT);
    }

    public static Optimizer gradientDescent(double eta) { return new Optimizer(eta, 0); }

    public boolean isFullBatch(int n) { return batchSize == 0 || batchSize >= n; }

    /** Whether the update keeps a velocity buffer (momentum or weight decay). */
    public boolean hasVelocity() { return momentum > 0 || weightDecay > 0; }

    /** eta_k, the step size at step k of a run of K steps. */
    public double stepSize(int step, int steps) { return eta * schedule.factor(step, steps); }

    public String name(int n) {
        String base = isFullBatch(n) ? "gd" : "sgd";
        if (momentum > 0) base += " momentum " + momentum;
        if (weightDecay > 0) base += " weight decay " + weightDecay;
        return schedule == Schedule.CONSTANT ? base : base + ", schedule " + schedule.describe();
    }

    /**
     * A learning-rate schedule: eta_k = eta * factor(k). constant; cosine (SGDR without restarts, Loshchilov and
     * Hutter 2017: (1 + cos(pi k / K)) / 2, from 1 to 0 over the run); step:S:G (times G every S steps).
     */
    public record Schedule(String kind, int every, double gamma) {
        public static final Schedule CONSTANT = new Schedule("constant", 0, 1);

        public double factor(int step, int steps) {
            return switch (kind) {
                case "cosine" -> steps == 0 ? 1 : 0.5 * (1 + Math.cos(Math.PI * step / steps));
                case "step" -> Math.pow(gamma, step / every);
                default -> 1;
            };
        }

        public String describe() { return kind.equals("step") ? "step:" + every + ":" + gamma : kind; }

        public static Schedule parse(String text) {
            String t = text == null ? "constant" : text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("constant")) return CONSTANT;
            if (t.equals("cosine")) return new Schedule("cosine", 0, 1);
            String[] parts = t.split(":");
            if (parts.length == 3 && parts[0].equals("step")) {
                try {
                    int every = Integer.parseInt(parts[1]);
                    double gamma = Double.parseDouble(parts[2]);
                    if (every >= 1 && gamma > 0 && gamma <= 1) return new Schedule("step", every, gamma);
                } catch (NumberFormatException ignored) {
                    // refused below
                }
            }
            throw BadInputException.of("--lr-schedule " + text, "'" + text + "'", "constant, cosine, or step:S:G (times G in (0, 1] every S >= 1 steps)",
                    "e.g. --lr-schedule step:1000:0.1");
        }
    }
}
