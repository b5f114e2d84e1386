package overparam.lab.report;

import java.util.List;
import java.util.Locale;
import overparam.core.BadInputException;
import overparam.lab.check.Evidence;

/**
 * What the band around a mean line shows, over the runs that share a point (the seeds): the 95% t-interval of the mean
 * (n - 1 degrees of freedom), what a referee reads as "the mean is known to within this", or the range from the
 * smallest to the largest run, which shows every run.
 */
public enum Band {
    CI95("ci95", "95% t-interval"),
    MINMAX("minmax", "min-max");

    private final String cliName, describe;

    Band(String cliName, String describe) {
        this.cliName = cliName;
        this.describe = describe;
    }

    public String cliName() { return cliName; }

    /** "95% t-interval" or "min-max": what the legend and caption call the band. */
    public String describe() { return describe; }

    public static Band parse(String text) {
        for (Band b : values()) if (b.cliName.equalsIgnoreCase(text.trim())) return b;
        throw BadInputException.of("--band " + text, "'" + text + "'", "ci95 or minmax", "e.g. --band minmax");
    }

    /** {mean, low, high} of the values; low = high = mean for a single value (no spread to show). */
    public double[] interval(List<Double> values) {
        int n = values.size();
        double mean = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            mean += v / n;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (n < 2) return new double[] {mean, mean, mean};
        if (this == MINMAX) return new double[] {mean, min, max};
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        double standardError = Math.sqrt(ss / (n - 1) / n);
        Evidence e = Evidence.tInterval(mean, standardError, n - 1, n, n, Evidence.ALPHA);
        return new double[] {mean, e.low(), e.high()};
    }

    /** The legend's entry for the band: "mean, 95% t-interval over 5 seeds" (or "over 3-5 runs" when the counts differ). */
    public String legend(int fewest, int most, String repeats) {
        String count = fewest == most ? Integer.toString(most) : fewest + "-" + most;
        if (most < 2) return "mean of 1 " + singular(repeats) + " (no band)";
        return String.format(Locale.ROOT, "mean, %s over %s %s", describe, count, repeats);
    }

    private static String singular(String repeats) {
        return repeats.endsWith("s") ? repeats.substring(0, repeats.length() - 1) : repeats;
    }
}
