package overparam.core.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Ties the closed forms of {@link RidgelessRisk} to a Monte Carlo of the model itself: DRAWS independent training sets
 * (X, eps) a size, each fitted by dgelsd, and the sample mean of R = ||beta_hat - beta||^2 against the exact finite-n mean
 * within K standard errors (the sample standard deviation / sqrt(DRAWS)). Sizes keep |n - p| >= 6, so that tr W^-1 of the
 * Wishart matrix has a finite variance (it needs |n - p| > 3) and the standard error means what it says.
 */
class RidgelessRiskTest {
    static final int DRAWS = 4000;
    /** 4 standard errors: a two-sided normal tail of 6e-5 per comparison, so a correct formula fails essentially never. */
    static final double K = 4;
    static final double R = 1, SIGMA = 1;

    /** Mean and standard error of one statistic of the draws (0: risk, 1: bias^2, 2: variance). */
    record Estimate(double mean, double se) {
        boolean covers(double value) { return Math.abs(mean - value) <= K * se; }
    }

    static Estimate[] monteCarlo(int n, int p, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] beta = new double[p];
        beta[0] = R;                                        // any beta of norm r: the design is rotation invariant
        double[] sum = new double[3], sq = new double[3];
        for (int t = 0; t < DRAWS; t++) {
            RidgelessRisk.Draw d = RidgelessRisk.draw(n, beta, SIGMA, rng);
            double[] v = {d.risk(), d.bias2(), d.variance()};
            for (int i = 0; i < 3; i++) { sum[i] += v[i]; sq[i] += v[i] * v[i]; }
        }
        Estimate[] out = new Estimate[3];
        for (int i = 0; i < 3; i++) {
            double mean = sum[i] / DRAWS, var = (sq[i] - DRAWS * mean * mean) / (DRAWS - 1);
            out[i] = new Estimate(mean, Math.sqrt(var / DRAWS));
        }
        return out;
    }

    @Test
    void monteCarloMeetsTheExactFiniteNMeanOnBothSidesOfTheThreshold() {
        int n = 30;
        for (int p : new int[] {15, 24, 36, 60}) {
            Estimate[] e = monteCarlo(n, p, 1000 + p);
            double exact = RidgelessRisk.meanRisk(n, p, R, SIGMA), asymptotic = RidgelessRisk.asymptoticRisk((double) p / n, R, SIGMA);
            System.out.printf("n %d p %d: Monte Carlo %.4f +- %.4f (se), exact %.4f, asymptotic %.4f%n", n, p, e[0].mean(), e[0].se(), exact, asymptotic);
            assertTrue(e[0].covers(exact), "p " + p + ": Monte Carlo " + e[0] + " against exact " + exact);
            // the parts: bias^2 = r^2 (1 - n/p) above the threshold (0 below), variance = sigma^2 tr W^-1's mean
            double bias = p > n ? R * R * (1 - (double) n / p) : 0;
            double variance = p < n ? SIGMA * SIGMA * p / (n - p - 1.0) : SIGMA * SIGMA * n / (p - n - 1.0);
            if (p < n) assertEquals(0, e[1].mean(), 1e-20, "below the threshold beta_hat - beta is X^+ eps alone");
            else assertTrue(e[1].covers(bias), "p " + p + ": bias^2 " + e[1] + " against " + bias);
            assertTrue(e[2].covers(variance), "p " + p + ": variance " + e[2] + " against " + variance);
        }
    }

    @Test
    void nearTheThresholdTheFiniteNCorrectionIsVisibleAndTheAsymptoticFormulaIsNot() {
        // n = 30, p = 24: exact 24/5 = 4.8, asymptotic 0.8/0.2 = 4.0; n = 30, p = 36: 0.1667 + 30/5 = 6.17 against 0.1667 + 5 = 5.17
        for (int p : new int[] {24, 36}) {
            Estimate[] e = monteCarlo(30, p, 2000 + p);
            double asymptotic = RidgelessRisk.asymptoticRisk(p / 30.0, R, SIGMA);
            assertTrue(!e[0].covers(asymptotic), "p " + p + ": the Monte Carlo " + e[0] + " should tell n = 30 from the limit " + asymptotic);
        }
    }

    @Test
    void exactMeanApproachesTheAsymptoticRiskAtRateOneOverN() {
        // p < n: p/(n - p - 1) = gamma/(1 - gamma) * n(1 - gamma)/(n(1 - gamma) - 1), so exact/asymptotic - 1 = 1/(n(1 - gamma) - 1);
        // p > n: the bias r^2 (1 - n/p) is already the limit, and n/(p - n - 1) / (1/(gamma - 1)) - 1 = 1/(n(gamma - 1) - 1)
        for (int n : new int[] {100, 1000, 100_000}) {
            double gamma = 0.5;
            int p = (int) (gamma * n);
            double a = RidgelessRisk.asymptoticRisk(gamma, R, SIGMA);
            assertEquals(1 / (n * (1 - gamma) - 1), RidgelessRisk.meanRisk(n, p, R, SIGMA) / a - 1, 1e-12);
            gamma = 2;
            p = (int) (gamma * n);
            double noise = SIGMA * SIGMA / (gamma - 1), bias = R * R * (1 - 1 / gamma);
            assertEquals(1 / (n * (gamma - 1) - 1), (RidgelessRisk.meanRisk(n, p, R, SIGMA) - bias) / noise - 1, 1e-12);
            assertEquals(bias + noise, RidgelessRisk.asymptoticRisk(gamma, R, SIGMA), 1e-15);
        }
        // the printed forms themselves, at gamma = 0.25 and 4 with r = 2, sigma = 0.5
        assertEquals(0.25 * 0.25 / 0.75, RidgelessRisk.asymptoticRisk(0.25, 2, 0.5), 1e-15);
        assertEquals(4 * 0.75 + 0.25 / 3, RidgelessRisk.asymptoticRisk(4, 2, 0.5), 1e-15);
    }

    @Test
    void withoutNoiseThereIsNoPeak() {
        // sigma = 0: zero risk below the threshold, the bias r^2 (1 - n/p) above it, finite at p = n
        assertEquals(0, RidgelessRisk.meanRisk(30, 30, R, 0), 0);
        assertEquals(0.5, RidgelessRisk.meanRisk(30, 60, R, 0), 1e-15);
        assertEquals(Double.POSITIVE_INFINITY, RidgelessRisk.meanRisk(30, 30, R, SIGMA));
        assertEquals(Double.POSITIVE_INFINITY, RidgelessRisk.meanRisk(30, 31, R, SIGMA));
    }
}
