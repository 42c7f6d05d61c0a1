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

  // Both receivers, as a user runs them: a child process on a real loopback port, the sandbox's
  // push URLs pointed at it. Each push is handled once ("received" before the answer) and its
  // slow work runs after it ("warning for", "order", "reply from"); a replay is acknowledged
  // without a second "received"; a forged push is refused with the core's 400.
  for (const example of ['push-receiver.js', 'push-receiver-fastify.js']) {
    it(`${example}: OD1010, OD1002 and P0002 from the sandbox handled once; replay acknowledged, forgery 400`, async () => {
      // express and fastify come from this package's devDependencies, as `npm install` in examples/node would give them.
      const NODE_PATH = path.join(__dirname, '..', 'node_modules')
      const child = spawn(process.execPath, [example], { cwd: examples, env: { ...env, PORT: '0', NODE_PATH } })
      let out = ''
      let wake = () => {}
      child.stdout.on('data', (d) => { out += d; wake() })
      child.stderr.on('data', (d) => { out += d; wake() })
      child.once('exit', () => wake())
      /** Waits for the receiver to print a line matching `re`. */
      async function seen(re) {
        for (let m = out.match(re); ; m = out.match(re)) {
          if (m) return m
          if (child.exitCode !== null) throw new Error(`${example} exited: ${out}`)
          await new Promise((resolve) => { wake = resolve })
        }
      }
      const count = (text) => out.split('\n').filter((line) => line === text).length
      /** The sandbox records the answer once it got it. */
      async function delivered(kind, n) {
        for (let i = 0; i < 200; i++) {
          if (sandbox.pushes().filter((p) => p.kind === kind && p.delivered && p.url.startsWith(base)).length >= n) return
          await new Promise((resolve) => setTimeout(resolve, 25))
        }
        throw new Error(`the sandbox recorded no acknowledged ${kind}: ${JSON.stringify(sandbox.pushes().filter((p) => p.kind === kind))}`)
      }
      let base
      try {
        ;[, base] = await seen(/receiving CardBOSS pushes on (\S+)\/cardboss\/push/)
        sandbox.setPushUrl(`${base}/cardboss/push`)
        sandbox.setSmsPushUrl(`${base}/cardboss/sms`)
        const client = new Client({ sid: sandbox.sid, apikey: sandbox.apikey, baseUrl: sandbox.baseUrl, opsUrl: sandbox.opsUrl })
        const cards = (await client.listCards(1)).cards
        const msisdn = cards[example.includes('fastify') ? 1 : 0].msisdn

        // OD1010: a usage warning.
        assert.equal(sandbox.sendWarning(msisdn, 11).pushed, true)
        await seen(new RegExp(`warning for ${msisdn}`)) // after the answer
        await delivered('OD1010', 1)
        const warning = sandbox.pushes().find((p) => p.kind === 'OD1010' && p.url.startsWith(base))
        assert.equal(count(`received OD1010 ${warning.body.id}`), 1)

        // OD1002: a renewal, approved.
        let order
        for (const c of cards.slice(example.includes('fastify') ? 15 : 2)) {
          const pkg = (await client.packages({ msisdn: c.msisdn })).pkgs.find((p) => p.mainpkg)
          if (!pkg) continue
          order = await client.renew({ msisdn: c.msisdn }, pkg.pkgcode, pkg.pkgcategory === 1 ? Math.max(12, pkg.buycycle) : Math.max(1, pkg.buycycle))
          break
        }
        sandbox.approveOrder(order.orderid)
        await seen(new RegExp(`order ${order.orderid} for \\d+: done`))
        await delivered('OD1002', 1)

        // P0002: a device's SMS reply.
        sandbox.upstreamSms(msisdn, 'hello receiver')
        await seen(new RegExp(`reply from ${msisdn}: hello receiver`))
        assert.equal(count('received SMS replies'), 1)
        await delivered('P0002', 1)

        // The warning again (the platform missed our answer): acknowledged, not handled twice.
        const replay = await fetch(`${base}/cardboss/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(warning.body) })
        assert.equal(replay.status, 200)
        assert.equal(await replay.text(), 'success')
        assert.equal(count(`received OD1010 ${warning.body.id}`), 1)
        await seen(/push answered 200: push \S+ was already handled \(a replay\)/) // logged at warning

        const forged = await fetch(`${base}/cardboss/push`, { method: 'POST', body: '{"sn":"OD1010","id":"1","sign":"x"}' })
        assert.equal(forged.status, 400)
        assert.match(await forged.text(), /push rejected/)
        await seen(/push answered 400: push rejected/)
        assert.ok(!out.includes(sandbox.apikey), 'the apikey is never printed')
      } finally {
        child.kill()
      }
    })
  }

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
