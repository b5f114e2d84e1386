package overparam.core.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient descent with step size eta: full batch (the theorems' algorithm, batchSize 0) or minibatch SGD with
 * batches of batchSize drawn by a seeded sampler; optionally with heavy-ball momentum mu and weight decay lambda
 * (PyTorch's SGD: g += lambda theta; v = mu v + g; theta -= eta_k v) and a learning-rate schedule eta_k.
 * For a loss that is a sum (seed 004's eq. 1), SGD scales its batch gradient by n / batchSize so that it is an
 * unbiased estimate of the full gradient and eta means the same in both; a mean loss needs no scaling.
 * As in optax, the optimizer is a {@link #chain} of small gradient transformations.
 */
public record Optimizer(double eta, int batchSize, double momentum, double weightDecay, Schedule schedule,
                        double clipNorm, boolean normalized, Langevin langevin, Adam adam, WeightMask mask) {
    public Optimizer {
        if (adam != null && momentum > 0)
            throw new IllegalArgumentException("Adam keeps its own first moment (beta1): momentum must be 0 with Adam, got " + momentum);
        if (clipNorm != 0 && (!(clipNorm > 0) || !Double.isFinite(clipNorm)))
            throw new IllegalArgumentException("clipNorm must be a positive finite number (0: no clipping), got " + clipNorm);
        if (clipNorm > 0 && normalized) throw new IllegalArgumentException("clipping and normalization exclude each other");
        if (!(eta > 0) || !Double.isFinite(eta)) throw new IllegalArgumentException("eta must be a positive finite number, got " + eta);
        if (batchSize < 0) throw new IllegalArgumentException("batchSize must be >= 0 (0: full batch), got " + batchSize);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay))
            throw new IllegalArgumentException("weightDecay must be a finite number >= 0, got " + weightDecay);
        if (schedule == null) schedule = Schedule.CONSTANT;
    }

    /** Without clipping, normalization or noise. */
    public Optimizer(double eta, int batchSize, double momentum, double weightDecay, Schedule schedule) {
        this(eta, batchSize, momentum, weightDecay, schedule, 0, false, null, null, null);
    }

    /** With clipping, normalization and noise, SGD's direction and no mask. */
    public Optimizer(double eta, int batchSize, double momentum, double weightDecay, Schedule schedule,
                     double clipNorm, boolean normalized, Langevin langevin) {
        this(eta, batchSize, momentum, weightDecay, schedule, clipNorm, normalized, langevin, null, null);
    }

    /** The same optimizer with the gradient clipped to global norm G, normalized, and/or Langevin noise (null: none). */
    public Optimizer shaped(double clipNorm, boolean normalized, Langevin langevin) {
        return new Optimizer(eta, batchSize, momentum, weightDecay, schedule, clipNorm, normalized, langevin, adam, mask);
    }

    /** The same optimizer with Adam's direction (null: SGD's). */
    public Optimizer withAdam(Adam adam) {
        return new Optimizer(eta, batchSize, momentum, weightDecay, schedule, clipNorm, normalized, langevin, adam, mask);
    }

    /** The same optimizer whose every step leaves the pruned weights of this mask at exactly 0 (null: no mask). */
    public Optimizer masked(WeightMask mask) {
        return new Optimizer(eta, batchSize, momentum, weightDecay, schedule, clipNorm, normalized, langevin, adam, mask);
    }

    /** Adam's hyperparameters (Kingma and Ba 2015, Algorithm 1; defaults 0.9, 0.999, 1e-8). */
    public record Adam(double beta1, double beta2, double eps) {
        public static final Adam DEFAULT = new Adam(ScaleByAdam.BETA1, ScaleByAdam.BETA2, ScaleByAdam.EPS);

        public Adam {
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("eps must be a positive finite number, got " + eps);
        }
    }

    /** Langevin noise of a shape and a covariance trace per step (see {@link AddNoise}). */
    public record Langevin(NoiseShape shape, double trace) {
        public Langevin {
            if (shape == null) throw new IllegalArgumentException("a noise shape is needed");
            if (!(trace > 0) || !Double.isFinite(trace)) throw new IllegalArgumentException("the noise trace must be a positive finite number, got " + trace);
        }
    }

    /** Plain gradient descent or SGD at a constant step. */
    public Optimizer(double eta, int batchSize) {
        this(eta, batchSize, 0, 0, Schedule.CONSTANT);
    }

    public static Optimizer gradientDescent(double eta) { return new Optimizer(eta, 0); }

    public boolean isFullBatch(int n) { return batchSize == 0 || batchSize >= n; }

    public String name(int n) {
        String base = adam != null ? (isFullBatch(n) ? "full-batch adam" : "adam") + " betas " + adam.beta1() + ", " + adam.beta2() + " eps " + adam.eps()
                : isFullBatch(n) ? "gd" : "sgd";
        if (momentum > 0) base += " momentum " + momentum;
        if (weightDecay > 0) base += " weight decay " + weightDecay;
        if (clipNorm > 0) base += " clip norm " + clipNorm;
        if (normalized) base += " normalized";
        if (langevin != null) base += " langevin " + langevin.shape().describe() + " noise trace " + langevin.trace();
        if (mask != null) base += " masked";
        return schedule instanceof Schedule.Constant ? base : base + ", schedule " + schedule.describe();
    }

    /**
     * The transformations of a run of K steps on n samples whose step gradient sums batch rows (n when it needs no
     * n / b: full batch, or a mean loss): [scale_by_batch(n / b)] [add_decayed_weights(lambda) trace(mu)]
     * scale_by_learning_rate(eta, schedule). Weight decay without momentum keeps a trace of decay 0, in which
     * g + lambda theta is formed before the step, as PyTorch does. Clipping (or normalization) and Langevin noise act
     * on the batch-scaled gradient before weight decay and momentum, as torch's clip_grad_norm_ before optimizer.step():
     * [scale_by_batch] [clip_by_global_norm | normalize_by_global_norm] [add_noise] [add_decayed_weights, trace] scale_by_learning_rate.
     * Adam takes trace's place: [add_decayed_weights] scale_by_adam, torch.optim.Adam's weight_decay (L2 in the gradient, not
     * AdamW). A mask comes last, on the finished step, so that whatever the transforms before it keep in their state
     * (momentum, Adam's moments, noise, decay) never moves a pruned weight.
     */
    public Chain chain(int n, int batch, int steps) {
        return chain(n, batch, steps, 0);
    }

    /** The same, the Langevin noise drawn from the run's seed. */
    public Chain chain(int n, int batch, int steps, long seed) {
        List<GradientTransformation> transforms = new ArrayList<>();
        if (batch != n) transforms.add(new ScaleByBatch(n, batch));
        if (clipNorm > 0) transforms.add(new ClipByGlobalNorm(clipNorm));
        if (normalized) transforms.add(new NormalizeByGlobalNorm(0));
        if (langevin != null) transforms.add(new AddNoise(langevin.shape(), langevin.trace(), seed));
        if (weightDecay > 0) transforms.add(new AddDecayedWeights(weightDecay));
        if (adam != null) transforms.add(new ScaleByAdam(adam.beta1(), adam.beta2(), adam.eps()));
        else if (momentum > 0 || weightDecay > 0) transforms.add(new Trace(momentum));
        transforms.add(new ScaleByLearningRate(eta, schedule, steps));
        if (mask != null) transforms.add(new ApplyMask(mask));
        return new Chain(transforms);
    }

    /** A learning-rate schedule: eta_k = eta * factor(k, K) at step k of a run of K steps. */
    public sealed interface Schedule {
        Schedule CONSTANT = new Constant();

        double factor(int step, int steps);

        /** "constant", "cosine" or "step:S:G". */
        String describe();

        static Schedule constant() { return CONSTANT; }

        /** SGDR without restarts (Loshchilov and Hutter 2017): (1 + cos(pi k / K)) / 2, from 1 to 0 over the run. */
        static Schedule cosine() { return new Cosine(); }

        /** Times gamma in (0, 1] every S >= 1 steps. */
        static Schedule step(int every, double gamma) { return new Step(every, gamma); }

        record Constant() implements Schedule {
            public double factor(int step, int steps) { return 1; }
            public String describe() { return "constant"; }
        }

        record Cosine() implements Schedule {
            public double factor(int step, int steps) { return steps == 0 ? 1 : 0.5 * (1 + Math.cos(Math.PI * step / steps)); }
            public String describe() { return "cosine"; }
        }

        record Step(int every, double gamma) implements Schedule {
            public Step {
                if (every < 1 || !(gamma > 0 && gamma <= 1))
                    throw new IllegalArgumentException("a step schedule needs every >= 1 and gamma in (0, 1], got every " + every + ", gamma " + gamma);
            }
            public double factor(int step, int steps) { return Math.pow(gamma, step / every); }
            public String describe() { return "step:" + every + ":" + gamma; }
        }
    }
}
