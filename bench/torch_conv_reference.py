#!/usr/bin/python3
"""PyTorch reference for the convolutional ResNet of seed 004 (Du, Lee, Li, Wang, Zhai, ICML 2019,
Section 3.3): timings for the overparam bench harness, and a cross-check mode that recomputes, from
weights written by overparam, what its Java implementation computes.

Written the way a deep-learning theory researcher writes it in PyTorch: parameters are
torch.nn.Parameter, the forward pass is F.conv1d / F.conv2d and elementwise ops, gradients come from
loss.backward(), the update from torch.optim.SGD. float64 throughout.

  input    X: n x d0 x p (1-D signals) or n x d0 x R x C (2-D images, p = R*C pixels)
  patches  size k (odd), stride 1, zero padding k//2 ("same": p output pixels). torch's conv is a
           cross-correlation: output pixel j reads input pixels j + t - k//2, t = 0..k-1 (per axis)
  weights  W_h: m x (d_in*k) (1-D) or m x (d_in*k*k) (2-D), torch's conv weight (m, d_in, k[, k])
           .reshape(m, -1), i.e. the column index is (channel, row offset, column offset) row-major;
           d_in = d0 for h = 1, m after. a: m x p or m x R x C. All N(0, 1) at init.
  x1 = sqrt(c_sigma/m) sigma(conv(X, W1))
  x_h = x_{h-1} + c_res/(H sqrt(m)) sigma(conv(x_{h-1}, W_h)),  h = 2..H
  u_i = <a, x_H^(i)>  (sum over channels and pixels),  c_sigma = 1/E[sigma(z)^2], z ~ N(0, 1)
  loss 0.5 sum_i (u_i - y_i)^2, full-batch gradient descent

Measurements (one JSON object per line on stdout; progress on stderr):
  env        versions and threading of this torch
  conv-step  seconds per gradient-descent step (forward, loss, backward, SGD step, zero_grad): median of
             the steps timed in a window of --budget-seconds after warm-up, at each of --threads; step
             size --step-eta 1e-5 (at 1e-3 the image size diverges: lambda_max(NTK) ~ 2.4e4)
  conv-gram  per-sample Jacobians J_h (n x #params of W_h, and of a) -> per-layer Gram matrices
             G_h = J_h J_h^T, NTK G = sum_h G_h, least and largest eigenvalues of G_H (the last hidden
             layer's) and of G by torch.linalg.eigvalsh; seconds split into jacobian, gram formation and
             eig. Route "vmap": functorch.make_functional + vmap(jacrev(single-sample u)), in sample
             chunks when the Jacobian would pass 4 GB. Route "autograd_loop": one batch forward, then
             torch.autograd.grad(u[i], params, retain_graph=True) per sample; each costs about a whole
             batch backward, so when n of them would not fit in --budget-seconds only the first few are
             done and the full time is extrapolated (see "note"; as the (n/samples)^2 scaling of a tiny
             Gram product overstates the full one, "seconds_with_vmap_gram_formation" puts in the vmap
             route's measured full-n gram formation instead). At --gram-threads (default 2, then 1 when
             the 2-thread run of that route took under --budget-seconds * 4 s). "peak_rss_gb" is the
             process's peak resident memory so far (it never goes down).

Cross-check mode (no timing; how the Java implementation is verified independently):
  torch_conv_reference.py --check IN.npz --out OUT.npz [--activation softplus] [--c-res 0.5] [--k 3] [--eta 1e-3]
  IN.npz: X, W1..WH (H = the number of W keys; 2-D as above), a, optional y (n). k is inferred from
  W1's shape unless given. OUT.npz (numpy.savez): u (n), G1..G{H+1} (n x n; G{H+1} is a's) from
  per-sample autograd gradients, each symmetrized (G + G^T)/2, ntk = their sum, and with y:
  W1_next..WH_next, a_next after one full-batch SGD step of size eta on 0.5 sum((u - y)^2).
  Softplus is exact here, log(1 + e^z) by torch.logaddexp, as in overparam; the timings use F.softplus,
  whose threshold returns z for z > 20 (off by up to 2e-9). leaky-relu's slope: --leaky-slope (0.01).
  A "conv-check" JSON line summarizes it on stdout.

Run it through bench/torch-reference.sh --conv, which makes sure Debian's python3-torch is there.
"""

import argparse
import math
import os
import platform
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# helpers shared with the fully-connected reference (same folder; importing it only sets the default
# dtype to float64, looks up libblas.so.3 and tries `import functorch`)
from torch_reference import csv, eig_time_full, emit, grams_and_eigs, loaded_blas, openblas_config, positive_ints, set_threads

torch.set_default_dtype(torch.float64)

SIZES = {
    "image": dict(n=256, d0=3, shape=(8, 8), k=3, width=256, depth=3),
    "signal": dict(n=256, d0=3, shape=(32,), k=3, width=256, depth=3),
}
C_RES = 0.5
ETA = 1e-3                      # --check's step size (overparam's cross-check default)
STEP_ETA = 1e-5                 # conv-step's: at the image size lambda_max(NTK) is about 2.4e4, so plain GD
                                # diverges above 2/lambda_max ~ 8e-5 (at 1e-3 the loss goes 2e4 -> 2e9 in 3 steps)
LEAKY_SLOPE = 0.01
JACOBIAN_CHUNK_BYTES = 4e9      # vmap route: samples per vmap call so that its Jacobian stays under this
MEMORY_FRACTION = 0.6           # ... and the whole Jacobian is held only if it fits in this much of MemAvailable


def log(msg):
    print(f"[torch-conv-reference] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# activations (the names overparam's --activation accepts)
# ---------------------------------------------------------------------------------------------

def exact_softplus(z):
    """log(1 + e^z) without F.softplus's threshold (which returns z itself for z > 20, off by up to
    e^-20 ~ 2e-9); its gradient is the sigmoid, 1/2 at 0. What overparam computes."""
    return torch.logaddexp(z, torch.zeros((), dtype=z.dtype))


def activation_of(name, leaky_slope=LEAKY_SLOPE, exact=False):
    """The torch function of an activation; exact=True (--check) swaps F.softplus for exact_softplus."""
    return {
        "relu": F.relu,
        "leaky-relu": lambda z: F.leaky_relu(z, leaky_slope),
        "softplus": exact_softplus if exact else F.softplus,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "erf": torch.erf,
        "identity": lambda z: z,
        "quadratic": lambda z: z * z,
    }[name]


ROUTE_NAMES = {"vmap": "vmap", "loop": "autograd_loop"}
ACTIVATIONS = ["relu", "leaky-relu", "softplus", "sigmoid", "tanh", "erf", "identity", "quadratic"]


def c_sigma_of(name, leaky_slope=LEAKY_SLOPE):
    """1 / E[sigma(z)^2], z ~ N(0, 1): closed forms where they exist, else 200-node Gauss-Hermite."""
    closed = {"relu": 2.0, "leaky-relu": 2.0 / (1.0 + leaky_slope ** 2),
              "erf": math.pi / (2.0 * math.asin(2.0 / 3.0)), "identity": 1.0, "quadratic": 1.0 / 3.0}
    if name in closed:
        return closed[name]
    z, w = np.polynomial.hermite_e.hermegauss(200)
    s = activation_of(name, leaky_slope)(torch.from_numpy(z)).numpy()
    return float(1.0 / (np.sum(w * s ** 2) / math.sqrt(2.0 * math.pi)))


# ---------------------------------------------------------------------------------------------
# the network
# ---------------------------------------------------------------------------------------------

class ConvResNet(nn.Module):
    """Seed 004, Section 3.3: the convolutional ResNet, on 1-D (shape = (p,)) or 2-D (shape = (R, C)) inputs."""

    def __init__(self, d0, shape, k, m, H, activation, c_res=C_RES, leaky_slope=LEAKY_SLOPE, exact=False):
        super().__init__()
        if k % 2 != 1:
            raise ValueError(f"patch size k = {k}: must be odd (zero padding k//2 keeps p pixels)")
        self.d0, self.shape, self.k, self.m, self.H, self.c_res = d0, tuple(shape), k, m, H, c_res
        self.dims = len(self.shape)
        self.activation = activation
        self.sigma = activation_of(activation, leaky_slope, exact)
        self.c_sigma = c_sigma_of(activation, leaky_slope)
        patch = k ** self.dims
        self.W = nn.ParameterList([nn.Parameter(torch.randn(m, d0 * patch))] +
                                  [nn.Parameter(torch.randn(m, m * patch)) for _ in range(H - 1)])
        self.a = nn.Parameter(torch.randn(m, *self.shape))

    def conv(self, x, W):
        """The patch operator: "same" cross-correlation, stride 1, no bias; W is m x (d_in k^dims)."""
        kernel = W.reshape(W.shape[0], -1, *([self.k] * self.dims))
        if self.dims == 1:
            return F.conv1d(x, kernel, padding=self.k // 2)
        return F.conv2d(x, kernel, padding=self.k // 2)

    def forward(self, X):
        x = math.sqrt(self.c_sigma / self.m) * self.sigma(self.conv(X, self.W[0]))
        # index, don't slice: self.W[1:] builds a new ParameterList, which re-wraps the tensors as fresh
        # Parameters and silently cuts them out of functorch's graph (zero gradients for W2..WH)
        for h in range(1, self.H):
            x = x + self.c_res / (self.H * math.sqrt(self.m)) * self.sigma(self.conv(x, self.W[h]))
        return (self.a * x).flatten(1).sum(1)          # u_i = <a, x_H^(i)>

    def layer_params(self):
        """W1..WH, a (model.parameters() lists a first)."""
        return [*self.W, self.a]


def make_problem(s, args):
    torch.manual_seed(args.seed)
    X = torch.randn(s["n"], s["d0"], *s["shape"])
    X = X / X.flatten(1).norm(dim=1).view(-1, *([1] * (X.dim() - 1)))   # each sample on the unit sphere
    y = torch.randn(s["n"])
    model = ConvResNet(s["d0"], s["shape"], s["k"], s["width"], s["depth"], args.activation,
                       args.c_res, args.leaky_slope)
    return model, X, y


def describe(name, s, args, threads, model=None):
    out = dict(size=name, n=s["n"], d0=s["d0"], shape="x".join(map(str, s["shape"])), k=s["k"],
               width=s["width"], depth=s["depth"], activation=args.activation, c_res=args.c_res,
               threads=threads)
    if model is not None:
        out["parameters"] = sum(p.numel() for p in model.parameters())
    return out


def peak_rss_gb():
    """The process's peak resident set so far (Linux reports ru_maxrss in kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 3)


def mem_available_bytes():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return None


# ---------------------------------------------------------------------------------------------
# 1. gradient-descent steps
# ---------------------------------------------------------------------------------------------

def measure_steps(name, s, threads, args, plan):
    set_threads(threads)
    model, X, y = make_problem(s, args)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.step_eta)

    def step():
        u = model(X)
        loss = 0.5 * ((u - y) ** 2).sum()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    loss_first = None                                   # the loss at the initial weights
    for _ in range(plan["warmup"]):
        loss = step()
        loss_first = loss.item() if loss_first is None else loss_first
    times = []
    start = time.perf_counter()
    while len(times) < plan["min_steps"] or time.perf_counter() - start < plan["window"]:
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    log(f"conv-step {name} threads={threads}: median {med:.4f} s over {len(times)} steps "
        f"(loss {loss_first:.4g} -> {loss.item():.4g}, eta {args.step_eta:g})")
    emit(dict(kind="conv-step", **describe(name, s, args, threads, model),
              seconds_per_step=med, steps_per_second=1.0 / med, steps_timed=len(times),
              warmup_steps=plan["warmup"], seconds_min=min(times), seconds_max=max(times), eta=args.step_eta,
              loss_first=loss_first, loss_last=loss.item(),
              loss_finite=bool(math.isfinite(loss.item())), peak_rss_gb=peak_rss_gb()))


# ---------------------------------------------------------------------------------------------
# 2. Gram matrices from per-sample gradients
# ---------------------------------------------------------------------------------------------

def jacobian_autograd_loop(model, X, max_seconds=None, min_samples=2):
    """The common idiom: one batch forward, then autograd.grad of each u_i, flattened per layer.
    With max_seconds, stops (after at least min_samples) once the next sample would pass it.
    Returns (J over the samples done, forward seconds, per-sample-gradient seconds)."""
    params = model.layer_params()
    n = X.shape[0]
    t0 = time.perf_counter()
    u = model(X)
    t1 = time.perf_counter()
    J = [torch.empty(n, p.numel()) for p in params]     # pages are touched only for the rows written
    done = 0
    while done < n:
        elapsed = time.perf_counter() - t1
        if max_seconds is not None and done >= min_samples and elapsed * (done + 1) / done > max_seconds:
            break
        grads = torch.autograd.grad(u[done], params, retain_graph=True)
        for Jh, g in zip(J, grads):
            Jh[done] = g.reshape(-1)
        done += 1
    t2 = time.perf_counter()
    return [Jh[:done] for Jh in J], t1 - t0, t2 - t1


def jacobian_vmap(model, X, n_s, chunk):
    """The functorch idiom (torch 1.13): make_functional + vmap(jacrev(single-sample u)), over the first
    n_s samples in vmap calls of at most chunk samples. Returns (J in the order W1..WH, a; seconds)."""
    import functorch
    fmodel, fparams = functorch.make_functional(model)
    fparams = tuple(p.detach() for p in fparams)        # else the Jacobians carry an autograd graph (grad_fn)

    def u_single(params, x):
        return fmodel(params, x.unsqueeze(0)).squeeze(0)

    jac_fn = functorch.vmap(functorch.jacrev(u_single), in_dims=(None, 0))
    jac_fn(fparams, X[:1])                              # warm-up: functorch's first call traces and dispatches
    # fparams follow model.parameters(): a, W.0, ..., W.{H-1}; reorder to W1..WH, a
    names = [name for name, _ in model.named_parameters()]
    order = [names.index(f"W.{h}") for h in range(model.H)] + [names.index("a")]
    t0 = time.perf_counter()
    if chunk >= n_s:
        jac = jac_fn(fparams, X[:n_s])
        J = [jac[i].reshape(n_s, -1) for i in order]
    else:
        J = [torch.empty(n_s, fparams[i].numel()) for i in order]
        for start in range(0, n_s, chunk):
            stop = min(n_s, start + chunk)
            jac = jac_fn(fparams, X[start:stop])
            for Jh, i in zip(J, order):
                Jh[start:stop] = jac[i].reshape(stop - start, -1)
            del jac
    t1 = time.perf_counter()
    return J, t1 - t0


def vmap_plan(n, n_params):
    """(samples done, samples per vmap call, note or None) for the vmap route."""
    full_bytes = 8.0 * n * n_params
    if full_bytes <= JACOBIAN_CHUNK_BYTES:
        return n, n, None
    chunk = max(1, int(JACOBIAN_CHUNK_BYTES // (8 * n_params)))
    avail = mem_available_bytes()
    if avail is not None and full_bytes > MEMORY_FRACTION * avail:
        return chunk, chunk, (f"the Jacobian ({full_bytes / 1e9:.1f} GB) does not fit in memory "
                              f"({avail / 1e9:.1f} GB available): only the first {chunk} samples (one vmap "
                              f"call, {8.0 * chunk * n_params / 1e9:.1f} GB) were done; extrapolated")
    return n, chunk, (f"the Jacobian ({full_bytes / 1e9:.1f} GB) passes {JACOBIAN_CHUNK_BYTES / 1e9:.0f} GB: "
                      f"vmap(jacrev) was called on chunks of {chunk} samples, written into one n-row Jacobian")


def measure_gram(name, s, threads, args, plan, routes, ntk_vmap_ref=None):
    """The given routes at one thread count. Returns ({route: wall seconds, None if it failed}, the vmap
    NTK to compare later runs with)."""
    set_threads(threads)
    model, X, y = make_problem(s, args)
    n, H = s["n"], s["depth"]
    n_params = sum(p.numel() for p in model.parameters())
    base = dict(kind="conv-gram", **describe(name, s, args, threads, model),
                jacobian_gb_full=round(8.0 * n * n_params / 1e9, 3))
    results = {}
    t_eig_full = None
    t_gram_vmap_full = None          # the vmap route's gram formation at full n, when it ran here

    def eig_full():
        nonlocal t_eig_full
        if t_eig_full is None:
            t_eig_full = eig_time_full(n)
        return t_eig_full

    # route 1: functorch vmap(jacrev); run first so that peak_rss_gb shows its Jacobian
    if "vmap" in routes:
        n_s, chunk, note = vmap_plan(n, n_params)
        rec = dict(base, route="vmap", samples_timed=n_s, samples_per_vmap_call=chunk,
                   extrapolated=n_s < n)
        try:
            w0 = time.perf_counter()
            J, t_jac = jacobian_vmap(model, X, n_s, chunk)
            grams, ntk, eigs, t_gram, t_eig = grams_and_eigs(J, H)
            del J, grams
            wall = time.perf_counter() - w0
        except Exception as e:                          # a functorch limitation: say which, keep going
            log(f"conv-gram {name} vmap threads={threads}: failed: {type(e).__name__}: {e}")
            # its own kind: readers of conv-gram lines (overparam's ConvBench) expect a "seconds" field
            emit(dict(rec, kind="conv-gram-failed", error=f"{type(e).__name__}: {str(e)[:500]}"))
            results["vmap"] = None
        else:
            measured = t_jac + t_gram + t_eig
            if n_s < n:
                r = n / n_s
                rec.update(seconds=t_jac * r + t_gram * r * r + eig_full(), seconds_measured=measured,
                           seconds_jacobian=t_jac, seconds_gram_formation=t_gram, seconds_eig=t_eig,
                           seconds_eig_full=t_eig_full, eigenvalues_of=f"first {n_s} samples",
                           note=note + ": seconds = seconds_jacobian*(n/samples_timed) + seconds_gram_formation"
                                       "*(n/samples_timed)^2 + seconds_eig_full (two eigvalsh calls on an n x n"
                                       " symmetric matrix); eigenvalues are those of the subset")
            else:
                rec.update(seconds=measured, seconds_jacobian=t_jac, seconds_gram_formation=t_gram,
                           seconds_eig=t_eig)
                t_gram_vmap_full = t_gram
                if note:
                    rec["note"] = note
            rec.update(eigs, peak_rss_gb=peak_rss_gb())
            if ntk_vmap_ref is not None and n_s == ntk_vmap_ref.shape[0]:
                rec["max_rel_diff_ntk_vs_other_threads"] = \
                    ((ntk - ntk_vmap_ref).abs().max() / ntk_vmap_ref.abs().max()).item()
            log(f"conv-gram {name} vmap threads={threads}: {rec['seconds']:.3f} s (jacobian {t_jac:.3f}, "
                f"gram {t_gram:.3f}, eig {t_eig:.4f}){' extrapolated' if n_s < n else ''}; "
                f"peak RSS {rec['peak_rss_gb']} GB")
            emit(rec)
            results["vmap"] = wall
            ntk_vmap_ref = ntk if ntk_vmap_ref is None else ntk_vmap_ref

    # route 2: autograd.grad loop over a batch forward, within the budget
    if "loop" in routes:
        w0 = time.perf_counter()
        J, t_fwd, t_grads = jacobian_autograd_loop(model, X, max_seconds=plan["gram_loop_seconds"])
        n_s = J[0].shape[0]
        grams, ntk, eigs, t_gram, t_eig = grams_and_eigs(J, H)
        del J, grams
        wall = time.perf_counter() - w0
        measured = t_fwd + t_grads + t_gram + t_eig
        rec = dict(base, route="autograd_loop", samples_timed=n_s, extrapolated=n_s < n)
        if n_s < n:
            r = n / n_s
            rec.update(seconds=t_fwd + t_grads * r + t_gram * r * r + eig_full(), seconds_measured=measured,
                       seconds_forward=t_fwd, seconds_jacobian=t_grads,
                       seconds_jacobian_per_sample=t_grads / n_s, seconds_gram_formation=t_gram,
                       seconds_eig=t_eig, seconds_eig_full=t_eig_full, eigenvalues_of=f"first {n_s} samples",
                       note=(f"extrapolated: {n} autograd.grad calls would take about {t_grads * r:.0f} s, over"
                             f" the {plan['gram_loop_seconds']:g} s budget, so only the first {n_s} were done;"
                             " seconds = seconds_forward + seconds_jacobian*(n/samples_timed) +"
                             " seconds_gram_formation*(n/samples_timed)^2 + seconds_eig_full (two eigvalsh calls"
                             " on an n x n symmetric matrix). Each autograd.grad backpropagates through the"
                             " full-batch graph, so its cost does not depend on samples_timed; eigenvalues are"
                             " those of the samples_timed x samples_timed subset"))
            if t_gram_vmap_full is not None:
                # the (n/samples_timed)^2 term scales a tiny memory-bound product; the vmap route has just
                # formed the same n x n Grams from a full n-row Jacobian at this thread count
                rec.update(seconds_gram_formation_full_from_vmap=t_gram_vmap_full,
                           seconds_with_vmap_gram_formation=t_fwd + t_grads * r + t_gram_vmap_full + t_eig_full)
                rec["note"] += (". The (n/samples_timed)^2 term scales a small memory-bound product and overstates"
                                " the full one: seconds_with_vmap_gram_formation uses instead the vmap route's"
                                " measured gram formation at full n (same thread count, same shapes)")
        else:
            rec.update(seconds=measured, seconds_forward=t_fwd, seconds_jacobian=t_grads,
                       seconds_jacobian_per_sample=t_grads / n_s, seconds_gram_formation=t_gram,
                       seconds_eig=t_eig)
        rec.update(eigs, peak_rss_gb=peak_rss_gb())
        if ntk_vmap_ref is not None:                    # on the samples both routes did
            c = min(n_s, ntk_vmap_ref.shape[0])
            block = ntk_vmap_ref[:c, :c]
            rec["max_rel_diff_ntk_vs_vmap"] = ((ntk[:c, :c] - block).abs().max() / block.abs().max()).item()
        log(f"conv-gram {name} autograd_loop threads={threads}: {rec['seconds']:.3f} s"
            f"{' (extrapolated from %d samples)' % n_s if n_s < n else ''}, measured {measured:.3f} s"
            f" (forward {t_fwd:.3f}, jacobian {t_grads:.3f}, gram {t_gram:.3f}, eig {t_eig:.4f})")
        emit(rec)
        results["autograd_loop"] = wall
    return results, ntk_vmap_ref


# ---------------------------------------------------------------------------------------------
# 3. cross-check mode
# ---------------------------------------------------------------------------------------------

def fail(msg):
    log(f"--check: {msg}")
    sys.exit(2)


def load_check_input(path, args):
    """The network and data of IN.npz, validated. Returns (model, X, y or None)."""
    try:
        z = np.load(path)
    except Exception as e:
        fail(f"cannot read {path}: {type(e).__name__}: {e}")
    keys = set(z.files)
    for key in ("X", "a", "W1"):
        if key not in keys:
            fail(f"{path} has no '{key}' (it has {sorted(keys)}); expected X, W1..WH, a and optionally y")
    H = 0
    while f"W{H + 1}" in keys:
        H += 1
    extra = sorted(k for k in keys if k.startswith("W") and k not in {f"W{h}" for h in range(1, H + 1)})
    if extra:
        fail(f"{path}: W keys must be W1..WH without gaps; found W1..W{H} and also {extra}")
    X = torch.from_numpy(np.asarray(z["X"], dtype=np.float64))
    if X.dim() not in (3, 4):
        fail(f"X has shape {tuple(X.shape)}; expected n x d0 x p (1-D) or n x d0 x R x C (2-D)")
    n, d0, shape = X.shape[0], X.shape[1], tuple(X.shape[2:])
    dims = len(shape)
    Ws = [np.asarray(z[f"W{h}"], dtype=np.float64) for h in range(1, H + 1)]
    a = np.asarray(z["a"], dtype=np.float64)
    if Ws[0].ndim != 2:
        fail(f"W1 has shape {Ws[0].shape}; expected m x (d0*k{'*k' if dims == 2 else ''})")
    m = Ws[0].shape[0]
    patch = Ws[0].shape[1] // d0
    k = round(patch ** (1.0 / dims))
    if patch * d0 != Ws[0].shape[1] or k ** dims != patch:
        fail(f"W1 has shape {Ws[0].shape}: its {Ws[0].shape[1]} columns are not d0 = {d0} times "
             f"k{'^2' if dims == 2 else ''} for an integer k")
    if args.k is not None and args.k != k:
        fail(f"--k {args.k}, but W1's shape {Ws[0].shape} says k = {k} (d0 = {d0})")
    if k % 2 != 1:
        fail(f"W1's shape {Ws[0].shape} says k = {k}; the patch size must be odd")
    for h in range(2, H + 1):
        if Ws[h - 1].shape != (m, m * patch):
            fail(f"W{h} has shape {Ws[h - 1].shape}; expected {(m, m * patch)} (m = {m}, k = {k})")
    if a.shape != (m, *shape):
        fail(f"a has shape {a.shape}; expected {(m, *shape)} (m x the input's pixel shape)")
    y = None
    if "y" in keys:
        y = torch.from_numpy(np.asarray(z["y"], dtype=np.float64).reshape(-1))
        if y.numel() != n:
            fail(f"y has {y.numel()} entries; expected n = {n}")
    model = ConvResNet(d0, shape, k, m, H, args.activation, args.c_res, args.leaky_slope, exact=True)
    with torch.no_grad():
        for W, Wn in zip(model.W, Ws):
            W.copy_(torch.from_numpy(Wn))
        model.a.copy_(torch.from_numpy(a))
    return model, X, y


def run_check(args):
    model, X, y = load_check_input(args.check, args)
    n, H = X.shape[0], model.H
    with torch.no_grad():
        u = model(X)
    J, _, _ = jacobian_autograd_loop(model, X)
    grams = [Jh @ Jh.T for Jh in J]
    grams = [0.5 * (G + G.T) for G in grams]
    ntk = sum(grams)
    out = {"u": u.numpy()}
    for h, G in enumerate(grams, start=1):
        out[f"G{h}"] = G.numpy()
    out["ntk"] = ntk.numpy()
    ev = torch.linalg.eigvalsh(ntk)
    summary = dict(kind="conv-check", input=args.check, output=args.out, n=n, d0=model.d0,
                   shape="x".join(map(str, model.shape)), k=model.k, width=model.m, depth=H,
                   activation=args.activation, c_sigma=model.c_sigma, c_res=args.c_res,
                   lambda_min_ntk=ev[0].item(), lambda_max_ntk=ev[-1].item(),
                   min_eig_per_layer=[torch.linalg.eigvalsh(G)[0].item() for G in grams])
    if y is not None:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.eta)
        loss = 0.5 * ((model(X) - y) ** 2).sum()
        loss.backward()
        optimizer.step()
        for h, W in enumerate(model.W, start=1):
            out[f"W{h}_next"] = W.detach().numpy()
        out["a_next"] = model.a.detach().numpy()
        summary.update(eta=args.eta, loss=loss.item())
    np.savez(args.out, **out)
    log(f"--check: wrote {args.out} ({', '.join(out)})")
    emit(summary)


# ---------------------------------------------------------------------------------------------

def make_plan(budget):
    """Timing windows; --budget-seconds B is the conv-step window per (size, threads) and the
    autograd_loop route's Jacobian budget; warm-up and minimum step counts scale with B/8."""
    g = min(1.0, budget / 8.0)
    return dict(window=budget, min_steps=max(2, round(5 * g)), warmup=max(1, round(2 * g)),
                gram_loop_seconds=budget, gram_single_thread_if_under=4.0 * budget)


def parse_shape(text):
    try:
        shape = tuple(int(t) for t in text.lower().split("x"))
    except ValueError:
        shape = ()
    if len(shape) not in (1, 2) or any(t < 1 for t in shape):
        raise argparse.ArgumentTypeError(f"got '{text}', expected p (1-D, e.g. 32) or RxC (2-D, e.g. 8x8)")
    return shape


def sizes_of(args, ap):
    out = []
    for name in args.sizes:
        s = dict(SIZES[name])
        for key, val in (("n", args.n), ("d0", args.d0), ("shape", args.shape), ("k", args.k),
                         ("width", args.width), ("depth", args.depth)):
            if val is not None:
                s[key] = val
        if min(s["n"], s["d0"], s["k"], s["width"], s["depth"]) < 1 or s["k"] % 2 != 1:
            ap.error(f"size {name}: n, d0, width, depth must be positive and k odd; got {s}")
        out.append((name, s))
    return out


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  bash bench/torch-reference.sh --conv --sizes image --budget-seconds 3\n"
               "  /usr/bin/python3 bench/torch_conv_reference.py --check in.npz --out out.npz --activation relu")
    ap.add_argument("--sizes", type=csv(SIZES), default=["image"],
                    help="image: n=256, d0=3, 8x8, k=3, m=256, H=3; signal: the same on 1-D p=32 (default image)")
    ap.add_argument("--n", type=int, help="override the sizes' sample count")
    ap.add_argument("--d0", type=int, help="override the sizes' input channels")
    ap.add_argument("--shape", type=parse_shape, help="override the sizes' pixel shape: RxC (2-D) or p (1-D)")
    ap.add_argument("--k", type=int, help="patch size (odd); with --check, default: inferred from W1")
    ap.add_argument("--width", type=int, help="override the sizes' channel count m")
    ap.add_argument("--depth", type=int, help="override the sizes' H")
    ap.add_argument("--activation", choices=ACTIVATIONS, default="softplus")
    ap.add_argument("--leaky-slope", type=float, default=LEAKY_SLOPE, help="leaky-relu's slope for z < 0")
    ap.add_argument("--c-res", type=float, default=C_RES)
    ap.add_argument("--eta", type=float, default=ETA, help="--check's SGD step size (default 1e-3)")
    ap.add_argument("--step-eta", type=float, default=STEP_ETA,
                    help="conv-step's SGD step size (default 1e-5: 1e-3 diverges at the image size)")
    ap.add_argument("--threads", type=positive_ints, default=[1, 2], help="thread counts of conv-step")
    ap.add_argument("--only", type=csv({"step", "gram"}), default=["step", "gram"])
    ap.add_argument("--gram-threads", type=positive_ints, default=[2, 1],
                    help="thread counts of conv-gram (default 2,1); a count after the first runs a route only"
                         " if that route's first run took under 4 * --budget-seconds of wall time")
    ap.add_argument("--gram-routes", type=csv({"loop", "vmap"}), default=["vmap", "loop"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget-seconds", type=float, default=8.0,
                    help="conv-step timing window per size and thread count, and the autograd_loop route's"
                         " Jacobian budget (default 8)")
    ap.add_argument("--check", metavar="IN.npz", help="cross-check mode: see above; needs --out")
    ap.add_argument("--out", metavar="OUT.npz", help="where --check writes its arrays")
    args = ap.parse_args()
    if args.budget_seconds <= 0:
        ap.error("--budget-seconds must be positive")
    if not 0 <= args.leaky_slope < 1:
        ap.error("--leaky-slope must be in [0, 1)")

    if args.check or args.out:
        if not (args.check and args.out):
            ap.error("--check IN.npz and --out OUT.npz go together")
        run_check(args)
        return

    plan = make_plan(args.budget_seconds)
    sizes = sizes_of(args, ap)
    try:
        import functorch  # noqa: F401
        have_functorch = True
    except Exception:
        have_functorch = False
        if "vmap" in args.gram_routes:
            log("functorch does not import: skipping the vmap route")
            args.gram_routes = [r for r in args.gram_routes if r != "vmap"]
    emit(dict(kind="env", torch=torch.__version__, python=platform.python_version(), numpy=np.__version__,
              mkl=torch.backends.mkl.is_available(), mkldnn=torch.backends.mkldnn.is_available(),
              openmp_threads_default=torch.get_num_threads(), cpus=os.cpu_count(), blas=loaded_blas(),
              openblas_config=openblas_config(), functorch=have_functorch, dtype="float64",
              activation=args.activation, c_sigma=c_sigma_of(args.activation, args.leaky_slope),
              c_res=args.c_res, step_eta=args.step_eta, seed=args.seed, budget_seconds=args.budget_seconds,
              mem_available_gb=round((mem_available_bytes() or 0) / 1e9, 1)))
    t_start = time.perf_counter()
    if "step" in args.only:
        for name, s in sizes:
            for t in args.threads:
                measure_steps(name, s, t, args, plan)
    if "gram" in args.only:
        limit = plan["gram_single_thread_if_under"]
        for name, s in sizes:
            first, ref = None, None                     # wall seconds per route of the first thread count
            for t in args.gram_threads:
                routes = args.gram_routes if first is None else \
                    [r for r in args.gram_routes if first.get(ROUTE_NAMES[r]) is not None
                     and first[ROUTE_NAMES[r]] < limit]
                skipped = [r for r in args.gram_routes if r not in routes]
                if skipped:
                    log(f"conv-gram {name} threads={t}: skipping {', '.join(skipped)} (its first run took "
                        f"over {limit:g} s, or failed)")
                if routes:
                    walls, ref = measure_gram(name, s, t, args, plan, routes, ref)
                    first = walls if first is None else first
    log(f"done in {time.perf_counter() - t_start:.1f} s")


if __name__ == "__main__":
    main()
