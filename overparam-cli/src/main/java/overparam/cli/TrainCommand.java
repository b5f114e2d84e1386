package overparam.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import overparam.core.nn.TrainResult;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunPlan;
import overparam.lab.run.TrainRun;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        defaultValueProvider = ConfigDefaults.class,
        header = "Train one of seed 004's (or seed 002's) networks by gradient descent and record what its convergence proof measures.",
        description = {
            "Writes into --out: summary.json (resolved config, seed, versions, status,",
            "timings, provenance, the data's SHA-256); metrics.jsonl (per recorded step:",
            "loss, eigenvalues of G^(H)(k) and G(k), Gram change, weight movement,",
            "pattern change, predictions); weights_init.npz and weights_final.npz",
            "(W1..WH, a); config.json (the resolved configuration); reproduce.sh (the",
            "command that redoes the run bit for bit; ./overparam verify DIR runs it and",
            "compares); data/ (copies of --data, --labels, --test-data, --test-labels",
            "and --init files when together at most 64 MiB). --dump-gram adds",
            "gram_step{k}.npy and ntk_step{k}.npy.",
            ""},
        footer = {"", "Exit codes: 0 done, 1 diverged (summary.json says at which step), 2 bad input, 3 internal error.",
            "",
            "Examples:",
            "  ./overparam train --arch fc --depth 3 --width 256 --activation relu --synthetic sphere --n 32 --d 10 --eta auto --steps 200 --out runs/fc",
            "  # 200 more steps from where that run ended:",
            "  ./overparam train --arch fc --depth 3 --width 256 --activation relu --synthetic sphere --n 32 --d 10 --eta auto --steps 200 --init runs/fc/weights_final.npz --out runs/fc-more",
            "  # seed 004's ResNet with its Gram matrices on disk (slow: a few minutes; a smaller --width or --steps is fine):",
            "  ./overparam train --arch resnet --depth 4 --width 2048 --c-res 0.5 --activation softplus --synthetic sphere --n 64 --d 10 --eta auto --steps 500 --record-every 25 --dump-gram --out runs/r1",
            "  # a balanced deep linear network (Arora et al. 2019) with its balancedness and end-to-end map recorded:",
            "  ./overparam train --arch linear --depth 3 --width 16 --init-scheme balanced --init-scale 0.5 --synthetic gaussian --n 50 --d 10 --labels-from teacher --eta 0.02 --steps 500 --instruments balance,end-to-end --out runs/linear",
            "  # the diagonal network in the rich regime on a 3-sparse teacher, with its distances to the l1 and l2 interpolants:",
            "  ./overparam train --arch diagonal --init-scale 0.01 --synthetic gaussian --n 40 --d 100 --labels-from sparse:3 --eta 5e-3 --steps 5000 --instruments end-to-end --out runs/rich",
            "  # SGD's gradient noise and its tail index (Simsekli et al. 2019) on a bias-free ReLU network:",
            "  ./overparam train --arch fc --depth 2 --width 64 --activation relu --data fashion-mnist --classes 0,1 --per-class 200 --batch-size 50 --eta 0.005 --steps 200 --record-every 100 --instruments gradient-noise --noise-batches 16 --out runs/noise",
            "  # input gradients along a line at initialization, a 21-block residual MLP with unit branches (Balduzzi et al. 2017):",
            "  ./overparam train --arch resnet --branch-scale unit --depth 43 --width 128 --activation relu --synthetic line --n 256 --d 2 --eta 0.01 --steps 0 --instruments input-gradient,forward-signal --out runs/shattered",
            "  # Fixup with its scalar biases and multipliers (Zhang et al. 2019), 10 blocks; the biases add curvature, so a smaller step than without them:",
            "  ./overparam train --arch resnet-unit --depth 21 --width 32 --activation relu --init-scheme fixup --fixup-scalars --synthetic sphere --n 32 --d 10 --eta 0.005 --steps 200 --record-every 25 --instruments forward-signal,smoothness --out runs/fixup",
            "  # the finite network against the infinite one on breast-cancer (python3-sklearn's CSV; ./overparam setup unpacks it), a seeded half as test set:",
            "  ./overparam train --arch fc --depth 2 --width 128 --activation relu --data breast-cancer --test-fraction 0.5 --eta auto --steps 300 --record-every 100 --kernel-predict --out runs/bc",
            "  # seed 002's network, SGD on Fashion-MNIST (./overparam setup installs it; slow: a smaller --steps or --per-class is fine):",
            "  ./overparam train --arch identity-mapping --activation prelu --leaky-slope 0.25 --data fashion-mnist --loss cross-entropy --batch-size 128 --eta 0.05 --momentum 0.9 --weight-decay 5e-4 --steps 2000 --record-every 200 --out runs/c1"})
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NetworkOptions network;

    @Option(names = "--width", paramLabel = "M", description = "Hidden width m. Default: ${DEFAULT-VALUE}.")
    Integer width;
    @Mixin InputOptions inputs;
    @Mixin ImageOptions images;
    @Option(names = "--label-noise", paramLabel = "P", description = "Replace a fraction P in [0, 1] of the training labels by random classes (Zhang et al. 2016). Default: ${DEFAULT-VALUE}.")
    Double labelNoise;
    @Option(names = "--label-noise-sd", paramLabel = "SIGMA", description = "Add SIGMA times N(0,1) noise to every real-valued training label (after the teacher's; drawn from --seed, not --data-seed, so seeds over one --data-seed redraw only the noise). Default: 0.")
    Double labelNoiseSd;
    @Option(names = "--test-data", paramLabel = "X.npy", description = "Test inputs (with --test-labels), evaluated at every record.")
    String testData;
    @Option(names = "--test-labels", paramLabel = "y.npy", description = "Test labels.")
    String testLabels;
    @Option(names = "--test-fraction", paramLabel = "F", description = "Hold out a seeded random fraction F of the data as the test set.")
    Double testFraction;
    @Option(names = "--test-n", paramLabel = "N", description = "Synthetic data: N fresh test samples from the same distribution (and teacher). Default: ${DEFAULT-VALUE}.")
    Integer testN;
    @Option(names = "--labels-from", paramLabel = "SOURCE", description = "gaussian (y_i ~ N(0,1)) or teacher (a random network of the same kind). Default: ${DEFAULT-VALUE}.")
    String labelsFrom;
    @Option(names = "--teacher-width", paramLabel = "M", description = "Width of the teacher network (seed 002's: d). Default: ${DEFAULT-VALUE}.")
    Integer teacherWidth;
    @Option(names = "--fresh-samples", paramLabel = "BOOL", arity = "1", description = "Synthetic data with a teacher: every SGD batch is new samples (SGD on the population loss); --n samples are the fixed set the records evaluate. Default: ${DEFAULT-VALUE}.")
    Boolean freshSamples;
    @Option(names = "--teacher-norm", paramLabel = "S", description = "Scale each teacher weight matrix to spectral norm S (seed 002's bounded ||W*||_2).")
    Double teacherNorm;
    @Option(names = "--loss", paramLabel = "NAME", description = "squared (1/2 sum of squared errors, seed 004 eq. 1), mse (mean squared error, seed 002 eq. 2), logistic (labels +-1), cross-entropy (softmax, k outputs, mean), one-hot-squared (1/2 sum of squared errors to one-hot targets 0.9/-0.1, k outputs, class labels; the kernel predictions' targets), one-hot-mse (their mean squared error over the n x k entries, PyTorch's MSELoss on one-hot targets, as Lee et al. 2020 train: one eta for every training set size), lp:P (1/P sum |u - y|^P, P >= 2, e.g. lp:4; Arora et al. 2018) or exponential (sum exp(-y u), labels +-1; Lyu and Li 2020). Default: ${DEFAULT-VALUE}.")
    String loss;
    @Option(names = "--eta", paramLabel = "ETA", description = "Step size, or auto for 1 / lambda_max(G(0)).")
    String eta;
    @Option(names = "--steps", paramLabel = "K", description = "Gradient steps K. Default: ${DEFAULT-VALUE}.")
    Integer steps;
    @Option(names = "--record-every", paramLabel = "R", description = "Record at steps 0, R, 2R, ... and K. Default: ${DEFAULT-VALUE}.")
    Integer recordEvery;
    @Option(names = "--batch-size", paramLabel = "B", description = "0 for full-batch gradient descent (the theorems'), else minibatch SGD. Default: ${DEFAULT-VALUE}.")
    Integer batchSize;
    @Option(names = "--momentum", paramLabel = "MU", description = "Heavy-ball momentum (PyTorch's SGD). Default: ${DEFAULT-VALUE}.")
    Double momentum;
    @Option(names = "--weight-decay", paramLabel = "L", description = "Weight decay (L2 penalty added to the gradient). Default: ${DEFAULT-VALUE}.")
    Double weightDecay;
    @Option(names = "--lr-schedule", paramLabel = "S", description = "constant, cosine (to 0 over the run) or step:S:G (times G every S steps). Default: ${DEFAULT-VALUE}.")
    String lrSchedule;
    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd (gradient descent or SGD, with --momentum and --weight-decay as PyTorch's SGD) or adam (Kingma and Ba 2015, Algorithm 1, optax's scale_by_adam: bias-corrected first and second moments, eps outside the square root; --weight-decay adds lambda theta to the gradient first, as torch.optim.Adam). Default: sgd.")
    String optimizer;
    @Option(names = "--adam-beta1", paramLabel = "B1", description = "--optimizer adam: the first moment's decay. Default: 0.9.")
    Double adamBeta1;
    @Option(names = "--adam-beta2", paramLabel = "B2", description = "--optimizer adam: the second moment's decay. Default: 0.999.")
    Double adamBeta2;
    @Option(names = "--adam-eps", paramLabel = "EPS", description = "--optimizer adam: added to sqrt(v_hat). Default: 1e-8.")
    Double adamEps;
    @Option(names = "--mask", paramLabel = "MASK.npz", description = "Train a pruned network (a lottery ticket, Frankle and Carbin 2019): 0/1 arrays under the weights' keys (W1..WH, a; absent keys: unmasked); the zeros are set to 0.0 at the start and every step's update is zeroed there, so they stay exactly 0.0 under every optimizer.")
    String mask;
    @Option(names = "--rewind-step", paramLabel = "K", description = "Also save the weights theta(K), after K updates, as weights_step_K.npz (0: the initialization), the point a lottery ticket is rewound to (Frankle and Carbin 2019 reset to theta_0; Frankle et al. 2020 rewind to an early step); train from it with --init. 0 <= K <= --steps. Default: none.")
    Integer rewindStep;
    @Option(names = "--validation-n", paramLabel = "N", description = "Hold out N training samples (drawn by --data-seed) as a validation set, never trained on; every record adds validation_loss (and validation_accuracy for classes), and summary.json's early_stopping (the store's per-run values) the step of least validation loss, first on ties, with the test loss and accuracy recorded there: early_stop_step, early_stop_test_accuracy, early_stop_test_loss (Frankle and Carbin 2019 hold out 5,000 of MNIST's 60,000). A count, not a fraction, as the paper gives it. Default: none.")
    Integer validationN;
    @Option(names = "--prune-rounds", paramLabel = "R", description = "Iterative magnitude pruning (Frankle and Carbin 2019): round 0 trains the dense network, each of R more rounds prunes the previous round's trained ticket by magnitude (--prune-rate, --prune-rate-output, --prune-scope), resets the survivors to theta_0 (or theta_K with --rewind-step K) and trains again, each training in --out/rounds/NN-NETWORK/. summary.json holds one row per round and network (fraction of weights remaining, early stopping with --validation-n, final test accuracy). Default: none.")
    Integer pruneRounds;
    @Option(names = "--prune-rate", paramLabel = "Q", description = "--prune-rounds: the fraction of the remaining weights pruned each round (ceil(Q r) of r), of every hidden layer (layer scope) or of all weights (global). In [0, 1). Default: 0.2, the paper's for LeNet.")
    Double pruneRate;
    @Option(names = "--prune-rate-output", paramLabel = "Q", description = "--prune-rounds --prune-scope layer: the output layer's own rate. In [0, 1). Default: 0.1, the paper's (half the hidden rate).")
    Double pruneRateOutput;
    @Option(names = "--prune-scope", paramLabel = "S", description = "--prune-rounds: layer (each layer by its own magnitudes, the paper's for LeNet) or global (all weights pooled, its Section 5). Default: layer.")
    String pruneScope;
    @Option(names = "--prune-controls", paramLabel = "LIST", description = "--prune-rounds: controls trained beside each round's ticket on the same seed: reinit (the ticket's mask, a fresh initialization drawn from a seed derived from --seed and the round), random (a random mask with the ticket's per-layer counts, on theta_0); none or a list. Default: none.")
    String pruneControls;
    @Option(names = "--clip-norm", paramLabel = "G", description = "Clip the gradient to global norm G (over all trained parameters) before weight decay and momentum, as torch's clip_grad_norm_: a step is min(eta, eta G / ||g||) g, Zhang et al. 2020's clipped GD (eq. 5) with their eta_c = --eta and gamma = G. Default: off.")
    Double clipNorm;
    @Option(names = "--normalized", arity = "0..1", paramLabel = "BOOL", description = "Normalized GD: a step is eta g / ||g|| (Zhang et al. 2020 eq. 6 with beta = 0), ||g|| over all trained parameters. Default: off.")
    Boolean normalized;
    @Option(names = "--langevin", paramLabel = "SHAPE", description = "Add Gaussian noise to the gradient every step, theta <- theta - eta (g + eps), eps ~ N(0, Sigma) with tr Sigma = --noise-trace (Zhu et al. 2019's GLD; SGD's own noise is g_B - g): isotropic (Sigma = T / P I) or hessian (Sigma = c sum_j lambda_j u_j u_j^T over the top --langevin-top eigenpairs of the loss's Hessian, c = T / sum_j lambda_j). Default: off.")
    String langevin;
    @Option(names = "--noise-trace", paramLabel = "T", description = "With --langevin: tr Sigma, the noise covariance's trace per step (match it to SGD's tr Sigma_sgd to compare noise shapes).")
    Double noiseTrace;
    @Option(names = "--langevin-top", paramLabel = "K", description = "--langevin hessian: the noise follows the top K eigenvectors of the loss's Hessian (Zhu et al. 2019's GLD Hessian). Default: 10.")
    Integer langevinTop;
    @Option(names = "--langevin-every", paramLabel = "S", description = "--langevin hessian: recompute the eigenvectors (Lanczos on exact Hessian-vector products over the training set) every S steps; with --noise-match-sgd, SGD's trace as well. Default: 10.")
    Integer langevinEvery;
    @Option(names = "--noise-match-sgd", paramLabel = "B", description = "With --langevin, instead of --noise-trace: the trace of minibatch SGD's noise with batches of B at the current weights, s^2 (n - B) / (B (n - 1)) tr Sigma from the per-sample gradients, recomputed every --langevin-every steps (Zhu et al. 2019 compare noise shapes at SGD's magnitude); summary.json's start.noise_trace is its value where training starts.")
    Integer noiseMatchSgd;
    @Option(names = "--gd-start", paramLabel = "K", description = "Start from where K steps of plain full-batch gradient descent at --eta take the initialization (no noise, clipping or records), then train --steps steps as configured, recorded from 0 (Zhu et al. 2019: every dynamics from one minimum GD found). summary.json's start.loss is the loss there. Default: none.")
    Integer gdStart;
    @Option(names = "--label", paramLabel = "NAME", description = "A name for the run, kept in its config (an experiment's variants set it, and its checks and figures group by it).")
    String label;
    @Option(names = "--init", paramLabel = "W.npz", description = "Start from these weights (keys W1..WH, a; alpha1.. for prelu) instead of a random draw.")
    String init;
    @Option(names = "--init-scheme", paramLabel = "S", description = "standard (N(0,1); seed 002's nets N(0,1/d); linear: N(0,1/fan-in); diagonal: w = alpha), small (hidden weights x 0.05), zero, fixup (--arch resnet --branch-scale unit: W_out = a = 0, W_in x L^-1/2, Zhang et al. 2019), or for --arch linear balanced (Arora et al. 2019: W_{j+1}^T W_{j+1} = W_j W_j^T) or identity. Default: ${DEFAULT-VALUE}.")
    String initScheme;
    @Option(names = "--init-scale", paramLabel = "ALPHA", description = "Multiplies every trained initial weight by ALPHA (the diagonal network starts at w_+ = w_- = ALPHA: Woodworth et al. 2020's kernel (large) and rich (small) regimes). Default: 1.")
    Double initScale;
    @Option(names = "--fixup-scalars", arity = "0..1", paramLabel = "BOOL", description = "--arch resnet-unit: Fixup's scalar biases (start 0) before W_in, the activation, W_out and after the branch, a multiplier m (start 1) on each branch and a bias before the output layer, all trained (Zhang et al. 2019, Section 3, rule 3). Off unless given, also with --init-scheme fixup (rules 1-2 alone stay a run of their own).")
    Boolean fixupScalars;
    @Option(names = "--widths", paramLabel = "LIST", description = "--arch linear or fc: the hidden widths m_1,..,m_H, one per hidden layer (W_h is m_h x m_{h-1}), instead of one --width for all: --arch linear counts N - 1 for N weight matrices (32,16,8 with --depth 4), --arch fc H (LeNet-300-100: --depth 2 --widths 300,100). fc layer h scales by sqrt(c_sigma / m_h) (seed 004 eq. 2 with its own width); its infinite-width limit kernels do not depend on the widths.")
    String widths;
    @Option(names = "--data-seed", paramLabel = "S", description = "Seed of the synthetic data and teacher alone (default: --seed), to vary the initialization over one data set.")
    Long dataSeed;
    @Option(names = "--dump-gram", arity = "0..1", paramLabel = "BOOL", description = "Also write G^(H)(k) and G(k) of every record as .npy.")
    Boolean dumpGram;
    @Option(names = "--instruments", paramLabel = "LIST", description = "all (those that apply), none, or a list of gram, movement, pattern, predictions, balance (||W_{h+1}||^2 - ||W_h||^2, Du et al. 2018), margin (normalized margin, Lyu and Li 2020), end-to-end (linear models: W_e, its singular values, distances to the minimum-norm and SVM solutions), ridge-path (--arch linear --depth 1 by plain GD from --init-scheme zero on a linear teacher: exact risks of GD and of ridge at lambda = 1/(eta k), Ali et al. 2019), gradient-noise (not in all: minibatch gradient noise, its tail index pooled and standardized, tr Sigma; Simsekli et al. 2019), smoothness (not in all: local smoothness ||grad f(x + d/2) - grad f(x)|| / (||d||/2) along each step d into a record, and the gradient norm, Zhang et al. 2020 Fig. 1; two gradients over the training set per record), hessian (only by name: top eigenvalues, trace and Tr(H Sigma) of the loss's Hessian from exact Hessian-vector products; Tr(H Sigma) when n <= 512), input-gradient (named only: df/dx, and along --synthetic line the lag-k autocorrelations of Balduzzi et al. 2017), forward-signal (named only: log10 ||x^(h)||^2 / ||x||^2 per layer). A test set adds test loss and accuracy. Default: ${DEFAULT-VALUE}.")
    String instruments;
    @Option(names = "--noise-batches", paramLabel = "K", description = "gradient-noise: minibatches per record, each one's gradient minus the full gradient a noise vector (Simsekli et al. 2019). Default: 32.")
    Integer noiseBatches;
    @Option(names = "--noise-batch-size", paramLabel = "B", description = "gradient-noise: samples per noise minibatch. Default: --batch-size.")
    Integer noiseBatchSize;
    @Option(names = "--hessian-top", paramLabel = "K", description = "--instruments hessian: record the K largest Hessian eigenvalues (Lanczos). Default: 3.")
    Integer hessianTop;
    @Option(names = "--hessian-probes", paramLabel = "N", description = "--instruments hessian: Rademacher probes of Hutchinson's trace estimate (its standard error needs N >= 2). Default: 10.")
    Integer hessianProbes;
    @Option(names = "--hessian-iterations", paramLabel = "L", description = "--instruments hessian: at most L Lanczos vectors (L x P doubles of memory, P the trained parameters). Default: 50.")
    Integer hessianIterations;
    @Option(names = "--limit-kernel", paramLabel = "MODE", description = "Compute the infinite-width kernels of the run's data (lambda_0, loss bound, infinite twin): auto (n <= 4000), on, off. Default: ${DEFAULT-VALUE}.")
    String limitKernel;
    @Option(names = "--kernel-predict", arity = "0..1", paramLabel = "BOOL", description = "Also what the infinitely wide network of this architecture predicts on the test set, computed once before training: NTK at convergence, NNGP posterior mean, and for full-batch GD on the squared or one-hot-squared loss the NTK after the run's own steps at its eta; test accuracy, loss (mean squared error) and solve residuals in summary.json's kernel_prediction and the store (ntk_test_accuracy, nngp_test_accuracy, ntk_step_test_accuracy, ...). Targets: the run's labels (one-hot 0.9/-0.1 for cross-entropy, one-hot-squared and one-hot-mse). Needs a network with a limit and a labelled test set.")
    Boolean kernelPredict;
    @Option(names = "--kernel-ridge", paramLabel = "LAMBDA", description = "--kernel-predict: lambda >= 0 added to the kernels' diagonals for the converged NTK and the NNGP (needed when training inputs repeat, e.g. iris). Default: 0.")
    Double kernelRidge;
    @Option(names = "--kernel-memory", paramLabel = "LIMIT", description = "--kernel-predict: make the converged predictions' kernels tile by tile on disk and solve them out of core (tiled Cholesky), holding at most LIMIT (e.g. 15G), as kernel --predict --memory does; without it they are tiled only when they do not fit in memory. Not with the prediction after the run's own steps (full-batch GD on the squared loss), which needs Theta in memory.")
    String kernelMemory;
    @Option(names = "--kernel-cache", paramLabel = "DIR", description = "--kernel-predict: share the converged predictions through DIR: runs of the same kernel (architecture, depth, activation, trained layers), ridge, data and targets, at any width and seed, solve once; entries are named by the SHA-256 of all of it (key.txt lists it). An experiment gives its cells its own kernel-cache/ folder. Not kept in config.json or reproduce.sh: verify recomputes.")
    String kernelCache;
    @Option(names = "--fit", paramLabel = "min-norm", description = "Also the output layer fitted in closed form, once before training, on the frozen features below it: --arch fc with --train-layers a (random features: the hidden layers at initialization) or the inputs of --arch linear --depth 1; the minimum-norm least-squares solution (SVD, dgesdd), where gradient descent on a from a = 0 converges. Test loss (mean squared error), accuracy and error, train residual and ||a|| in summary.json's readout_fit and the store (fit_test_error, fit_test_loss, ...), the fitted a in fit_a.npy; on --synthetic normal with a linear teacher also fit_excess_risk = ||a - beta*||^2 and its exact mean fit_mean_risk (Hastie et al. 2019). Needs --loss squared or one-hot-squared and a test set.")
    String fit;
    @Option(names = "--fit-ridge", paramLabel = "LAMBDA", description = "--fit: the ridge lambda of the fit, argmin 1/2 ||Phi a - y||^2 + lambda/2 ||a||^2. Default: 0 (minimum norm).")
    Double fitRidge;
    @Option(names = "--out", paramLabel = "DIR", description = "A new folder for the run.")
    String out;
    @Mixin MachineOptions machine;
    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Override public Integer call() {
        RunPlan plan = RunPlan.parse(fromOptions(spec));
        TrainRun.Outcome o;
        try (ProgressDisplay progress = new ProgressDisplay("train", plan.train().steps(), quiet)) {
            var lines = spec.commandLine().getOut();
            o = TrainRun.execute(plan, progress, Main.typed(spec), note -> { lines.println(note); lines.flush(); });
        }
        TrainResult r = o.result();
        var out = spec.commandLine().getOut();
        if (plan.prune() != null) {
            if (r.diverged()) {
                out.printf("a ticket diverged at step %d (the loss became non-finite), which ends the rounds; %s/summary.json lists the trainings%n",
                        r.divergedStep(), o.folder());
                return Main.DIVERGED;
            }
            out.printf("wrote %s: summary.json (a row per round and network: weights remaining, early stopping, final test accuracy),"
                    + " rounds/NN-NETWORK/ (a run folder each), masks/%s%n", o.folder(),
                    plan.prune().controls().contains(overparam.lab.plan.PrunePlan.Control.REINIT) ? ", inits/" : "");
            return 0;
        }
        if (r.diverged()) {
            out.printf("diverged at step %d (the loss became non-finite); metrics up to then are in %s%n", r.divergedStep(), o.folder());
            return Main.DIVERGED;
        }
        out.printf("done: %d steps, n = %d, d = %d, eta = %.4g, final loss %.4e, %.3g steps/s (%.1f s)%n",
                r.stepsDone(), o.n(), o.d(), o.eta(), r.finalLoss(), o.stepsPerSecond(), r.trainSeconds());
        out.printf("wrote %s: summary.json, metrics.jsonl, weights_init.npz, weights_final.npz, config.json, reproduce.sh%s%n", o.folder(),
                plan.train().rewindStep() >= 0 ? ", " + overparam.lab.plan.TrainPlan.rewindFile(plan.train().rewindStep()) : "");
        return 0;
    }

    /**
     * The options the user gave (and the defaults picocli applied) as a RunConfig: option --x-y is field x_y. Options
     * that are no configuration field (--quiet, --kind) are the command's own.
     */
    static RunConfig fromOptions(CommandSpec spec) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = json.createObjectNode();
        for (OptionSpec option : spec.options()) {
            String field = ConfigDefaults.fieldOf(option);
            Object value = option.getValue();
            if (value != null && RunConfig.fieldNames().contains(field)) node.set(field, json.valueToTree(value));
        }
        return json.convertValue(node, RunConfig.class);
    }
}
