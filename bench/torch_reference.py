#!/usr/bin/python3
"""PyTorch reference timings for the overparam bench harness.

The networks of seed 004 (Du et al., "Gradient Descent Finds Global Minima of Deep Neural Networks"),
Section 3.3, written the way a deep-learning theory researcher writes them in PyTorch: parameters are
torch.nn.Parameter, the forward pass is plain tensor ops, gradients come from loss.backward(), the
update from torch.optim.SGD. float64 throughout.

  fc (eq. 2):     x1 = sqrt(c_sigma/m) sigma(X W1^T),  x_h = sqrt(c_sigma/m) sigma(x_{h-1} W_h^T),  u = x_H a
  resnet (eq. 3): x1 as above,  x_h = x_{h-1} + c_res/(H sqrt(m)) sigma(x_{h-1} W_h^T),  u = x_H a

Measurements (one JSON object per line on stdout; progress on stderr):
  env    versions and threading of this torch
  step   gradient-descent steps per second (forward, 0.5*sum((u-y)^2), backward, SGD step, zero_grad)
  gram   per-sample Jacobians -> per-layer Gram matrices G_h = J_h J_h^T, NTK G = sum_h G_h, extreme
         eigenvalues of G_H and G with torch.linalg.eigvalsh. Route "autograd_loop": one batch forward,
         then torch.autograd.grad(u[i], params, retain_graph=True) for each sample i. Route "vmap":
         functorch.vmap(functorch.jacrev(...)) when functorch is importable. At the large size only a
         subset of the samples fits in memory; the full time is then extrapolated (see the "note" field).
  dgemm  torch.matmul of (1000 x 4096) by (4096 x 4096), GFLOP/s

Run it through bench/torch-reference.sh, which makes sure Debian's python3-torch is there.
"""

import argparse
import ctypes
import json
import math
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

SIZES = {
    "large": dict(n=1000, d=100, width=4096, depth=3),
    "small": dict(n=64, d=10, width=512, depth=3),
}
C_RES = 0.5
ETA = 1e-3
GRAM_MEMORY_BYTES = 4e9          # the subset Jacobian at the large size stays under this
GRAM_MAX_SUBSET = 12
DGEMM_SHAPE = (1000, 4096, 4096)  # (M, K, N): (M x K) @ (K x N)


def log(msg):
    print(f"[torch-reference] {msg}", file=sys.stderr, flush=True)


def emit(obj):
    # the 1-minute load average when the record is written: on a shared 2-core machine a busy
    # neighbour process ruins the 2-thread numbers (OpenMP regions wait for the second core)
    obj["load_average_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(obj), flush=True)


# ---------------------------------------------------------------------------------------------
# threads: torch.set_num_threads, plus OpenBLAS's own count when torch calls a pthread OpenBLAS
# through Debian's libblas.so.3 (torch, built against a generic BLAS, does not tell it)
# ---------------------------------------------------------------------------------------------

def loaded_blas():
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and os.path.basename(parts[-1]).startswith(("libblas.so", "libopenblas")):
                paths.add(os.path.realpath(parts[-1]))
    return sorted(paths)


def _openblas():
    try:
        lib = ctypes.CDLL("libblas.so.3")
    except OSError:
        return None
    return lib if hasattr(lib, "openblas_set_num_threads") else None


OPENBLAS = _openblas()


def openblas_config():
    if OPENBLAS is None or not hasattr(OPENBLAS, "openblas_get_config"):
        return None
    OPENBLAS.openblas_get_config.restype = ctypes.c_char_p
    return OPENBLAS.openblas_get_config().decode()


def set_threads(t):
    torch.set_num_threads(t)
    if OPENBLAS is not None:
        OPENBLAS.openblas_set_num_threads(t)


# ---------------------------------------------------------------------------------------------
# networks
# ---------------------------------------------------------------------------------------------

def c_sigma_of(activation):
    if activation == "relu":
        return 2.0
    # 1 / E[softplus(z)^2], z ~ N(0,1), Gauss-Hermite (probabilists') quadrature with 200 nodes
    z, w = np.polynomial.hermite_e.hermegauss(200)
    return float(1.0 / (np.sum(w * np.logaddexp(0.0, z) ** 2) / math.sqrt(2.0 * math.pi)))


ACTIVATIONS = {"softplus": F.softplus, "relu": F.relu}


class FullyConnected(nn.Module):
    """Seed 004, eq. 2."""

    def __init__(self, d, m, H, activation):
        super().__init__()
        self.m, self.H = m, H
        self.sigma = ACTIVATIONS[activation]
        self.c_sigma = c_sigma_of(activation)
        self.W = nn.ParameterList([nn.Parameter(torch.randn(m, d))] +
                                  [nn.Parameter(torch.randn(m, m)) for _ in range(H - 1)])
        self.a = nn.Parameter(torch.randn(m))

    def forward(self, X):
        scale = math.sqrt(self.c_sigma / self.m)
        x = X
        for W in self.W:
            x = scale * self.sigma(x @ W.T)
        return x @ self.a


class ResNet(nn.Module):
    """Seed 004, eq. 3."""

    def __init__(self, d, m, H, activation, c_res=C_RES):
        super().__init__()
        self.m, self.H, self.c_res = m, H, c_res
        self.sigma = ACTIVATIONS[activation]
        self.c_sigma = c_sigma_of(activation)
        self.W = nn.ParameterList([nn.Parameter(torch.randn(m, d))] +
                                  [nn.Parameter(torch.randn(m, m)) for _ in range(H - 1)])
        self.a = nn.Parameter(torch.randn(m))

    def forward(self, X):
        x = math.sqrt(self.c_sigma / self.m) * self.sigma(X @ self.W[0].T)
        # index, don't slice: self.W[1:] builds a new ParameterList, which re-wraps the tensors as fresh
        # Parameters and silently cuts them out of functorch's graph (zero gradients for W2..WH)
        for h in range(1, self.H):
            x = x + self.c_res / (self.H * math.sqrt(self.m)) * self.sigma(x @ self.W[h].T)
        return x @ self.a


ARCHS = {"fc": FullyConnected, "resnet": ResNet}


def make_problem(arch, size, activation, seed):
    s = SIZES[size]
    torch.manual_seed(seed)
    X = torch.randn(s["n"], s["d"])
    X = X / X.norm(dim=1, keepdim=True)          # uniform on the unit sphere
    y = torch.randn(s["n"])
    model = ARCHS[arch](s["d"], s["width"], s["depth"], activation)
    return model, X, y


def describe(arch, size, activation, threads):
    s = SIZES[size]
    return dict(arch=arch, size=size, n=s["n"], d=s["d"], width=s["width"], depth=s["depth"],
                activation=activation, threads=threads)


# ---------------------------------------------------------------------------------------------
# 1. gradient-descent steps
# ---------------------------------------------------------------------------------------------

def measure_steps(arch, size, threads, args, plan):
    set_threads(threads)
    model, X, y = make_problem(arch, size, args.activation, args.seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=ETA)

    def step():
        u = model(X)
        loss = 0.5 * ((u - y) ** 2).sum()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    warmup, window, min_steps = plan["warmup"][size], plan["window"][size], plan["min_steps"][size]
    for _ in range(warmup):
        loss0 = step()
    times = []
    start = time.perf_counter()
    while len(times) < min_steps or time.perf_counter() - start < window:
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    log(f"step {arch} {size} threads={threads}: median {med:.4f} s over {len(times)} steps "
        f"(loss {loss0.item():.4g} -> {loss.item():.4g})")
    emit(dict(kind="step", **describe(arch, size, args.activation, threads),
              seconds_per_step=med, steps_per_second=1.0 / med, steps_timed=len(times),
              seconds_min=min(times), seconds_max=max(times), loss_finite=bool(math.isfinite(loss.item()))))


# ---------------------------------------------------------------------------------------------
# 2. Gram matrices from per-sample gradients
# ---------------------------------------------------------------------------------------------

def grams_and_eigs(J, H):
    """J: list of per-layer Jacobians (W1..WH, a). Returns (layer grams, ntk, eig stats, t_gram, t_eig)."""
    t0 = time.perf_counter()
    grams = [Jh @ Jh.T for Jh in J]
    ntk = sum(grams)
    t1 = time.perf_counter()
    ev_H = torch.linalg.eigvalsh(grams[H - 1])
    ev = torch.linalg.eigvalsh(ntk)
    t2 = time.perf_counter()
    eigs = dict(lambda_min_gram=ev_H[0].item(), lambda_max_gram=ev_H[-1].item(),
                lambda_min_ntk=ev[0].item(), lambda_max_ntk=ev[-1].item())
    return grams, ntk, eigs, t1 - t0, t2 - t1


def jacobian_autograd_loop(model, X, n_s):
    """The common idiom: one batch forward, then autograd.grad of each u_i, flattened per layer."""
    params = [*model.W, model.a]                 # W1..WH, a (model.parameters() lists a first)
    t0 = time.perf_counter()
    u = model(X)
    t1 = time.perf_counter()
    J = [torch.empty(n_s, p.numel()) for p in params]
    for i in range(n_s):
        grads = torch.autograd.grad(u[i], params, retain_graph=True)
        for Jh, g in zip(J, grads):
            Jh[i] = g.reshape(-1)
    t2 = time.perf_counter()
    return J, t1 - t0, t2 - t1


def jacobian_vmap(model, X, n_s):
    """The functorch idiom (torch 1.13): make_functional + vmap(jacrev(single-sample forward))."""
    import functorch
    fmodel, fparams = functorch.make_functional(model)

    def u_single(params, x):
        return fmodel(params, x.unsqueeze(0)).squeeze(0)

    t0 = time.perf_counter()
    jac = functorch.vmap(functorch.jacrev(u_single), in_dims=(None, 0))(fparams, X[:n_s])
    J = [j.reshape(n_s, -1) for j in jac]
    # fparams follow model.parameters(): a, W.0, ..., W.{H-1}; reorder to W1..WH, a
    names = [name for name, _ in model.named_parameters()]
    J = [J[names.index(f"W.{h}")] for h in range(model.H)] + [J[names.index("a")]]
    t1 = time.perf_counter()
    return J, t1 - t0


def eig_time_full(n):
    """Seconds for the two eigvalsh calls on n x n symmetric matrices (for extrapolated runs)."""
    A = torch.randn(n, n)
    S = A @ A.T
    t0 = time.perf_counter()
    torch.linalg.eigvalsh(S)
    torch.linalg.eigvalsh(S)
    return time.perf_counter() - t0


def gram_time_full_blockwise(n, n_params, k=32768):
    """Seconds for G = J J^T with J n x n_params formed in column blocks of k (what a run at full n
    would have to do, J being too big to hold): one n x k block timed, scaled by n_params / k. At
    n = 1000 the block product is compute-bound, unlike the samples_timed-row product, which is
    memory-bound and so overstates the full cost when scaled by (n/samples_timed)^2."""
    C = torch.randn(n, k)
    C @ C.T
    t0 = time.perf_counter()
    C @ C.T
    return (time.perf_counter() - t0) * n_params / k


def measure_gram(arch, size, threads, args, plan):
    set_threads(threads)
    model, X, y = make_problem(arch, size, args.activation, args.seed)
    s = SIZES[size]
    n, H = s["n"], s["depth"]
    n_params = sum(p.numel() for p in model.parameters())
    if size == "small":
        n_s = n
    else:
        if args.gram_samples:
            n_s = min(n, args.gram_samples)
        else:
            fits = int(GRAM_MEMORY_BYTES // (8 * n_params))
            n_s = max(1, min(n, fits, round(GRAM_MAX_SUBSET * plan["gram_scale"])))
    extrapolated = n_s < n
    r = n / n_s
    base = dict(kind="gram", **describe(arch, size, args.activation, threads),
                parameters=n_params, samples_timed=n_s, extrapolated=extrapolated)
    t_eig_full = eig_time_full(n) if extrapolated else None
    t_gram_blockwise = gram_time_full_blockwise(n, n_params) if extrapolated else None
    if extrapolated:
        log(f"gram {arch} {size}: {n_params} parameters, full Jacobian would need "
            f"{n * n_params * 8 / 1e9:.0f} GB; timing {n_s} samples and extrapolating")

    # route 1: autograd.grad loop over a batch forward (all n samples go through the forward)
    J, t_fwd, t_grads = jacobian_autograd_loop(model, X, n_s)
    _, ntk_loop, eigs, t_gram, t_eig = grams_and_eigs(J, H)
    del J
    measured = t_fwd + t_grads + t_gram + t_eig
    rec = dict(base, route="autograd_loop")
    if extrapolated:
        total = t_fwd + t_grads * r + t_gram * r * r + t_eig_full
        rec.update(seconds=total, seconds_measured=measured, seconds_forward=t_fwd,
                   seconds_per_sample_grads=t_grads, seconds_gram_formation=t_gram,
                   seconds_eig_full=t_eig_full,
                   seconds_gram_formation_full_blockwise=t_gram_blockwise,
                   seconds_blockwise=t_fwd + t_grads * r + t_gram_blockwise + t_eig_full,
                   eigenvalues_of=f"first {n_s} samples",
                   note=("extrapolated: seconds = seconds_forward + seconds_per_sample_grads*(n/samples_timed)"
                         " + seconds_gram_formation*(n/samples_timed)^2 + seconds_eig_full; the forward is"
                         " the full-batch forward (n samples), each autograd.grad backpropagates through"
                         " it, so a per-sample cost does not depend on samples_timed; seconds_eig_full ="
                         " two eigvalsh calls on an n x n symmetric matrix; eigenvalues are those of the"
                         " samples_timed x samples_timed subset. The (n/samples_timed)^2 term scales a"
                         " memory-bound product and overstates the compute-bound full one; seconds_blockwise"
                         " replaces it by seconds_gram_formation_full_blockwise (an n x 32768 block of J"
                         " times its transpose, timed, scaled by parameters/32768)"))
    else:
        rec.update(seconds=measured, seconds_forward=t_fwd, seconds_per_sample_grads=t_grads,
                   seconds_gram_formation=t_gram, seconds_eig=t_eig)
    rec.update(eigs)
    log(f"gram {arch} {size} autograd_loop threads={threads}: {rec['seconds']:.3f} s"
        f"{' (extrapolated; blockwise %.0f s)' % rec['seconds_blockwise'] if extrapolated else ''},"
        f" measured {measured:.3f} s")
    emit(rec)

    # route 2: functorch vmap(jacrev), when available
    if "vmap" in args.gram_routes and HAVE_FUNCTORCH:
        J, t_jac = jacobian_vmap(model, X, n_s)
        _, ntk_vmap, eigs, t_gram, t_eig = grams_and_eigs(J, H)
        del J
        agree = ((ntk_vmap - ntk_loop).abs().max() / ntk_loop.abs().max()).item()
        measured = t_jac + t_gram + t_eig
        rec = dict(base, route="vmap")
        if extrapolated:
            total = t_jac * r + t_gram * r * r + t_eig_full
            rec.update(seconds=total, seconds_measured=measured, seconds_per_sample_grads=t_jac,
                       seconds_gram_formation=t_gram, seconds_eig_full=t_eig_full,
                       seconds_gram_formation_full_blockwise=t_gram_blockwise,
                       seconds_blockwise=t_jac * r + t_gram_blockwise + t_eig_full,
                       eigenvalues_of=f"first {n_s} samples",
                       note=("extrapolated: seconds = seconds_per_sample_grads*(n/samples_timed)"
                             " + seconds_gram_formation*(n/samples_timed)^2 + seconds_eig_full; vmap runs"
                             " a single-sample forward and backward per sample (in a batch), so its cost"
                             " is linear in the samples done; seconds_eig_full = two eigvalsh calls on an"
                             " n x n symmetric matrix; eigenvalues are those of the subset."
                             " seconds_blockwise replaces the (n/samples_timed)^2 term, which scales a"
                             " memory-bound product, by seconds_gram_formation_full_blockwise (an n x 32768"
                             " block of J times its transpose, timed, scaled by parameters/32768)"))
        else:
            rec.update(seconds=measured, seconds_per_sample_grads=t_jac,
                       seconds_gram_formation=t_gram, seconds_eig=t_eig)
        rec.update(eigs, max_rel_diff_ntk_vs_autograd_loop=agree)
        log(f"gram {arch} {size} vmap threads={threads}: {rec['seconds']:.3f} s"
            f"{' (extrapolated; blockwise %.0f s)' % rec['seconds_blockwise'] if extrapolated else ''},"
            f" measured {measured:.3f} s, "
            f"NTK rel. diff vs loop {agree:.2e}")
        emit(rec)


# ---------------------------------------------------------------------------------------------
# 3. dgemm
# ---------------------------------------------------------------------------------------------

def measure_dgemm(threads, plan):
    set_threads(threads)
    M, K, N = DGEMM_SHAPE
    torch.manual_seed(0)
    A, B = torch.randn(M, K), torch.randn(K, N)
    torch.matmul(A, B)
    times = []
    for _ in range(plan["dgemm_reps"]):
        t0 = time.perf_counter()
        torch.matmul(A, B)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    gflops = 2.0 * M * K * N / med / 1e9
    log(f"dgemm threads={threads}: {gflops:.1f} GFLOP/s (median {med:.3f} s of {len(times)})")
    emit(dict(kind="dgemm", threads=threads, m=M, k=K, n=N, seconds=med, gflops=gflops, reps=len(times)))


# ---------------------------------------------------------------------------------------------

def have_functorch():
    try:
        import functorch  # noqa: F401
        return True
    except Exception:
        return False


HAVE_FUNCTORCH = have_functorch()


def csv(choices):
    def parse(text):
        items = [t.strip() for t in text.split(",") if t.strip()]
        bad = [t for t in items if choices is not None and t not in choices]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"got '{text}', expected a comma-separated subset of {sorted(choices)}")
        return items
    return parse


def positive_ints(text):
    try:
        items = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        items = []
    if not items or any(t < 1 for t in items):
        raise argparse.ArgumentTypeError(f"got '{text}', expected comma-separated thread counts like 1,2")
    return items


def make_plan(budget):
    """Timing windows; --budget-seconds B scales them by B/8 (8 s is the large-size step window)."""
    f = budget / 8.0
    g = min(1.0, f)
    return dict(
        window={"large": 8.0 * f, "small": 3.0 * f},
        min_steps={"large": max(1, round(3 * g)), "small": max(5, round(50 * g))},
        warmup={"large": max(1, round(2 * g)), "small": max(2, round(20 * g))},
        dgemm_reps=max(2, round(5 * g)),
        gram_scale=g,
    )


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: bash bench/torch-reference.sh --sizes small --only step,dgemm --threads 1,2")
    ap.add_argument("--sizes", type=csv(SIZES), default=["large", "small"])
    ap.add_argument("--archs", type=csv(ARCHS), default=["fc", "resnet"])
    ap.add_argument("--threads", type=positive_ints, default=[1, 2])
    ap.add_argument("--only", type=csv({"step", "gram", "dgemm"}), default=["step", "gram", "dgemm"])
    ap.add_argument("--activation", choices=sorted(ACTIVATIONS), default="softplus")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gram-threads", type=int, default=2, help="thread count of the gram measurement")
    ap.add_argument("--gram-routes", type=csv({"loop", "vmap"}), default=["loop", "vmap"],
                    help="loop is always run (vmap is checked against it); vmap only if functorch imports")
    ap.add_argument("--gram-samples", type=int, default=0,
                    help="samples timed at the large size (default: min(12, what fits in 4 GB))")
    ap.add_argument("--budget-seconds", type=float, default=8.0,
                    help="large-size step timing window in seconds; every window, minimum count and the "
                         "large gram subset scale with it (default 8: 8 s large, 3 s small)")
    args = ap.parse_args()
    if args.budget_seconds <= 0 or args.gram_threads < 1 or args.gram_samples < 0:
        ap.error("--budget-seconds and --gram-threads must be positive, --gram-samples non-negative")
    plan = make_plan(args.budget_seconds)

    emit(dict(kind="env", torch=torch.__version__, python=platform.python_version(), numpy=np.__version__,
              mkl=torch.backends.mkl.is_available(), openmp_threads_default=torch.get_num_threads(),
              cpus=os.cpu_count(), blas=loaded_blas(), openblas_config=openblas_config(),
              functorch=HAVE_FUNCTORCH, dtype="float64", c_sigma=c_sigma_of(args.activation),
              c_res=C_RES, eta=ETA, seed=args.seed, budget_seconds=args.budget_seconds))
    t_start = time.perf_counter()
    if "step" in args.only:
        for size in args.sizes:
            for arch in args.archs:
                for t in args.threads:
                    measure_steps(arch, size, t, args, plan)
    if "gram" in args.only:
        for size in args.sizes:
            for arch in args.archs:
                measure_gram(arch, size, args.gram_threads, args, plan)
    if "dgemm" in args.only:
        for t in args.threads:
            measure_dgemm(t, plan)
    log(f"done in {time.perf_counter() - t_start:.1f} s")


if __name__ == "__main__":
    main()
