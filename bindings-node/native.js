'use strict'
// Loads the native addon. A source checkout has it beside this file (`npm run build`); an
// installed package gets it from the platform package npm picked among its optionalDependencies
// (@cardboss/linux-x64-gnu, ...). On a platform with no prebuilt binary the user gets one clear
// sentence — which platforms exist and what to do — instead of napi's stack of load errors.
const { existsSync } = require('node:fs')
const path = require('node:path')

/** Prebuilt platforms: `<platform>-<arch>-<libc>` -> the npm package that carries the addon. */
const PREBUILT = { 'linux-x64-gnu': '@cardboss/linux-x64-gnu' }

function platformKey() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
  return `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`
}

function fail(message) {
  const error = new Error(message)
  error.code = 'CARDBOSS_NO_NATIVE_BINARY'
  // Node prints `stack` (and a `cause`'s) for an uncaught error: keep it to the message.
  error.stack = `Error: ${message}`
  throw error
}

function load() {
  const key = platformKey()
  const local = path.join(__dirname, `cardboss.${key}.node`)
  if (existsSync(local)) return require(local)
  const pkg = PREBUILT[key]
  const supported = Object.keys(PREBUILT).join(', ')
  if (!pkg) {
    fail(`cardboss has no prebuilt binary for ${key} (prebuilt: ${supported}). ` +
      'Build it from a source checkout with Rust: `npm run build` in bindings-node/.')
  }
  try {
    return require(pkg)
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(pkg)) {
      fail(`cardboss needs ${pkg} for ${key}, and it is not installed: npm skipped the optional ` +
        `dependency (--omit=optional or --no-optional?). Reinstall with optional dependencies.`)
    }
    fail(`cardboss could not load its native binary ${pkg} (${e.message}); it needs glibc >= 2.17.`)
  }
}

module.exports = load()
