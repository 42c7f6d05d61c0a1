#!/usr/bin/env bash
# The fleet-sync benchmark, from scratch, in one command (see BENCHMARKS.md):
#
#   bench/run.sh            full run: 10,000 and 100,000 cards, 5 interleaved repetitions,
#                           updates BENCHMARKS.md and bench/fleet-sync.png
#   bench/run.sh --smoke    2,000 cards, 1 repetition, BENCHMARKS.md untouched; exits non-zero
#                           if any client's result check fails
#   bench/run.sh --no-build ...   reuse what is already built (a previous run, or the test suites)
#   bench/run.sh --profile P ...  the cargo profile of the Rust binaries (sandbox, CLI,
#                           cardboss-bench, decode: target/P/; default release; debug = dev);
#                           other than release: for the checks, BENCHMARKS.md is not rewritten
#   bench/run.sh --bulk     the bulk rows: suspend on all 10,000 cards from every client, a fresh
#                           sandbox per run, 3 repetitions; writes the bulk section of BENCHMARKS.md
#                           (bench/bulk.py; --reps N, --cards N)
#   bench/run.sh --wan 30   the WAN profile: every request takes a simulated 30 ms round trip
#                           (cardboss-sandbox --latency 30), 10,000 cards, the Rust core also one
#                           call at a time; writes the WAN section of BENCHMARKS.md
#   any other argument goes to bench/harness.py (--reps N, --sizes 10000,100000,
#   --concurrency 8, --skip py-requests,wrk, ...)
#
# CI (scripts/test-all.sh) runs, after the suites, on what they built:
#   CARDBOSS_BENCH_VENV="$PWD/bindings-python/.venv" bench/run.sh --smoke --no-build --profile debug
# i.e. the debug binaries of `cargo build --workspace --all-targets` (bench/rust is a workspace
# member), the release wheel bindings-python/test.sh installed in its venv, and the release addon
# bindings-node/test.sh built in bindings-node/.
#
# Builds (unless --no-build), all with the chosen profile: the sandbox, the CLI and the Rust bench
# client (cargo build -p cardboss-sandbox -p cardboss-cli -p cardboss-bench; bench/rust is a
# member of the root workspace), the Python package as a wheel (maturin) installed into the venv
# ($CARDBOSS_BENCH_VENV, default bench/.venv), the Node package (npm ci && npm run build in
# bindings-node: always the release addon, bindings-node's build script has no other mode).
# Always (build or not): the venv gets requests, httpx, cryptography (and matplotlib, except with
# --smoke) from pip, and wrk and GNU time are installed with apt-get when missing (Debian; sudo
# when not root). Needs Rust, Python >= 3.9 with venv, Node >= 20 + npm.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
. "$BENCH/lib.sh"
PYTHON="${PYTHON:-python3}"
VENV="${CARDBOSS_BENCH_VENV:-$BENCH/.venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"

BUILD=1
SMOKE=0
BULK=0
PROFILE=release
HARNESS_ARGS=()
COMMAND="bench/run.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --profile)
      [ $# -ge 2 ] || { echo "--profile needs a value (release, debug, ...)" >&2; exit 2; }
      PROFILE="$2"; shift ;;
    --profile=*) PROFILE="${1#--profile=}" ;;
    --bulk) BULK=1; COMMAND+=" --bulk" ;;
    *)
      [ "$1" = --smoke ] && SMOKE=1
      HARNESS_ARGS+=("$1"); COMMAND+=" $1" ;;
  esac
  shift
done
# cargo's profile `dev` builds into target/debug/.
set_profile "$PROFILE"
[ "$PROFILE" = release ] || COMMAND+=" --profile $PROFILE"
BIN="$CARGO_TARGET_DIR/$PROFILE"


# --- system tools ------------------------------------------------------------------------------
install_missing wrk=wrk /usr/bin/time=time

# --- Python: the harness's own dependencies (quick when already there) -------------------------
PIP_DEPS=(requests httpx cryptography)
[ "$SMOKE" = 1 ] || PIP_DEPS+=(matplotlib)
if [ "$BUILD" = 1 ]; then
  step "virtualenv $VENV (${PIP_DEPS[*]}, maturin)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "maturin>=1.9.4,<2" "${PIP_DEPS[@]}"
else
  [ -x "$VENV/bin/python" ] || { echo "no venv at $VENV: run without --no-build first" >&2; exit 1; }
  step "pip install ${PIP_DEPS[*]} into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PIP_DEPS[@]}"
fi

if [ "$BUILD" = 1 ]; then
  # --- Rust: sandbox, CLI, bench client (bench/rust is a member of the root workspace) ------------
  step "cargo build ${CARGO_PROFILE[*]} -p cardboss-sandbox -p cardboss-cli -p cardboss-bench"
  (cd "$REPO" && cargo build "${CARGO_PROFILE[@]}" --quiet -p cardboss-sandbox -p cardboss-cli -p cardboss-bench)

  # --- Python: wheel -----------------------------------------------------------------------------
  step "Python package: maturin build ${CARGO_PROFILE[*]}, installed into the venv"
  rm -rf "$BENCH/.dist"
  (cd "$REPO/bindings-python" && "$VENV/bin/maturin" build "${CARGO_PROFILE[@]}" --quiet \
      --interpreter "$VENV/bin/python" --out "$BENCH/.dist")
  "$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$BENCH"/.dist/cardboss-*.whl

  # --- Node: release addon -----------------------------------------------------------------------
  step "Node package: npm ci && npm run build (release addon)"
  (cd "$REPO/bindings-node" && npm ci --no-audit --no-fund --silent && npm run build --silent)
fi

# --- what the harness runs must be there -------------------------------------------------------
absent=()
for b in cardboss-sandbox cardboss cardboss-bench decode; do
  [ -x "$BIN/$b" ] || absent+=("$BIN/$b")
done
# native.js (in the package) loads the addon built beside it.
compgen -G "$REPO/bindings-node/*.node" >/dev/null \
  || absent+=("the Node addon (bindings-node/*.node)")
if [ ${#absent[@]} -gt 0 ]; then
  printf 'not built: %s\n' "${absent[@]}" >&2
  echo "run without --no-build, or build them first (cargo build --workspace --all-targets for debug)" >&2
  exit 1
fi
# The installed package, never the source folder.
(cd "$VENV" && "$VENV/bin/python" -c 'import cardboss, sys; assert "site-packages" in cardboss.__file__, cardboss.__file__') \
  || { echo "cardboss is not installed in $VENV: run without --no-build" >&2; exit 1; }

step "uptime: $(uptime)"
cd "$REPO"
if [ "$BULK" = 1 ]; then
  step "bulk rows (Rust binaries from $BIN)"
  exec "$VENV/bin/python" "$BENCH/bulk.py" --command "$COMMAND" --profile "$PROFILE" ${HARNESS_ARGS[@]+"${HARNESS_ARGS[@]}"}
fi
step "harness (Rust binaries from $BIN)"
if [ "$SMOKE" = 1 ]; then
  # The smoke run checks the bulk rows too (500 cards, one repetition).
  "$VENV/bin/python" "$BENCH/harness.py" --command "$COMMAND" --profile "$PROFILE" ${HARNESS_ARGS[@]+"${HARNESS_ARGS[@]}"}
  step "bulk rows, smoke"
  exec "$VENV/bin/python" "$BENCH/bulk.py" --smoke --profile "$PROFILE"
fi
exec "$VENV/bin/python" "$BENCH/harness.py" --command "$COMMAND" --profile "$PROFILE" ${HARNESS_ARGS[@]+"${HARNESS_ARGS[@]}"}
