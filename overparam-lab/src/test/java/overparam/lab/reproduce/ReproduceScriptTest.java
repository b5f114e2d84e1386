package overparam.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.lab.plan.RunConfig;

/** The words reproduce.sh runs: every set field but out as --x-y=VALUE, files at the folder's copies or their absolute paths. */
class ReproduceScriptTest {
    @TempDir Path tmp;

    RunConfig config() throws IOException {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, "{\"arch\": \"fc\", \"leaky_slope\": -0.1, \"data\": \"in/X.npy\", \"labels\": \"big/y.npy\", \"label\": \"a b\","
                + " \"out\": \"runs/x\"}");
        return RunConfig.read(file);
    }

    @Test
    void copiedFilesAreReadFromTheFolderAndOthersFromTheirAbsolutePaths() throws IOException {
        RunConfig config = config();
        DataManifest manifest = new DataManifest("files", List.of(
                new DataManifest.InputFile("data", "in/X.npy", "/home/u/in/X.npy", 80, "ab", "data/X.npy"),
                new DataManifest.InputFile("labels", "big/y.npy", "/data/big/y.npy", 1L << 30, "cd", null)), null, Map.of());
        List<String> words = ReproduceScript.words(config, manifest);
        assertEquals(List.of("train", "--arch=fc", "--leaky-slope=-0.1", "\"--data=$here/\"data/X.npy", "--labels=/data/big/y.npy", "'--label=a b'"), words);
        String text = ReproduceScript.text(config, manifest, "/opt/over param/overparam");
        assertTrue(text.contains("exec \"${OVERPARAM:-/opt/over param/overparam}\" train \\\n  --arch=fc"), text);
        assertTrue(text.endsWith("\"--out=${1:-$here-reproduced}\"\n"), text);
    }
}
