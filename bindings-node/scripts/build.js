#!/usr/bin/env node
// Builds the addon from the current sources: `napi build --platform --no-js --release`, which
// writes cardboss.<platform>.node and index.d.ts (native.js, not napi's index.js, loads it).
// $CARDBOSS_NAPI_TARGET picks the target; one with a glibc suffix (the release script's
// x86_64-unknown-linux-gnu.2.17) is built with cargo-zigbuild (`-x`) against that glibc.
//
// The models (Customer, CardDetail, ...) are defined in the core crate with `#[napi(object)]`,
// `SandboxOptions` in the sandbox crate; napi-derive writes their TypeScript definitions while
// it expands those macros, i.e. only when cargo actually compiles those crates with the CLI's
// environment. A crate compiled earlier (by another build into the same target folder) is
// reused as is and its types silently vanish from index.d.ts. So those crates' compiled artifacts for this target are
// cleaned first (the rest of the build stays cached), and index.d.ts is checked afterwards.
'use strict'
const { execFileSync } = require('node:child_process')
const { readFileSync } = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' })

const host = execFileSync('rustc', ['-vV'], { encoding: 'utf8' }).match(/^host: (\S+)$/m)[1]
const target = process.env.CARDBOSS_NAPI_TARGET || host
const cross = target.includes('.') ? ['-x'] : []
for (const crate of ['cardboss', 'cardboss-sandbox']) {
  run('cargo', ['clean', '--quiet', '-p', crate, '--release', '--target', target.split('.')[0]])
}
run(process.execPath, [path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js'), 'build', '--platform', '--no-js', '--release', '--target', target, ...cross])

const dts = readFileSync(path.join(root, 'index.d.ts'), 'utf8')
const expected = ['Client', 'CardPages', 'PushGuard', 'Customer', 'CardDetail', 'CurrentUsage', 'SmsReceipt', 'RenewOptions', 'Push', 'ErrorInfo', 'SandboxOptions']
const missing = expected.filter((name) => !new RegExp(`export (declare )?(class|interface|type) ${name}\\b`).test(dts))
if (missing.length) {
  console.error(`index.d.ts lacks ${missing.join(', ')}: the type definitions were not regenerated`)
  process.exit(1)
}
