'use strict'
// Push verification: forged and stale pushes are refused, replays are not handled twice; pushes the sandbox sends to a
// receiver (JSON and form bodies, SMS pushes) verify from the raw body.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { readFileSync } = require('node:fs')
const path = require('node:path')
const cardboss = require('../lib.js')
const { startSandbox } = require('./sandbox.js')

const vectors = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tests', 'vectors', 'push_sign.json'), 'utf8'))
const od1002 = vectors.find((v) => v.name === 'od1002_renewal_success')

describe('push verification', () => {
  it('refuses forged pushes', () => {
    const body = JSON.parse(od1002.body)
    const forgeries = {
      'tampered data': { ...body, data: body.data.replace('"status":"1"', '"status":"0"') },
      'another id': { ...body, id: 'ffff' },
      'made-up sign': { ...body, sign: 'A'.repeat(32) },
      'no sign': { ...body, sign: undefined },
    }
    for (const [what, forged] of Object.entries(forgeries)) {
      assert.throws(() => cardboss.verifyPush(JSON.stringify(forged), od1002.apikey), { code: 'PUSH_REJECTED', kind: 'push_rejected' }, what)
    }
    assert.throws(() => cardboss.verifyPush('not a push', od1002.apikey), { code: 'PUSH_REJECTED' })
    assert.throws(() => cardboss.verifyPush(od1002.body, od1002.apikey, { expectedSid: '99999' }), { code: 'PUSH_REJECTED' })
    assert.throws(() => cardboss.verifyPush(od1002.body, od1002.apikey, { maxAgeMs: 300_000 }), { code: 'PUSH_REJECTED' })
    // The sign is compared case-insensitively, as the vendor's samples send both cases.
    const lower = JSON.stringify({ ...body, sign: body.sign.toLowerCase() })
    assert.equal(cardboss.verifyPush(lower, od1002.apikey).id, od1002.id)
  })

  it('PushGuard: a committed push is PUSH_REPLAY; forged and stale ones are refused', async () => {
    const guard = new cardboss.PushGuard()
    const ticket = await guard.begin(Buffer.from(od1002.body), od1002.apikey)
    assert.ok(ticket instanceof cardboss.PushTicket)
    assert.equal(ticket.push.content.kind, 'renewal_result')
    assert.equal(ticket.isOpen, true)
    assert.equal((await ticket.commit()).id, od1002.id)
    assert.equal(ticket.isOpen, false)
    assert.equal(ticket.push.id, od1002.id, 'the push stays readable')
    await assert.rejects(ticket.release(), { code: 'INVALID_INPUT' }) // used already
    await assert.rejects(ticket.commit(), { code: 'INVALID_INPUT', field: 'ticket' })
    await assert.rejects(guard.begin(od1002.body, od1002.apikey), { code: 'PUSH_REPLAY', kind: 'push_replay' })
    const fresh = new cardboss.PushGuard({ capacity: 10, ttlMs: 60_000, inFlightMs: 5_000 })
    await assert.rejects(fresh.begin(od1002.body, od1002.apikey, { maxAgeMs: 300_000 }), { code: 'PUSH_REJECTED' })
    await assert.rejects(fresh.begin(od1002.body, 'f'.repeat(32)), { code: 'PUSH_REJECTED' })
    // Refused pushes claimed nothing: the genuine one is still accepted.
    await (await fresh.begin(od1002.body, od1002.apikey)).commit()
    assert.throws(() => new cardboss.PushGuard({ capacity: -1 }), { code: 'INVALID_INPUT' })
  })

  it('PushGuard: a duplicate in flight is PUSH_IN_FLIGHT; after a release the retry is accepted once', async () => {
    const guard = new cardboss.PushGuard()
    const first = await guard.begin(od1002.body, od1002.apikey)
    await assert.rejects(guard.begin(od1002.body, od1002.apikey), { code: 'PUSH_IN_FLIGHT', kind: 'push_in_flight' })
    await first.release() // the handler failed: the platform will retry
    const retry = await guard.begin(od1002.body, od1002.apikey)
    await retry.commit()
    await assert.rejects(guard.begin(od1002.body, od1002.apikey), { code: 'PUSH_REPLAY' })
  })

  it('PushGuard.handle commits after the handler and releases when it throws', async () => {
    const guard = new cardboss.PushGuard()
    const failure = new Error('the hand-off failed')
    await assert.rejects(guard.handle(od1002.body, od1002.apikey, async () => { throw failure }), (e) => e === failure)
    await assert.rejects(guard.handle(od1002.body, od1002.apikey, 'not a function'), { code: 'INVALID_INPUT', field: 'handler' })
    let runs = 0
    let started
    let finish
    const running = new Promise((resolve) => { started = resolve })
    const pending = guard.handle(od1002.body, od1002.apikey, async (push) => {
      runs++
      started()
      await new Promise((resolve) => { finish = resolve })
      return push.id
    })
    await running
    await assert.rejects(guard.handle(od1002.body, od1002.apikey, () => runs++), { code: 'PUSH_IN_FLIGHT' })
    finish()
    assert.equal(await pending, od1002.id)
    await assert.rejects(guard.handle(od1002.body, od1002.apikey, () => runs++), { code: 'PUSH_REPLAY' })
    assert.equal(runs, 1)
  })

  it('PushTicket.finish: handled commits (success), not handled releases (500, the retry is accepted)', async () => {
    const guard = new cardboss.PushGuard()
    const failed = await guard.begin(od1002.body, od1002.apikey)
    const refusal = await failed.finish(false)
    assert.equal(refusal.status, 500)
    assert.ok(refusal.reason)
    assert.equal(failed.isOpen, false)
    const retry = await guard.begin(od1002.body, od1002.apikey)
    assert.deepEqual(await retry.finish(true), { status: 200, body: cardboss.PUSH_ACK })
    assert.equal((await retry.finish(true)).status, 500, 'a second finish is the core\'s refusal of a used ticket')
    await assert.rejects(guard.begin(od1002.body, od1002.apikey), { code: 'PUSH_REPLAY' })
  })

  it('pushReply / pushAck: the core decides every answer', () => {
    assert.deepEqual(cardboss.pushAck(), { status: 200, body: 'success' })
    const replay = cardboss.pushReply('push_replay', 'push 1 was already handled (a replay)')
    assert.deepEqual([replay.status, replay.body, replay.reason], [200, 'success', 'push 1 was already handled (a replay)'])
    for (const [kind, status] of [['push_rejected', 400], ['push_in_flight', 409], ['store_unavailable', 503], ['timeout', 503], ['cancelled', 503], ['internal', 500], ['no such kind', 500]]) {
      const reply = cardboss.pushReply(kind, 'why')
      assert.deepEqual([reply.status, reply.body, reply.reason], [status, 'why', 'why'], kind)
    }
    assert.equal(cardboss.MAX_PUSH_BODY, 8 * 1024 * 1024)
    assert.throws(() => cardboss.pushReply(1, 'x'), { code: 'INVALID_INPUT' })
  })

  it('PushGuard.receive: the core\'s reply for each outcome; a throwing handler releases and rethrows', async () => {
    const guard = new cardboss.PushGuard()
    const failure = new Error('the hand-off failed')
    await assert.rejects(guard.receive(od1002.body, od1002.apikey, () => { throw failure }), (e) => e === failure)
    await assert.rejects(guard.receive(od1002.body, od1002.apikey, 'not a function'), { code: 'INVALID_INPUT', field: 'handler' })
    const forged = await guard.receive(od1002.body, 'f'.repeat(32), () => assert.fail('ran'))
    assert.equal(forged.status, 400)
    assert.match(forged.reason, /sign/)
    let runs = 0
    let release
    const gate = new Promise((resolve) => { release = resolve })
    let started
    const running = new Promise((resolve) => { started = resolve })
    const first = guard.receive(Buffer.from(od1002.body), od1002.apikey, async (push) => {
      runs++
      assert.equal(push.id, od1002.id)
      started()
      await gate
    })
    await running
    const inFlight = await guard.receive(od1002.body, od1002.apikey, () => runs++)
    assert.equal(inFlight.status, 409)
    release()
    assert.deepEqual(await first, { status: 200, body: cardboss.PUSH_ACK })
    const replay = await guard.receive(od1002.body, od1002.apikey, () => runs++)
    assert.deepEqual([replay.status, replay.body], [200, cardboss.PUSH_ACK])
    assert.match(replay.reason, /replay/)
    assert.equal(runs, 1)
    const down = new cardboss.PushGuard({ store: 'redis://127.0.0.1:1/0' })
    const unavailable = await down.receive(od1002.body, od1002.apikey, () => runs++)
    assert.equal(unavailable.status, 503)
    assert.equal(runs, 1)
    for (const r of [forged, inFlight, replay, unavailable]) assert.ok(!JSON.stringify(r).includes(od1002.apikey))
  })

  it('receiveSmsPush: success after the handler, 400 for a body that does not parse', async () => {
    const seen = []
    const ok = await cardboss.receiveSmsPush('{"type":"P0002","data":"[{\\"mobile\\":\\"1064807400778\\",\\"apmid\\":\\"1\\",\\"spcode\\":\\"106\\",\\"content\\":\\"hi\\"}]"}', (sms) => seen.push(sms))
    assert.deepEqual(ok, { status: 200, body: cardboss.PUSH_ACK })
    assert.equal(seen[0].replies[0].content, 'hi')
    const bad = await cardboss.receiveSmsPush('nope', () => seen.push('ran'))
    assert.equal(bad.status, 400)
    assert.equal(seen.length, 1)
    const failure = new Error('x')
    await assert.rejects(cardboss.receiveSmsPush('{"type":"P0001","data":"[]"}', () => { throw failure }), (e) => e === failure)
  })

  it('parses SMS pushes, including the spec example with unescaped quotes', () => {
    const reports = cardboss.parseSmsPush('{"type":"P0001","data":"[{\\"mobile\\":\\"1064807400778\\",\\"stat\\":\\"DELIVRD\\",\\"taskId\\":\\"F4D1\\"}]"}')
    assert.equal(reports.kind, 'reports')
    assert.equal(reports.reports[0].taskid, 'F4D1')
    assert.equal(reports.reports[0].state, 'DELIVRD')
    const example = '{\n  "type": "P0002",\n  "data":\n  "[{"mobile":"1064807400778","apmid":"259c","spcode":"1064899102015","content":"test"}]"\n}'
    const replies = cardboss.parseSmsPush(Buffer.from(example))
    assert.equal(replies.kind, 'replies')
    assert.equal(replies.replies[0].scode, '1064899102015')
  })
})

describe('pushes from the sandbox to a receiver', () => {
  let sb, server, client, cards
  const received = [] // { kind, body, push?, error? }
  const guard = new cardboss.PushGuard()

  before(async () => {
    sb = await startSandbox({ cards: 100 })
    client = new cardboss.Client(sb.options())
    cards = (await client.listCards(1)).cards
    server = http.createServer((req, res) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', async () => {
        const body = Buffer.concat(chunks)
        const handled = (push) => received.push({ url: req.url, body, push, type: req.headers['content-type'] })
        try {
          if (req.url === '/sms') handled(cardboss.parseSmsPush(body))
          else await guard.handle(body, sb.ready.apikey, handled, { expectedSid: sb.ready.sid, maxAgeMs: 600_000 })
          res.end(cardboss.PUSH_ACK)
        } catch (error) {
          received.push({ url: req.url, body, error })
          // A replay was handled already: acknowledge it, so the platform stops sending it.
          res.statusCode = error.code === 'PUSH_REPLAY' ? 200 : 400
          res.end(error.code === 'PUSH_REPLAY' ? cardboss.PUSH_ACK : error.code)
        }
      })
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${server.address().port}`
    await sb.admin('POST', 'config', { push_url: `${base}/push`, sms_push_url: `${base}/sms` })
  })
  after(async () => {
    await sb.stop()
    await new Promise((resolve) => server.close(resolve))
  })

  async function waitFor(predicate, what) {
    for (let i = 0; i < 100; i++) {
      const hit = received.find(predicate)
      if (hit) return hit
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`no ${what} arrived`)
  }

  async function renewAndApprove(card) {
    const pkg = (await client.packages(card)).pkgs.find((p) => p.mainpkg)
    const months = pkg.pkgcategory === 1 ? Math.max(12, pkg.buycycle) : Math.max(1, pkg.buycycle)
    const order = await client.renew(card, pkg.pkgcode, months)
    await sb.admin('POST', `orders/${order.orderid}/approve`)
    return order
  }

  it('an OD1002 renewal result (JSON body) is handled once, a replay is acknowledged unhandled', async () => {
    let order
    for (const c of cards) {
      const card = { msisdn: c.msisdn }
      if ((await client.packages(card)).pkgs.some((p) => p.mainpkg)) {
        order = await renewAndApprove(card)
        break
      }
    }
    const hit = await waitFor((r) => r.push?.content?.result?.orderid === order.orderid, 'OD1002 push')
    assert.equal(hit.push.sn, 'OD1002')
    assert.equal(hit.push.sid, sb.ready.sid)
    assert.equal(hit.push.content.kind, 'renewal_result')

    // The same body again, as a replay: acknowledged, not handled a second time.
    const res = await fetch(`http://127.0.0.1:${server.address().port}/push`, { method: 'POST', body: hit.body })
    assert.equal(res.status, 200)
    assert.equal(await res.text(), cardboss.PUSH_ACK)
    assert.equal(received.filter((r) => r.push?.content?.result?.orderid === order.orderid).length, 1)
    assert.ok(received.some((r) => r.body.equals(hit.body) && r.error?.code === 'PUSH_REPLAY'))
    // A forged copy (tampered data) is refused too.
    const forged = JSON.parse(hit.body.toString())
    forged.data = forged.data.replace(order.orderid, 'NR0000000000')
    forged.id = `${forged.id}x`
    const res2 = await fetch(`http://127.0.0.1:${server.address().port}/push`, { method: 'POST', body: JSON.stringify(forged) })
    assert.equal(res2.status, 400)

    const pushes = await sb.admin('GET', 'pushes')
    assert.ok(pushes.some((p) => p.kind === 'OD1002' && p.delivered))
  })

  it('a form-encoded data push verifies from the raw body', async () => {
    await sb.admin('POST', 'config', { push_format: 'form' })
    const before = received.length
    let order
    for (const c of cards.slice().reverse()) {
      const card = { msisdn: c.msisdn }
      if ((await client.packages(card)).pkgs.some((p) => p.mainpkg)) {
        order = await renewAndApprove(card)
        break
      }
    }
    const hit = await waitFor((r, i) => i >= before && r.push?.content?.result?.orderid === order.orderid, 'form push')
    assert.match(hit.type, /x-www-form-urlencoded/)
  })

  it('an SMS report push (P0001) parses', async () => {
    const receipt = await client.sendIotSms([cards[5].msisdn], 'ping')
    const hit = await waitFor((r) => r.url === '/sms' && r.push?.kind === 'reports' && r.push.reports.some((x) => x.taskid === receipt.taskid), 'P0001 push')
    assert.equal(hit.push.reports[0].mobile, cards[5].msisdn)
  })
})
