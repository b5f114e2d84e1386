package overparam.lab.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;

/**
 * A logarithmic axis whose tick labels are plain text (so JFreeSVG writes them as SVG {@code <text>}): 10⁻³ at every
 * power of ten (or 64, 128, 256 at every power of two) that has room for its label, unlabelled minor ticks at 2..9 × 10ᵏ for the grid, and,
 * when the range holds fewer than two powers, evenly chosen plain numbers instead, so that a quantity varying by
 * less than a decade (weight movement over widths 64..512, lambda_0) still has a readable scale.
 * <p>
 * LogAxis's own labels are AttributedStrings with a superscript attribute, which JFreeSVG can only draw as glyph
 * outlines; Unicode superscript digits give the same look as real, selectable, searchable text.
 */
final class LogScaleAxis extends LogAxis {
    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    LogScaleAxis(String label, double base) {
        super(label);
        setBase(base);
        setSmallestValue(1e-300);
        setMinorTickMarksVisible(true);
    }

    /** LogAxis's range, widened to a factor 1.5 either side when the data sit at (almost) one value. */
    @Override
    protected void autoAdjustRange() {
        super.autoAdjustRange();
        double lo = getLowerBound(), hi = getUpperBound();
        if (lo > 0 && hi / lo < 1.2) {
            double centre = Math.sqrt(lo * hi);
            setRange(new Range(centre / 1.5, centre * 1.5), false, false);
        }
    }

    @Override
    public List<ValueTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        boolean vertical = RectangleEdge.isLeftOrRight(edge);
        TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT
                : edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
        double lo = getLowerBound(), hi = getUpperBound();
        int first = (int) Math.ceil(calculateLog(lo) - 1e-9), last = (int) Math.floor(calculateLog(hi) + 1e-9);
        // Every power is labelled as long as the labels fit side by side (a referee reads each decade off the axis); only
        // a range of more powers than the axis has room for labels every second, third, ... power.
        java.awt.FontMetrics metrics = g2.getFontMetrics(getTickLabelFont());
        double widest = 0;
        for (int k = first; k <= last; k++) widest = Math.max(widest, metrics.stringWidth(power(k)));
        double length = vertical ? dataArea.getHeight() : dataArea.getWidth();
        int room = (int) Math.max(2, length / (vertical ? metrics.getHeight() + 2 : widest + 10));
        List<ValueTick> ticks = new ArrayList<>();
        if (last - first < 1) {
            for (double v : evenTicks(lo, hi)) ticks.add(new NumberTick(TickType.MAJOR, v, plain(v, evenStep(lo, hi)), anchor, anchor, 0));
            return ticks;
        }
        int every = (int) Math.ceil((last - first + 1) / (double) room);
        for (int k = first - 1; k <= last; k++) {
            double v = calculateValue(k);
            if (k >= first) {
                boolean labelled = Math.floorMod(k, every) == 0;
                ticks.add(new NumberTick(labelled ? TickType.MAJOR : TickType.MINOR, v, labelled ? power(k) : "", anchor, anchor, 0));
            }
            if (every == 1 && getBase() == 10)
                for (int j = 2; j <= 9; j++)
                    if (j * v > lo && j * v < hi) ticks.add(new NumberTick(TickType.MINOR, j * v, "", anchor, anchor, 0));
        }
        return ticks;
    }

    /** base^k as a label: 10⁻³, or for base 2 the number itself (widths read better as 256 than as 2⁸). */
    private String power(int k) {
        if (getBase() == 2 && k >= 0) return Long.toString(1L << Math.min(k, 62));
        return String.format(Locale.ROOT, "%.0f", getBase()) + superscript(k);
    }

    static String superscript(int k) {
        StringBuilder b = new StringBuilder();
        for (char c : Integer.toString(k).toCharArray()) b.append(c == '-' ? '⁻' : SUPERSCRIPTS.charAt(c - '0'));
        return b.toString();
    }

    /** 1, 2 or 5 × 10ᵏ, so that about four to six ticks fall in [lo, hi]. */
    static double evenStep(double lo, double hi) {
        double raw = (hi - lo) / 4, magnitude = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / magnitude;
        return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * magnitude;
    }

    static List<Double> evenTicks(double lo, double hi) {
        double step = evenStep(lo, hi);
        List<Double> out = new ArrayList<>();
        for (long i = (long) Math.ceil(lo / step); i * step <= hi * (1 + 1e-12); i++) out.add(i * step);
        return out;
    }

    /** A tick value with as many decimals as its step needs; m×10ᵏ outside [10⁻³, 10⁵). */
    static String plain(double v, double step) {
        int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
        if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) {
            int k = (int) Math.floor(Math.log10(Math.abs(v)));
            int digits = (int) Math.max(0, k - Math.floor(Math.log10(step) + 1e-9));
            return String.format(Locale.ROOT, "%." + digits + "f", v / Math.pow(10, k)) + "×10" + superscript(k);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
