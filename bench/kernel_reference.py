#!/usr/bin/env python3
"""Plain-numpy reference for the infinite-width kernel of seed 004 (Du, Lee, Li, Wang, Zhai, ICML 2019),
Definition 5.1, for the fully-connected network x^(h) = sqrt(c_sigma/m) sigma(W^(h) x^(h-1)):

  K^(0)     = X X^T
  K^(h)_ij  = c_sigma E[sigma(u) sigma(v)],                  h = 1..H-1
  K^(H)_ij  = c_sigma K^(H-1)_ij E[sigma'(u) sigma'(v)]
  with (u, v) ~ N(0, [[K_ii, K_ij], [K_ij, K_jj]]), K = K^(h-1), and c_sigma = 1 / E[sigma(z)^2].

Written the way a researcher would, as a speed baseline for overparam's kernel code: relu by the
arc-cosine closed forms (Cho & Saul 2009), every other activation by 2-D Gauss-Hermite quadrature
vectorized over the upper-triangle entries (in memory-sized chunks). Elementwise numpy runs on one
core; only X X^T and eigvalsh use BLAS/LAPACK threads. "seconds" times K^(0)..K^(H) only; eigvalsh is
"eig_seconds". Entries are counted per layer (upper triangle: "entries_full" = n(n+1)/2).
Gauss-Hermite converges fast for smooth sigma, slowly for relu (kink; relu' is a step):
--force-quadrature relu differs from the closed form by ~4e-2 at 50 nodes.

  python3 bench/kernel_reference.py --synthetic sphere --n 200 --d 10 --depth 10 --activation softplus --json
  python3 bench/kernel_reference.py --data X.npy --depth 3 --activation relu --out K.npy
"""

import argparse
import json
import math
import sys
import time

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

try:
    import scipy
    from scipy.special import erf
except ImportError:  # slow fallback: a Python-level loop over math.erf
    scipy = None
    erf = np.vectorize(math.erf, otypes=[float])

CHUNK_POINTS = 1 << 17  # quadrature points per chunk (entries x N x N): 1 MB arrays stay in cache;
                        # measured fastest here (2^17: 0.72 s vs 2^21: 0.92 s, softplus n=200 H=2)


# ---- activations and their derivatives ------------------------------------------------------------
def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free logistic function


ACTIVATIONS = {  # name -> (sigma, sigma')
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "softplus": (lambda z: np.logaddexp(0.0, z), sigmoid),
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "erf": (erf, lambda z: 2.0 / math.sqrt(math.pi) * np.exp(-z * z)),
}


def c_sigma_of(name):
    """c_sigma = 1 / E[sigma(z)^2], z ~ N(0,1): exactly 2 for relu, else 200-node Gauss-Hermite."""
    if name == "relu":
        return 2.0
    t, w = hermegauss(200)
    return 1.0 / np.sum(w / w.sum() * ACTIVATIONS[name][0](t) ** 2)


# ---- one layer of the recursion on a list of entries (i, j) -------------------------------------
def relu_closed_form(kij, kii, kjj, derivative):
    """Arc-cosine kernels: E[relu(u)relu(v)] and E[relu'(u)relu'(v)] for the given covariances."""
    s = np.sqrt(kii * kjj)
    theta = np.arccos(np.clip(kij / s, -1.0, 1.0))
    if derivative:
        return (np.pi - theta) / (2 * np.pi)
    return s * (np.sin(theta) + (np.pi - theta) * np.cos(theta)) / (2 * np.pi)


def gauss_hermite(kij, kii, kjj, f, nodes):
    """E[f(u) f(v)] by N x N Gauss-Hermite: u = sqrt(K_ii) z1, v = sqrt(K_jj)(rho z1 + sqrt(1-rho^2) z2)."""
    t, w = hermegauss(nodes)
    w = w / w.sum()  # probabilists' weights normalized to sum to 1 (the 1/sqrt(2 pi) per dimension)
    out = np.empty_like(kij)
    step = max(1, CHUNK_POINTS // (nodes * nodes))
    for a in range(0, kij.size, step):
        c = slice(a, a + step)
        si, sj = np.sqrt(kii[c]), np.sqrt(kjj[c])
        rho = np.clip(kij[c] / (si * sj), -1.0, 1.0)
        fu = f(si[:, None] * t)                                        # (chunk, N): sigma(u) at z1 = t_a
        v = ((sj * rho)[:, None] * t)[:, :, None] \
            + ((sj * np.sqrt(1.0 - rho * rho))[:, None] * t)[:, None, :]  # (chunk, N, N): v at (t_a, t_b)
        out[c] = (fu * (f(v) @ w)) @ w                                # sum_ab w_a w_b f(u_a) f(v_ab)
    return out


def recursion(k0, I, J, name, depth, nodes, quadrature):
    """K^(H) on the entries (I[e], J[e]) given K^(0) on them. The diagonal entries (i, i) for every
    row used must be among the entries; diag[i] is the position of (i, i) in the list."""
    sigma, dsigma = ACTIVATIONS[name]
    cs = c_sigma_of(name)
    diag = np.empty(int(max(I.max(), J.max())) + 1, dtype=np.int64)
    on_diag = np.flatnonzero(I == J)
    diag[I[on_diag]] = on_diag

    def expect(kij, kii, kjj, deriv):  # E[f(u) f(v)] with f = sigma' if deriv else sigma
        if name == "relu" and not quadrature:
            return relu_closed_form(kij, kii, kjj, deriv)
        return gauss_hermite(kij, kii, kjj, dsigma if deriv else sigma, nodes)

    k = k0
    for h in range(1, depth + 1):
        kii, kjj = k[diag[I]], k[diag[J]]
        if h < depth:
            k = cs * expect(k, kii, kjj, False)       # K^(h) = c_sigma E[sigma(u) sigma(v)]
        else:
            k = cs * k * expect(k, kii, kjj, True)    # K^(H) = c_sigma K^(H-1) E[sigma'(u) sigma'(v)]
    return k


def timed_run(X, I, J, args, quadrature):
    t0 = time.perf_counter()
    k0 = np.einsum("ed,ed->e", X[I], X[J])  # K^(0)_ij = <x_i, x_j> on the entries
    k = recursion(k0, I, J, args.activation, args.depth, args.nodes, quadrature)
    return k, time.perf_counter() - t0


def subset(n, k_off):
    """All n diagonal entries plus the first k_off off-diagonal upper-triangle entries (row-major)."""
    I, J = np.triu_indices(n, 1)
    I = np.concatenate([np.arange(n), I[:k_off]])
    J = np.concatenate([np.arange(n), J[:k_off]])
    return I, J


# ---- command line -----------------------------------------------------------------------------------
def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="X.npy, n x d, rows are samples")
    p.add_argument("--synthetic", choices=["sphere", "gaussian"], help="generate X instead")
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--d", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--depth", type=int, required=True, help="H >= 1")
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), required=True)
    p.add_argument("--nodes", type=int, default=50, help="Gauss-Hermite nodes per dimension (default 50)")
    p.add_argument("--force-quadrature", action="store_true", help="relu by quadrature, not closed form")
    p.add_argument("--out", help="save K^(H) (n x n) here as .npy")
    p.add_argument("--max-seconds", type=float, help="if the full run would take longer, time a subset "
                   "of the entries and extrapolate linearly in the number of entries")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = p.parse_args()
    if (args.data is None) == (args.synthetic is None):
        p.error("give exactly one of --data and --synthetic")
    if args.depth < 1:
        p.error("--depth must be >= 1")
    if not 2 <= args.nodes <= 360:  # numpy's hermegauss overflows (nan weights) above ~370 nodes
        p.error("--nodes must be in 2..360")

    if args.data:
        X = np.asarray(np.load(args.data), dtype=float)
    else:  # sphere: uniform on the unit sphere; gaussian: N(0, I/d)
        X = np.random.default_rng(args.seed).standard_normal((args.n, args.d))
        X = X / np.linalg.norm(X, axis=1, keepdims=True) if args.synthetic == "sphere" else X / math.sqrt(args.d)
    n, d = X.shape
    quad = args.activation != "relu" or args.force_quadrature
    full = n * (n + 1) // 2  # upper-triangle entries per layer
    I, J = np.triu_indices(n)

    extrapolated, timed, lam, eig_s = False, full, None, None
    if args.max_seconds is not None:
        # probe: diagonal + 256 off-diagonal entries, to learn the cost per entry
        pi, pj = subset(n, 256)
        _, t = timed_run(X, pi, pj, args, quad)
        per_entry = t / pi.size
        if per_entry * full > args.max_seconds:
            # timed run sized to fill what is left of the budget, then linear extrapolation
            k_off = int((0.9 * args.max_seconds - t) / per_entry) - n
            k_off = min(max(k_off, 256), full - n)
            si, sj = subset(n, k_off)
            _, t = timed_run(X, si, sj, args, quad)
            extrapolated, timed, seconds = True, si.size, t * full / si.size
    if not extrapolated:
        k, seconds = timed_run(X, I, J, args, quad)
        K = np.empty((n, n))
        K[I, J] = k
        K[J, I] = k  # mirror the upper triangle
        t0 = time.perf_counter()
        ev = np.linalg.eigvalsh(K)
        eig_s = time.perf_counter() - t0
        lam = (float(ev[0]), float(ev[-1]))
        if args.out:
            np.save(args.out, K)
    elif args.out:
        print("[kernel-reference] extrapolated run: nothing saved to --out", file=sys.stderr)

    method = "closed form" if not quad else f"{args.nodes}x{args.nodes} Gauss-Hermite"
    msg = (f"[kernel-reference] {args.activation} H={args.depth} n={n} d={d} ({method}): "
           f"{seconds:.3f} s" + (f" EXTRAPOLATED from {timed} of {full} entries per layer" if extrapolated
                                 else f", lambda_min={lam[0]:.6g} lambda_max={lam[1]:.6g} "
                                      f"(eigvalsh {eig_s:.3f} s)"))
    if args.activation == "erf" and scipy is None:
        msg += " [erf via np.vectorize(math.erf): slow]"
    print(msg, file=sys.stderr)
    if args.json:
        rec = {"activation": args.activation, "depth": args.depth, "n": n, "d": d,
               "nodes": args.nodes if quad else None, "seconds": seconds, "extrapolated": extrapolated,
               "entries_timed": timed, "entries_full": full, "eig_seconds": eig_s,
               "numpy": np.__version__, "scipy": scipy.__version__ if scipy else None}
        if lam:
            rec["lambda_min"], rec["lambda_max"] = lam
        print(json.dumps(rec))


if __name__ == "__main__":
    main()
