#!/usr/bin/env bash
# The fleet-sync benchmark, from scratch, in one command (see BENCHMARKS.md):
#
#   bench/run.sh            full run: 10,000 and 100,000 cards, 5 interleaved repetitions,
#                           updates BENCHMARKS.md and bench/fleet-sync.png
#   bench/run.sh --smoke    2,000 cards, 1 repetition, BENCHMARKS.md untouched; exits non-zero
#                           if any client's result check fails (CI)
#   bench/run.sh --no-build ...   reuse what a previous run built
#   any other argument goes to bench/harness.py (--reps N, --sizes 10000,100000,
#   --concurrency 8, --skip py-requests,wrk, ...)
#
# Builds: the release sandbox and CLI (cargo build --release), the Rust bench client
# (bench/rust, its own workspace, same target/), the Python package as a release wheel (maturin)
# in bench/.venv with requests, httpx, cryptography and matplotlib, the Node package
# (npm ci && npm run build in bindings-node: release addon). Installs wrk and GNU time with
# apt-get when they are missing (Debian). Needs Rust, Python >= 3.9 with venv, Node >= 20 + npm.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${CARDBOSS_BENCH_VENV:-$BENCH/.venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"

BUILD=1
HARNESS_ARGS=()
COMMAND="bench/run.sh"
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    *) HARNESS_ARGS+=("$arg"); COMMAND+=" $arg" ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

# --- system tools ------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$BUILD" = 1 ]; then
  # --- Rust: sandbox, CLI, bench client ----------------------------------------------------------
  step "cargo build --release -p cardboss-sandbox -p cardboss-cli"
  (cd "$REPO" && cargo build --release --quiet -p cardboss-sandbox -p cardboss-cli)

  step "cargo build --release (bench/rust: the Rust core client)"
  [ -f "$BENCH/rust/Cargo.lock" ] || cp "$REPO/Cargo.lock" "$BENCH/rust/Cargo.lock"
  (cd "$BENCH/rust" && cargo build --release --quiet)

  # --- Python: venv, release wheel ---------------------------------------------------------------
  step "virtualenv $VENV (requests, httpx, cryptography, matplotlib, maturin)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "maturin>=1.9.4,<2" requests httpx cryptography matplotlib

  step "Python package: maturin build --release, installed into the venv"
  rm -rf "$BENCH/.dist"
  (cd "$REPO/bindings-python" && "$VENV/bin/maturin" build --release --quiet \
      --interpreter "$VENV/bin/python" --out "$BENCH/.dist")
  "$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$BENCH"/.dist/cardboss-*.whl

  # --- Node: release addon -----------------------------------------------------------------------
  step "Node package: npm ci && npm run build (release addon)"
  (cd "$REPO/bindings-node" && npm ci --no-audit --no-fund --silent && npm run build --silent)
fi

[ -x "$VENV/bin/python" ] || { echo "no venv at $VENV: run without --no-build first" >&2; exit 1; }
(cd "$VENV" && "$VENV/bin/python" -c 'import cardboss, sys; assert "site-packages" in cardboss.__file__')

step "uptime: $(uptime)"
step "harness"
cd "$REPO"
exec "$VENV/bin/python" "$BENCH/harness.py" --command "$COMMAND" ${HARNESS_ARGS[@]+"${HARNESS_ARGS[@]}"}
