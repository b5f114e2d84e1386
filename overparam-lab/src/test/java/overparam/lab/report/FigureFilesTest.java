package overparam.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** A figure's three files and caption: each decodes as what it claims to be and carries the figure's text. */
class FigureFilesTest {
    /** Three seeds of a loss falling over twelve decades at steps 0..120 (seed s scales it by 1 + s / 10), per width. */
    static BandChart.Built chart(String yLabel) {
        List<BandChart.Series> lines = new ArrayList<>();
        for (int width : new int[] {64, 256}) {
            NavigableMap<Double, List<Double>> values = new TreeMap<>();
            for (int step = 0; step <= 120; step += 10) {
                List<Double> seeds = new ArrayList<>();
                for (int s = 0; s < 3; s++) seeds.add((1 + s / 10.0) * Math.pow(10, -step / 10.0) * 64.0 / width);
                values.put((double) step, seeds);
            }
            lines.add(new BandChart.Series("width = " + width, values));
        }
        return BandChart.build(lines, Band.CI95, "seeds", new BandChart.Axes("step", yLabel, false, true, true), true, true);
    }

    @Test
    void writesAPngSvgPdfAndCaptionThatEachHoldTheFigure(@TempDir Path dir) throws Exception {
        FigureFiles.Written w = FigureFiles.write(chart("training_loss").chart(), dir, "training_loss_vs_step_by_width", "Figure 1. The loss.");
        assertEquals(List.of("training_loss_vs_step_by_width.png", "training_loss_vs_step_by_width.svg", "training_loss_vs_step_by_width.pdf",
                "training_loss_vs_step_by_width.caption.txt"), w.all().stream().map(p -> p.getFileName().toString()).toList());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(4, files.count(), "the four files and no .partial debris");
        }

        BufferedImage png = ImageIO.read(w.png().toFile());
        assertEquals(FigureFiles.PNG_WIDTH, png.getWidth());
        assertEquals(FigureFiles.PNG_HEIGHT, png.getHeight());
        assertEquals(1280, FigureFiles.PNG_WIDTH, "twice the 640 x 400 canvas");
        int background = png.getRGB(2, 2), drawn = 0;
        for (int y = 0; y < png.getHeight(); y += 2)
            for (int x = 0; x < png.getWidth(); x += 2) if (png.getRGB(x, y) != background) drawn++;
        assertTrue(drawn > 5000, "lines, bands and text, not a blank page: " + drawn + " non-background pixels");

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document svg = f.newDocumentBuilder().parse(w.svg().toFile());
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", svg.getDocumentElement().getNamespaceURI());
        List<String> texts = new ArrayList<>();
        NodeList nodes = svg.getElementsByTagNameNS("*", "text");
        for (int i = 0; i < nodes.getLength(); i++) texts.add(nodes.item(i).getTextContent());
        assertTrue(texts.contains("training_loss") && texts.contains("step"), "both axis labels are SVG text: " + texts);
        assertTrue(texts.contains("mean, 95% t-interval over 3 seeds"), "the band's legend entry: " + texts);

        PdfReader reader = new PdfReader(Files.readAllBytes(w.pdf()));
        String text = new PdfTextExtractor(reader).getTextFromPage(1);
        reader.close();
        assertTrue(text.contains("training_loss") && text.contains("step"), "the PDF's text has the axis labels: " + text);
        assertTrue(text.contains("width = 256") && text.contains("95% t-interval"), "and the legend: " + text);
        assertTrue(text.contains("10⁻¹²"), "log ticks stay text in the PDF, superscripts included: " + text);

        assertEquals("Figure 1. The loss.\n", Files.readString(w.caption()));
    }

    /** Twelve decades on a 400-pixel figure: every power of ten has its label (the axis once labelled every second one). */
    @Test
    void aLogAxisLabelsEveryDecade() {
        String svg = Style.svg(chart("loss").chart(), "f");
        for (int k = -12; k <= 0; k++)   // the data span 2.5e-13 .. 1.2
            assertTrue(svg.contains(">10" + LogScaleAxis.superscript(k) + "</text>"), "10^" + k + " labelled");
    }

    @Test
    void theBandIsTheMeansTIntervalOrTheRange() {
        List<Double> v = List.of(1.0, 2.0, 6.0);   // mean 3, s = sqrt(7), t(0.975; 2) = 4.302652729911275 (tables)
        double[] ci = Band.CI95.interval(v);
        double half = 4.302652729911275 * Math.sqrt(7.0) / Math.sqrt(3);
        assertEquals(3, ci[0], 1e-12);
        assertEquals(3 - half, ci[1], 1e-9);
        assertEquals(3 + half, ci[2], 1e-9);
        assertEquals(List.of(3.0, 1.0, 6.0), java.util.Arrays.stream(Band.MINMAX.interval(v)).boxed().toList());
        assertEquals("mean, 95% t-interval over 5 seeds", Band.CI95.legend(5, 5, "seeds"));
        assertEquals("mean, min-max over 2-4 runs", Band.MINMAX.legend(2, 4, "runs"));
    }

    /** A log axis cannot show 0 or less: the points are counted in a note the figure and its caption carry, not dropped silently. */
    @Test
    void pointsAtOrBelowZeroOnALogAxisAreCountedInANote() {
        NavigableMap<Double, List<Double>> values = new TreeMap<>(Map.of(0.0, List.of(0.0, 0.0), 10.0, List.of(0.5, 0.7), 20.0, List.of(0.1, -0.05),
                30.0, List.of(-1.0, -2.0)));
        BandChart.Built built = BandChart.build(List.of(new BandChart.Series("movement", values)), Band.MINMAX, "seeds",
                new BandChart.Axes("step", "movement", false, true, true), false, true);
        assertTrue(built.notes().contains("2 points <= 0 not shown on the log movement axis"), built.notes().toString());
        assertTrue(built.notes().stream().anyMatch(n -> n.startsWith("at 1 point the band's low end is <= 0")), built.notes().toString());
        assertTrue(Style.svg(built.chart(), "f").contains("Note: 2 points &lt;= 0 not shown on the log movement axis"), "the figure says it too");

        BandChart.Built linear = BandChart.build(List.of(new BandChart.Series("movement", values)), Band.MINMAX, "seeds",
                new BandChart.Axes("step", "movement", false, false, true), false, true);
        assertTrue(linear.notes().isEmpty(), "a linear axis shows every point: " + linear.notes());
    }
}
