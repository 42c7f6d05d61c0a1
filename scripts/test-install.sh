#!/usr/bin/env bash
# Installs the release artifacts (scripts/build-release.sh, dist/) the way a user without Rust
# would, on an old machine: a minimal Debian bullseye root (glibc 2.31, Python 3.9; no Rust, no
# C compiler, no ca-certificates), made fresh for this run and destroyed at the end. Inside it,
# against a sandbox started here on loopback (the root shares this machine's network):
#   1. Python: a venv, `pip install --no-index` of the wheel, tests/install/smoke.py;
#   2. Node 20 and npm (the `node` and `npm` packages from the npm registry, installed here and
#      bound into the root), `npm install --offline` of the two tarballs into an empty project,
#      tests/install/smoke.js;
#      — both before any CA store exists in the root (checked), so the clients' fallback for a
#      machine without one is exercised too;
#   3. Java: openjdk-17-jre-headless (apt-get in the root), then tests/install/jvm/Smoke.kt,
#      compiled here by a consumer Maven project whose only dependency is io.cardboss:cardboss
#      from dist/maven: the classpath is what the published POM brings.
# Each smoke: customer, a page of cards, details of 150 cards (two batches), a plain SMS, and an
# invalid-input error raised before any request. Prints each artifact's size and the time taken.
# Needs root (debootstrap, chroot), Node + npm, Java 17 + Maven. Environment:
# CARDBOSS_SKIP_RELEASE_BUILD=1 reuses dist/ as it is (scripts/test-all.sh built it);
# CARDBOSS_SANDBOX_BIN (default target/debug/cardboss-sandbox); CARDBOSS_INSTALL_ROOT (a bullseye
# root made beforehand with python3 and python3-venv, nothing mounted: moved here and used).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dist=$root/dist
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
started=$SECONDS

step() { printf '\n==> [%3d s] %s\n' $((SECONDS - started)) "$*"; }
fail() {
    echo "test-install.sh: $*" >&2
    exit 1
}

if [[ ${CARDBOSS_SKIP_RELEASE_BUILD:-0} != 1 ]]; then
    step "release artifacts (scripts/build-release.sh)"
    scripts/build-release.sh
fi
wheel=$(ls "$dist"/cardboss-"$version"-*-manylinux*.whl) || fail "no wheel in dist/: run scripts/build-release.sh"
npm_main=$dist/cardboss-$version.tgz
npm_platform=$dist/cardboss-linux-x64-gnu-$version.tgz
[[ -f $npm_main && -f $npm_platform && -d $dist/maven ]] || fail "dist/ lacks the npm tarballs or the Maven folder"

sandbox_bin=${CARDBOSS_SANDBOX_BIN:-$root/target/debug/cardboss-sandbox}
[[ -x $sandbox_bin ]] || cargo build --quiet -p cardboss-sandbox

work=$(mktemp -d /tmp/cardboss-install.XXXXXX)
sandbox_pid=
cleanup() {
    [[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null
    scripts/debian-root.sh destroy "$work/root" || true
    rm -rf "$work"
}
trap cleanup EXIT

if [[ -n ${CARDBOSS_INSTALL_ROOT:-} ]]; then
    step "Debian bullseye root with python3 + venv made beforehand ($CARDBOSS_INSTALL_ROOT), then without its CA store"
    mv "$CARDBOSS_INSTALL_ROOT" "$work/root"
else
    step "Debian bullseye root with python3 + venv, then without its CA store (scripts/debian-root.sh)"
    scripts/debian-root.sh create bullseye "$work/root" python3 python3-venv
fi
# python3-venv's pip wheel pulls in ca-certificates; remove it (and so every CA file) to be the
# machine of a user without a CA store. Nothing here needs it: the installs are offline.
scripts/debian-root.sh run "$work/root" -- dpkg --purge --force-depends ca-certificates >/dev/null 2>&1

step "Node 20 and npm from the npm registry (packages node, npm), for the root"
mkdir -p "$work/nodejs"
(cd "$work/nodejs" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund node@20 npm@10 >/dev/null)
[[ -x $work/nodejs/node_modules/.bin/node && -x $work/nodejs/node_modules/.bin/npm ]] ||
    fail "the node and npm packages brought no node_modules/.bin/{node,npm}"

step "Maven consumer of io.cardboss:cardboss (dist/maven): dependencies and Smoke.kt"
cp -r tests/install/jvm "$work/jvm"
# A copy cached by an earlier run would stand in for the new jar (release versions never change).
rm -rf "${HOME}/.m2/repository/io/cardboss/cardboss/$version"
# shellcheck disable=SC2086
(cd "$work/jvm" && mvn -q -B ${MAVEN_ARGS:-} -Dcardboss.repo="file://$dist/maven" -Dcardboss.version="$version" \
    compile dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/jvm/lib")
for jar in "cardboss-$version.jar" 'jna-[0-9]*.jar' 'kotlinx-coroutines-core-jvm-*.jar' 'kotlin-stdlib-[0-9]*.jar'; do
    compgen -G "$work/jvm/lib/$jar" >/dev/null || fail "the consumer's dependencies lack $jar: $(ls "$work/jvm/lib")"
done
echo "runtime classpath from the POM: $(cd "$work/jvm/lib" && echo *.jar)"

step "sandbox on loopback (outside the root)"
coproc SANDBOX { exec "$sandbox_bin" --port1 0 --port2 0 --cards 300; }
sandbox_pid=$SANDBOX_PID
read -r -t 60 ready <&"${SANDBOX[0]}" || fail "the sandbox printed no ready line"
cat <&"${SANDBOX[0]}" >/dev/null &
[[ $ready == *'"event":"ready"'* ]] || fail "unexpected first line from the sandbox: $ready"
echo "$ready"

in_root() { scripts/debian-root.sh run "$work/root" --bind "$dist:/dist" --bind "$root/tests/install:/smoke" "$@"; }

step "Python 3.9: venv, pip install the wheel offline, smoke"
in_root -- sh -euc '
    [ -z "$(ls -A /etc/ssl/certs 2>/dev/null)" ] || { echo "the root has a CA store" >&2; exit 1; }
    for tool in cc gcc rustc cargo; do
        if command -v "$tool"; then echo "the root has $tool" >&2; exit 1; fi
    done
    ldd --version | head -1
    python3 -m venv /opt/venv
    /opt/venv/bin/pip install --quiet --no-index "$1"
    cd / && /opt/venv/bin/python /smoke/smoke.py "$2"
' sh "/dist/$(basename "$wheel")" "$ready"

step "Node 20: npm install the two tarballs offline into an empty project, smoke"
in_root --bind "$work/nodejs:/opt/nodejs" -- sh -euc '
    export PATH=/opt/nodejs/node_modules/.bin:$PATH
    node --version
    mkdir -p /opt/app && cd /opt/app
    npm init -y >/dev/null
    npm install --offline --no-audit --no-fund --silent "$1" "$2"
    test -f node_modules/@cardboss/linux-x64-gnu/cardboss.linux-x64-gnu.node
    cp /smoke/smoke.js . && node smoke.js "$3"
    # Without its platform package (npm skipped the optional dependency, or no binary exists
    # for the platform), require() fails with one clear sentence, not a stack of load errors.
    mkdir -p /opt/bare && cd /opt/bare && npm init -y >/dev/null
    npm install --offline --no-audit --no-fund --silent "$1" 2>/dev/null || true
    test -f node_modules/cardboss/native.js && ! test -e node_modules/@cardboss/linux-x64-gnu
    if node -e "require(\"cardboss\")" 2>err.txt; then echo "cardboss loaded without its binary" >&2; exit 1; fi
    grep -q "cardboss needs @cardboss/linux-x64-gnu for linux-x64-gnu, and it is not installed" err.txt
    if grep -Eq "^[[:space:]]+at " err.txt; then cat err.txt >&2; echo "a stack trace, not a clear message" >&2; exit 1; fi
    echo "without the platform package: $(grep -m1 "cardboss needs" err.txt)"
' sh "/dist/$(basename "$npm_main")" "/dist/$(basename "$npm_platform")" "$ready"

step "Java 17: apt-get install openjdk-17-jre-headless in the root, smoke from the jar + its Maven dependencies"
# ca-certificates (purged above) comes back first (apt-get -f): the JRE depends on it.
in_root -- sh -c 'export DEBIAN_FRONTEND=noninteractive
    { apt-get install -f -y -qq --no-install-recommends &&
        apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; } >/tmp/apt.log 2>&1 ||
        { tail -20 /tmp/apt.log; exit 1; }'
in_root --bind "$work/jvm:/opt/jvm" -- java -cp '/opt/jvm/target/classes:/opt/jvm/lib/*' SmokeKt "$ready"

step "artifacts"
(cd "$dist" && find . -type f -printf '%s\t%p\n' | sort -k2 | awk -F'\t' '{ printf "%9.1f KiB  %s\n", $1 / 1024, substr($2, 3) }')
step "install test passed ($((SECONDS - started)) s)"
