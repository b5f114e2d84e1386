package overparam.lab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;
import overparam.core.data.Dataset;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainedLayers;

/**
 * Converged kernel predictions shared by runs (--kernel-cache DIR; an experiment gives its cells its own kernel-cache/).
 * What the infinitely wide network predicts depends on its kernel (architecture, depth, activation, c_res, patches, bias
 * scale, trained layers), the ridge, the training inputs and targets and the test inputs and labels, and on nothing of the
 * finite network: not its width, not its initialization. The cells of a width x seed sweep over one data set therefore ask
 * for one solve, which at 60,000 images takes half an hour; each asks, and the first to ask computes it.
 *
 * <p>An entry is a folder named by the SHA-256 of a text ({@link Key#text}) that lists all of the above, the data as the
 * SHA-256 of their doubles, and the build's version; the text is kept in the entry as key.txt and compared on every read,
 * and the numbers are in kernel_prediction.json, written atomically and last. A tiled solve keeps its tiles in the entry's
 * folder while it runs, so a killed experiment resumes from the finished tiles. One process or thread computes an entry
 * while the others wait: a lock per entry inside the JVM (cells run as threads) and a file lock across processes (Spark
 * executors on one machine); a lock is released when its holder dies, and an entry without its json is computed again.
 */
final class KernelPredictionCache {
    static final String NUMBERS = "kernel_prediction.json", KEY_TEXT = "key.txt", LOCK = "lock";
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private KernelPredictionCache() {}

    /** What an entry is for: text lists everything its numbers depend on, hex is its SHA-256 (the entry's folder name). */
    record Key(String text, String hex) {
        /**
         * targets: how the k target columns are made from the labels (the run's labels, or one-hot 0.9 / -0.1); hashes: the
         * digests of the training and test inputs and labels (DataManifest.matrixHashes: train_x, train_y, test_x, test_y).
         */
        static Key of(NetworkSpec spec, TrainedLayers trained, double ridge, String targets, int targetColumns, Dataset train, Dataset test,
                      Map<String, String> hashes) {
            String text = String.join("\n", List.of(
                    "overparam converged kernel prediction (NTK and NNGP posterior mean), build " + Versions.overparam(),
                    "kernel: " + spec.arch() + ", input dimension " + spec.inputDim() + ", depth " + spec.depth() + ", " + spec.activation()
                            + ", c_res " + spec.cRes() + ", " + spec.patches() + ", bias scale " + spec.biasScale() + ", fixup scalars " + spec.fixupScalars(),
                    "trained layers: " + trained.names(spec),
                    "ridge: " + Double.toString(ridge),
                    "targets: " + targets + ", " + targetColumns + " columns",
                    "training inputs " + train.n() + " x " + train.d() + ", SHA-256 " + hash(hashes, "train_x"),
                    "training labels, SHA-256 " + hash(hashes, "train_y"),
                    "test inputs " + test.n() + " x " + test.d() + ", SHA-256 " + hash(hashes, "test_x"),
                    "test labels, SHA-256 " + hash(hashes, "test_y"))) + "\n";
            return new Key(text, sha256(text).substring(0, 32));
        }
    }

    private static String hash(Map<String, String> hashes, String name) {
        String h = hashes.get(name);
        if (h == null) throw new IllegalStateException("no digest of " + name + " for the kernel cache's key");
        return h;
    }

    /** Whether the numbers came from the cache, and the numbers. */
    record Lookup(ObjectNode numbers, boolean hit) {}

    /**
     * The entry's numbers; when it has none, {@code compute} makes them, given the entry's folder (for a tiled solve's
     * tiles), and they are stored. A numbers file whose key text differs from the key's is refused (never reused).
     */
    static Lookup computeIfAbsent(Path cache, Key key, Function<Path, ObjectNode> compute) {
        Path entry = cache.toAbsolutePath().normalize().resolve(key.hex());
        try {
            Files.createDirectories(entry);
        } catch (IOException e) {
            throw new BadInputException("--kernel-cache " + cache + ": cannot make " + entry + " (" + e.getMessage() + "). Give a writable folder.");
        }
        synchronized (LOCKS.computeIfAbsent(entry, p -> new Object())) {
            try (FileChannel channel = FileChannel.open(entry.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                ObjectNode stored = read(entry, key);
                if (stored != null) return new Lookup(stored, true);
                AtomicFile.writeString(entry.resolve(KEY_TEXT), key.text());
                ObjectNode numbers = compute.apply(entry);
                AtomicFile.writeString(entry.resolve(NUMBERS), Json.MAPPER.writeValueAsString(numbers) + "\n");
                return new Lookup(numbers, false);
            } catch (IOException e) {
                throw new UncheckedIOException(entry + ": " + e.getMessage(), e);
            }
        }
    }

    /** The stored numbers, or null when there are none yet. */
    private static ObjectNode read(Path entry, Key key) throws IOException {
        Path numbers = entry.resolve(NUMBERS);
        if (!Files.isRegularFile(numbers)) return null;
        String text = Files.isRegularFile(entry.resolve(KEY_TEXT)) ? Files.readString(entry.resolve(KEY_TEXT), StandardCharsets.UTF_8) : "";
        if (!text.equals(key.text()))
            throw new BadInputException("--kernel-cache: " + entry + " holds the prediction of another kernel or data set (its key.txt differs from this"
                    + " run's); delete that folder.");
        JsonNode node = Json.MAPPER.readTree(numbers.toFile());
        if (!(node instanceof ObjectNode o))
            throw new BadInputException("--kernel-cache: " + numbers + " is not a JSON object; delete " + entry + ".");
        return o;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
