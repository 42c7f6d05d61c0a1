#!/usr/bin/env bash
# The Node package's whole check, from scratch (CI runs it; needs Node >= 20, npm, Rust):
#   1. npm ci (package-lock.json)
#   2. builds the sandbox (unless $CARDBOSS_SANDBOX_BIN is set) and the addon from the current
#      sources (`npm run build`: napi build --platform --release, core types regenerated), or
#      with CARDBOSS_USE_DIST=1 takes the release addon scripts/build-release.sh left here
#   3. tsc --strict --noEmit on the typed test file and the examples
#   4. node --test __test__/ against the sandbox (both response styles), then the README's
#      node:test example (examples/node/sandbox.test.js, the in-process sandbox)
#   5. npm pack, install the tarball in a fresh folder, require + import + types there
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n== %s\n' "$*"; }

step "npm ci"
npm ci --no-audit --no-fund

if [ -z "${CARDBOSS_SANDBOX_BIN:-}" ]; then
  step "cargo build -p cardboss-sandbox"
  (cd .. && cargo build -p cardboss-sandbox)
fi

if [ "${CARDBOSS_USE_DIST:-0}" = "1" ]; then
  # scripts/build-release.sh built the release addon (glibc 2.17) here: test that very build.
  step "the release addon from scripts/build-release.sh"
  ls cardboss.linux-x64-gnu.node index.d.ts
else
  step "build the addon (from the current sources)"
  rm -f index.js index.d.ts ./*.node
  npm run build
fi

step "tsc --strict --noEmit (typed test file, examples)"
npx tsc -p tsconfig.json

step "node --test __test__/"
node --test __test__/

step "node --test examples/node/sandbox.test.js (the README's example; cardboss linked as npm would)"
mkdir -p ../examples/node/node_modules
ln -sfn ../../../bindings-node ../examples/node/node_modules/cardboss
node --test ../examples/node/sandbox.test.js

step "npm pack, install the tarball in a fresh folder, require/import/types"
node scripts/check-pack.js

step "all Node checks passed"
