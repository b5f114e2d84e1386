package overparam.lab.plan;

import java.util.Locale;
import overparam.core.BadInputException;
import overparam.core.nn.Loss;
import overparam.core.optim.NoiseShape;
import overparam.core.optim.Optimizer;

/**
 * How a run trains: the loss, the step size (a number or auto), K steps recorded every R (and at K), full-batch
 * gradient descent (batch size 0, the theorems' algorithm) or minibatch SGD, momentum, weight decay, the
 * learning-rate schedule, and the seed of initialization and sampler; the gradient-noise instrument's minibatches; what shapes
 * the gradient (clipping, normalization, Langevin noise); and gdStart, the steps of plain full-batch gradient descent that
 * find the point training starts from (Zhu et al. 2019 start every dynamics from a minimum GD found), unrecorded.
 */
public record TrainPlan(Loss loss, StepSize eta, int steps, int recordEvery, int batchSize, double momentum, double weightDecay,
                        Optimizer.Schedule schedule, long seed,
                        NoisePlan noise, Shaping shaping, int gdStart, Optimizer.Adam adam, java.nio.file.Path mask,
                        int rewindStep) {
    /** The file --rewind-step K writes: the weights theta(K), after K updates. */
    public static String rewindFile(int step) { return "weights_step_" + step + ".npz"; }



    /** The optimizer at a step size (the given one, or auto's once computed), without noise the run must supply. */
    public Optimizer optimizer(double stepSize) {
        if (shaping.langevin() != null && shaping.langevin().runSupplied())
            throw new IllegalStateException("--langevin hessian or --noise-match-sgd: the run supplies the noise (optimizer(eta, shape, trace))");
        return optimizer(stepSize, null, Double.NaN);
    }

    /**
     * The optimizer at a step size; with --langevin hessian or --noise-match-sgd the noise shape and the start point's trace
     * the run made from its network and data ({@code core/curvature/HessianNoise}, {@code SgdMatchedNoise}), which the plan
     * cannot make (null and NaN: the plan's own isotropic shape and --noise-trace).
     */
    public Optimizer optimizer(double stepSize, NoiseShape runShape, double startTrace) {
        Shaping.LangevinPlan l = shaping.langevin();
        Optimizer.Langevin langevin = l == null ? null
                : new Optimizer.Langevin(l.runSupplied() ? runShape : NoiseShape.ISOTROPIC, l.matchesSgd() ? startTrace : l.trace());
        return new Optimizer(stepSize, batchSize, momentum, weightDecay, schedule).shaped(shaping.clipNorm(), shaping.normalized(), langevin)
                .withAdam(adam);
    }

    /**
     * What acts on the gradient before weight decay and momentum: clipping to global norm G (--clip-norm; 0: none), or
     * normalization (--normalized), and Langevin noise (--langevin; null: none).
     */
    public record Shaping(double clipNorm, boolean normalized, LangevinPlan langevin) {
        public static final Shaping NONE = new Shaping(0, false, null);

        /**
         * --langevin isotropic|hessian: Gaussian noise on the gradient with covariance trace {@code trace} (--noise-trace), or,
         * when {@code matchSgdBatch} > 0 (--noise-match-sgd B), the trace of minibatch SGD's noise with batches of B at the
         * current weights, recomputed every {@code every} steps (Zhu et al. 2019's code matches GLD's magnitude to SGD's so);
         * hessian: along the top {@code top} Hessian eigenvectors, recomputed every {@code every} steps (their GLD Hessian).
         */
        public record LangevinPlan(boolean hessian, double trace, int matchSgdBatch, int top, int every) {
            public static final int DEFAULT_TOP = 10, DEFAULT_EVERY = 10;

            public boolean matchesSgd() { return matchSgdBatch > 0; }

            /** Whether the run must make the noise shape (it needs the network and the data). */
            public boolean runSupplied() { return hessian || matchesSgd(); }
        }

        /** Parameter-sized buffers these transforms keep: the formed gradient (clip, normalize), the noise draw (Langevin). */
        public int buffers() { return (clipNorm > 0 || normalized ? 1 : 0) + (langevin != null ? 1 : 0); }

        public boolean isNone() { return clipNorm == 0 && !normalized && langevin == null; }

        /** The Hessian-shaped noise's settings, or null when the noise (if any) is isotropic. */
        public LangevinPlan hessian() { return langevin != null && langevin.hessian() ? langevin : null; }

        static Shaping parse(RunConfig c) {
            double clip = 0;
            if (c.clipNorm() != null) {
                if (!(c.clipNorm() > 0) || !Double.isFinite(c.clipNorm()))
                    throw BadInputException.of("--clip-norm " + c.clipNorm(), c.clipNorm(), "a positive finite norm G", "e.g. --clip-norm 1");
                clip = c.clipNorm();
            }
            boolean normalized = Boolean.TRUE.equals(c.normalized());
            if (normalized && clip > 0)
                throw new BadInputException("--normalized with --clip-norm " + c.clipNorm() + ": normalized GD already sets every step's norm to eta; drop one of them.");
            String kind = c.langevin() == null ? null : c.langevin().trim().toLowerCase(Locale.ROOT);
            if (kind == null && (c.langevinTop() != null || c.langevinEvery() != null))
                throw new BadInputException((c.langevinTop() != null ? "--langevin-top" : "--langevin-every")
                        + ": only --langevin hessian reads it; add --langevin hessian --noise-trace T, or drop it.");
            if (kind != null && !kind.equals("hessian") && c.langevinTop() != null)
                throw new BadInputException("--langevin " + c.langevin() + " with --langevin-top: only --langevin hessian follows eigenvectors; drop it or use --langevin hessian.");
            if (kind != null && !kind.equals("hessian") && c.langevinEvery() != null && c.noiseMatchSgd() == null)
                throw new BadInputException("--langevin " + c.langevin() + " with --langevin-every: isotropic noise of a fixed --noise-trace has nothing to"
                        + " recompute; drop it, or match SGD's trace with --noise-match-sgd B.");
            if (c.langevin() == null) {
                if (c.noiseTrace() != null)
                    throw new BadInputException("--noise-trace " + c.noiseTrace() + " without --langevin: add --langevin isotropic (or hessian), or drop --noise-trace.");
                if (c.noiseMatchSgd() != null)
                    throw new BadInputException("--noise-match-sgd " + c.noiseMatchSgd() + " without --langevin: add --langevin isotropic (or hessian), or drop it.");
                return new Shaping(clip, normalized, null);
            }
            if (!"isotropic".equals(kind) && !"hessian".equals(kind))
                throw BadInputException.of("--langevin " + c.langevin(), "'" + c.langevin() + "'", "isotropic or hessian", "e.g. --langevin isotropic --noise-trace 0.1");
            if (c.noiseTrace() != null && c.noiseMatchSgd() != null)
                throw new BadInputException("--noise-trace " + c.noiseTrace() + " with --noise-match-sgd " + c.noiseMatchSgd()
                        + ": the second sets the trace from SGD's noise; drop one of them.");
            if (c.noiseTrace() == null && c.noiseMatchSgd() == null)
                throw new BadInputException("--langevin " + c.langevin() + " needs --noise-trace T, the trace of the noise covariance per step (e.g. --noise-trace 0.1),"
                        + " or --noise-match-sgd B, SGD's with batches of B.");
            double trace = Double.NaN;
            int match = 0;
            if (c.noiseTrace() != null) {
                if (!(c.noiseTrace() > 0) || !Double.isFinite(c.noiseTrace()))
                    throw BadInputException.of("--noise-trace " + c.noiseTrace(), c.noiseTrace(), "a positive finite trace", "e.g. --noise-trace 0.1");
                trace = c.noiseTrace();
            } else {
                if (c.noiseMatchSgd() < 1)
                    throw BadInputException.of("--noise-match-sgd " + c.noiseMatchSgd(), c.noiseMatchSgd(), "a positive SGD batch size B", "e.g. --noise-match-sgd 50");
                if (c.n() != null && c.synthetic() != null && c.noiseMatchSgd() >= c.n()) throw matchTooLarge(c.noiseMatchSgd(), c.n());
                match = c.noiseMatchSgd();
            }
            int top = c.langevinTop() == null ? LangevinPlan.DEFAULT_TOP : c.langevinTop();
            int every = c.langevinEvery() == null ? LangevinPlan.DEFAULT_EVERY : c.langevinEvery();
            if (top < 1) throw BadInputException.of("--langevin-top " + top, top, "at least one eigenvector", "e.g. --langevin-top 10");
            if (every < 1) throw BadInputException.of("--langevin-every " + every, every, "a refresh every S >= 1 steps", "e.g. --langevin-every 10");
            return new Shaping(clip, normalized, new LangevinPlan(kind.equals("hessian"), trace, match, top, every));
        }

        /** With the data: SGD with batches of all n samples has no noise to match. */
        public void requireMatchBelow(int n) {
            if (langevin != null && langevin.matchesSgd() && langevin.matchSgdBatch() >= n) throw matchTooLarge(langevin.matchSgdBatch(), n);
        }

        private static BadInputException matchTooLarge(int batch, int n) {
            return new BadInputException("--noise-match-sgd " + batch + ": SGD's batch must be smaller than the n = " + n
                    + " training samples (a batch of all of them has no noise). Use e.g. --noise-match-sgd " + Math.max(1, n / 10) + ".");
        }
    }

    /** Whether the optimizer keeps a velocity buffer (momentum or weight decay). */
    public boolean hasVelocity() { return adam == null && (momentum > 0 || weightDecay > 0); }

    /** Parameter-sized buffers the optimizer's direction and mask keep: a trace's velocity, or Adam's m, v and formed step; the mask and the masked step. */
    public int optimizerBuffers() { return (adam != null ? 3 : hasVelocity() ? 1 : 0) + (mask != null ? 2 : 0); }

    static TrainPlan parse(RunConfig c) {
        Loss loss = loss(c.loss());
        StepSize eta = StepSize.parse(c.eta());
        if (c.batchSize() < 0)
            throw BadInputException.of("--batch-size " + c.batchSize(), c.batchSize(), "a positive batch size (or none for full-batch GD)", "e.g. --batch-size 32");
        if (!(c.momentum() >= 0 && c.momentum() < 1))
            throw BadInputException.of("--momentum " + c.momentum(), c.momentum(), "a momentum in [0, 1)", "e.g. --momentum 0.9");
        if (!(c.weightDecay() >= 0) || !Double.isFinite(c.weightDecay()))
            throw BadInputException.of("--weight-decay " + c.weightDecay(), c.weightDecay(), "a weight decay >= 0", "e.g. --weight-decay 5e-4");
        Optimizer.Schedule schedule = schedule(c.lrSchedule());
        if (c.steps() < 0) throw BadInputException.of("--steps " + c.steps(), c.steps(), "a number of steps >= 0", "e.g. --steps 500");
        if (c.recordEvery() < 1)
            throw BadInputException.of("--record-every " + c.recordEvery(), c.recordEvery(), "an interval >= 1", "e.g. --record-every 25");
        return new TrainPlan(loss, eta, c.steps(), c.recordEvery(), c.batchSize(), c.momentum(), c.weightDecay(), schedule, c.seed(),
                NoisePlan.parse(c, c.batchSize()), Shaping.parse(c), gdStart(c), adam(c), mask(c), rewindStep(c));
    }

    /** --rewind-step K: 0 <= K <= --steps (-1: none); K = 0 saves theta_0, the lottery ticket's reset point. */
    static int rewindStep(RunConfig c) {
        if (c.rewindStep() == null) return -1;
        if (c.rewindStep() < 0 || c.rewindStep() > c.steps())
            throw BadInputException.of("--rewind-step " + c.rewindStep(), c.rewindStep(), "a step in 0..--steps " + c.steps() + " (the run saves the weights there)",
                    "e.g. --rewind-step 0 for the initialization, or a step before --steps.");
        return c.rewindStep();
    }

    /** --optimizer sgd|adam and Adam's --adam-beta1, --adam-beta2, --adam-eps (null: SGD's direction). */
    static Optimizer.Adam adam(RunConfig c) {
        String name = c.optimizer() == null ? "sgd" : c.optimizer().trim().toLowerCase(Locale.ROOT);
        boolean tuned = c.adamBeta1() != null || c.adamBeta2() != null || c.adamEps() != null;
        if (name.equals("sgd")) {
            if (tuned) throw new BadInputException((c.adamBeta1() != null ? "--adam-beta1" : c.adamBeta2() != null ? "--adam-beta2" : "--adam-eps")
                    + ": only --optimizer adam reads it; add --optimizer adam, or drop it.");
            return null;
        }
        if (!name.equals("adam"))
            throw BadInputException.of("--optimizer " + c.optimizer(), "'" + c.optimizer() + "'", "sgd or adam", "e.g. --optimizer adam");
        if (c.momentum() != null && c.momentum() > 0)
            throw new BadInputException("--momentum " + c.momentum() + " with --optimizer adam: Adam's first moment is its momentum; drop --momentum, or set --adam-beta1.");
        double b1 = c.adamBeta1() == null ? Optimizer.Adam.DEFAULT.beta1() : c.adamBeta1();
        double b2 = c.adamBeta2() == null ? Optimizer.Adam.DEFAULT.beta2() : c.adamBeta2();
        double eps = c.adamEps() == null ? Optimizer.Adam.DEFAULT.eps() : c.adamEps();
        if (!(b1 >= 0 && b1 < 1)) throw BadInputException.of("--adam-beta1 " + b1, b1, "a decay in [0, 1)", "e.g. --adam-beta1 0.9");
        if (!(b2 >= 0 && b2 < 1)) throw BadInputException.of("--adam-beta2 " + b2, b2, "a decay in [0, 1)", "e.g. --adam-beta2 0.999");
        if (!(eps > 0) || !Double.isFinite(eps)) throw BadInputException.of("--adam-eps " + eps, eps, "a positive finite number", "e.g. --adam-eps 1e-8");
        return new Optimizer.Adam(b1, b2, eps);
    }

    /** --mask FILE: the .npz of 0/1 masks; its existence is checked here, its shapes against the network when the run builds it. */
    static java.nio.file.Path mask(RunConfig c) {
        if (c.mask() == null) return null;
        if (c.gdStart() != null && c.gdStart() > 0)
            throw new BadInputException("--mask with --gd-start " + c.gdStart() + ": the start phase's plain GD is unmasked and would move pruned weights;"
                    + " drop one of them.");
        java.nio.file.Path p = java.nio.file.Path.of(c.mask());
        if (!java.nio.file.Files.isRegularFile(p))
            throw new BadInputException("--mask " + c.mask() + ": no such file. Give a .npz of 0/1 arrays with the weights' keys (W1..WH, a).");
        return p;
    }

    /** --gd-start K: K >= 0 steps of plain full-batch GD before the run's own K steps (0: none). */
    static int gdStart(RunConfig c) {
        if (c.gdStart() == null) return 0;
        if (c.gdStart() < 0) throw BadInputException.of("--gd-start " + c.gdStart(), c.gdStart(), "a number of steps >= 0", "e.g. --gd-start 2000");
        return c.gdStart();
    }

    /** A loss's name (Loss.parse), or lp:P with a finite P >= 2: below 2 the gradient |r|^(P-1) sign(r) is not smooth at r = 0. */
    static Loss loss(String name) {
        try {
            return Loss.parse(name);
        } catch (IllegalArgumentException e) {
            String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
            if (key.startsWith("lp:"))
                throw BadInputException.of("--loss " + name, "'" + name + "'", "lp:P with a number P >= 2 (below 2 the gradient |r|^(P-1) sign(r) "
                        + "is not smooth at r = 0)", "e.g. --loss lp:4");
            throw BadInputException.of("--loss " + name, "an unknown loss", "one of " + String.join(", ", Loss.NAMES), "e.g. --loss squared");
        }
    }

    /** constant, cosine, or step:S:G (times G in (0, 1] every S >= 1 steps). */
    static Optimizer.Schedule schedule(String text) {
        String t = text == null ? "constant" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("constant")) return Optimizer.Schedule.constant();
        if (t.equals("cosine")) return Optimizer.Schedule.cosine();
        String[] parts = t.split(":");
        if (parts.length == 3 && parts[0].equals("step")) {
            try {
                int every = Integer.parseInt(parts[1]);
                double gamma = Double.parseDouble(parts[2]);
                if (every >= 1 && gamma > 0 && gamma <= 1) return Optimizer.Schedule.step(every, gamma);
            } catch (NumberFormatException ignored) {
                // refused below
            }
        }
        throw BadInputException.of("--lr-schedule " + text, "'" + text + "'", "constant, cosine, or step:S:G (times G in (0, 1] every S >= 1 steps)",
                "e.g. --lr-schedule step:1000:0.1");
    }
}
