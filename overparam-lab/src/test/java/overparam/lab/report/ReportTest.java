package overparam.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.lab.check.Fit;
import overparam.lab.check.Verdict;
import overparam.lab.store.CellResult;

class ReportTest {
    static final Report.Header HEADER = new Report.Header("width-sweep", "Loss & movement <vs> width",
            "Du, Lee, Li, Wang, Zhai (2019), Gradient Descent Finds Global Minima of Deep Neural Networks",
            "Theorem 6.1: with m = Omega(n^4 / lambda_0^4) the loss decays linearly at rate eta lambda_0 / 2",
            "./overparam run width-sweep --out runs/width-sweep");
    static final List<FigureSpec> FIGURES = List.of(
            new FigureSpec("curves", "Training loss <&> its bound", "loss", null, "width", "loss_bound", false, true, null,
                    "Mean over 3 seeds, band from min to max; dashed: the theorem's bound."),
            new FigureSpec("scaling", "Weight movement", "weight_movement_scaled.total", "width", null, null, null, null, null,
                    "Distance travelled by the weights by the end of training."),
            new FigureSpec("scaling", "Least eigenvalue of the limit Gram matrix", "lambda_0", "width", "arch", null, true, true,
                    Map.of("arch", "fc"), "lambda_0 does not depend on the width."),
            new FigureSpec("curves", "A metric nobody recorded", "gram_change", null, "width", null, false, true, null, "Empty."),
            new FigureSpec("scaling", "Another architecture", "lambda_0", "width", null, null, null, null, Map.of("arch", "resnet"), null));
    static final List<Verdict> VERDICTS = List.of(
            new Verdict("weight movement ~ width^-1/2", Verdict.Outcome.HOLDS, "slope -0.49 [-0.55, -0.43]", "interval contains -0.5",
                    -0.49, -0.55, -0.43, 12, 12, null, ""),
            new Verdict("loss <= loss_bound", Verdict.Outcome.FAILS, "loss > bound at 3 of 120 steps", "every step: loss <= bound & rate >= eta lambda_0/2",
                    1.02, 1.02, 1.02, 12, 12, null, ""),
            new Verdict("gram change ~ m^-1", Verdict.Outcome.INCONCLUSIVE, "slope -0.9 [-1.3, -0.5]", "slope in [-1.2, -0.8]",
                    -0.9, -1.3, -0.5, 10, 12, 7, "partial: 10 of 12 cells (2 not run or unfinished)"));
    private static final int DRAWN = 3;

    @Test
    void writesOneSvgPerFigureTheFittedSlopesAndTheVerdicts(@TempDir Path store, @TempDir Path out) throws IOException {
        WidthSweep.Sweep sweep = WidthSweep.write(store);
        Path file = Report.write(out, HEADER, FIGURES, sweep.results(), VERDICTS);
        assertEquals(out.resolve("report.html"), file);
        String html = Files.readString(file, StandardCharsets.UTF_8);

        assertEquals(FIGURES.size(), count(html, "<figure "));
        assertEquals(DRAWN, count(html, "<svg"), "one inline SVG per figure with data");
        for (int i = 1; i <= DRAWN; i++) assertTrue(html.contains("<figure id=\"fig-" + i + "\""), "figure " + i);
        assertTrue(html.contains("class=\"figure curves empty\""), "the unrecorded metric's figure is marked empty");
        assertTrue(html.contains("No data: no cell recorded gram_change."), "a visible note in place of the empty figure");
        assertTrue(html.contains("No data: no cell matches arch = resnet."));

        // the fit in the caption is the one an independent least-squares fit of the written values gives
        double[] width = sweep.finalMovement().stream().mapToDouble(p -> p[0]).toArray();
        double[] movement = sweep.finalMovement().stream().mapToDouble(p -> p[1]).toArray();
        Fit fit = Fit.logLog(width, movement);
        assertTrue(fit.slopeLow() < -0.5 && -0.5 < fit.slopeHigh(), "the fixture is built with exponent -1/2: " + fit.describe());
        assertTrue(html.contains("slope " + fit.describe() + " over 12 runs"), "caption has the slope with its interval: " + fit.describe());
        assertTrue(svgOf(html, 2).contains("slope " + fit.describe()), "the legend has it too");
        assertTrue(html.contains("1 diverged cell left out."), "the diverged cell is named, not silently dropped");

        assertTrue(svgOf(html, 1).contains("width = 64") && svgOf(html, 1).contains("width = 512"), "legend per width");
        assertTrue(svgOf(html, 1).contains("stroke-dasharray"), "the bound is dashed");
        assertTrue(svgOf(html, 1).contains("fill-opacity:0.25"), "the seed band is translucent");
        assertTrue(svgOf(html, 1).contains(">10⁻²</text>"), "log ticks are 10^k as text");
        assertTrue(svgOf(html, 1).contains(">loss</text>") && svgOf(html, 1).contains(">step</text>"), "axis labels are text");

        assertTrue(html.contains("<span id=\"cells-done\">12</span> done, <span id=\"cells-diverged\">1</span> diverged"));
        assertTrue(html.contains("<td class=\"HOLDS\">HOLDS</td>") && html.contains("<td class=\"FAILS\">FAILS</td>"));
        assertTrue(html.contains("<td class=\"INCONCLUSIVE\">INCONCLUSIVE<span class=\"note\">about 7 seeds per cell would decide it</span>"
                + "<span class=\"note\">partial: 10 of 12 cells (2 not run or unfinished)</span>"), "an undecided verdict says what would decide it, and a partial one says so");
        assertTrue(html.contains("<td>-0.9000 [-1.300, -0.5000]</td><td>10 of 12</td>"), "each verdict's estimate, interval and cells");
        assertTrue(html.contains("<td>1.020 (exact)</td>"), "a per-cell fact has no sampling interval to show");
        assertTrue(html.contains("1 of 3 checks hold, 1 fails, 1 inconclusive") && html.contains("This experiment is partial"));
        assertTrue(html.contains("slope -0.49 [-0.55, -0.43]"));
        assertTrue(html.contains("loss &lt;= loss_bound") && html.contains("bound &amp; rate"), "verdicts are escaped");
        assertTrue(html.contains("<h1>Loss &amp; movement &lt;vs&gt; width</h1>"), "the title is escaped");
        assertTrue(html.contains("Training loss &lt;&amp;&gt; its bound"), "figure titles are escaped");
        assertFalse(html.contains("<vs>") || html.contains("<&>"), "no raw markup from the inputs");
        assertTrue(html.contains("./overparam run width-sweep"), "the command that made it");

        // every drawn figure is also a PNG, SVG, PDF and caption file in figures/, named by what it shows and listed under it
        List<String> names = List.of("figure-1_loss_vs_step_by_width", "figure-2_weight_movement_scaled.total_vs_width",
                "figure-3_lambda_0_vs_width_by_arch_where_arch_fc");
        for (String name : names) {
            for (String ext : List.of(".png", ".svg", ".pdf", ".caption.txt")) {
                assertTrue(Files.size(out.resolve("figures").resolve(name + ext)) > 0, name + ext);
                assertTrue(html.contains(">" + name + ext + "</a>"), "the page lists " + name + ext);
            }
        }
        try (var files = Files.list(out.resolve("figures"))) {
            assertEquals(4 * DRAWN, files.count(), "no files for the figures without data, no .partial debris");
        }
        String caption = Files.readString(out.resolve("figures").resolve(names.get(1) + ".caption.txt"));
        assertTrue(caption.startsWith("Figure 2. Weight movement.") && caption.contains("slope " + fit.describe()), caption);
        assertTrue(svgOf(html, 1).contains("min-max over 3 seeds"), "the legend says what the band is");
    }

    /** A scaling figure's y takes the names a check's does: steps_to:METRIC<=V is the first step the metric got there. */
    @Test
    void aScalingFigureTakesStepsToNames(@TempDir Path store) {
        List<CellResult> cells = WidthSweep.write(store).results().cells();
        List<Double> width = new ArrayList<>(), steps = new ArrayList<>();
        for (CellResult c : cells) {
            if (c.diverged()) continue;
            width.add(c.number("width"));
            steps.add((double) c.series("loss").entrySet().stream().filter(e -> e.getValue() <= 0.5).findFirst().orElseThrow().getKey());
        }
        Fit fit = Fit.logLog(width.stream().mapToDouble(v -> v).toArray(), steps.stream().mapToDouble(v -> v).toArray());
        Figures.Drawn drawn = Figures.draw(new FigureSpec("scaling", "Steps to half the loss", "steps_to:loss<=0.5", "width",
                null, null, null, null, null, null), cells);
        assertTrue(drawn.chart() != null, "drawn, not: " + drawn.note());
        assertTrue(drawn.remarks().get(0).contains("slope " + fit.describe() + " over 12 runs"), drawn.remarks().toString());
    }

    @Test
    void theSameResultsGiveTheSameBytes(@TempDir Path store, @TempDir Path a, @TempDir Path b) throws IOException {
        overparam.lab.store.Results results = WidthSweep.write(store).results();
        assertEquals(Files.readString(Report.write(a, HEADER, FIGURES, results, VERDICTS)),
                Files.readString(Report.write(b, HEADER, FIGURES, results, VERDICTS)), "a report is reproducible, like the runs");
    }

    @Test
    void aFigureWithoutDataIsANoteNotAFailure(@TempDir Path out) throws IOException {
        overparam.lab.store.Results nothing = new overparam.lab.store.Results("empty", List.of());
        Path file = Report.write(out, new Report.Header(null, null, null, null, null), FIGURES, nothing, List.of());
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(0, count(html, "<svg"));
        assertEquals(FIGURES.size(), count(html, "class=\"nodata\""));
        assertTrue(html.contains("This experiment has no checks."));
    }

    /**
     * The page as a person sees it: headless Chromium renders it, every figure's SVG is in the rendered DOM with
     * drawn content, nothing refers outside the page, the browser logs no failed load, and the screenshot is a
     * real picture (target/report-test/report.png, for a human to look at). Tagged "browser": the suite leaves it out,
     * and .ci/run runs it after the suite once it has installed Chromium (no unit test installs a browser).
     */
    @Test
    @org.junit.jupiter.api.Tag("browser")
    void rendersInChromiumWithEveryFigureAndNothingFailedToLoad(@TempDir Path store) throws IOException {
        long start = System.nanoTime();
        Chromium.require();
        long installed = System.nanoTime();
        Path dir = Path.of("target", "report-test").toAbsolutePath();
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("report.png"));
        Path page = Report.write(dir, HEADER, FIGURES, WidthSweep.write(store).results(), VERDICTS);

        Chromium.Output dom = Chromium.dumpDom(page);
        List<String> figures = elements(dom.stdout(), "figure");
        assertEquals(FIGURES.size(), figures.size(), "every figure is in the rendered DOM");
        for (int i = 0; i < DRAWN; i++) {
            String svg = elements(figures.get(i), "svg").stream().findFirst().orElse("");
            assertTrue(count(svg, "<path") + count(svg, "<line") >= 20, "figure " + (i + 1) + " has drawn content");
            assertTrue(count(svg, "<text") >= 8, "figure " + (i + 1) + " has its labels as text");
        }
        for (int i = DRAWN; i < FIGURES.size(); i++) assertTrue(figures.get(i).contains("No data:"), "figure " + (i + 1) + " says why it is empty");
        Matcher external = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:|file:|ftp:|//)|url\\(\\s*[\"']?(https?:|file:)").matcher(dom.stdout());
        assertFalse(external.find(), () -> "the page refers to an external resource: " + external.group());

        Path png = dir.resolve("report.png");
        Chromium.Output shot = Chromium.screenshot(page, png, 1000, 3000);
        long rendered = System.nanoTime();
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1000, image.getWidth());
        assertEquals(3000, image.getHeight());
        assertTrue(colours(image) > 50, "the screenshot shows figures, not a blank page: " + colours(image) + " colours");

        for (String log : List.of(dom.stderr(), shot.stderr()))
            for (String line : log.split("\n"))
                assertFalse(line.contains("Failed to load") || line.contains("ERR_"), "Chromium: " + line);
        String self = page.toUri().toString();
        for (Chromium.Output run : List.of(dom, shot))
            assertEquals(List.of(self), Chromium.loads(run.stderr()), "Chromium read the page and loaded nothing else");

        // control: the same log does show what a page with a broken image asks for, so the check above can fail
        Path broken = store.resolve("broken.html");
        Files.writeString(broken, "<!DOCTYPE html><p>x</p><img src=\"missing.png\">");
        List<String> brokenLoads = Chromium.loads(Chromium.dumpDom(broken).stderr());
        assertTrue(brokenLoads.contains(store.resolve("missing.png").toUri().toString()), "the load log sees a page's requests: " + brokenLoads);
        System.out.printf("ReportTest: Chromium ready in %.1f s, rendered (DOM + screenshot) in %.1f s; screenshot %s%n",
                (installed - start) / 1e9, (rendered - installed) / 1e9, png);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) n++;
        return n;
    }

    /** The inline SVG of figure n (1-based) in the written page. */
    private static String svgOf(String html, int n) {
        int from = html.indexOf("<figure id=\"fig-" + n + "\"");
        return html.substring(html.indexOf("<svg", from), html.indexOf("</svg>", from));
    }

    /** Each <tag ...>...</tag> element of the (not nested) kind in the markup. */
    private static List<String> elements(String markup, String tag) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<" + tag + "[\\s>].*?</" + tag + ">", Pattern.DOTALL).matcher(markup);
        while (m.find()) out.add(m.group());
        return out;
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3)
            for (int x = 0; x < image.getWidth(); x += 3) seen.add(image.getRGB(x, y));
        return seen.size();
    }
}
