package overparam.lab.report;

import com.lowagie.text.Document;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfWriter;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import overparam.core.data.AtomicFile;

/**
 * A figure as the files a paper takes: {@code NAME.png} (raster, twice the canvas, for slides and quick looks),
 * {@code NAME.svg} and {@code NAME.pdf} (vector, text kept as text: LaTeX's \includegraphics takes the PDF), and
 * {@code NAME.caption.txt}, its caption. Each is written atomically, so a file under its name is complete.
 * JFreeChart draws all three from one chart: PNG through ChartUtils, SVG through JFreeSVG, PDF through OpenPDF's
 * PdfGraphics2D with {@link PdfFonts}.
 */
public final class FigureFiles {
    /** The PNG's size in pixels: the 640 x 400 canvas at scale 2 (about 190 dpi at a paper's 6.7-inch text width). */
    public static final int PNG_SCALE = 2, PNG_WIDTH = Style.WIDTH * PNG_SCALE, PNG_HEIGHT = Style.HEIGHT * PNG_SCALE;
    public static final String CAPTION = ".caption.txt";

    private FigureFiles() {}

    /** The files of one figure, in the order they are printed. */
    public record Written(Path png, Path svg, Path pdf, Path caption) {
        public List<Path> all() { return List.of(png, svg, pdf, caption); }
    }

    /** Writes dir/NAME.png, .svg, .pdf and .caption.txt (replacing older ones of that name) and returns their paths. */
    public static Written write(JFreeChart chart, Path dir, String name, String caption) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw AtomicFile.failed(dir, e);
        }
        Written w = new Written(dir.resolve(name + ".png"), dir.resolve(name + ".svg"), dir.resolve(name + ".pdf"), dir.resolve(name + CAPTION));
        bytes(w.png(), png(chart));
        AtomicFile.writeString(w.svg(), svg(chart, name));
        bytes(w.pdf(), pdf(chart));
        AtomicFile.writeString(w.caption(), caption.strip() + "\n");
        return w;
    }

    static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeScaledChartAsPNG(out, chart, Style.WIDTH, Style.HEIGHT, PNG_SCALE, PNG_SCALE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A standalone SVG file: the XML declaration, then the same element the report inlines. */
    static String svg(JFreeChart chart, String name) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + Style.svg(chart, name) + "\n";
    }

    /** One page the size of the canvas (640 x 400 pt), the chart drawn as vectors with its text in embedded fonts. */
    static byte[] pdf(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document document = new Document(new Rectangle(Style.WIDTH, Style.HEIGHT), 0, 0, 0, 0);
        PdfWriter writer = PdfWriter.getInstance(document, out);
        document.addCreator("overparam");
        document.open();
        PdfContentByte canvas = writer.getDirectContent();
        Graphics2D g = canvas.createGraphics(Style.WIDTH, Style.HEIGHT, PdfFonts.INSTANCE);
        try {
            chart.draw(g, new Rectangle2D.Double(0, 0, Style.WIDTH, Style.HEIGHT));
        } finally {
            g.dispose();
        }
        document.close();
        return out.toByteArray();
    }

    private static void bytes(Path file, byte[] content) {
        AtomicFile.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) ch.write(b);
        });
    }
}
