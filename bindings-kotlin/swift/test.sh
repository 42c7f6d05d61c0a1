#!/usr/bin/env bash
# Builds and tests the Swift package here with a real Swift toolchain, which this machine lacks:
#   0. checks that README.md and ../../README.md show the quick start of
#      Tests/CardBossTests/ReadmeExampleTests.swift verbatim (the suite compiles and runs it);
#   1. cargo: the cdylib, the bindgen and the sandbox (debug; nothing to do after
#      scripts/test-all.sh or ../test.sh built them);
#   2. ../generate.sh: the Swift sources and C headers, from the library just built, so the
#      suite never tests stale bindings;
#   3. a Debian trixie root in a fresh temporary folder (../../scripts/debian-root.sh) with
#      `swiftlang` (Swift 6.0.3), libc6-dev and ca-certificates;
#   4. inside it, on a copy of this package: `swift build --build-tests`, then `swift test`,
#      with target/debug bind-mounted (libcardboss_ffi.so to link and load, the sandbox the tests
#      start) and tests/vectors;
#   5. a closing `N passed, N failed` line counted from XCTest's output. The root is destroyed
#      on the way out, whatever happened.
# Needs root (or sudo), Rust (cargo) and Debian's mirror. Environment: CARGO_TARGET_DIR,
# CARDBOSS_SWIFT_KEEP_ROOT=1 (leave the root for a look; its path is printed), CARDBOSS_SWIFT_ROOT
# (a trixie root made beforehand with those packages and nothing mounted: moved here and used).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kotlin=$(dirname "$here")
repo=$(dirname "$kotlin")
target_dir=${CARGO_TARGET_DIR:-$repo/target}
debian_root=$repo/scripts/debian-root.sh

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

# With CARDBOSS_USE_DIST=1 and CARDBOSS_FFI_LIB (scripts/test-all.sh) nothing is compiled here: the
# suite links and loads the release library scripts/build-release.sh built, the bindings are
# generated from CARDBOSS_FFI_LIB's UniFFI metadata, and the sandbox is the release CLI's
# `cardboss sandbox` (the workspace's debug sandbox links the Python binding's libpython, which
# the root lacks). Otherwise the debug builds of the Kotlin crate and the sandbox.
if [[ ${CARDBOSS_USE_DIST:-0} == 1 && -n ${CARDBOSS_FFI_LIB:-} ]]; then
    lib_dir=$target_dir/x86_64-unknown-linux-gnu/release
    sandbox_cmd='exec /cardboss/lib/cardboss sandbox "$@"'
    [[ -x $lib_dir/cardboss ]] || { echo "swift/test.sh: no release CLI at $lib_dir/cardboss" >&2; exit 1; }
else
    step "cargo build -p cardboss-kotlin -p cardboss-sandbox (debug)"
    (cd "$repo" && cargo build -p cardboss-kotlin -p cardboss-sandbox)
    lib_dir=$target_dir/debug
    sandbox_cmd='exec /cardboss/lib/cardboss-sandbox "$@"'
fi
[[ -f $lib_dir/libcardboss_ffi.so ]] || { echo "swift/test.sh: no $lib_dir/libcardboss_ffi.so" >&2; exit 1; }

step "the README's Swift quick starts are the example the suite compiles and runs"
example=$here/Tests/CardBossTests/ReadmeExampleTests.swift
snippet=$(sed -n '/^\/\/ readme:start$/,/^\/\/ readme:end$/{//!p}' "$example")
[[ -n $snippet ]] || { echo "swift/test.sh: no readme:start/readme:end block in $example" >&2; exit 1; }
for readme in "$repo/README.md" "$here/README.md"; do
    [[ $(<"$readme") == *"$snippet"* ]] ||
        { echo "swift/test.sh: ${readme#"$repo"/} lacks the quick start of ${example#"$repo"/} (copy it verbatim)" >&2; exit 1; }
done
echo "README.md and swift/README.md show ${example#"$repo"/} verbatim"

step "generate the Swift bindings from ${CARDBOSS_FFI_LIB:-$target_dir/debug/libcardboss_ffi.so}"
bash "$kotlin/generate.sh"

work=$(mktemp -d)
root=$work/root
cleanup() {
    local rc=$?
    # The tests stop their sandboxes; any left behind (a crashed run) is stopped here, by pid.
    local link pid
    for link in /proc/[0-9]*/root; do
        [[ $(readlink "$link" 2>/dev/null) == "$root" ]] || continue
        pid=${link#/proc/}
        kill -9 "${pid%/root}" 2>/dev/null || true
    done
    if [[ ${CARDBOSS_SWIFT_KEEP_ROOT:-} == 1 ]]; then
        echo "swift/test.sh: the root is left in $root"
    else
        bash "$debian_root" destroy "$root" || rc=1
        rm -rf "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT

t0=$SECONDS
if [[ -n ${CARDBOSS_SWIFT_ROOT:-} ]]; then
    # made beforehand (scripts/test-all.sh, in the background) with the same packages: ours now
    step "Debian trixie root with Swift, made beforehand: $CARDBOSS_SWIFT_ROOT"
    mv "$CARDBOSS_SWIFT_ROOT" "$root"
else
    step "Debian trixie root with Swift in $root"
    bash "$debian_root" create trixie "$root" swiftlang libc6-dev ca-certificates
fi
t_root=$((SECONDS - t0))

# A copy of the package (with the generated files), so SwiftPM writes nothing into the checkout.
mkdir -p "$root/pkg"
cp -r "$here/Package.swift" "$here/Sources" "$here/Tests" "$root/pkg/"

run() {
    bash "$debian_root" run "$root" \
        --bind "$lib_dir:/cardboss/lib" --bind "$repo/tests/vectors:/cardboss/vectors" -- "$@"
}
# libcardboss_ffi is found by the linker through -L and by the loader through the rpath.
link_flags=(-Xlinker -L/cardboss/lib -Xlinker -rpath -Xlinker /cardboss/lib)

step "swift build --build-tests"
t0=$SECONDS
run sh -c 'swift --version && cd /pkg && swift build --build-tests --scratch-path /build "$@"' sh "${link_flags[@]}"
t_build=$((SECONDS - t0))

step "swift test (against the sandbox)"
t0=$SECONDS
log=$work/swift-test.log
rc=0
printf '#!/bin/sh\n%s\n' "$sandbox_cmd" >"$root/usr/local/bin/cardboss-sandbox"
chmod +x "$root/usr/local/bin/cardboss-sandbox"
run env CARDBOSS_SANDBOX_BIN=/usr/local/bin/cardboss-sandbox CARDBOSS_VECTORS=/cardboss/vectors \
    sh -c 'cd /pkg && swift test --skip-build --scratch-path /build "$@"' sh "${link_flags[@]}" 2>&1 | tee "$log" || rc=$?
t_test=$((SECONDS - t0))

passed=$(grep -cE "^Test Case '.*' passed \(" "$log" || true)
failed=$(grep -cE "^Test Case '.*' failed \(" "$log" || true)
echo
echo "swift/test.sh: root + apt ${t_root} s, build ${t_build} s, tests ${t_test} s, all $((SECONDS - started)) s"
status=0
if ((rc != 0 || failed != 0 || passed == 0)); then
    echo "swift/test.sh: swift test failed (exit $rc)"
    status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
