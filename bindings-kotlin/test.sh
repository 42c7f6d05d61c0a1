#!/usr/bin/env bash
# Builds and tests the Kotlin (JVM) bindings from scratch (the Swift ones: swift/test.sh):
#   1. cargo: the cdylib and the uniffi-bindgen binary (debug), and the sandbox binary the tests
#      run against;
#   2. Maven (dependencies from Maven Central): generate.sh writes the Kotlin into target-gen/ (and
#      the Swift into swift/Sources/); then the Kotlin is compiled, the JUnit 5 suite
#      runs against the sandbox, and the jar is packaged with linux-x86-64/libcardboss_ffi.so;
#   3. the jar is checked to contain the native library and the classes.
# Needs Rust (cargo), Java 17 and Maven. Environment: CARGO_TARGET_DIR, CARDBOSS_SANDBOX_BIN
# (default: the sandbox built here), MAVEN_ARGS (extra arguments for mvn).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

target_dir=${CARGO_TARGET_DIR:-$root/target}
# With CARDBOSS_USE_DIST=1 and CARDBOSS_FFI_LIB (scripts/test-all.sh) nothing is compiled here: the
# release library is tested, the Kotlin generated from CARDBOSS_FFI_LIB's UniFFI metadata.
if [[ ! (${CARDBOSS_USE_DIST:-0} == 1 && -n ${CARDBOSS_FFI_LIB:-}) ]]; then
    step "cargo build -p cardboss-kotlin -p cardboss-sandbox (debug)"
    cargo build -p cardboss-kotlin -p cardboss-sandbox
fi
export CARDBOSS_SANDBOX_BIN=${CARDBOSS_SANDBOX_BIN:-$target_dir/debug/cardboss-sandbox}

step "mvn package: generate Kotlin (and Swift), compile, test, jar"
cd "$here"
# With CARDBOSS_USE_DIST=1 the suite runs on the release library scripts/build-release.sh built
# (the Kotlin generated from the debug build: the release library keeps no UniFFI metadata).
if [[ ${CARDBOSS_USE_DIST:-0} == 1 ]]; then
    bash "$here/generate.sh"
    cp "$target_dir/x86_64-unknown-linux-gnu/release/libcardboss_ffi.so" "$here/target-gen/native/linux-x86-64/"
    MAVEN_ARGS="${MAVEN_ARGS:-} -Dcardboss.skipGenerate=true"
fi
# shellcheck disable=SC2086
mvn -q -B ${MAVEN_ARGS:-} package

step "check the jar"
jar=$here/target/cardboss-0.1.0.jar
[[ -f $jar ]] || { echo "test.sh: no $jar" >&2; exit 1; }
listing=$(jar tf "$jar")
for entry in linux-x86-64/libcardboss_ffi.so cardboss/CardBossClient.class cardboss/CardBossException.class cardboss/core/Customer.class; do
    grep -qx "$entry" <<<"$listing" || { echo "test.sh: $jar lacks $entry" >&2; exit 1; }
done
echo "test.sh: $(basename "$jar") holds the classes and linux-x86-64/libcardboss_ffi.so"

step "Kotlin bindings: all checks passed"
