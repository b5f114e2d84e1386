package overparam.lab.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overparam.core.data.AtomicFile;
import overparam.core.data.Dataset;
import overparam.lab.data.RunData;
import overparam.lab.plan.DataPlan;
import overparam.lab.plan.RunPlan;

/**
 * What a run read, so that it can be redone and checked (summary.json's "data" block): each file the user named (--data,
 * --labels, --test-data, --test-labels, --init) with its path, size and the SHA-256 of its bytes, copied into the run's
 * data/ folder when all of them together are at most {@link #COPY_LIMIT_BYTES}; the selection that names a packaged or
 * generated data set (its fields of the configuration); and the SHA-256 of the matrices the network trained and was tested
 * on (after selection, scaling, splits and label noise), which also checks a packaged set whose files are not copied.
 */
public record DataManifest(String kind, List<InputFile> files, ObjectNode selection, Map<String, String> matrices) {
    /** The most bytes of user files copied into a run folder: above it the folder records paths and digests only. */
    public static final long COPY_LIMIT_BYTES = 64L << 20;
    public static final String FOLDER = "data";
    /** The configuration fields that name files, in the order the command line takes them. */
    static final List<String> FILE_FIELDS = List.of("data", "labels", "test_data", "test_labels", "init", "mask");
    static final String MATRIX_ORDER = "float64 little-endian, row-major";

    /**
     * One file a run read.
     *
     * @param field the configuration field (--data is data)
     * @param path the path as given
     * @param copy the copy's path relative to the run folder (data/X.npy), or null when not copied
     */
    public record InputFile(String field, String path, String absolute, long bytes, String sha256, String copy) {}

    /** Hashes the run's input files and data, and copies the files into dir/data/ when they are small enough (each atomically). */
    public static DataManifest record(RunPlan plan, RunData data, Path dir) {
        return record(plan, data, dir, matrixHashes(data));
    }

    /** As {@link #record(RunPlan, RunData, Path)}, with the matrices' digests already made ({@link #matrixHashes}). */
    public static DataManifest record(RunPlan plan, RunData data, Path dir, Map<String, String> matrices) {
        List<Path> given = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        for (String field : FILE_FIELDS) {
            String path = fileField(plan, field);
            if (path != null) {
                fields.add(field);
                given.add(Path.of(path));
            }
        }
        long total = 0;
        for (Path p : given) total += size(p);
        boolean copy = total <= COPY_LIMIT_BYTES;
        List<InputFile> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            Path p = given.get(i);
            String copyName = null, sha;
            if (copy) {
                String name = p.getFileName().toString();
                if (!names.add(name)) names.add(name = fields.get(i) + "_" + name);          // two files of one name from two folders
                copyName = FOLDER + "/" + name;
                sha = copyInto(p, dir.resolve(FOLDER).resolve(name));
            } else {
                sha = Sha256.ofFile(p);
            }
            files.add(new InputFile(fields.get(i), p.toString(), p.toAbsolutePath().normalize().toString(), size(p), sha, copyName));
        }
        return new DataManifest(kind(plan.data().inputs()), files, selection(plan), matrices);
    }

    /**
     * The SHA-256 of the matrices the network trains, is tested and validated on (train_x, train_y, test_x, test_y,
     * validation_x, validation_y), made once a run: the manifest keeps them, and --kernel-cache keys its entries by them.
     */
    public static Map<String, String> matrixHashes(RunData data) {
        Map<String, String> matrices = new LinkedHashMap<>();
        matrices.put("train_x", Sha256.ofMatrix(data.train().x()));
        matrices.put("train_y", Sha256.ofMatrix(data.train().y()));
        Dataset test = data.test();
        if (test != null) {
            matrices.put("test_x", Sha256.ofMatrix(test.x()));
            matrices.put("test_y", Sha256.ofMatrix(test.y()));
        }
        Dataset validation = data.validation();
        if (validation != null) {
            matrices.put("validation_x", Sha256.ofMatrix(validation.x()));
            matrices.put("validation_y", Sha256.ofMatrix(validation.y()));
        }
        return matrices;
    }

    /** The path a file field names, or null: --data names a file only when it is not a packaged set's name or an IDX folder. */
    static String fileField(RunPlan plan, String field) {
        if (field.equals("data") && !(plan.data().inputs() instanceof DataPlan.FileInputs)) return null;
        JsonNode v = plan.config().toJson().get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Adds the manifest to summary.json's "data" object. */
    public void writeInto(ObjectNode d) {
        d.put("kind", kind);
        d.set("selection", selection);
        ArrayNode list = d.putArray("files");
        for (InputFile f : files) {
            ObjectNode o = list.addObject();
            o.put("field", f.field());
            o.put("path", f.path());
            o.put("absolute", f.absolute());
            o.put("bytes", f.bytes());
            o.put("sha256", f.sha256());
            if (f.copy() != null) o.put("copy", f.copy());
            else o.putNull("copy");
        }
        d.put("copy_limit_bytes", COPY_LIMIT_BYTES);
        ObjectNode m = d.putObject("sha256");
        m.put("order", MATRIX_ORDER);
        matrices.forEach(m::put);
    }

    /** The manifest summary.json's "data" block holds (files and matrix digests; the rest is for the reader). */
    public static DataManifest read(JsonNode d) {
        List<InputFile> files = new ArrayList<>();
        if (d != null && d.has("files"))
            for (JsonNode f : d.get("files"))
                files.add(new InputFile(f.get("field").asText(), f.get("path").asText(), f.get("absolute").asText(), f.get("bytes").asLong(),
                        f.get("sha256").asText(), f.get("copy").isNull() ? null : f.get("copy").asText()));
        Map<String, String> matrices = new LinkedHashMap<>();
        if (d != null && d.has("sha256"))
            d.get("sha256").fields().forEachRemaining(e -> { if (!e.getKey().equals("order")) matrices.put(e.getKey(), e.getValue().asText()); });
        return new DataManifest(d != null && d.has("kind") ? d.get("kind").asText() : null, files,
                d != null && d.get("selection") instanceof ObjectNode s ? s : null, matrices);
    }

    private static String kind(DataPlan.Inputs inputs) {
        if (inputs instanceof DataPlan.FileInputs) return "files";
        if (inputs instanceof DataPlan.ImageInputs) return "image-set";
        if (inputs instanceof DataPlan.TabularInputs) return "tabular-set";
        return "synthetic";
    }

    /** The fields of the configuration that choose the data (for a packaged or generated set, its name and selection). */
    private static ObjectNode selection(RunPlan plan) {
        List<String> fields = switch (kind(plan.data().inputs())) {
            case "files" -> List.of("data", "labels", "labels_from", "teacher_width", "teacher_norm", "test_data", "test_labels", "test_fraction");
            case "image-set" -> List.of("data", "classes", "per_class", "test_per_class", "unit_norm", "center");
            case "tabular-set" -> List.of("data", "classes", "test_fraction", "unit_norm");
            default -> List.of("synthetic", "n", "d", "pixels", "subspace_dim", "labels_from", "teacher_width", "teacher_norm", "test_n",
                    "test_fraction", "fresh_samples");
        };
        ObjectNode config = plan.config().toJson(), s = overparam.lab.run.Json.object();
        for (String f : fields) if (config.has(f) && !config.get(f).isNull()) s.set(f, config.get(f));
        for (String f : List.of("label_noise", "label_noise_sd", "validation_n", "data_seed", "seed")) if (config.has(f)) s.set(f, config.get(f));
        return s;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + p + ", which the run read a moment ago", e);
        }
    }

    private static String copyInto(Path source, Path target) {
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw AtomicFile.failed(target, e);
        }
        String[] sha = new String[1];
        AtomicFile.write(target, ch -> {
            try (OutputStream out = new BufferedOutputStream(AtomicFile.stream(ch), 1 << 16)) {
                sha[0] = Sha256.copy(source, out);
            }
        });
        return sha[0];
    }
}
