#!/usr/bin/env node
// Packs the package (`npm pack`), installs the tarball in a fresh temporary project, and checks
// what a user gets: `require('cardboss')`, `import { Client } from 'cardboss'` (the same named
// exports), `cardboss/testing` (the in-process sandbox) both ways, a working addon, and types
// that compile under `tsc --strict` from both module systems.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', os.tmpdir()], root))[0]
const tarball = path.join(os.tmpdir(), packed.filename)
const files = packed.files.map((f) => f.path).sort()
console.log(`packed ${packed.filename}: ${files.join(', ')}`)
for (const needed of ['lib.js', 'lib.d.ts', 'native.js', 'testing.js', 'testing.d.ts', 'express.js', 'express.d.ts', 'fastify.js', 'fastify.d.ts', 'push-http.js', 'index.d.ts', 'package.json']) {
  if (!files.includes(needed)) throw new Error(`${needed} is missing from the tarball`)
}
if (!files.some((f) => f.endsWith('.node'))) throw new Error('the addon (.node) is missing from the tarball')

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardboss-pack-'))
try {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
  run(npm, ['install', '--no-audit', '--no-fund', '--offline', tarball], dir)

  const vector = { parts: ['a', 'b', 'c'], sign: '900150983cd24fb0d6963f7d28e17f72' }
  const cjs = `
    const assert = require('node:assert/strict')
    const cardboss = require('cardboss')
    assert.equal(typeof cardboss.Client, 'function')
    assert.equal(cardboss.sign(${JSON.stringify(vector.parts)}), '${vector.sign}')
    const client = new cardboss.Client({ sid: '10043', apikey: '0123456789abcdef0123456789abcdef' })
    assert.equal(typeof client.cards()[Symbol.asyncIterator], 'function')
    assert.throws(() => new cardboss.Client({ sid: '1', apikey: 'x' }), (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT')
    assert.equal(typeof require('cardboss/testing').Sandbox.start, 'function')
    // The framework helpers load without Express or Fastify installed.
    assert.equal(typeof require('cardboss/express').pushHandler, 'function')
    assert.equal(typeof require('cardboss/express').smsHandler, 'function')
    assert.equal(typeof require('cardboss/fastify'), 'function')
    assert.equal(require('cardboss/fastify').cardbossPush, require('cardboss/fastify'))
    console.log(JSON.stringify(Object.keys(cardboss).sort()))
  `
  const esm = `
    import assert from 'node:assert/strict'
    import { Client, sign, PushGuard, PUSH_ACK, isCardbossError } from 'cardboss'
    import * as all from 'cardboss'
    import { Sandbox } from 'cardboss/testing'
    import { pushHandler } from 'cardboss/express'
    import cardbossPush, { cardbossPush as named } from 'cardboss/fastify'
    assert.equal(typeof pushHandler, 'function')
    assert.equal(cardbossPush, named)
    const sb = await Sandbox.start({ cards: 2 })
    assert.equal((await sb.client().customer()).cardqty, 2)
    await sb.close()
    assert.equal(typeof Client, 'function')
    assert.equal(typeof PushGuard, 'function')
    assert.equal(PUSH_ACK, 'success')
    assert.equal(typeof isCardbossError, 'function')
    assert.equal(sign(${JSON.stringify(vector.parts)}), '${vector.sign}')
    console.log(JSON.stringify(Object.keys(all).filter((k) => k !== 'default' && k !== 'module.exports').sort()))
  `
  const cjsKeys = JSON.parse(run(process.execPath, ['-e', cjs], dir))
  const esmKeys = JSON.parse(run(process.execPath, ['--input-type=module', '-e', esm], dir))
  const missing = cjsKeys.filter((k) => !esmKeys.includes(k))
  if (missing.length) throw new Error(`named ESM imports missing: ${missing.join(', ')}`)
  console.log(`require and import both work; exports: ${cjsKeys.join(', ')}`)

  // Types as installed: CommonJS and ES module consumers, strict.
  fs.writeFileSync(path.join(dir, 'consumer.ts'), `
    import { Client, isCardbossError, PushGuard, type Card, type Push } from 'cardboss'
    import { pushHandler, type PushMiddleware } from 'cardboss/express'
    import cardbossPush = require('cardboss/fastify')
    export const middleware: PushMiddleware = pushHandler({ guard: new PushGuard(), apikey: 'k', handler: (push: Push) => push.id })
    export const plugin: (instance: cardbossPush.FastifyLike, options: cardbossPush.CardbossPushOptions) => Promise<void> = cardbossPush
    export async function count(client: Client): Promise<number> {
      let n = 0
      for await (const card of client.cards()) { const c: Card = card; n += c.msisdn.length > 0 ? 1 : 0 }
      try { await client.customer() } catch (e: unknown) { if (isCardbossError(e)) n += e.code.length }
      return n
    }
  `)
  fs.writeFileSync(path.join(dir, 'consumer.mts'), `
    import { Client, type Customer } from 'cardboss'
    import { Sandbox } from 'cardboss/testing'
    import { smsHandler } from 'cardboss/express'
    import cardbossPush from 'cardboss/fastify'
    export const sms = smsHandler({ handler: (s) => s.kind })
    export const plugin = cardbossPush
    const me: Customer = await new Client({ sid: '1', apikey: 'k' }).customer()
    const sb: Sandbox = await Sandbox.start({ cards: 2, strict: true })
    const mine: Customer = await sb.client({ maxRetries: 0 }).customer()
    await sb.close()
    export default me.cardqty + mine.cardqty
  `)
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'node16', moduleResolution: 'node16',
      types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')],
    },
    files: ['consumer.ts', 'consumer.mts'],
  }))
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], dir)
  console.log('types compile from the installed package (CommonJS and ES module consumers)')
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.rmSync(tarball, { force: true })
}
