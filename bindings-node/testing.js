'use strict'
// `cardboss/testing`: the CardBOSS sandbox inside this process, for your own tests.
//
//   const { Sandbox } = require('cardboss/testing')   // or: import { Sandbox } from 'cardboss/testing'
//   const sb = await Sandbox.start({ cards: 100, strict: true })
//   const me = await sb.client().customer()
//   await sb.close()     // or `await using sb = ...` where the syntax exists (Node 24, TypeScript)
//
// The server is the sandbox crate's, compiled into the addon (see src/testing.rs); this file
// only adds what napi cannot generate: `client()` (a `Client` pointed at the sandbox) and
// `Symbol.asyncDispose` (`await using`). Every export is a plain `exports.X =` line, so that
// `import { Sandbox } from 'cardboss/testing'` works too.
const native = require('./native.js')
const { Client } = require('./lib.js')

const Sandbox = native.Sandbox

/** A `Client` pointed at this sandbox; `options` are `Client`'s other options. */
Sandbox.prototype.client = function client(options = {}) {
  return new Client({ ...options, sid: this.sid, apikey: this.apikey, baseUrl: this.baseUrl, opsUrl: this.opsUrl })
}

if (Symbol.asyncDispose) {
  /** `await using sb = await Sandbox.start()` closes it at the end of the block. */
  Sandbox.prototype[Symbol.asyncDispose] = function asyncDispose() {
    return this.close()
  }
}

exports.Sandbox = Sandbox
