package overparam.lab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * The publication look of every figure (white, light grid, sans-serif 13-15 px on a 640 x 400 canvas, so that the text
 * is still about 7 pt with the figure scaled to one column of a paper) and its drawing to inline SVG. Series differ in
 * colour, in marker shape and (unless dashes mean a bound) in dash pattern, so that they stay apart in greyscale print
 * and for readers who do not tell the colours apart.
 */
public final class Style {
    public static final int WIDTH = 640, HEIGHT = 400;
    static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font LABELS = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    static final Font NOTES = new Font(Font.SANS_SERIF, Font.ITALIC, 12);
    static final Color INK = new Color(0x22, 0x22, 0x22);
    static final Color GRID = new Color(0xDA, 0xDA, 0xDA);
    static final Color MINOR_GRID = new Color(0xF0, 0xF0, 0xF0);
    public static final Stroke LINE = new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    static final Stroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);
    static final Line2D LEGEND_LINE = new Line2D.Double(-14, 0, 14, 0);
    // solid, dashed, dotted, dash-dot, long dash, dash-dot-dot: told apart in greyscale without the colour
    private static final float[][] DASHES = {null, {7f, 4f}, {1.5f, 3.5f}, {8f, 3f, 1.5f, 3f}, {14f, 4f}, {8f, 3f, 1.5f, 3f, 1.5f, 3f}};
    private static final double R = 4.2;   // marker radius in px
    private static final Shape[] MARKS = {new Ellipse2D.Double(-R, -R, 2 * R, 2 * R), new Rectangle2D.Double(-R * 0.9, -R * 0.9, 1.8 * R, 1.8 * R),
            polygon(0, -R * 1.15, R * 1.1, R * 0.8, -R * 1.1, R * 0.8), polygon(0, -R * 1.2, R * 1.05, 0, 0, R * 1.2, -R * 1.05, 0),
            polygon(0, R * 1.15, R * 1.1, -R * 0.8, -R * 1.1, -R * 0.8), polygon(-R, -R * 0.35, -R * 0.35, -R * 0.35, -R * 0.35, -R, R * 0.35, -R,
                    R * 0.35, -R * 0.35, R, -R * 0.35, R, R * 0.35, R * 0.35, R * 0.35, R * 0.35, R, -R * 0.35, R, -R * 0.35, R * 0.35, -R, R * 0.35)};

    // Okabe & Ito's colour-blind-safe palette (without its yellow, too faint on white), for unordered groups (arch).
    private static final Color[] CATEGORIES = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000)};
    // viridis at 0, 1/4, 1/2, 3/4, 1, for ordered groups (width, depth): the order reads off the colour, and off its
    // lightness, which rises monotonically, in greyscale print and for every kind of colour blindness.
    private static final Color[] VIRIDIS = {new Color(0x440154), new Color(0x3B528B), new Color(0x21918C), new Color(0x5EC962),
            new Color(0xFDE725)};

    static {
        // Without this, JFreeChart draws the rotated y-axis label as glyph outlines; with it, as an SVG <text>.
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private Style() {}

    /** Colour of group i of n: viridis from dark violet to green when the groups are ordered numbers, Okabe-Ito otherwise. */
    public static Color color(int i, int n, boolean ordered) {
        if (!ordered || n < 2) return CATEGORIES[i % CATEGORIES.length];
        double t = 0.82 * i / (n - 1) * (VIRIDIS.length - 1);   // stop before viridis's pale yellow end
        int k = Math.min((int) t, VIRIDIS.length - 2);
        return mix(VIRIDIS[k], VIRIDIS[k + 1], t - k);
    }

    /** Series i's line: solid, dashed, dotted, ... in turn; solid for all when dashes are kept for a bound. */
    static Stroke stroke(int i, boolean dashes) {
        float[] dash = dashes ? DASHES[i % DASHES.length] : null;
        return dash == null ? LINE : new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    /** Series i's marker: circle, square, triangle, diamond, inverted triangle, cross in turn. */
    static Shape mark(int i) { return MARKS[i % MARKS.length]; }

    private static Shape polygon(double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int k = 2; k < xy.length; k += 2) p.lineTo(xy[k], xy[k + 1]);
        p.closePath();
        return p;
    }

    /**
     * Notes the figure itself carries under its legend (points a log axis cannot show), in italics, so that a figure
     * copied into a paper without its caption still says what it leaves out.
     */
    static void notes(JFreeChart chart, List<String> notes) {
        for (int i = notes.size() - 1; i >= 0; i--) {   // subtitle 0 is drawn first, at the very bottom: under the legend
            TextTitle t = new TextTitle("Note: " + notes.get(i), NOTES);
            t.setPaint(INK);
            t.setPosition(RectangleEdge.BOTTOM);
            t.setHorizontalAlignment(org.jfree.chart.ui.HorizontalAlignment.LEFT);
            t.setPadding(new RectangleInsets(2, 8, 0, 8));
            chart.addSubtitle(0, t);
        }
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }

    /** A linear axis, or a log axis (base 2 when every value is a power of two, as widths usually are, else base 10). */
    public static ValueAxis axis(String label, boolean log, double[] values, boolean includeZero) {
        ValueAxis axis;
        if (log) {
            axis = new LogScaleAxis(label, powersOfTwo(values) ? 2 : 10);
        } else {
            NumberAxis linear = new NumberAxis(label);
            linear.setAutoRangeIncludesZero(includeZero);
            axis = linear;
        }
        axis.setLabelFont(LABELS);
        axis.setLabelPaint(INK);
        axis.setTickLabelFont(TICKS);
        axis.setTickLabelPaint(INK);
        axis.setAxisLinePaint(INK);
        axis.setTickMarkPaint(INK);
        axis.setMinorTickMarkOutsideLength(2f);
        return axis;
    }

    private static boolean powersOfTwo(double[] values) {
        if (values.length == 0) return false;
        for (double v : values) if (!(v >= 1 && v == Math.rint(v) && v < 0x1p62 && Long.bitCount((long) v) == 1)) return false;
        return true;
    }

    public static void plot(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(INK);
        plot.setOutlineStroke(new BasicStroke(0.8f));
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(0.6f));
        plot.setRangeGridlineStroke(new BasicStroke(0.6f));
        plot.setDomainMinorGridlinesVisible(plot.getDomainAxis() instanceof LogScaleAxis);   // 2..9 x 10^k on log axes only
        plot.setRangeMinorGridlinesVisible(plot.getRangeAxis() instanceof LogScaleAxis);
        plot.setDomainMinorGridlinePaint(MINOR_GRID);
        plot.setRangeMinorGridlinePaint(MINOR_GRID);
        plot.setDomainMinorGridlineStroke(new BasicStroke(0.6f));
        plot.setRangeMinorGridlineStroke(new BasicStroke(0.6f));
        // room around linear tick labels, so JFreeChart picks fewer, rounder ticks (0, 10, 20 rather than 0, 5, 10, ...)
        if (plot.getDomainAxis() instanceof NumberAxis x) x.setTickLabelInsets(new RectangleInsets(4, 12, 2, 12));
        if (plot.getRangeAxis() instanceof NumberAxis y) y.setTickLabelInsets(new RectangleInsets(8, 4, 8, 4));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setInsets(new RectangleInsets(8, 4, 4, 16));
    }

    public static void lines(XYLineAndShapeRenderer r) {
        r.setDefaultShapesVisible(false);
        r.setDrawSeriesLineAsPath(true);
        r.setLegendLine(LEGEND_LINE);
    }

    /** A titleless chart (the figure's title goes in the HTML caption, as in a paper) with its legend below. */
    public static JFreeChart chart(XYPlot plot) {
        JFreeChart chart = new JFreeChart(null, LABELS, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setBorderVisible(false);
        chart.setPadding(new RectangleInsets(6, 6, 6, 6));
        LegendTitle legend = chart.getLegend();
        legend.setItemFont(TICKS);
        legend.setItemPaint(INK);
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 12));
        return chart;
    }

    /** The chart as an inline {@code <svg>} element; {@code id} also prefixes its clip-path ids, which must be unique in the page. */
    public static String svg(JFreeChart chart, String id) {
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        g.setDefsKeyPrefix(id + "-");
        g.setGeomDoubleConverter(Style::hundredths);   // 1/100 px is finer than any screen or printer, and a shorter page
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g.getSVGElement(id + "-svg", true, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
    }

    private static String hundredths(double v) {
        double r = Math.round(v * 100) / 100.0;
        return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
    }
}
