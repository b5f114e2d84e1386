#!/usr/bin/env bash
# Installs the data that `--data fashion-mnist` reads: Debian's package dataset-fashion-mnist, whose files are
# /usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz; and the CSV files of python3-sklearn
# that `--data breast-cancer|wine|iris|digits` reads (unpacked without root into runs/.data/sklearn, see below).
#
#   scripts/setup-data.sh              what the build runs (root pom, validate phase): silent when the files are
#                                      there, one line when it installs them, one line with the command to run when
#                                      it cannot install (no root, no password-less sudo, no apt-get, no network);
#                                      always exits 0, since the build does not need the data (only the commands
#                                      and tests that use it do; those tests skip without it).
#   scripts/setup-data.sh --verbose    what `./overparam setup` runs: says what it finds, shows apt-get's output,
#                                      exits 1 when the files are still missing afterwards.
set -uo pipefail

package=dataset-fashion-mnist
folder=/usr/share/datasets/fashion-mnist
install_args=(install -y --no-install-recommends "$package")
verbose=0
for arg in "$@"; do
  case "$arg" in
    -v|--verbose) verbose=1 ;;
    -h|--help)
      echo "usage: ./overparam setup (scripts/setup-data.sh [--verbose]): installs the Debian package $package (Fashion-MNIST, into $folder) if its files are missing,"
      echo "  and unpacks the CSV files of python3-sklearn (--data breast-cancer, wine, iris, digits) into runs/.data/sklearn unless that package is installed."
      echo "  ./overparam setup says what it finds and shows apt-get's output (it runs this script with --verbose); it needs root or"
      echo "  password-less sudo to install. The build runs the script quietly."
      echo ""
      echo "Examples:"
      echo "  ./overparam setup"
      echo "  ./overparam setup --help"
      exit 0 ;;
    *) echo "setup-data: unknown argument '$arg': expected --verbose, --help or nothing." >&2; exit 2 ;;
  esac
done

# The small classification sets of Debian's python3-sklearn (--data breast-cancer, wine, iris, digits): its CSV files,
# read where the installed package has them, else unpacked from the package file into the repository's runs/.data/sklearn
# (apt-get download and dpkg-deb -x: no root, none of the package's Python dependencies). Never exits: the Fashion-MNIST
# part below decides the exit code, except that --verbose also exits 1 when these files are still missing.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sk_package=python3-sklearn
sk_system=/usr/lib/python3/dist-packages/sklearn/datasets/data
sk_cache="$root/runs/.data/sklearn"
sk_files=(breast_cancer.csv wine_data.csv iris.csv digits.csv.gz)
sk_status=0
sk_have() {
  local f
  for f in "${sk_files[@]}"; do [ -f "$1/$f" ] || return 1; done
}
sk_missing() {
  echo "setup-data: the small data sets are missing ($sk_system or $sk_cache) and $1; get them with: (cd /tmp && apt-get download $sk_package) and dpkg-deb -x on it, or sudo apt-get install $sk_package. Only --data breast-cancer|wine|iris|digits and their tests need them." >&2
  [ "$verbose" = 1 ] && sk_status=1
}
setup_small_sets() {
  if sk_have "$sk_system" || sk_have "$sk_cache"; then
    [ "$verbose" = 1 ] && echo "setup-data: the small data sets are in $(sk_have "$sk_system" && echo "$sk_system" || echo "$sk_cache"); nothing to do."
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || { sk_missing "this machine has no apt-get or dpkg-deb"; return 0; }
  local tmp deb
  tmp="$(mktemp -d)"
  echo "setup-data: unpacking the CSV files of $sk_package (about 2 MB) into $sk_cache ..."
  if ! (cd "$tmp" && apt-get download "$sk_package" >"$tmp/log" 2>&1); then
    sk_missing "'apt-get download $sk_package' failed ($(grep -v '^[[:space:]]*$' "$tmp/log" | tail -1))"
  else
    deb="$(ls "$tmp"/*.deb | head -1)"
    if dpkg-deb -x "$deb" "$tmp/x" && sk_have "$tmp/x$sk_system" && mkdir -p "$sk_cache" \
        && (for f in "${sk_files[@]}"; do cp "$tmp/x$sk_system/$f" "$sk_cache/$f.partial" && mv "$sk_cache/$f.partial" "$sk_cache/$f" || exit 1; done); then
      [ "$verbose" = 1 ] && echo "setup-data: done; the small data sets are in $sk_cache."
    else
      sk_missing "unpacking $deb did not give them"
    fi
  fi
  rm -rf "$tmp"
}
setup_small_sets

# The four files, each plain or gzipped (overparam reads either).
installed() {
  local f
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -f "$folder/$f.gz" ] || [ -f "$folder/$f" ] || return 1
  done
}

if installed; then
  [ "$verbose" = 1 ] && echo "setup-data: Fashion-MNIST is installed in $folder (package $package); nothing to do."
  exit "$sk_status"
fi

# Not there: can't install (exit 0 for the build, 1 for ./overparam setup), with the one line that says what to do.
cannot() {
  local how="sudo apt-get ${install_args[*]} (or ./overparam setup as root)"
  [ "$(id -u)" = 0 ] && how="apt-get ${install_args[*]} (or ./overparam setup)"
  echo "setup-data: Fashion-MNIST is missing ($folder) and $1; install it with: $how. Only --data fashion-mnist and its tests need it." >&2
  [ "$verbose" = 1 ] && exit 1
  exit 0
}

command -v apt-get >/dev/null 2>&1 || cannot "this machine has no apt-get (the data is Debian's package $package)"
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  cannot "installing it needs root (not root, and no password-less sudo)"
fi

# apt-get's output goes to a log, shown only with --verbose or on failure (its last line).
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
run_apt() {
  if [ "$verbose" = 1 ]; then
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" 2>&1 | tee -a "$log"
  else
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" >>"$log" 2>&1
  fi
}
failed() {
  local last
  last="$(grep -v '^[[:space:]]*$' "$log" | tail -1)"
  cannot "'${as_root[*]:+${as_root[*]} }apt-get $1' failed${last:+ ($last)}"
}

echo "setup-data: installing Fashion-MNIST (Debian package $package, about 30 MB, into $folder) with ${as_root[*]:+${as_root[*]} }apt-get ..."
# The package lists are read once, only if apt does not know the package yet (a fresh machine has none).
if ! apt-cache show "$package" >/dev/null 2>&1; then
  run_apt update -q || failed update
fi
run_apt "${install_args[@]}" || failed "${install_args[*]}"
installed || cannot "the package $package did not bring its files"
[ "$verbose" = 1 ] && echo "setup-data: done; Fashion-MNIST is in $folder."
exit "$sk_status"
