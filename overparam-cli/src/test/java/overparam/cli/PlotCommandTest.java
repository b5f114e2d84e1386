package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.lab.report.FigureFiles;

/** plot on a small real experiment and on one of its run folders, its refusals, and report --latex. */
class PlotCommandTest {
    @TempDir static Path tmp;
    static Path out;

    static final String SPEC = """
            name: tiny-plot
            base:
              arch: two-layer
              activation: relu
              synthetic: sphere
              data_seed: 0
              n: 6
              d: 3
              eta: 0.2
              steps: 40
              record_every: 10
            sweep:
              width: [32, 128]
              seed: [0, 1, 2]
            figures:
              - type: curves
                title: "loss"
                y: loss
                group: width
                log_y: true
            checks:
              - name: "loss_ratio <= 90% & #1 {of} ~all~"
                type: converges
                ratio: 0.9
            """;

    @BeforeAll
    static void runOnce() throws Exception {
        Path spec = tmp.resolve("tiny-plot.yaml");
        Files.writeString(spec, SPEC);
        out = tmp.resolve("tiny-plot");
        CliRun r = CliRun.of("run", spec.toString(), "--out", out.toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
    }

    @Test
    void aMetricOverStepsByWidthWithItsTIntervalBand() throws Exception {
        CliRun r = CliRun.of("plot", out.toString(), "loss", "--by", "width", "--logy");
        assertEquals(0, r.exit(), r.err());
        String name = "loss_vs_step_by_width_logy";
        Path plots = out.resolve("plots");
        assertEquals(List.of(".png", ".svg", ".pdf", ".caption.txt").stream().map(e -> plots.resolve(name + e).toString()).toList(),
                r.out().lines().toList(), "the four paths, one per line");
        BufferedImage png = ImageIO.read(plots.resolve(name + ".png").toFile());
        assertEquals(FigureFiles.PNG_WIDTH, png.getWidth());
        assertEquals(FigureFiles.PNG_HEIGHT, png.getHeight());
        String svg = Files.readString(plots.resolve(name + ".svg"));
        assertTrue(svg.contains(">mean, 95% t-interval over 3 seeds</text>"), "the band's meaning in the legend");
        assertTrue(svg.contains(">width = 32</text>") && svg.contains(">width = 128</text>"), "one line per width");
        String caption = Files.readString(plots.resolve(name + ".caption.txt"));
        assertTrue(caption.startsWith("loss over the training steps, one line per width, from experiment tiny-plot"), caption);
        assertTrue(caption.contains("band: its 95% t-interval (Student t, n - 1 degrees of freedom), n = 3."), caption);
    }

    @Test
    void aFinalValueAgainstASweepVariableWithMinMax() throws Exception {
        Path elsewhere = tmp.resolve("figs");
        CliRun r = CliRun.of("plot", out.toString(), "final:loss", "--x", "width", "--logx", "--logy", "--band", "minmax", "--out", elsewhere.toString());
        assertEquals(0, r.exit(), r.err());
        String name = "final-loss_vs_width_logx_logy_minmax";
        assertEquals(elsewhere.resolve(name + ".png").toString(), r.out().lines().findFirst().orElseThrow());
        String caption = Files.readString(elsewhere.resolve(name + ".caption.txt"));
        assertTrue(caption.contains("Y: the last recorded value of loss in each run (step 40)."), caption);
        assertTrue(caption.contains("band: the smallest to the largest run, n = 3."), caption);
        PdfReader reader = new PdfReader(Files.readAllBytes(elsewhere.resolve(name + ".pdf")));
        String text = new PdfTextExtractor(reader).getTextFromPage(1);
        reader.close();
        assertTrue(text.contains("width") && text.contains("final:loss") && text.contains("mean, min-max over 3 seeds"), text);
    }

    @Test
    void runsThatDifferInMoreThanTheSeedAreSaidToBePooled() throws Exception {
        CliRun r = CliRun.of("plot", out.toString(), "loss", "--out", tmp.resolve("pooled").toString());
        assertEquals(0, r.exit(), r.err());
        String caption = Files.readString(tmp.resolve("pooled").resolve("loss_vs_step.caption.txt"));
        assertTrue(caption.contains("the mean over the runs") && caption.contains("pools runs that differ in seed, width"), caption);
        assertTrue(Files.readString(tmp.resolve("pooled").resolve("loss_vs_step.svg")).contains(">mean, 95% t-interval over 6 runs</text>"));
    }

    @Test
    void aMetricThatStartsAtZeroOnALogAxisGetsANote() throws Exception {
        CliRun r = CliRun.of("plot", out.toString(), "weight_movement.total", "--by", "width", "--logy", "--where", "seed=0", "--out", tmp.resolve("zero").toString());
        assertEquals(0, r.exit(), r.err());
        String name = "weight_movement.total_vs_step_by_width_where_seed_0_logy";
        String caption = Files.readString(tmp.resolve("zero").resolve(name + ".caption.txt"));
        assertTrue(caption.contains("2 points <= 0 not shown on the log weight_movement.total axis."), "step 0 of each width: " + caption);
        assertTrue(Files.readString(tmp.resolve("zero").resolve(name + ".svg")).contains("Note: 2 points &lt;= 0 not shown"), "and in the figure");
        assertTrue(caption.contains("(no band: n = 1)."), caption);
    }

    @Test
    void oneRunFolder() throws Exception {
        Path cell;
        try (Stream<Path> cells = Files.list(out.resolve("cells"))) {
            cell = cells.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
        }
        CliRun r = CliRun.of("plot", cell.toString(), "loss", "--logy", "--out", tmp.resolve("one").toString());
        assertEquals(0, r.exit(), r.err());
        String caption = Files.readString(tmp.resolve("one").resolve("loss_vs_step_logy.caption.txt"));
        assertTrue(caption.contains("from the run " + cell) && caption.contains("(no band: n = 1)."), caption);
        assertTrue(ImageIO.read(tmp.resolve("one").resolve("loss_vs_step_logy.png").toFile()) != null);
    }

    @Test
    void aStoreOfAnEarlierVersionIsReadNotUpgraded() throws Exception {
        // a copy of the experiment whose store lacks the provenance table, as a store written before provenance does
        Path old = tmp.resolve("old-store");
        Files.createDirectories(old);
        Files.copy(out.resolve("results.sqlite"), old.resolve("results.sqlite"));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + old.resolve("results.sqlite"));
             java.sql.Statement s = c.createStatement()) {
            s.execute("DROP TABLE provenance");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        byte[] before = Files.readAllBytes(old.resolve("results.sqlite"));
        CliRun r = CliRun.of("plot", old.toString(), "loss", "--by", "width", "--out", tmp.resolve("old-plots").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(old.resolve("results.sqlite"))), "plot only reads the store: it adds no table");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String dir = out.toString();
        refused("METRIC los: not recorded here; did you mean loss? Recorded over steps: ", dir, "los");
        refused("--by wdith: no such configuration field; did you mean width? The fields that vary here: seed, width", dir, "loss", "--by", "wdith");
        refused("--x wdith: no such configuration field", dir, "final:loss", "--x", "wdith");
        refused("--x activation: not a number in every cell", dir, "final:loss", "--x", "activation");
        refused("no cell of " + dir + " matches (width takes 32, 128)", dir, "loss", "--where", "width=999");
        refused("--where width: expected FIELD=VALUE", dir, "loss", "--where", "width");
        refused("METRIC final:loss: one number per run, not a series over steps", dir, "final:loss");
        refused("METRIC final_loss: a per-run value, not recorded over steps", dir, "final_loss");
        refused("--band sd: expected ci95 or minmax", dir, "loss", "--band", "sd");
        refused(empty + ": neither an experiment folder (results.sqlite) nor a run folder", empty.toString(), "loss");
    }

    private static void refused(String message, String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "plot";
        System.arraycopy(args, 0, full, 1, args.length);
        CliRun r = CliRun.of(full);
        assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.errorLines(), r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    }

    @Test
    void reportWritesFigureFilesAndWithLatexTheVerdictsTable() throws Exception {
        CliRun r = CliRun.of("report", out.toString(), "--latex");
        assertEquals(0, r.exit(), r.err());
        Path tex = out.resolve("verdicts.tex");
        assertTrue(r.out().contains("latex: " + tex), r.out());
        String table = Files.readString(tex);
        assertTrue(table.contains("\\begin{tabular}") && table.contains("\\toprule") && table.contains("\\midrule") && table.contains("\\bottomrule"), table);
        assertTrue(table.contains("Check & Verdict & Estimate [95\\% interval] & Prediction & Cells \\\\"), table);
        assertTrue(table.contains("loss\\_ratio \\textless{}= 90\\% \\& \\#1 \\{of\\} \\textasciitilde{}all\\textasciitilde{} & HOLDS & "), table);
        assertTrue(table.contains(" & 6 of 6 \\\\"), table);
        for (String ext : List.of(".png", ".svg", ".pdf", ".caption.txt"))
            assertTrue(Files.size(out.resolve("figures").resolve("figure-1_loss_vs_step_by_width" + ext)) > 0, ext);
    }
}
