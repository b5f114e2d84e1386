package overparam.lab.report;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's package {@code chromium}) for tests that look at a page the way a person does: the
 * DOM after rendering, a screenshot, and the browser's log. Every process is bounded by a timeout, so a hung
 * browser fails the test instead of hanging the build.
 */
final class Chromium {
    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    private static final long RENDER_SECONDS = 60;
    // Headless Chromium logs no console message (so no "Failed to load resource") without DevTools attached; these two
    // modules log, at verbosity 1 and 2, every file it reads and every request a page's renderer starts.
    private static final String LOADS = "file_url_loader_factory=1,renderer_url_loader_throttle=2";
    private static final Pattern LOAD = Pattern.compile("FileURLLoader::Start: (\\S+)|WillStartRequest : \\w+: (\\S+)");

    /** What one run printed: stdout, stderr. */
    record Output(String stdout, String stderr) {}

    private Chromium() {}

    /** /usr/bin/chromium; .ci/run installs it (Debian's package chromium) before it runs the browser-tagged tests. */
    static Path require() {
        if (Files.isExecutable(EXECUTABLE)) return EXECUTABLE;
        return fail("Chromium is needed to render report.html: " + EXECUTABLE + " is missing. .ci/run installs it"
                + " (apt-get install -y --no-install-recommends chromium) before running this browser-tagged test.");
    }

    /** The page's DOM once rendered (--dump-dom), with Chromium's log on stderr. */
    static Output dumpDom(Path page) {
        return browse(page, List.of("--dump-dom"));
    }

    /** A screenshot of the page at width x height CSS pixels, written to png. */
    static Output screenshot(Path page, Path png, int width, int height) {
        return browse(page, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars"));
    }

    private static Output browse(Path page, List<String> what) {
        Path profile = null;
        try {
            profile = Files.createTempDirectory("chromium-profile");
            List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--vmodule=" + LOADS));
            command.addAll(what);
            command.add(page.toAbsolutePath().toUri().toString());
            return run(command, RENDER_SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(profile);
        }
    }

    /** Every URL the browser read from disk or a page asked for, from a run's log: the page itself, then what it loads. */
    static List<String> loads(String stderr) {
        List<String> urls = new ArrayList<>();
        Matcher m = LOAD.matcher(stderr);
        while (m.find()) urls.add(m.group(1) != null ? m.group(1) : m.group(2));
        return urls;
    }

    /** Runs a command with its output in files (no pipe to fill up), killing it and its children after the timeout. */
    static Output run(List<String> command, long seconds) {
        Path out = null, err = null;
        try {
            out = Files.createTempFile("proc", ".out");
            err = Files.createTempFile("proc", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return fail("cannot start " + command.get(0) + ": " + e.getMessage());
            }
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return fail(String.join(" ", command) + " did not finish within " + seconds + " s; stderr:\n"
                        + tail(Files.readString(err, StandardCharsets.UTF_8)));
            }
            return new Output(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + command.get(0));
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static String tail(String text) {
        String[] lines = text.strip().split("\n");
        return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 8), lines.length));
    }

    private static void delete(Path path) {
        if (path == null || !Files.exists(path)) return;
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temporary profile is harmless
        }
    }
}
