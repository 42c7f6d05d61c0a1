#!/usr/bin/env bash
# Builds every release artifact into dist/, for users without Rust on Linux x86_64 with glibc
# >= 2.17 (what manylinux2014 promises). Each crate is built once, in release, against glibc
# 2.17 with zig (cargo-zigbuild and maturin's zig linker, both from PyPI), so the result does
# not depend on this machine's newer glibc:
#
#   dist/cardboss-<v>-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl   Python (abi3)
#   dist/cardboss-<v>.tar.gz                          Python sdist (builds with Rust installed)
#   dist/cardboss-<v>.tgz                             npm main package `cardboss` (JS + types)
#   dist/cardboss-linux-x64-gnu-<v>.tgz               npm platform package @cardboss/linux-x64-gnu
#   dist/maven/io/cardboss/cardboss/<v>/              jar (release libcardboss_ffi.so), POM,
#                                                     sources and javadoc jars (a Maven layout)
#   dist/cardboss-cli-<v>-x86_64-unknown-linux-gnu.tar.gz   the `cardboss` command
#   dist/cardboss-<v>.crate                           `cargo package -p cardboss` (verified)
#
# It leaves the addon in bindings-node/ and the release library for the Kotlin build where the
# binding suites find them: with CARDBOSS_USE_DIST=1 (scripts/test-all.sh sets it) the Python,
# Node and Kotlin suites test these very builds instead of building their own.
# Needs Rust, Python >= 3.9 with venv, Node 20 + npm, Java 17 + Maven; installs its tools
# (maturin, ziglang, cargo-zigbuild, auditwheel) into .venv-release/ from PyPI.
# Prints each artifact's size and the highest GLIBC symbol version each binary needs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dist=$root/dist
glibc=2.17
triple=x86_64-unknown-linux-gnu
zig_target=$triple.$glibc
out=$root/target/$triple/release
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
tools=${CARDBOSS_RELEASE_TOOLS:-$root/.venv-release}

step() { printf '\n==> %s\n' "$*"; }
fail() {
    echo "build-release.sh: $*" >&2
    exit 1
}

# The highest GLIBC_x.y symbol version a binary needs; fails when it is above the floor.
glibc_floor_check() {
    local file=$1 highest
    highest=$(objdump -T "$file" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
    echo "$(basename "$file"): highest GLIBC symbol version GLIBC_$highest"
    [[ $(printf '%s\n%s\n' "$highest" "$glibc" | sort -V | tail -1) == "$glibc" ]] ||
        fail "$file needs GLIBC_$highest, above the $glibc floor"
}

step "tools: maturin, zig, cargo-zigbuild, auditwheel (PyPI) in ${tools#"$root"/}"
[[ -x $tools/bin/python ]] || python3 -m venv "$tools"
"$tools/bin/python" -m pip install --quiet --upgrade pip
"$tools/bin/python" -m pip install --quiet "maturin>=1.9.4,<2" "ziglang<1" "cargo-zigbuild<1" "auditwheel>=6,<7"
# cargo-zigbuild and maturin find zig as `python3 -m ziglang` with the venv's python first.
export PATH=$tools/bin:$PATH
rustup target list --installed 2>/dev/null | grep -qx "$triple" || rustup target add "$triple"

rm -rf "$dist"
mkdir -p "$dist"

step "Node addon (napi build --release, cargo-zigbuild, glibc $glibc)"
(cd bindings-node && npm ci --no-audit --no-fund --silent && CARDBOSS_NAPI_TARGET=$zig_target node scripts/build.js)
addon=bindings-node/cardboss.linux-x64-gnu.node
glibc_floor_check "$addon"

step "npm packages: cardboss and @cardboss/linux-x64-gnu (npm pack)"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
node bindings-node/scripts/stage.js "$stage"
(cd "$stage/cardboss" && npm pack --silent --pack-destination "$dist" >/dev/null)
(cd "$stage/linux-x64-gnu" && npm pack --silent --pack-destination "$dist" >/dev/null)

step "Python wheel (maturin --zig, manylinux2014) and sdist"
(cd bindings-python &&
    maturin build --release --quiet --zig --compatibility manylinux2014 --target "$triple" --out "$dist" &&
    maturin sdist --out "$dist" >/dev/null)
wheel=$(ls "$dist"/cardboss-"$version"-*.whl)
auditwheel show "$wheel" | tee "$stage/auditwheel.txt"
grep -q 'manylinux_2_17_x86_64' "$stage/auditwheel.txt" || fail "auditwheel does not confirm manylinux_2_17 for $wheel"
unzip -q -o "$wheel" 'cardboss/_native*.so' -d "$stage/wheel"
glibc_floor_check "$(ls "$stage"/wheel/cardboss/_native*.so)"

step "CLI and the Kotlin/JVM library (cargo zigbuild --release, glibc $glibc)"
# One build for both: the core and the sandbox they share are compiled once (with the features
# of both), and the two link side by side. (`--bin cardboss --lib`: not the bindgen.)
cargo zigbuild --release --quiet --target "$zig_target" -p cardboss-cli -p cardboss-kotlin --bin cardboss --lib
glibc_floor_check "$out/cardboss"
glibc_floor_check "$out/libcardboss_ffi.so"
cli=cardboss-cli-$version-$triple
mkdir -p "$stage/$cli"
cp "$out/cardboss" LICENSE README.md "$stage/$cli/"
tar -C "$stage" -czf "$dist/$cli.tar.gz" "$cli"

step "jar with the release library, POM, sources and javadoc jars (mvn package)"
# The zig-linked release library keeps no UniFFI metadata for the bindgen (library mode): the
# Kotlin is generated from a debug build of the same sources, and the jar gets the release
# library. That debug build: CARDBOSS_FFI_LIB (scripts/test-all.sh gives the workspace build's)
# or the same command as bindings-kotlin/test.sh, so that the suite finds this build.
[[ -n ${CARDBOSS_FFI_LIB:-} ]] || cargo build --quiet -p cardboss-kotlin -p cardboss-sandbox
bash bindings-kotlin/generate.sh
cp "$out/libcardboss_ffi.so" bindings-kotlin/target-gen/native/linux-x86-64/libcardboss_ffi.so
(cd bindings-kotlin && mvn -q -B ${MAVEN_ARGS:-} -Dcardboss.skipGenerate=true -DskipTests package)
maven=$dist/maven/io/cardboss/cardboss/$version
mkdir -p "$maven"
for classifier in "" -sources -javadoc; do
    cp "bindings-kotlin/target/cardboss-$version$classifier.jar" "$maven/"
done
cp bindings-kotlin/pom.xml "$maven/cardboss-$version.pom"
# One check for both: the jar holds linux-x86-64/libcardboss_ffi.so, and it is the release build.
# (Not `unzip -l | grep -q`: grep's early exit kills unzip with SIGPIPE, which pipefail reports.)
cmp -s <(unzip -p "$maven/cardboss-$version.jar" linux-x86-64/libcardboss_ffi.so) "$out/libcardboss_ffi.so" ||
    fail "the jar lacks linux-x86-64/libcardboss_ffi.so, or it is not the release build"

step "crate (cargo package -p cardboss, verified by building it)"
cargo package --quiet -p cardboss --allow-dirty
cp "target/package/cardboss-$version.crate" "$dist/"

step "artifacts in dist/"
(cd "$dist" && find . -type f -printf '%s\t%p\n' | sort -k2 | awk -F'\t' '{ printf "%9.1f KiB  %s\n", $1 / 1024, substr($2, 3) }')
