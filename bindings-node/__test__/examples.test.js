'use strict'
// The examples in examples/node run as a user runs them: a separate `node` process configured
// only by the environment (`Client.fromEnv()`: CARDBOSS_SID, CARDBOSS_APIKEY, CARDBOSS_URL,
// CARDBOSS_OPS_URL), against an in-process sandbox. test.sh links the package into
// examples/node/node_modules first, as `npm install` would.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { execFile, spawn } = require('node:child_process')
const path = require('node:path')
const { promisify } = require('node:util')

const { Client } = require('..')
const { Sandbox } = require('../testing.js')

const run = promisify(execFile)
const examples = path.join(__dirname, '..', '..', 'examples', 'node')

describe('examples/node', () => {
  let sandbox
  let env
  before(async () => {
    sandbox = await Sandbox.start({ cards: 30, strict: true })
    env = {
      PATH: process.env.PATH,
      CARDBOSS_SID: sandbox.sid,
      CARDBOSS_APIKEY: sandbox.apikey,
      CARDBOSS_URL: sandbox.baseUrl,
      CARDBOSS_OPS_URL: sandbox.opsUrl,
    }
  })
  after(() => sandbox.close())

  it('quickstart.js: the account, cards, usage, an SMS and a refused call', async () => {
    const { stdout } = await run(process.execPath, ['quickstart.js'], { cwd: examples, env })
    assert.match(stdout, /balance .* yuan, 30 cards/)
    assert.match(stdout, /refused: INVALID_INPUT \(invalid_input\)/)
  })

  it('quickstart.mjs: every card once, then a suspend and the local cooldown', async () => {
    const before = sandbox.ledger().length
    const { stdout } = await run(process.execPath, ['quickstart.mjs'], { cwd: examples, env })
    assert.match(stdout, /^30 cards$/m)
    assert.match(stdout, /resume later: retry in \d+ ms/)
    const sent = sandbox.ledger().slice(before)
    assert.equal(sent.filter((e) => e.endpoint.endsWith('card/stopkeep')).length, 1, 'one suspend, no resume sent')
  })

  it('push-receiver.js: a warning is handled and acknowledged, a forged push refused', async () => {
    // express comes from this package's devDependencies, as `npm install` in examples/node would give it.
    const NODE_PATH = path.join(__dirname, '..', 'node_modules')
    const child = spawn(process.execPath, ['push-receiver.js'], { cwd: examples, env: { ...env, PORT: '0', NODE_PATH } })
    let out = ''
    let wake = () => {}
    child.stdout.on('data', (d) => { out += d; wake() })
    child.once('exit', () => wake())
    /** Waits for the receiver to print a line matching `re`. */
    async function seen(re) {
      for (let m = out.match(re); ; m = out.match(re)) {
        if (m) return m
        if (child.exitCode !== null) throw new Error(`push-receiver.js exited: ${out}`)
        await new Promise((resolve) => { wake = resolve })
      }
    }
    try {
      const [, base] = await seen(/receiving CardBOSS pushes on (\S+)\/cardboss\/push/)
      sandbox.setPushUrl(`${base}/cardboss/push`)
      const msisdn = (await new Client({ sid: sandbox.sid, apikey: sandbox.apikey, baseUrl: sandbox.baseUrl, opsUrl: sandbox.opsUrl }).listCards(1)).cards[0].msisdn
      assert.equal(sandbox.sendWarning(msisdn, 11).pushed, true)
      await seen(new RegExp(`warning for ${msisdn}`))
      // The sandbox records the answer after the handler printed: wait for it.
      let delivered = false
      for (let i = 0; i < 100 && !delivered; i++) {
        delivered = sandbox.pushes().some((p) => p.kind === 'OD1010' && p.delivered)
        if (!delivered) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.ok(delivered, 'the receiver answered success')
      const forged = await fetch(`${base}/cardboss/push`, { method: 'POST', body: '{"sn":"OD1010","id":"1","sign":"x"}' })
      assert.equal(forged.status, 403)
    } finally {
      child.kill()
    }
  })

  it('Client.fromEnv: an option given wins over its variable, a missing one is named', () => {
    const saved = { ...process.env }
    try {
      Object.assign(process.env, env)
      assert.throws(() => Client.fromEnv({ apikey: 'short' }), (e) => e.kind === 'invalid_input' && e.field === 'apikey')
      delete process.env.CARDBOSS_SID
      assert.throws(() => Client.fromEnv(), (e) => e.kind === 'invalid_input' && e.field === 'sid')
      assert.ok(Client.fromEnv({ sid: sandbox.sid }))
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
      Object.assign(process.env, saved)
    }
  })
})
