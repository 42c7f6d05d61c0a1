#!/usr/bin/env bash
# Runs every test suite: Rust (core, sandbox, CLI, bench client), the release build
# (scripts/build-release.sh: every package into dist/, against glibc 2.17), Python, Node and
# Kotlin on those very release builds, Swift (in a Debian trixie root), the install test
# (scripts/test-install.sh: the packages installed and used on a clean Debian bullseye root),
# then the benchmark harness's smoke run (bench/run.sh --smoke) on what the suites built.
# Works on a fresh machine with Rust, Python 3.11, Node 20, Java 17 + Maven, as root: each
# script installs what it needs (pip, npm, Maven Central, debootstrap, Debian roots) and builds
# from scratch. The smoke run builds nothing: it takes the debug binaries of `cargo build
# --workspace --all-targets`, the release wheel installed in bindings-python/.venv and the
# release Node addon in bindings-node/; it installs wrk and GNU time with apt-get (sudo when
# not root) if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step prints the wall time since the start and the CPU time (user, sys) its commands have
# used so far, so that a CI log shows where the minutes go. (`times` in the current shell: a
# command substitution would be a subshell with no children yet.)
step() {
    local f
    f=$(mktemp)
    times >"$f"
    printf '\n==> [%dm%02ds; CPU so far %s] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$(tail -1 "$f")" "$*"
    rm -f "$f"
}

# The Debian roots of the Swift and install steps are made in the background from the start:
# mostly downloads and unpacking, which overlap the compiles instead of adding to them. Each is
# handed to its step (CARDBOSS_SWIFT_ROOT, CARDBOSS_INSTALL_ROOT), which destroys it; whatever
# is left (a failed run) goes on the way out.
roots=$(mktemp -d /tmp/cardboss-roots.XXXXXX)
declare -A root_pid
cleanup_roots() {
    local name
    for name in "${!root_pid[@]}"; do kill "${root_pid[$name]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for name in trixie bullseye; do scripts/debian-root.sh destroy "$roots/$name" || true; done
    rm -rf "$roots"
}
trap cleanup_roots EXIT
prepare_root() {
    local name=$1
    shift
    "$@" >"$roots/$name.log" 2>&1 &
    root_pid[$name]=$!
}
# Waits for a root made by prepare_root (in this shell: a command substitution could not wait
# for it) and sets `ready` to its path; prints its log if it failed.
root_ready() {
    wait "${root_pid[$1]}" || { cat "$roots/$1.log" >&2; echo "test-all.sh: the $1 root failed" >&2; return 1; }
    unset "root_pid[$1]"
    ready=$roots/$1
}
scripts/debian-root.sh tools
prepare_root trixie scripts/debian-root.sh create trixie "$roots/trixie" swiftlang libc6-dev ca-certificates
# bullseye: what the install test starts from, and the JRE's packages downloaded (not installed:
# the Python and Node smokes run on a root without a CA store or a JRE).
prepare_root bullseye sh -c 'scripts/debian-root.sh create bullseye "$1" python3 python3-venv &&
    scripts/debian-root.sh run "$1" -- apt-get install -d -y -qq --no-install-recommends openjdk-17-jre-headless' \
    sh "$roots/bullseye"

step "Rust: format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

step "Rust: build (the sandbox is used by every suite; it, the CLI and bench/rust by the smoke run)"
cargo build --workspace --all-targets
export CARDBOSS_SANDBOX_BIN="$PWD/target/debug/cardboss-sandbox"
# The UniFFI metadata the Kotlin and Swift bindings are generated from: this build's library
# (read, never loaded: with every binding's features it is not one to load), kept aside so that
# no later build replaces it. The release builds and the suites then compile nothing more in
# debug.
mkdir -p target/ffi-metadata
cp target/debug/libcardboss_ffi.so target/ffi-metadata/
export CARDBOSS_FFI_LIB="$PWD/target/ffi-metadata/libcardboss_ffi.so"

step "Rust: tests (core, sandbox, CLI; the guard-store tests run their own redis-server)"
scripts/redis.sh install
cargo test --workspace

step "Release artifacts into dist/ (glibc 2.17 builds; the binding suites below test them)"
scripts/build-release.sh
export CARDBOSS_USE_DIST=1

step "Python"
bash bindings-python/test.sh

step "Node"
bash bindings-node/test.sh

step "Kotlin"
bash bindings-kotlin/test.sh

step "Swift (in a Debian trixie root with Swift 6.0.3, on the release library)"
root_ready trixie
CARDBOSS_SWIFT_ROOT=$ready bash bindings-kotlin/swift/test.sh

step "Install test: the artifacts on a clean Debian bullseye root (Python, Node, Java)"
root_ready bullseye
CARDBOSS_INSTALL_ROOT=$ready CARDBOSS_SKIP_RELEASE_BUILD=1 scripts/test-install.sh

step "Benchmark harness (smoke): 2,000 cards through every client, results checked"
CARDBOSS_BENCH_VENV="$PWD/bindings-python/.venv" bench/run.sh --smoke --no-build --profile debug

step "All suites passed"
