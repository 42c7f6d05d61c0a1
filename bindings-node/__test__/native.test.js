// native.js on a platform with no prebuilt binary: one clear sentence, no stack trace.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

test('a platform without a prebuilt binary gets a clear message, not a stack trace', () => {
  const lib = path.join(__dirname, '..', 'lib.js')
  // Pretend to be linux-riscv64: no cardboss.linux-riscv64-gnu.node here, no platform package.
  const script = `Object.defineProperty(process, 'arch', { value: 'riscv64' }); require(${JSON.stringify(lib)})`
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  assert.equal(run.status, 1)
  assert.match(run.stderr, /cardboss has no prebuilt binary for linux-riscv64-gnu \(prebuilt: linux-x64-gnu\)/)
  assert.doesNotMatch(run.stderr, /^\s+at /m, run.stderr)
})
