#!/usr/bin/env bash
# Runs every test suite: Rust (core, sandbox, CLI), Python, Node and Kotlin.
# Works on a fresh machine with Rust, Python 3.11, Node 20, Java 17 + Maven: each binding's own
# test.sh installs what it needs (pip, npm, Maven Central) and builds from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Rust: format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

step "Rust: build (the sandbox binary is used by every language's suite)"
cargo build --workspace --all-targets
export CARDBOSS_SANDBOX_BIN="$PWD/target/debug/cardboss-sandbox"

step "Rust: tests (core, sandbox, CLI)"
cargo test --workspace

step "Python"
bash bindings-python/test.sh

step "Node"
bash bindings-node/test.sh

step "Kotlin and Swift"
bash bindings-kotlin/test.sh

step "All suites passed"
