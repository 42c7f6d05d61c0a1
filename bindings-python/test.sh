#!/usr/bin/env bash
# Builds the Python package `cardboss` from scratch and runs its checks:
#   1. a fresh virtualenv (bindings-python/.venv, or $CARDBOSS_PY_VENV) with maturin, pytest,
#      mypy, and fastapi + httpx for the push-receiver example;
#   2. the sandbox binary (cargo build -p cardboss-sandbox) the tests start on free ports;
#   3. `maturin build --release` -> an abi3 wheel in bindings-python/dist/, installed into the venv;
#   4. mypy --strict on the package's stubs, examples/python/ and tests/test_typed.py;
#   5. pytest (bindings-python/tests) against the installed wheel, then the README's pytest example
#      (examples/python/test_with_sandbox.py, the in-process sandbox through the pytest plugin);
#   6. `pip install ./bindings-python` into a second fresh venv, and an import check
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
"$PY" -m pip install --quiet "maturin>=1.9.4,<2" pytest mypy fastapi httpx

step "sandbox binary"
(cd "$REPO" && cargo build --quiet -p cardboss-sandbox)
export CARDBOSS_SANDBOX_BIN="${CARDBOSS_SANDBOX_BIN:-$REPO/target/debug/cardboss-sandbox}"

step "wheel (maturin build --release)"
rm -rf "$DIST"
(cd "$HERE" && "$VENV/bin/maturin" build --release --quiet --interpreter "$PY" --out "$DIST")
"$PY" -m pip install --quiet --force-reinstall "$DIST"/cardboss-*.whl
# Import the installed package, never the source folder.
(cd "$VENV" && "$PY" -c 'import cardboss, sys; assert "site-packages" in cardboss.__file__, cardboss.__file__; print("cardboss", cardboss.__version__, "from", cardboss.__file__)')

step "mypy --strict (stubs, examples, typed test)"
(cd "$REPO" && "$VENV/bin/mypy" --strict --cache-dir "$VENV/.mypy_cache" -p cardboss \
    && "$VENV/bin/mypy" --strict --cache-dir "$VENV/.mypy_cache" examples/python bindings-python/tests/test_typed.py)

step "pytest"
(cd "$HERE" && "$PY" -m pytest -p no:cacheprovider tests "$@")

step "pytest examples/python/test_with_sandbox.py (the README's example, through the installed pytest plugin)"
(cd "$REPO" && "$PY" -m pytest -p no:cacheprovider examples/python/test_with_sandbox.py)

if [ "${CARDBOSS_PY_SKIP_SOURCE_INSTALL:-0}" != "1" ]; then
    step "pip install ./bindings-python into a second fresh virtualenv"
    SRC_VENV="$(mktemp -d)/venv"
    "$PYTHON" -m venv "$SRC_VENV"
    "$SRC_VENV/bin/python" -m pip install --quiet --upgrade pip
    (cd "$REPO" && "$SRC_VENV/bin/python" -m pip install --quiet ./bindings-python)
    (cd "$SRC_VENV" && "$SRC_VENV/bin/python" -c '
import cardboss
assert cardboss.sign(["a", "b", "c"]) == "900150983cd24fb0d6963f7d28e17f72"
print("pip install ./bindings-python: ok,", cardboss.__file__)
')
    rm -rf "$(dirname "$SRC_VENV")"
fi

step "python package: all checks passed"
