package overparam.lab.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;
import overparam.core.data.Npy;

/**
 * One infinite-width kernel of a network on a data set (`./overparam kernel`): the network (its width plays no
 * part), the inputs (labels optional, for y^T K^-1 y), which kernel, and the .npy file to write. Parsed from the
 * same flat configuration as a training run, so the shared options mean the same in both commands. With a
 * {@link Prediction} (--predict, or --test-data) it is instead the infinite network's predictions on a test set,
 * written into the new folder {@code out}.
 */
public record KernelPlan(NetworkPlan network, DataPlan data, Kind kind, Integer layer, Path out, int threads, Prediction prediction) {
    /** K^(H) (gram, or with a layer the limit of that layer's G^(h)(0)), Theta (ntk), or the NNGP of the last hidden layer. */
    public enum Kind {
        GRAM, NTK, NNGP;

        public String cliName() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * The infinitely wide network's predictions on the test set: ridge lambda >= 0 added to the kernels' diagonals for the
     * converged NTK solve and the NNGP posterior; steps and eta (both or neither) for the NTK prediction after that many
     * discrete gradient-descent steps, else at convergence.
     */
    public record Prediction(double ridge, Integer steps, Double eta, Long memory, Integer tile) {
        /** In memory unless the kernels do not fit (then tiled, with the memory available). */
        public Prediction(double ridge, Integer steps, Double eta) { this(ridge, steps, eta, null, null); }

        public boolean converged() { return steps == null; }

        /** Whether --memory or --tile-size asked for the tiled, out-of-core solve. */
        public boolean tilesAsked() { return memory != null || tile != null; }
    }

    /**
     * What the command line gives for a prediction: --predict, --ridge, --steps, --eta, --memory (e.g. 16G), --tile-size
     * (null when absent).
     */
    public record PredictionOptions(boolean predict, Double ridge, Integer steps, String eta, String memory, Integer tileSize) {
        public static final PredictionOptions NONE = new PredictionOptions(false, null, null, null);

        public PredictionOptions(boolean predict, Double ridge, Integer steps, String eta) { this(predict, ridge, steps, eta, null, null); }
    }

    public static KernelPlan parse(RunConfig raw, String kind, Integer layer) {
        return parse(raw, kind, layer, PredictionOptions.NONE);
    }

    public static KernelPlan parse(RunConfig raw, String kind, Integer layer, PredictionOptions options) {
        RunConfig c = raw.withDefaults();
        NetworkPlan network = NetworkPlan.parse(c);
        Kind k = kind(kind);
        DataPlan data = DataPlan.parse(c, network.arch(), null);
        if (layer != null && (layer < 1 || layer > network.depth() + 1 || k != Kind.GRAM))
            throw BadInputException.of("--layer " + layer, layer, "a layer 1.." + (network.depth() + 1) + " with --kind gram",
                    "e.g. --kind gram --layer 1 for the limit of G^(1)(0)");
        if (c.threads() < 1) throw BadInputException.of("--threads " + c.threads(), c.threads(), "at least 1", "e.g. --threads 2");
        boolean predicting = options.predict() || c.testData() != null;
        Prediction prediction = predicting ? prediction(options, layer, data, c) : noPrediction(options);
        if (c.out() == null)
            throw new BadInputException("--out: missing. Name the " + (predicting ? "new folder to write the predictions into, e.g. --out pred"
                    : ".npy file to write, e.g. --out K.npy"));
        Path out = Path.of(c.out());
        if (predicting) requireNewFolder(out);
        return new KernelPlan(network, data, k, layer, out, c.threads(), prediction);
    }

    public boolean predicts() { return prediction != null; }

    private static Prediction noPrediction(PredictionOptions o) {
        String given = o.ridge() != null ? "--ridge " + o.ridge() : o.steps() != null ? "--steps " + o.steps() : o.eta() != null ? "--eta " + o.eta()
                : o.memory() != null ? "--memory " + o.memory() : o.tileSize() != null ? "--tile-size " + o.tileSize() : null;
        if (given != null)
            throw new BadInputException(given + ": only for predictions on a test set; add --predict with --test-data X_test.npy (or --test-n N, or an image set's test images).");
        return null;
    }

    private static Prediction prediction(PredictionOptions o, Integer layer, DataPlan data, RunConfig c) {
        if (layer != null)
            throw new BadInputException("--layer " + layer + ": not with --predict, which uses Theta and the NNGP of the whole network; drop --layer.");
        double ridge = o.ridge() == null ? 0 : o.ridge();
        if (!(ridge >= 0) || !Double.isFinite(ridge))
            throw BadInputException.of("--ridge " + o.ridge(), o.ridge(), "a finite lambda >= 0", "e.g. --ridge 1e-6 (0: the interpolating network)");
        Double eta = null;
        if (o.steps() != null || o.eta() != null) {
            if (o.steps() == null)
                throw new BadInputException("--eta " + o.eta() + ": the step size of the prediction after --steps K steps; add --steps K, or drop --eta for the converged prediction.");
            if (o.eta() == null)
                throw new BadInputException("--steps " + o.steps() + ": needs --eta E, the step size of the infinite network's gradient descent, e.g. --eta 0.1.");
            if (o.steps() < 0) throw BadInputException.of("--steps " + o.steps(), o.steps(), "a number of steps >= 0", "e.g. --steps 1000");
            try {
                eta = Double.parseDouble(o.eta().trim());
            } catch (NumberFormatException e) {
                throw BadInputException.of("--eta " + o.eta(), "'" + o.eta() + "'", "a step size > 0 (a number)", "e.g. --eta 0.1");
            }
            if (!(eta > 0) || !Double.isFinite(eta))
                throw BadInputException.of("--eta " + o.eta(), o.eta(), "a finite step size > 0", "e.g. --eta 0.1");
        }
        if (data.inputs() instanceof DataPlan.FileInputs f) {
            if (c.testData() == null)
                throw new BadInputException("--predict: needs test inputs; give --test-data X_test.npy (and --test-labels y_test.npy for the test loss).");
            if (f.labels() == null)
                throw new BadInputException("--predict: needs the training labels the network is fitted to; give --labels y.npy.");
            requireSameDimension(f.data(), c.testData());
        } else if (data.inputs() instanceof DataPlan.SyntheticInputs) {
            if (data.test().n() <= 0)
                throw new BadInputException("--predict: --synthetic data need --test-n N fresh test samples to predict on, e.g. --test-n 100.");
        } else if (data.inputs() instanceof DataPlan.ImageInputs i && i.testPerClass() != null && i.testPerClass() == 0) {
            throw new BadInputException("--test-per-class 0: --predict needs the image set's test images; give --test-per-class K > 0, or drop it for all.");
        }
        if (data.test().fraction() != null)
            throw new BadInputException("--test-fraction " + data.test().fraction() + ": not with --predict; give the test set as --test-data (or --test-n for synthetic data).");
        Long memory = o.memory() == null ? null : bytes(o.memory());
        if (o.tileSize() != null && o.tileSize() < 1)
            throw BadInputException.of("--tile-size " + o.tileSize(), o.tileSize(), "a tile edge of at least 1 sample", "e.g. --tile-size 2000");
        if (o.steps() != null && (memory != null || o.tileSize() != null))
            throw new BadInputException("--steps " + o.steps() + ": the prediction after K steps needs Theta's eigendecomposition, made in memory only; "
                    + "drop --memory and --tile-size, or drop --steps and --eta for the converged prediction.");
        return new Prediction(ridge, o.steps(), eta, memory, o.tileSize());
    }

    /** "16G", "512M", "2000000000": bytes (K, M, G, T are powers of 1024). */
    static long bytes(String text) {
        return bytes("--memory", text);
    }

    /** As {@link #bytes(String)}, a refusal naming {@code option}. */
    static long bytes(String option, String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        long unit = 1;
        int shift = "KMGT".indexOf(t.isEmpty() ? ' ' : t.charAt(t.length() - 1));
        if (shift >= 0) {
            unit = 1L << (10 * (shift + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (v > 0 && v * unit < Long.MAX_VALUE) return (long) (v * unit);
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw BadInputException.of(option + " " + text, "'" + text + "'", "a size > 0 in bytes, or with K, M, G or T", "e.g. " + option + " 16G");
    }

    /** A .npy test set whose samples' shape differs from the training inputs', refused from the headers before anything is read. */
    private static void requireSameDimension(String train, String test) {
        long[] a = npyShape(train), b = npyShape(test);
        if (a == null || b == null || a.length < 1 || b.length < 1) return;     // .csv files: checked once read
        long[] sa = Arrays.copyOfRange(a, 1, a.length), sb = Arrays.copyOfRange(b, 1, b.length);
        if (!Arrays.equals(sa, sb))
            throw new BadInputException("--test-data " + test + ": samples of shape " + Arrays.toString(sb) + ", the training inputs (--data " + train
                    + ") have " + Arrays.toString(sa) + "; the test set must have the training set's dimension.");
    }

    private static long[] npyShape(String file) {
        Path p = Path.of(file);
        if (!file.toLowerCase(Locale.ROOT).endsWith(".npy") || !Files.isRegularFile(p)) return null;
        return Npy.shape(p);
    }

    /**
     * --out of a prediction is a new folder: absent, or empty but for .partial debris of a killed run and the kernel tiles
     * of an unfinished tiled job (tiles/), which the same command resumes.
     */
    private static void requireNewFolder(Path out) {
        if (Files.isRegularFile(out))
            throw new BadInputException("--out " + out + ": is a file; with --predict name a new folder, e.g. --out pred");
        if (!Files.isDirectory(out)) return;
        try (Stream<Path> files = Files.list(out)) {
            if (files.anyMatch(f -> !AtomicFile.isPartial(f) && !(f.getFileName().toString().equals("tiles") && Files.isDirectory(f))))
                throw new BadInputException("--out " + out + ": exists and is not empty; nothing is overwritten. Choose a new folder.");
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot be read (" + e.getMessage() + "). Choose another folder.");
        }
    }

    private static Kind kind(String text) {
        String t = text == null ? "gram" : text.trim().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) if (k.cliName().equals(t)) return k;
        throw BadInputException.of("--kind " + text, "'" + text + "'", "gram (K^(H)), ntk (Theta) or nngp", "e.g. --kind gram");
    }
}
