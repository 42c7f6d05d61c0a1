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

step() { printf '\n==> %s\n' "$*"; }

step "Rust: format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

step "Rust: build (the sandbox is used by every suite; it, the CLI and bench/rust by the smoke run)"
cargo build --workspace --all-targets
export CARDBOSS_SANDBOX_BIN="$PWD/target/debug/cardboss-sandbox"

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

step "Swift (in a Debian trixie root with Swift 6.0.3; reuses the Kotlin step's debug build)"
bash bindings-kotlin/swift/test.sh

step "Install test: the artifacts on a clean Debian bullseye root (Python, Node, Java)"
CARDBOSS_SKIP_RELEASE_BUILD=1 scripts/test-install.sh

step "Benchmark harness (smoke): 2,000 cards through every client, results checked"
CARDBOSS_BENCH_VENV="$PWD/bindings-python/.venv" bench/run.sh --smoke --no-build --profile debug

step "All suites passed"
