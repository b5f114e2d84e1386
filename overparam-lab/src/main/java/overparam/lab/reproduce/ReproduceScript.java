package overparam.lab.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import overparam.core.data.AtomicFile;
import overparam.lab.plan.RunConfig;

/**
 * A run folder's config.json (the resolved {@link RunConfig}, every default filled in: {@link RunConfig#read} loads it
 * back) and reproduce.sh: the one `./overparam train` command that redoes the run bit for bit (same configuration, seed
 * and thread count) into a new folder, reading the data from the folder's copies (data/) or, for files above the copy
 * limit, from their absolute paths. Option --x-y is configuration field x_y, written --x-y=VALUE (one word per option, so
 * a value that starts with '-' stays a value).
 */
public final class ReproduceScript {
    public static final String CONFIG = "config.json", SCRIPT = "reproduce.sh";
    /** The environment variable that overrides the launcher reproduce.sh runs. */
    public static final String LAUNCHER_VARIABLE = "OVERPARAM";

    private ReproduceScript() {}

    /** Writes dir/config.json and dir/reproduce.sh (executable), each atomically. */
    public static void write(Path dir, RunConfig resolved, DataManifest manifest) {
        // without out: where the run was written is no part of what it computes (summary.json records it), and a cell that
        // ran in a Spark executor's scratch folder must leave the same config.json as one that ran in place
        // nor kernel_cache: a rerun (verify) computes its kernel prediction afresh instead of reading the experiment's shared one
        AtomicFile.writeString(dir.resolve(CONFIG), resolved.with("out", null).with("kernel_cache", null).toJson().toPrettyString() + "\n");
        Path script = dir.resolve(SCRIPT);
        AtomicFile.writeString(script, text(resolved, manifest, launcher()));
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            // a file system without permissions: `bash reproduce.sh` still runs it
        }
    }

    static String text(RunConfig resolved, DataManifest manifest, String launcher) {
        return "#!/usr/bin/env bash\n"
                + "# Redoes this run bit for bit into a new folder (the same resolved configuration as config.json, the same seed and\n"
                + "# thread count), reading the data from this folder's copies (data/) or, where it names an absolute path, the original\n"
                + "# files (summary.json's data.files has their SHA-256). `./overparam verify` on this folder reruns it and compares.\n"
                + "#   bash reproduce.sh [NEW_DIR]        default NEW_DIR: this folder's path followed by -reproduced\n"
                + "#   " + LAUNCHER_VARIABLE + "=path/to/overparam bash reproduce.sh    another launcher than the one that made the run\n"
                + "set -euo pipefail\n"
                + "here=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n"
                + "exec \"${" + LAUNCHER_VARIABLE + ":-" + launcher.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`") + "}\" "
                + String.join(" \\\n  ", words(resolved, manifest)) + " \\\n  \"--out=${1:-$here-reproduced}\"\n";
    }

    /** "train" and one --field=value word per set field but out and kernel_cache; file fields point at the copies ("$here"/data/..) or absolute paths. */
    static List<String> words(RunConfig resolved, DataManifest manifest) {
        List<String> words = new ArrayList<>(List.of("train"));
        ObjectNode config = resolved.toJson();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("out") || e.getKey().equals("kernel_cache") || e.getValue().isNull()) continue;
            String option = "--" + e.getKey().replace('_', '-') + "=";
            DataManifest.InputFile file = manifest.files().stream().filter(f -> f.field().equals(e.getKey())).findFirst().orElse(null);
            if (file == null) words.add(ShellWords.quote(option + e.getValue().asText()));
            else if (file.copy() != null) words.add("\"" + option + "$here/\"" + ShellWords.quote(file.copy()));
            else words.add(ShellWords.quote(option + file.absolute()));
        }
        return words;
    }

    /**
     * The launcher to run: the ./overparam script of the repository this process came from (the launcher sets overparam.home;
     * else the nearest ancestor of the working folder holding one), else "overparam" on the PATH.
     */
    static String launcher() {
        String home = System.getProperty("overparam.home");
        if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home, "overparam"))) return Path.of(home, "overparam").toAbsolutePath().toString();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("overparam")) && Files.isRegularFile(p.resolve("pom.xml"))) return p.resolve("overparam").toString();
        return "overparam";
    }
}
