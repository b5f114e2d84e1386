package overparam.core.kernel;

import overparam.core.linalg.Matrix;

/**
 * An activation's Gaussian expectations over every pair of a covariance matrix K: what its infinite-width
 * layer does (seed 004, Defs. 5.1, 6.1). (u, v) ~ N(0, [[K_ii, K_ij], [K_ij, K_jj]]) for entry (i, j).
 */
public interface GaussianMaps {
    /** out_ij = E[sigma(u) sigma(v)] (symmetric, both triangles). */
    void products(Matrix cov, Matrix out);

    /** out_ij = E[sigma'(u) sigma'(v)]. */
    void derivativeProducts(Matrix cov, Matrix out);

    /** E[sigma(u_i)], u_i ~ N(0, K_ii), for every i. */
    double[] means(Matrix cov);
}
