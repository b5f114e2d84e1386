#!/usr/bin/env bash
# PyTorch reference benchmark for the overparam bench harness.
#
#   bash bench/torch-reference.sh [--sizes large,small] [--only step,gram,dgemm] [...]
#   bash bench/torch-reference.sh --conv [...]   runs bench/torch_conv_reference.py (conv ResNet) instead
#   bash bench/torch-reference.sh --epoch [...]  runs bench/torch_epoch_reference.py (one epoch of SGD on
#                                                Fashion-MNIST, or its --check IN.npz OUT.npz mode) instead
#
# Makes sure Debian's python (/usr/bin/python3, never the pyenv python3 that may come first on PATH)
# can import torch, installing Debian's python3-torch if it cannot, then runs bench/torch_reference.py
# with the given arguments. It prints JSON Lines on stdout; see `--help`.
#
# BLAS: Debian's libtorch calls whatever libblas.so.3 the alternatives system selects. libtorch1.13
# Recommends libopenblas0, but a machine set up with --no-install-recommends is left with the netlib
# reference BLAS (about 3 GFLOP/s in float64 on one core here, against about 50 for OpenBLAS), which
# would turn the comparison into a straw man. If torch would load the reference BLAS, this script
# installs libopenblas0-openmp (one of the packages satisfying that recommendation; its OpenMP threads
# follow torch.set_num_threads, the pthread variant's do not). Set TORCH_REFERENCE_KEEP_BLAS=1 to
# skip that and measure with whatever BLAS is there.
#
# Testing hooks (environment):
#   TORCH_REFERENCE_MODULE=name   module whose import is checked instead of torch (e.g. a missing one)
#   TORCH_REFERENCE_DRY_RUN=1     print the install commands instead of running them, and stop
#                                 before running the benchmark
#   TORCH_REFERENCE_DRY_RUN=fail-first   as 1, but pretend the first `apt-get install` failed
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script="$here/torch_reference.py"
if [ "${1:-}" = --conv ]; then shift; script="$here/torch_conv_reference.py"
elif [ "${1:-}" = --epoch ]; then shift; script="$here/torch_epoch_reference.py"; fi
py=/usr/bin/python3
module="${TORCH_REFERENCE_MODULE:-torch}"
dry="${TORCH_REFERENCE_DRY_RUN:-0}"
first_install=1

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "torch-reference: need root to run '$*' and sudo is not installed; run it as root and retry" >&2
    return 1
  fi
}

run() {
  if [ "$dry" != 0 ]; then
    echo "torch-reference: dry run: $*" >&2
    if [ "$dry" = fail-first ] && [ "$1" = apt-get ] && [ "$2" = install ] && [ "$first_install" = 1 ]; then
      first_install=0
      echo "torch-reference: dry run: (pretending that failed)" >&2
      return 1
    fi
    return 0
  fi
  as_root env DEBIAN_FRONTEND=noninteractive "$@" >&2   # stdout is reserved for the JSON Lines
}

apt_install() {
  if ! run apt-get install -y "$@"; then
    run apt-get update
    run apt-get install -y "$@"
  fi
}

importable() {
  [ -x "$py" ] && "$py" -c "import $1" >/dev/null 2>&1
}

if ! importable "$module"; then
  echo "torch-reference: $py cannot import $module; installing Debian's python3-torch (apt-get install -y python3-torch)" >&2
  apt_install python3-torch
  if [ "$dry" = 0 ] && ! importable "$module"; then
    echo "torch-reference: $py still cannot import $module after installing python3-torch; install it by hand (apt-get install python3-torch) and retry" >&2
    exit 1
  fi
fi

# Which BLAS would torch load? Prints "reference" for Debian's netlib libblas3, else the library path.
blas_of_torch() {
  "$py" - <<'EOF' 2>/dev/null || echo unknown
import os, torch
libs = {os.path.realpath(l.split()[-1]) for l in open("/proc/self/maps")
        if len(l.split()) >= 6 and os.path.basename(l.split()[-1]).startswith("libblas.so")}
if torch.backends.mkl.is_available():
    print("mkl")
elif any("/blas/libblas.so" in p for p in libs):
    print("reference")
else:
    print(",".join(sorted(libs)) or "none")
EOF
}

if [ "$module" = torch ] && importable torch && [ "${TORCH_REFERENCE_KEEP_BLAS:-0}" = 0 ]; then
  blas="$(blas_of_torch)"
  if [ "$blas" = reference ]; then
    echo "torch-reference: torch would use the netlib reference BLAS; installing libopenblas0-openmp (libtorch1.13 recommends libopenblas0; set TORCH_REFERENCE_KEEP_BLAS=1 to skip)" >&2
    apt_install libopenblas0-openmp
    if [ "$dry" = 0 ] && [ "$(blas_of_torch)" = reference ]; then
      echo "torch-reference: warning: torch still loads the reference BLAS after installing libopenblas0-openmp; the numbers will be slow" >&2
    fi
  fi
fi

if [ "$dry" != 0 ]; then
  echo "torch-reference: dry run: exec $py $script $*" >&2
  exit 0
fi
exec "$py" "$script" "$@"
