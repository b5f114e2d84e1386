package overparam.lab.report;

import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.FontMapper;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The fonts of a PDF figure: DejaVu Sans (the face Java's SansSerif is on Debian, so JFreeChart's measured widths fit the
 * text drawn) embedded as a subset with Unicode (Identity-H) encoding, so that every label, 10⁻³ included, stays text a
 * reader can select and search, never glyph outlines. Without the font files (not a Debian with fonts-dejavu-core) the
 * figure falls back to the PDF's built-in Helvetica, whose WinAnsi encoding has no superscript digits.
 */
final class PdfFonts implements FontMapper {
    static final PdfFonts INSTANCE = new PdfFonts();
    private static final List<Path> FOLDERS = List.of(Path.of("/usr/share/fonts"), Path.of("/usr/local/share/fonts"),
            Path.of(System.getProperty("java.home"), "lib", "fonts"));
    private static final String[] FILES = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"};
    private final Map<Integer, BaseFont> byStyle = new ConcurrentHashMap<>();

    private PdfFonts() {}

    @Override public BaseFont awtToPdf(Font font) {
        return byStyle.computeIfAbsent(font.getStyle() & (Font.BOLD | Font.ITALIC), PdfFonts::load);
    }

    @Override public Font pdfToAwt(BaseFont font, int size) {
        return new Font(Font.SANS_SERIF, Font.PLAIN, size);
    }

    private static BaseFont load(int style) {
        try {
            Optional<Path> file = find(FILES[style]).or(() -> find(FILES[0]));
            if (file.isPresent()) return BaseFont.createFont(file.get().toString(), BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
            String helvetica = switch (style) {
                case Font.BOLD -> BaseFont.HELVETICA_BOLD;
                case Font.ITALIC -> BaseFont.HELVETICA_OBLIQUE;
                case Font.BOLD | Font.ITALIC -> BaseFont.HELVETICA_BOLDOBLIQUE;
                default -> BaseFont.HELVETICA;
            };
            return BaseFont.createFont(helvetica, BaseFont.WINANSI, BaseFont.NOT_EMBEDDED);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot load a font for the PDF figure: " + e.getMessage(), e);
        }
    }

    /** The first file of this name under the usual font folders. */
    static Optional<Path> find(String name) {
        for (Path folder : FOLDERS) {
            if (!Files.isDirectory(folder)) continue;
            try (Stream<Path> files = Files.find(folder, 6, (p, a) -> a.isRegularFile() && p.getFileName().toString().equals(name))) {
                Optional<Path> hit = files.findFirst();
                if (hit.isPresent()) return hit;
            } catch (IOException | java.io.UncheckedIOException e) {
                // an unreadable folder: look in the next one
            }
        }
        return Optional.empty();
    }
}
