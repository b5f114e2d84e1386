package overparam.lab.check;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import overparam.lab.store.CellResult;

/**
 * (x, y) of the cells a check uses, each with the seed of its run: the fit's points, and the clusters a seed
 * bootstrap resamples when cells share a seed (one seed's runs at every width share its draws, so they are not
 * independent of each other).
 */
public record Points(double[] x, double[] y, String[] seed) {
    /** Resamples of the seeds behind a bootstrap interval. */
    static final int RESAMPLES = 2000;

    /** The cells' (x, y), dropping non-finite values and, on log axes, non-positive ones. */
    public static Points of(List<CellResult> cells, String x, String y, boolean logX, boolean logY) {
        List<double[]> p = new ArrayList<>();
        List<String> s = new ArrayList<>();
        for (CellResult c : cells) {
            double vx = c.number(x), vy = c.valueOf(y);
            if (!Double.isFinite(vx) || !Double.isFinite(vy) || (logX && vx <= 0) || (logY && vy <= 0)) continue;
            p.add(new double[] {vx, vy});
            s.add(c.field("seed"));
        }
        double[] xs = new double[p.size()], ys = new double[p.size()];
        for (int i = 0; i < p.size(); i++) { xs[i] = p.get(i)[0]; ys[i] = p.get(i)[1]; }
        return new Points(xs, ys, s.toArray(String[]::new));
    }

    public int size() { return x.length; }

    public List<String> seeds() { return List.copyOf(new LinkedHashSet<>(List.of(seed))); }

    /** Some seed labels more than one point: the points are not independent runs. */
    public boolean sharesSeeds() { return seeds().size() < size(); }

    /** The points of the seeds drawn, each seed's points repeated as often as it was drawn. */
    Points resampled(List<String> seeds, int[] draws) {
        List<Integer> keep = new ArrayList<>();
        for (int k = 0; k < seeds.size(); k++)
            for (int r = 0; r < draws[k]; r++)
                for (int i = 0; i < size(); i++) if (seed[i].equals(seeds.get(k))) keep.add(i);
        double[] xs = new double[keep.size()], ys = new double[keep.size()];
        String[] ss = new String[keep.size()];
        for (int j = 0; j < keep.size(); j++) { xs[j] = x[keep.get(j)]; ys[j] = y[keep.get(j)]; ss[j] = seed[keep.get(j)]; }
        return new Points(xs, ys, ss);
    }

    /**
     * The seed (cluster) bootstrap's percentile interval of a statistic of one or more point sets that share their
     * seeds: each resample draws as many seeds as there are, with replacement, keeps all their points in every set,
     * and evaluates the statistic; a resample on which it is not defined (too few distinct x) is skipped. Null with
     * fewer than three seeds, where the resamples are too few to give an interval.
     */
    static double[] seedBootstrap(List<String> seeds, ToDoubleFunction<int[]> statistic, double alpha) {
        if (seeds.size() < 3) return null;
        SplittableRandom random = Statistics.bootstrapRandom();
        double[] values = new double[RESAMPLES];
        int kept = 0;
        for (int b = 0; b < RESAMPLES; b++) {
            int[] draws = new int[seeds.size()];
            for (int k = 0; k < seeds.size(); k++) draws[random.nextInt(seeds.size())]++;
            double v = statistic.applyAsDouble(draws);
            if (Double.isFinite(v)) values[kept++] = v;
        }
        if (kept < RESAMPLES / 2) return null;
        double[] v = java.util.Arrays.copyOf(values, kept);
        return new double[] {Statistics.percentile(v, alpha / 2), Statistics.percentile(v, 1 - alpha / 2)};
    }
}
