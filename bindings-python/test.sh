#!/usr/bin/env bash
# Builds the Python package `cardboss` from scratch and runs its checks:
#   1. a fresh virtualenv (bindings-python/.venv, or $CARDBOSS_PY_VENV) with maturin, pytest,
#      mypy, and fastapi, flask and uvicorn for the push receivers (examples/python/push_receiver*.py,
#      cardboss.starlette and cardboss.flask, served on real loopback ports by the tests);
#   2. the sandbox binary the tests start on free ports ($CARDBOSS_SANDBOX_BIN, or cargo build
#      -p cardboss-sandbox);
#   3. `maturin build --release` -> an abi3 wheel in bindings-python/dist/, installed into the venv
#      (with CARDBOSS_USE_DIST=1: the release wheel scripts/build-release.sh wrote to dist/);
#   4. `stubs.py --check` (the generated section of cardboss/_native.pyi, the code enums and the
#      models, is what the built module renders), mypy's stubtest of cardboss/_native.pyi against
#      the installed module (names, signatures, properties, enum members; stubtest-allowlist.txt
#      says why each exception), then mypy --strict on the package's stubs, examples/python/ and
#      bindings-python/tests/;
#   5. pytest (bindings-python/tests) against the installed wheel, then the README's pytest example
#      (examples/python/test_with_sandbox.py, the in-process sandbox through the pytest plugin);
#   6. `pip install ./bindings-python` (with CARDBOSS_USE_DIST=1: the sdist in dist/) into a
#      second fresh venv, and an import check
#      (skip with CARDBOSS_PY_SKIP_SOURCE_INSTALL=1).
# Needs Python >= 3.9 with venv and pip ($PYTHON, default python3), Rust (cargo), and access to PyPI.
# Exits non-zero on the first failure. Extra arguments go to pytest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${CARDBOSS_PY_VENV:-$HERE/.venv}"
DIST="$HERE/dist"

step() { printf '\n==> %s\n' "$*"; }

step "fresh virtualenv at $VENV"
"$PYTHON" -m venv --clear "$VENV"
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --upgrade pip
"$PY" -m pip install --quiet "maturin>=1.9.4,<2" pytest mypy fastapi flask uvicorn

if [ -z "${CARDBOSS_SANDBOX_BIN:-}" ]; then
    # (scripts/test-all.sh gives the one it built: building this package alone would compile the
    # core again with another feature set)
    step "sandbox binary"
    (cd "$REPO" && cargo build --quiet -p cardboss-sandbox)
    export CARDBOSS_SANDBOX_BIN="$REPO/target/debug/cardboss-sandbox"
fi

if [ "${CARDBOSS_USE_DIST:-0}" = "1" ]; then
    # scripts/test-all.sh built the release artifacts first: test that very wheel.
    step "wheel from dist/ (scripts/build-release.sh)"
    WHEEL="$(ls "$REPO"/dist/cardboss-*-manylinux*.whl)"
else
    step "wheel (maturin build --release)"
    rm -rf "$DIST"
    (cd "$HERE" && "$VENV/bin/maturin" build --release --quiet --interpreter "$PY" --out "$DIST")
    WHEEL="$(ls "$DIST"/cardboss-*.whl)"
fi
"$PY" -m pip install --quiet --force-reinstall "$WHEEL"
# Import the installed package, never the source folder.
(cd "$VENV" && "$PY" -c 'import cardboss, sys; assert "site-packages" in cardboss.__file__, cardboss.__file__; print("cardboss", cardboss.__version__, "from", cardboss.__file__)')

step "stubs.py --check: _native.pyi's generated section (enums, models) is what the built module renders"
(cd "$VENV" && "$PY" "$HERE/stubs.py" --check)

step "stubtest: _native.pyi against the built module (every name, signature, property, enum member)"
(cd "$VENV" && "$PY" -m mypy.stubtest cardboss._native --allowlist "$HERE/stubtest-allowlist.txt")

step "mypy --strict (stubs, examples, tests)"
# Tests may assert that a call returns None (func-returns-value); examples/python on the path for
# test_examples' `import push_receiver`.
(cd "$REPO" && "$VENV/bin/mypy" --strict --cache-dir "$VENV/.mypy_cache" -p cardboss \
    && "$VENV/bin/mypy" --strict --cache-dir "$VENV/.mypy_cache" examples/python \
    && MYPYPATH=examples/python "$VENV/bin/mypy" --strict --cache-dir "$VENV/.mypy_cache" \
        --disable-error-code func-returns-value bindings-python/tests)

step "pytest"
(cd "$HERE" && "$PY" -m pytest -p no:cacheprovider tests "$@")

step "pytest examples/python/test_with_sandbox.py (the README's example, through the installed pytest plugin)"
(cd "$REPO" && "$PY" -m pytest -p no:cacheprovider examples/python/test_with_sandbox.py)

if [ "${CARDBOSS_PY_SKIP_SOURCE_INSTALL:-0}" != "1" ]; then
    # From dist/, the sdist (what PyPI serves to a platform without a wheel); else the folder.
    SOURCE=./bindings-python
    # (cardboss-[0-9]*: the sdist, not the CLI tarball cardboss-cli-… beside it)
    [ "${CARDBOSS_USE_DIST:-0}" = "1" ] && SOURCE="$(ls "$REPO"/dist/cardboss-[0-9]*.tar.gz)"
    step "pip install $SOURCE into a second fresh virtualenv (built from source)"
    SRC_VENV="$(mktemp -d)/venv"
    "$PYTHON" -m venv "$SRC_VENV"
    "$SRC_VENV/bin/python" -m pip install --quiet --upgrade pip
    # What this checks is that the source builds and installs: built in debug (maturin's PEP 517
    # `--profile dev`) into the repository's target/, where the dependencies are already compiled
    # (a release build from nothing took 6 minutes of CI); pip itself builds release.
    (cd "$REPO" && CARGO_TARGET_DIR="$REPO/target" MATURIN_PEP517_ARGS="--profile dev" \
        "$SRC_VENV/bin/python" -m pip install --quiet "$SOURCE")
    (cd "$SRC_VENV" && "$SRC_VENV/bin/python" -c '
import cardboss, cardboss.push  # the push flow needs no web framework installed
assert cardboss.sign(["a", "b", "c"]) == "900150983cd24fb0d6963f7d28e17f72"
print("pip install ./bindings-python: ok,", cardboss.__file__)
')
    rm -rf "$(dirname "$SRC_VENV")"
fi

step "python package: all checks passed"
