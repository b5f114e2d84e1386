package overparam.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OpenBLAS in use is the one bundled with org.bytedeco, whatever the machine has installed. A system library
 * would differ by machine, and Debian's libopenblas0-pthread (which numpy and scipy pull in) has no LAPACKE: loaded in
 * place of the bundled one it ends the JVM with "undefined symbol: LAPACKE_dsytrd". The presets load a system library
 * only when the property org.bytedeco.openblas.load names one, so no build or launcher sets it.
 */
class BundledOpenBlasTest {
    @Test
    void openBlasComesFromTheBundledNatives() throws IOException {
        assertEquals("", System.getProperty("org.bytedeco.openblas.load", ""),
                "org.bytedeco.openblas.load makes JavaCPP prefer a system libopenblas.so.0; the tests must not set it");
        assertTrue(Linalg.blasVersion().startsWith("OpenBLAS"));          // loads the natives
        Path cache = Linalg.nativeCache().toRealPath();
        Map<String, String> loaded = Linalg.loadedLibraries();
        long openBlas = 0;
        for (Map.Entry<String, String> e : loaded.entrySet()) {
            if (!e.getKey().toLowerCase().contains("openblas")) continue;
            openBlas++;
            Path file = Path.of(e.getValue()).toRealPath();
            assertTrue(file.startsWith(cache), e.getKey() + " was loaded from " + file + ", not from the bundled natives in " + cache);
        }
        assertFalse(openBlas == 0, "no OpenBLAS library among the loaded ones: " + loaded);
    }
}
