package overparam.lab.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import overparam.core.nn.RunStatus;
import overparam.lab.check.Verdict;
import overparam.lab.store.Results;

/**
 * An experiment's report: {@code DIR/report.html}, one self-contained page (inline CSS and SVG, no script, no
 * external resource) with the header (what paper and claim the experiment reproduces, the command that made it,
 * the cells done and diverged), one figure per {@link FigureSpec} and the table of verdicts. Every drawn figure is
 * also written as PNG, SVG, PDF and caption into {@code DIR/figures/} ({@link FigureFiles}), and the page names
 * those files under the figure (links that need the folder; the page itself needs nothing beside it).
 */
public final class Report {
    public static final String FILE = "report.html", FIGURES = "figures";

    private static final String CSS = """
            body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222; background: #fff;
                   max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
            h1 { font-size: 1.6rem; margin: 0 0 .8rem; }
            h2 { font-size: 1.2rem; margin: 2.2rem 0 .8rem; border-bottom: 1px solid #ddd; padding-bottom: .3rem; }
            dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.2rem; margin: 0; }
            dl.meta dt { font-weight: bold; color: #555; }
            dl.meta dd { margin: 0; }
            ul.lines { margin: 0; padding-left: 1.1rem; }
            code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; background: #f4f4f4;
                   padding: .1rem .3rem; border-radius: 3px; word-break: break-all; }
            figure { margin: 1.5rem 0 2.2rem; }
            figure svg { display: block; max-width: 100%; height: auto; }
            figcaption { max-width: 640px; font-size: .92rem; margin-top: .4rem; color: #333; }
            .files { font-size: .82rem; color: #555; margin: .3rem 0 0; }
            .nodata { width: 640px; max-width: 100%; box-sizing: border-box; padding: 2rem 1rem; border: 1px dashed #bbb;
                      color: #666; text-align: center; background: #fafafa; }
            table.verdicts { border-collapse: collapse; font-size: .95rem; }
            table.verdicts th, table.verdicts td { text-align: left; padding: .35rem .8rem; border-bottom: 1px solid #e2e2e2;
                                                   vertical-align: top; }
            table.verdicts th { border-bottom: 2px solid #999; }
            .HOLDS { color: #0a6b2e; background: #e3f4e8; font-weight: bold; }
            .FAILS { color: #a1140f; background: #fbe5e3; font-weight: bold; }
            .INCONCLUSIVE { color: #6b4e00; background: #fbf1d4; font-weight: bold; }
            .note { display: block; font-weight: normal; font-size: .85rem; }
            """;

    private Report() {}

    /**
     * What the page says the experiment is, and where its results come from. Any field may be null (its row is then left
     * out).
     *
     * @param command the command that computed the results
     * @param provenance one line per invocation that computed results: date, elapsed time, lab version and commit, machine
     * @param commands the folder's command log (commands.log), oldest first
     */
    public record Header(String name, String title, String paper, String claim, String command, List<String> provenance, List<String> commands) {
        public Header {
            provenance = provenance == null ? List.of() : List.copyOf(provenance);
            commands = commands == null ? List.of() : List.copyOf(commands);
        }

        public Header(String name, String title, String paper, String claim, String command) {
            this(name, title, paper, claim, command, List.of(), List.of());
        }
    }

    /** One figure of the page: its number, spec, what was drawn, and the base name of its files (null when none were written). */
    record Numbered(int number, FigureSpec spec, Figures.Drawn drawn, String files) {}

    /** Writes dir/report.html and each drawn figure's files into dir/figures/, and returns the page's path. */
    public static Path write(Path dir, Header header, List<FigureSpec> figures, Results results, List<Verdict> verdicts) {
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            List<Numbered> drawn = new java.util.ArrayList<>();
            for (int i = 0; i < figures.size(); i++) {
                Numbered n = draw(i + 1, figures.get(i), results);
                if (n.drawn().chart() != null)
                    FigureFiles.write(n.drawn().chart(), dir.resolve(FIGURES), n.files(), caption(n));
                drawn.add(n);
            }
            overparam.core.data.AtomicFile.writeString(file, html(header, drawn, results, verdicts));   // never a truncated page
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + file + ": " + e.getMessage()
                    + "; check that the folder is writable", e);
        }
    }

    static String html(Header header, List<Numbered> figures, Results results, List<Verdict> verdicts) {
        String title = first(header.title(), header.name(), results.experiment(), "Experiment report");
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n")   // no favicon request: the page loads nothing
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header(b, title, header, results);
        b.append("<main>\n<section id=\"figures\">\n<h2>Figures</h2>\n");
        if (figures.isEmpty()) b.append("<p class=\"nodata\">This experiment defines no figures.</p>\n");
        for (Numbered f : figures) figure(b, f);
        b.append("</section>\n");
        verdicts(b, verdicts);
        b.append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void header(StringBuilder b, String title, Header h, Results results) {
        long diverged = results.cells().stream().filter(c -> c.diverged()).count();
        long done = results.cells().stream().filter(c -> c.status() == RunStatus.DONE).count();
        b.append("<header>\n<h1>").append(escape(title)).append("</h1>\n<dl class=\"meta\">\n");
        row(b, "Experiment", escape(first(h.name(), results.experiment(), null)));
        row(b, "Reproduces", escape(h.paper()));
        row(b, "Claim", escape(h.claim()));
        row(b, "Command", h.command() == null ? null : "<code>" + escape(h.command()) + "</code>");
        row(b, "Provenance", lines(h.provenance(), "provenance", false));
        row(b, "Command log", lines(h.commands(), "command-log", true));
        long interrupted = results.unfinished(RunStatus.INTERRUPTED), running = results.unfinished(RunStatus.RUNNING);
        long missing = Math.max(0, results.planned().size() - results.cells().size() - interrupted - running);
        row(b, "Cells", "<span id=\"cells-done\">" + done + "</span> done, <span id=\"cells-diverged\">" + diverged + "</span> diverged"
                + (interrupted == 0 ? "" : ", <span id=\"cells-interrupted\">" + interrupted + "</span> interrupted (their process was killed;"
                        + " counted as missing until <code>--resume</code> reruns them)")
                + (running == 0 ? "" : ", <span id=\"cells-running\">" + running + "</span> running in another process (not in this report yet)")
                + (missing > 0 ? ", <span id=\"cells-missing\">" + missing + "</span> not run yet" : "")
                + (done + diverged < results.planned().size() ? " <b>of " + results.planned().size() + " planned: a partial experiment</b>" : ""));
        b.append("</dl>\n</header>\n");
    }

    /** Lines as an HTML list (null when there are none), each escaped, as code when asked. */
    private static String lines(List<String> lines, String id, boolean code) {
        if (lines.isEmpty()) return null;
        StringBuilder b = new StringBuilder("<ul id=\"" + id + "\" class=\"lines\">");
        for (String line : lines) b.append("<li>").append(code ? "<code>" + escape(line) + "</code>" : escape(line)).append("</li>");
        return b.append("</ul>").toString();
    }

    private static void row(StringBuilder b, String term, String html) {
        if (html != null && !html.isEmpty()) b.append("<dt>").append(term).append("</dt><dd>").append(html).append("</dd>\n");
    }

    private static Numbered draw(int number, FigureSpec spec, Results results) {
        Figures.Drawn drawn;
        try {
            drawn = Figures.draw(spec, results.cells());
        } catch (RuntimeException e) {   // one figure that cannot be drawn must not cost the reader the others
            drawn = Figures.Drawn.nothing("No figure: " + e.getClass().getSimpleName() + ": " + e.getMessage(), List.of());
        }
        String x = "scaling".equals(spec.type()) ? spec.x() : "rounds".equals(spec.type()) ? "weights_remaining" : "step";
        return new Numbered(number, spec, drawn, "figure-" + number + "_" + Figures.fileName(spec.y(), x, spec.group(), spec.where()));
    }

    /** The caption as plain text, for the figure's caption file: what the page's figcaption says. */
    static String caption(Numbered f) {
        StringBuilder b = new StringBuilder("Figure ").append(f.number()).append('.');
        FigureSpec spec = f.spec();
        if (!Figures.blank(spec.title())) b.append(' ').append(spec.title().strip()).append(end(spec.title()));
        if (!Figures.blank(spec.caption())) b.append(' ').append(spec.caption().strip()).append(end(spec.caption()));
        for (String remark : f.drawn().remarks()) b.append(' ').append(remark);
        return b.toString();
    }

    private static void figure(StringBuilder b, Numbered f) {
        String id = "fig-" + f.number();
        FigureSpec spec = f.spec();
        Figures.Drawn drawn = f.drawn();
        String type = spec.type() == null ? "unknown" : spec.type().replaceAll("[^A-Za-z0-9-]", "");
        b.append("<figure id=\"").append(id).append("\" class=\"figure ").append(type).append(drawn.chart() == null ? " empty" : "").append("\">\n");
        if (drawn.chart() != null) b.append(Style.svg(drawn.chart(), id)).append('\n');
        else b.append("<div class=\"nodata\" role=\"note\">").append(escape(drawn.note())).append("</div>\n");
        b.append("<figcaption><b>Figure ").append(f.number()).append('.');
        if (!Figures.blank(spec.title())) b.append(' ').append(escape(spec.title().strip())).append(end(spec.title()));
        b.append("</b>");
        if (!Figures.blank(spec.caption())) b.append(' ').append(escape(spec.caption().strip())).append(end(spec.caption()));
        for (String remark : drawn.remarks()) b.append(" <span class=\"remark\">").append(escape(remark)).append("</span>");
        b.append("</figcaption>\n");
        if (drawn.chart() != null) {
            b.append("<p class=\"files\">Files (in the folder <code>").append(FIGURES).append("/</code> beside this page):");
            for (String ext : List.of(".png", ".svg", ".pdf", FigureFiles.CAPTION)) {
                String name = escape(f.files() + ext);
                b.append(" <a href=\"").append(FIGURES).append('/').append(name).append("\">").append(name).append("</a>");
            }
            b.append("</p>\n");
        }
        b.append("</figure>\n");
    }

    private static void verdicts(StringBuilder b, List<Verdict> verdicts) {
        b.append("<section id=\"checks\">\n<h2>Checks</h2>\n");
        if (verdicts.isEmpty()) {
            b.append("<p>This experiment has no checks.</p>\n</section>\n");
            return;
        }
        long holding = verdicts.stream().filter(Verdict::holds).count(), failing = verdicts.stream().filter(Verdict::fails).count();
        long partial = verdicts.stream().filter(v -> v.note().startsWith("partial")).count();
        b.append("<p>").append(holding).append(" of ").append(verdicts.size()).append(verdicts.size() == 1 ? " check holds" : " checks hold")
                .append(", ").append(failing).append(" fail").append(failing == 1 ? "s" : "").append(", ")
                .append(verdicts.size() - holding - failing).append(" inconclusive. A check holds only when its whole 95% interval lies inside")
                .append(" what the claim predicts, and fails only when the interval lies wholly outside.");
        if (partial > 0) b.append(" <b>This experiment is partial:</b> ").append(partial).append(partial == 1 ? " verdict rests" : " verdicts rest")
                .append(" on fewer cells than planned (see each note); run it with --resume to complete it.");
        b.append("</p>\n");
        b.append("<table class=\"verdicts\">\n<thead><tr><th>Check</th><th>Verdict</th><th>Estimate [95% interval]</th><th>Cells</th>")
                .append("<th>Measured</th><th>Expected</th></tr></thead>\n<tbody>\n");
        for (Verdict v : verdicts) {
            b.append("<tr><td>").append(escape(v.name())).append("</td><td class=\"").append(v.verdict()).append("\">").append(v.verdict());
            if (v.seedsNeeded() != null) b.append("<span class=\"note\">about ").append(v.seedsNeeded()).append(" seeds per cell would decide it</span>");
            if (!v.note().isEmpty()) b.append("<span class=\"note\">").append(escape(v.note())).append("</span>");
            b.append("</td><td>").append(escape(v.interval())).append("</td><td>").append(v.cellsUsed()).append(" of ").append(v.cellsExpected())
                    .append("</td><td>").append(escape(v.measured())).append("</td><td>").append(escape(v.expected())).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    /** Text made safe for HTML element content and quoted attributes. */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String end(String sentence) {
        String s = sentence.strip();
        return s.endsWith(".") || s.endsWith("?") || s.endsWith("!") ? "" : ".";
    }

    private static String first(String... options) {
        for (String o : options) if (o != null && !o.isBlank()) return o;
        return null;
    }
}
