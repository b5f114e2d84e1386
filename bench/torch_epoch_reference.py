#!/usr/bin/python3
"""PyTorch reference for one epoch of minibatch SGD on Fashion-MNIST: timings for the overparam bench
harness, and a cross-check mode that runs, from weights and a batch order written by overparam, the
SGD steps its Java implementation runs.

Written the way a deep-learning theory researcher writes it in PyTorch: parameters are
torch.nn.Parameter, the forward pass is plain tensor ops, the loss F.cross_entropy, gradients come from
loss.backward(), the update from torch.optim.SGD with momentum and weight decay. float64 throughout.

  data     the full Fashion-MNIST training set (Debian's fashion-mnist package, IDX files read with
           gzip + numpy): X n x d (n = 60000, d = 784), each row scaled to Euclidean norm 1; labels
           y in 0..k-1 (k = 10)
  weights  W1: m x d, A: m x k, all N(0, 1) at init (torch.manual_seed(--seed), W1 drawn first)
  network  hidden = sqrt(2/m) relu(X W1^T)   (Du et al. 2019, eq. 2, c_sigma = 2 for relu)
           u = hidden A                       (logits, n x k)
  loss     mean over the batch of softmax cross-entropy (F.cross_entropy, reduction 'mean')
  update   torch.optim.SGD(params, lr=eta, momentum=mu, weight_decay=wd), i.e. per parameter p:
           g = grad + wd p;  buf = g on the first step, else mu buf + g;  p -= eta buf
  epoch    a random permutation (torch.randperm) of the n samples, split into ceil(n/B) batches of B
           (the last one smaller); batch t is gathered by index inside the loop, X[idx], y[idx]

Timing mode (one JSON object per line on stdout, one per --threads count; progress on stderr):
  For each thread count: fresh weights from --seed, --warmup-steps untimed SGD steps, then
  --epochs-timed epochs timed with time.perf_counter around the epoch loop only (permutation, gathers,
  forward, loss, backward, SGD step, zero_grad). Fields:
    tool, threads, n, width, batch_size
    epoch_seconds    mean seconds per timed epoch
    steps            SGD steps timed (all timed epochs)
    ms_per_step      timed seconds / steps, in milliseconds
    final_loss       the batch loss of the last timed step (before its update)
    train_accuracy   accuracy on all n training samples after the timed epochs (not timed)
  and, after those: kind, d, classes, eta, momentum, weight_decay, warmup_steps, epochs_timed, seed,
  epoch_seconds_each, train_loss (mean cross-entropy on all n samples after the epochs, not timed),
  torch, load_average_1m.

Cross-check mode (no timing; how the Java implementation is verified independently):
  torch_epoch_reference.py --check IN.npz OUT.npz
  IN.npz: W1 (m x d), A (m x k), X (n x d), y (n, int64 labels in 0..k-1), order (int64: the sample
  indices of the batches, concatenated in order), batch_size, eta, momentum, weight_decay, steps
  (scalars). Runs exactly `steps` SGD steps as above from those weights, batch t being
  order[t*B:(t+1)*B] (the last one may be shorter), with a single torch.optim.SGD (so momentum buffers
  carry over). OUT.npz (numpy.savez): W1, A after the steps, and losses (steps): the batch loss of each
  step before its update. X is used as given (not re-normalized). A "check" JSON line summarizes it.

Example:
  /usr/bin/python3 bench/torch_epoch_reference.py --threads 1,2
"""

import argparse
import gzip
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# helpers shared with the fully-connected reference (same folder; importing it only sets the default
# dtype to float64, looks up libblas.so.3 and tries `import functorch`)
from torch_reference import emit, loaded_blas, openblas_config, positive_ints, set_threads

torch.set_default_dtype(torch.float64)

DATA_DIR = "/usr/share/datasets/fashion-mnist"
IMAGES = "train-images-idx3-ubyte.gz"
LABELS = "train-labels-idx1-ubyte.gz"
CLASSES = 10
WIDTH = 1024
BATCH_SIZE = 128
ETA = 0.1
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4
C_SIGMA = 2.0                    # relu: 1 / E[relu(z)^2], z ~ N(0, 1)
EVAL_CHUNK = 10000               # samples per forward when scoring the whole training set


def log(msg):
    print(f"[torch-epoch-reference] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------

def read_idx(path, magic, offset):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    got = int.from_bytes(raw[:4], "big")
    if got != magic:
        raise ValueError(f"{path}: IDX magic {got:#x}, expected {magic:#x}")
    return raw, np.frombuffer(raw, dtype=np.uint8, offset=offset)


def load_fashion_mnist(data_dir, n=None):
    """X (n x 784 float64, rows of Euclidean norm 1) and y (n int64) of the training set."""
    raw, pixels = read_idx(os.path.join(data_dir, IMAGES), 0x00000803, 16)
    count, rows, cols = (int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    X = pixels.reshape(count, rows * cols)
    _, y = read_idx(os.path.join(data_dir, LABELS), 0x00000801, 8)
    if y.shape[0] != count:
        raise ValueError(f"{count} images but {y.shape[0]} labels")
    if n is not None:
        X, y = X[:n], y[:n]
    X = X.astype(np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X /= np.where(norms > 0, norms, 1.0)
    return X, y.astype(np.int64)


# ---------------------------------------------------------------------------------------------
# the network
# ---------------------------------------------------------------------------------------------

class OneHidden(nn.Module):
    """hidden = sqrt(c_sigma/m) relu(x W1^T), u = hidden A (Du et al. 2019 eq. 2, H = 1, k outputs)."""

    def __init__(self, d, m, k):
        super().__init__()
        self.m = m
        self.W1 = nn.Parameter(torch.randn(m, d))
        self.A = nn.Parameter(torch.randn(m, k))

    def forward(self, x):
        hidden = math.sqrt(C_SIGMA / self.m) * F.relu(x @ self.W1.T)
        return hidden @ self.A


def make_optimizer(model, eta, momentum, weight_decay):
    return torch.optim.SGD(model.parameters(), lr=eta, momentum=momentum, weight_decay=weight_decay)


def sgd_step(model, optimizer, xb, yb):
    loss = F.cross_entropy(model(xb), yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss


@torch.no_grad()
def evaluate(model, X, y):
    """(mean cross-entropy, accuracy) on all of X, in chunks of EVAL_CHUNK samples."""
    loss_sum, correct = 0.0, 0
    for s in range(0, X.shape[0], EVAL_CHUNK):
        u = model(X[s:s + EVAL_CHUNK])
        yb = y[s:s + EVAL_CHUNK]
        loss_sum += F.cross_entropy(u, yb, reduction="sum").item()
        correct += (u.argmax(dim=1) == yb).sum().item()
    return loss_sum / X.shape[0], correct / X.shape[0]


# ---------------------------------------------------------------------------------------------
# 1. timing: one epoch
# ---------------------------------------------------------------------------------------------

def measure_epoch(threads, X, y, args):
    set_threads(threads)
    n, d = X.shape
    B = args.batch_size
    torch.manual_seed(args.seed)
    model = OneHidden(d, args.width, CLASSES)
    optimizer = make_optimizer(model, args.eta, args.momentum, args.weight_decay)
    gen = torch.Generator().manual_seed(args.seed + 1)     # batch order, apart from the init stream

    # warm-up: the first --warmup-steps batches of a permutation, untimed (they do train the weights)
    perm = torch.randperm(n, generator=gen)
    w0 = time.perf_counter()
    for t in range(args.warmup_steps):
        idx = perm[(t * B) % n:(t * B) % n + B]
        sgd_step(model, optimizer, X[idx], y[idx])
    t_warm = time.perf_counter() - w0

    each, steps = [], 0
    for _ in range(args.epochs_timed):
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=gen)
        for s in range(0, n, B):
            idx = perm[s:s + B]
            loss = sgd_step(model, optimizer, X[idx], y[idx])
            steps += 1
        each.append(time.perf_counter() - t0)
    final_loss = loss.item()

    train_loss, train_acc = evaluate(model, X, y)
    total = sum(each)
    log(f"threads={threads}: epoch {total / len(each):.3f} s, {steps} steps, {1e3 * total / steps:.3f} ms/step "
        f"(warm-up {args.warmup_steps} steps {t_warm:.3f} s); last batch loss {final_loss:.4f}, "
        f"train loss {train_loss:.4f}, train accuracy {train_acc:.4f}")
    emit(dict(tool="torch", threads=threads, n=n, width=args.width, batch_size=B,
              epoch_seconds=total / len(each), steps=steps, ms_per_step=1e3 * total / steps,
              final_loss=final_loss, train_accuracy=train_acc,
              kind="epoch", d=d, classes=CLASSES, eta=args.eta, momentum=args.momentum,
              weight_decay=args.weight_decay, warmup_steps=args.warmup_steps, epochs_timed=args.epochs_timed,
              seed=args.seed, epoch_seconds_each=each, train_loss=train_loss, torch=torch.__version__))


# ---------------------------------------------------------------------------------------------
# 2. cross-check mode
# ---------------------------------------------------------------------------------------------

def fail(msg):
    log(f"--check: {msg}")
    sys.exit(2)


def scalar(z, key, kind):
    v = np.asarray(z[key])
    if v.size != 1:
        fail(f"{key} has shape {v.shape}; expected a scalar")
    v = v.reshape(()).item()
    if kind is int:
        if float(v) != int(v):
            fail(f"{key} = {v}; expected an integer")
        return int(v)
    return float(v)


def run_check(args):
    path, out = args.check
    try:
        z = np.load(path)
    except Exception as e:
        fail(f"cannot read {path}: {type(e).__name__}: {e}")
    need = ("W1", "A", "X", "y", "order", "batch_size", "eta", "momentum", "weight_decay", "steps")
    missing = [key for key in need if key not in z.files]
    if missing:
        fail(f"{path} has no {missing} (it has {sorted(z.files)}); expected {list(need)}")
    W1 = np.asarray(z["W1"], dtype=np.float64)
    A = np.asarray(z["A"], dtype=np.float64)
    X = np.asarray(z["X"], dtype=np.float64)
    y = np.asarray(z["y"]).reshape(-1)
    order = np.asarray(z["order"]).reshape(-1)
    B = scalar(z, "batch_size", int)
    eta, mu, wd = (scalar(z, key, float) for key in ("eta", "momentum", "weight_decay"))
    steps = scalar(z, "steps", int)
    if W1.ndim != 2 or A.ndim != 2 or X.ndim != 2:
        fail(f"W1 {W1.shape}, A {A.shape}, X {X.shape}: all must be 2-D")
    m, d = W1.shape
    k = A.shape[1]
    n = X.shape[0]
    if A.shape[0] != m:
        fail(f"A has shape {A.shape}; expected {m} rows (W1 is {W1.shape})")
    if X.shape[1] != d:
        fail(f"X has shape {X.shape}; expected {d} columns (W1 is {W1.shape})")
    if y.shape[0] != n:
        fail(f"y has {y.shape[0]} entries; expected n = {n}")
    if not (np.issubdtype(y.dtype, np.integer) and np.issubdtype(order.dtype, np.integer)):
        fail(f"y ({y.dtype}) and order ({order.dtype}) must be integer arrays")
    if n and (y.min() < 0 or y.max() >= k):
        fail(f"labels range over {y.min()}..{y.max()}; expected 0..{k - 1} (A has {k} columns)")
    if order.size and (order.min() < 0 or order.max() >= n):
        fail(f"order ranges over {order.min()}..{order.max()}; expected 0..{n - 1}")
    if B < 1 or steps < 0:
        fail(f"batch_size = {B}, steps = {steps}; expected batch_size >= 1, steps >= 0")
    if steps and (steps - 1) * B >= order.size:
        fail(f"{steps} steps of {B} need more than {(steps - 1) * B} indices in order; it has {order.size}")

    model = OneHidden(d, m, k)
    with torch.no_grad():
        model.W1.copy_(torch.from_numpy(W1))
        model.A.copy_(torch.from_numpy(A))
    optimizer = make_optimizer(model, eta, mu, wd)
    Xt, yt, order_t = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64)), torch.from_numpy(order.astype(np.int64))
    losses = np.empty(steps)
    for t in range(steps):
        idx = order_t[t * B:(t + 1) * B]
        losses[t] = sgd_step(model, optimizer, Xt[idx], yt[idx]).item()
    np.savez(out, W1=model.W1.detach().numpy(), A=model.A.detach().numpy(), losses=losses)
    log(f"--check: {steps} steps of {B} from {path}; wrote {out} (W1, A, losses)")
    emit(dict(tool="torch", kind="check", input=path, output=out, n=n, d=d, width=m, classes=k,
              batch_size=B, eta=eta, momentum=mu, weight_decay=wd, steps=steps,
              first_loss=float(losses[0]) if steps else None, last_loss=float(losses[-1]) if steps else None))


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  /usr/bin/python3 bench/torch_epoch_reference.py --threads 1,2\n"
               "  /usr/bin/python3 bench/torch_epoch_reference.py --check in.npz out.npz")
    ap.add_argument("--threads", type=positive_ints, default=[1, 2], help="thread counts (default 1,2)")
    ap.add_argument("--width", type=int, default=WIDTH, help=f"hidden width m (default {WIDTH})")
    ap.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"B (default {BATCH_SIZE})")
    ap.add_argument("--eta", type=float, default=ETA, help=f"SGD step size (default {ETA:g})")
    ap.add_argument("--momentum", type=float, default=MOMENTUM, help=f"SGD momentum (default {MOMENTUM:g})")
    ap.add_argument("--weight-decay", type=float, default=WEIGHT_DECAY,
                    help=f"SGD weight decay (default {WEIGHT_DECAY:g})")
    ap.add_argument("--epochs-timed", type=int, default=1, help="epochs timed per thread count (default 1)")
    ap.add_argument("--warmup-steps", type=int, default=20, help="untimed SGD steps before (default 20)")
    ap.add_argument("--n", type=int, help="use only the first n training samples (default all 60000)")
    ap.add_argument("--seed", type=int, default=0, help="weights from torch.manual_seed(seed); batch order "
                                                       "from a generator seeded with seed + 1")
    ap.add_argument("--data-dir", default=DATA_DIR, help=f"where the IDX files are (default {DATA_DIR})")
    ap.add_argument("--check", nargs=2, metavar=("IN.npz", "OUT.npz"), help="cross-check mode: see above")
    args = ap.parse_args()

    if args.check:
        run_check(args)
        return
    if args.width < 1 or args.batch_size < 1 or args.epochs_timed < 1 or args.warmup_steps < 0:
        ap.error("--width, --batch-size, --epochs-timed must be positive, --warmup-steps non-negative")
    if args.n is not None and args.n < 1:
        ap.error("--n must be positive")

    t_start = time.perf_counter()
    Xn, yn = load_fashion_mnist(args.data_dir, args.n)
    X, y = torch.from_numpy(Xn), torch.from_numpy(yn)
    log(f"loaded {X.shape[0]} x {X.shape[1]} from {args.data_dir} in {time.perf_counter() - t_start:.2f} s; "
        f"torch {torch.__version__}, python {platform.python_version()}, blas {loaded_blas()} "
        f"({openblas_config()}), cpus {os.cpu_count()}")
    for t in args.threads:
        measure_epoch(t, X, y, args)
    log(f"done in {time.perf_counter() - t_start:.1f} s")


if __name__ == "__main__":
    main()
