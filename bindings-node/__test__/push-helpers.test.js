'use strict'
// cardboss/express and cardboss/fastify against the sandbox as the platform: apps on real
// loopback ports, the sandbox's push URLs pointed at them, pushes it sends (OD1010 warnings,
// OD1002 renewal results, P0002 SMS replies) and retries until it gets `success`. Each push is
// handled once; a handler that fails once is retried and handled (attempts 2); a replay is
// acknowledged unhandled; a duplicate in flight gets 409, a forged body 400, a guard whose
// store is down 503 (the handler not run); `after` runs once the answer was received; a body
// parsed before the helper is a clear error. Waits on events and on the sandbox's records.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const cardboss = require('../lib.js')
const { Sandbox } = require('../testing.js')
const { pushHandler, smsHandler } = require('../express.js')
const { cardbossPush } = require('../fastify.js')
const express = require('express')
const Fastify = require('fastify')

const DOWN = 'redis://127.0.0.1:1/0'

function latch() {
  let resolve
  const promise = new Promise((r) => { resolve = r })
  return { promise, resolve }
}

/** Resolves once `predicate()` is truthy, checking the sandbox's records as they change. */
async function until(predicate, what) {
  for (let i = 0; i < 400; i++) {
    const value = predicate()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`gave up waiting for ${what}`)
}

/** What the apps' handlers saw, by card (msisdn) or order id, and what the tests make them do. */
class Receiver {
  constructor() {
    this.byKey = new Map()
    this.plans = new Map() // key -> { failOnce?: Error, gate?: Promise, afterGate?: Promise }
    this.errors = [] // what reached the framework's error handler
    this.refusals = [] // onRefused
    this.afterErrors = []
    this.downRuns = 0
    this.sms = []
    this.smsAfter = latch()
  }

  entry(key) {
    let e = this.byKey.get(key)
    if (!e) {
      e = { calls: 0, handled: 0, afterRuns: 0, ids: [], body: undefined, started: latch(), done: latch(), afterDone: latch() }
      this.byKey.set(key, e)
    }
    return e
  }

  static key(push) {
    if (push.content.kind === 'usage_warnings') return push.content.warnings[0].msisdn
    if (push.content.kind === 'renewal_result') return push.content.result.orderid
    return push.id
  }

  /** The data push handler (both frameworks: `req.body` is the raw body then). */
  handler = async (push, req) => {
    const e = this.entry(Receiver.key(push))
    e.calls++
    e.ids.push(push.id)
    e.body = req.body
    assert.ok(Buffer.isBuffer(req.body) || typeof req.body === 'string', 'the handler sees the raw body')
    e.started.resolve()
    const plan = this.plans.get(Receiver.key(push)) ?? {}
    if (plan.failOnce && e.calls === 1) throw plan.failOnce
    if (plan.gate) await plan.gate
    e.handled++
    e.done.resolve()
  }

  after = async (push) => {
    const e = this.entry(Receiver.key(push))
    const plan = this.plans.get(Receiver.key(push)) ?? {}
    if (plan.afterGate) await plan.afterGate
    e.afterRuns++
    e.afterDone.resolve()
    if (plan.afterThrows) throw plan.afterThrows
  }

  options(guard, apikey, sid) {
    return {
      guard,
      apikey,
      expectedSid: sid,
      handler: this.handler,
      after: this.after,
      onRefused: (reply) => this.refusals.push(reply),
      onError: (err, push) => this.afterErrors.push({ err, push }),
    }
  }

  downOptions(apikey) {
    return { guard: new cardboss.PushGuard({ store: DOWN }), apikey, handler: () => { this.downRuns++ }, onRefused: (reply) => this.refusals.push(reply) }
  }

  smsOptions() {
    return {
      handler: (sms) => { this.sms.push(sms) },
      after: (sms) => this.smsAfter.resolve(sms),
      onRefused: (reply) => this.refusals.push(reply),
    }
  }
}

const frameworks = {
  /** Express: the helpers as middleware; a raw-Buffer route and one behind express.json(). */
  async express(rx, guard, apikey, sid) {
    const app = express()
    app.post('/push', pushHandler(rx.options(guard, apikey, sid)))
    app.post('/down', pushHandler(rx.downOptions(apikey)))
    app.post('/sms', smsHandler(rx.smsOptions()))
    app.post('/raw', express.raw({ type: () => true }), pushHandler(rx.options(guard, apikey, sid)))
    app.post('/text', express.text({ type: () => true }), pushHandler(rx.options(guard, apikey, sid)))
    app.post('/json-first', express.json(), pushHandler(rx.options(guard, apikey, sid)))
    app.use((err, _req, res, _next) => {
      rx.errors.push(err)
      res.status(500).type('text/plain').send('failed')
    })
    const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
    return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) }
  },

  /** Fastify: the plugin registered twice (two contexts), Fastify's JSON parser elsewhere. */
  async fastify(rx, guard, apikey, sid) {
    const app = Fastify()
    app.setErrorHandler((err, _request, reply) => {
      rx.errors.push(err)
      reply.code(500).type('text/plain').send('failed')
    })
    app.register(cardbossPush, { path: '/push', smsPath: '/sms', ...rx.options(guard, apikey, sid), smsHandler: rx.smsOptions().handler, smsAfter: rx.smsOptions().after })
    app.register(cardbossPush, { path: '/down', ...rx.downOptions(apikey) })
    // A context where a hook turned the body into an object before the plugin's route.
    app.register(async (child) => {
      child.addHook('preHandler', async (request) => {
        if (Buffer.isBuffer(request.body)) request.body = JSON.parse(request.body.toString())
      })
      child.register(cardbossPush, { path: '/json-first', ...rx.options(guard, apikey, sid) })
    })
    app.post('/echo', async (request) => request.body) // the app's own JSON route
    const at = await app.listen({ port: 0, host: '127.0.0.1' })
    return { base: at, close: () => app.close() }
  },
}

for (const [name, start] of Object.entries(frameworks)) {
  describe(`cardboss/${name} against the sandbox`, () => {
    let sb, app, client, cards
    const rx = new Receiver()
    const guard = new cardboss.PushGuard()
    let nextCard = 0
    const card = () => cards[nextCard++].msisdn

    before(async () => {
      sb = await Sandbox.start({ cards: 40, strict: true })
      client = sb.client()
      cards = (await client.listCards(1)).cards
      app = await start(rx, guard, sb.apikey, sb.sid)
      sb.setPushUrl(`${app.base}/push`)
      sb.setSmsPushUrl(`${app.base}/sms`)
    })
    after(async () => {
      await app.close()
      await sb.close()
    })

    const post = (route, body) => fetch(`${app.base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const record = (id) => sb.pushes().find((p) => p.body?.id === id)
    /** A genuine push of the sandbox's account, signed as the platform signs, with a new id. */
    const resigned = (body, id) => {
      const f = JSON.parse(body.toString())
      f.id = id
      f.sign = cardboss.sign([f.sid, sb.apikey, f.id, f.sn, f.level, f.api ?? '', f.time, f.data, f.desc]).toUpperCase()
      return JSON.stringify(f)
    }

    it('an OD1010 warning is handled once; after runs once the sandbox received success; a replay is acknowledged unhandled', async () => {
      const msisdn = card()
      const afterGate = latch()
      rx.plans.set(msisdn, { afterGate: afterGate.promise })
      assert.equal(sb.sendWarning(msisdn, 11).pushed, true)
      const e = rx.entry(msisdn)
      await e.done.promise
      // `after` is still held: the answer did not wait for it.
      await until(() => record(e.ids[0])?.delivered, 'the sandbox to record success')
      assert.equal(e.afterRuns, 0)
      afterGate.resolve()
      await e.afterDone.promise
      assert.deepEqual([e.calls, e.handled, e.afterRuns], [1, 1, 1])
      assert.equal(record(e.ids[0]).attempts, 1)

      const replay = await post('/push', e.body)
      assert.equal(replay.status, 200)
      assert.equal(await replay.text(), cardboss.PUSH_ACK)
      assert.equal(e.calls, 1, 'a replay does not run the handler')
      assert.match(rx.refusals.at(-1).reason, /already|replay|handled/i)
      assert.equal(e.afterRuns, 1)
    })

    it('a handler that fails once is retried by the sandbox and then handled (attempts 2, not lost)', async () => {
      const msisdn = card()
      const failure = new Error('the queue is down for a moment')
      rx.plans.set(msisdn, { failOnce: failure })
      sb.sendWarning(msisdn, 21)
      const e = rx.entry(msisdn)
      await e.done.promise
      await e.afterDone.promise
      assert.deepEqual([e.calls, e.handled, e.afterRuns], [2, 1, 1])
      assert.equal(e.ids[0], e.ids[1], 'the same push, retried')
      assert.ok(rx.errors.includes(failure), 'the handler\'s error reached the framework unchanged')
      const sent = await until(() => record(e.ids[0])?.delivered && record(e.ids[0]), 'the retry to be acknowledged')
      assert.equal(sent.attempts, 2)
    })

    it('an OD1002 renewal result (approved order) is handled once', async () => {
      let order
      for (const c of cards.slice(20)) {
        const pkg = (await client.packages({ msisdn: c.msisdn })).pkgs.find((p) => p.mainpkg)
        if (!pkg) continue
        const months = pkg.pkgcategory === 1 ? Math.max(12, pkg.buycycle) : Math.max(1, pkg.buycycle)
        order = await client.renew({ msisdn: c.msisdn }, pkg.pkgcode, months)
        break
      }
      assert.ok(order, 'a card with a main package')
      sb.approveOrder(order.orderid)
      const e = rx.entry(order.orderid)
      await e.afterDone.promise
      assert.deepEqual([e.calls, e.handled, e.afterRuns], [1, 1, 1])
      await until(() => record(e.ids[0])?.delivered, 'the OD1002 acknowledgement')
    })

    it('a duplicate while the first is in flight gets 409; the first then completes once', async () => {
      const msisdn = card()
      const gate = latch()
      rx.plans.set(msisdn, { gate: gate.promise })
      sb.sendWarning(msisdn, 11)
      const e = rx.entry(msisdn)
      await e.started.promise
      const duplicate = await post('/push', e.body)
      assert.equal(duplicate.status, 409)
      assert.equal(e.calls, 1)
      gate.resolve()
      await e.afterDone.promise
      assert.deepEqual([e.calls, e.handled], [1, 1])
      await until(() => record(e.ids[0])?.delivered, 'the first delivery acknowledged')
    })

    it('a forged body gets 400 and a guard whose store is down 503, neither running the handler', async () => {
      const msisdn = card()
      sb.sendWarning(msisdn, 11)
      const e = rx.entry(msisdn)
      await e.done.promise
      const forged = JSON.parse(e.body.toString())
      forged.data = forged.data.replace(msisdn, cards[0].msisdn)
      forged.id = `${forged.id}f`
      const refused = await post('/push', JSON.stringify(forged))
      assert.equal(refused.status, 400)
      assert.equal(refused.headers.get('content-type')?.split(';')[0], 'text/plain')
      assert.match(await refused.text(), /sign/)
      const down = await post('/down', resigned(e.body, `${e.ids[0]}d`))
      assert.equal(down.status, 503)
      assert.equal(rx.downRuns, 0)
      assert.equal(e.calls, 1)
      // Nothing in any answer or refusal names the apikey.
      for (const r of rx.refusals) assert.ok(!JSON.stringify(r).includes(sb.apikey))
    })

    it('an SMS reply (P0002) is handled, after runs; a bad SMS body gets 400', async () => {
      const msisdn = card()
      sb.upstreamSms(msisdn, 'hello from the field')
      const sms = await rx.smsAfter.promise
      assert.equal(sms.kind, 'replies')
      assert.equal(sms.replies[0].mobile, msisdn)
      assert.equal(rx.sms.filter((s) => s.replies?.[0]?.mobile === msisdn).length, 1)
      await until(() => sb.pushes().some((p) => p.kind === 'P0002' && p.delivered), 'the P0002 acknowledgement')
      const bad = await post('/sms', '{"type":"P0009","data":"[]"}')
      assert.equal(bad.status, 400)
    })

    it('a body parsed before the helper is refused with an error saying how to mount it', async () => {
      const msisdn = card()
      sb.sendWarning(msisdn, 11)
      const e = rx.entry(msisdn)
      await e.done.promise
      const before = rx.errors.length
      const res = await post('/json-first', resigned(e.body, `${e.ids[0]}j`))
      assert.equal(res.status, 500)
      const err = rx.errors.slice(before).find((x) => x instanceof TypeError)
      assert.ok(err, 'the helper reported the parsed body')
      assert.match(err.message, /already parsed/)
      assert.match(err.message, name === 'express' ? /before app\.use\(express\.json\(\)\)/ : /not wrapped in fastify-plugin/)
      assert.ok(!err.message.includes(sb.apikey))
      assert.equal(e.calls, 1)
    })

    if (name === 'express') {
      it('takes a Buffer (express.raw) or a string (express.text) req.body as the raw body', async () => {
        const msisdn = card()
        sb.sendWarning(msisdn, 11)
        const e = rx.entry(msisdn)
        await e.done.promise
        for (const route of ['/raw', '/text']) {
          const fresh = await post(route, resigned(e.body, `${e.ids[0]}${route.slice(1)}`))
          assert.equal(fresh.status, 200, route)
          assert.equal(await fresh.text(), cardboss.PUSH_ACK)
        }
        assert.equal(e.calls, 3)
      })
    } else {
      it('the app outside the plugin keeps Fastify\'s JSON parser', async () => {
        const res = await post('/echo', '{"a":1}')
        assert.deepEqual(await res.json(), { a: 1 })
      })
    }

    it('an after that throws is reported to onError, the push stays acknowledged', async () => {
      const msisdn = card()
      const boom = new Error('slow work failed')
      rx.plans.set(msisdn, { afterThrows: boom })
      sb.sendWarning(msisdn, 11)
      const e = rx.entry(msisdn)
      await e.afterDone.promise
      const reported = await until(() => rx.afterErrors.find((x) => x.err === boom), 'onError')
      assert.equal(Receiver.key(reported.push), msisdn)
      await until(() => record(e.ids[0])?.delivered, 'the acknowledgement')
      assert.equal(record(e.ids[0]).attempts, 1)
    })
  })
}

describe('helper options', () => {
  it('refuses missing or wrong options when the route is set up, never quoting the apikey', () => {
    const apikey = '0123456789abcdef0123456789abcdef'
    const guard = new cardboss.PushGuard()
    assert.throws(() => pushHandler({ guard, apikey, handler: 'no' }), /handler/)
    assert.throws(() => pushHandler({ guard, handler: () => {} }), /apikey/)
    // No guard made behind the user's back: one per route would let a replay through another.
    assert.throws(() => pushHandler({ apikey, handler: () => {} }), /`guard` must be a PushGuard/)
    assert.throws(() => pushHandler({ apikey, handler: () => {}, guard: {} }), /guard/)
    assert.throws(() => smsHandler({}), /handler/)
    try {
      pushHandler({ guard, apikey, handler: () => {}, after: 1 })
      assert.fail('no error')
    } catch (err) {
      assert.match(err.message, /after/)
      assert.ok(!err.message.includes(apikey))
    }
  })
})
