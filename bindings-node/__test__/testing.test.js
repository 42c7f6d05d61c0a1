'use strict'
// `cardboss/testing`: the sandbox inside this process (the sandbox crate's own server and admin
// functions), in strict mode like the rest of the suite.
const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { once } = require('node:events')

const cardboss = require('..')
const { Sandbox } = require('../testing.js')

/** A push receiver on a free loopback port; `next()` resolves with the next body (no polling). */
async function receiver() {
  const bodies = []
  const waiting = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      res.end(cardboss.PUSH_ACK)
      const body = Buffer.concat(chunks)
      const waiter = waiting.shift()
      if (waiter) waiter(body)
      else bodies.push(body)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${server.address().port}/push`,
    next: () => (bodies.length ? Promise.resolve(bodies.shift()) : new Promise((resolve) => waiting.push(resolve))),
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

async function renewalOrders(client, n) {
  const orders = []
  for (const c of (await client.listCards(1)).cards) {
    const card = { msisdn: c.msisdn }
    const pkg = (await client.packages(card)).pkgs.find((p) => p.mainpkg)
    if (!pkg) continue
    const months = pkg.pkgcategory === 1 ? Math.max(12, pkg.buycycle) : Math.max(1, pkg.buycycle)
    orders.push(await client.renew(card, pkg.pkgcode, months))
    if (orders.length === n) return orders
  }
  throw new Error('not enough renewable cards')
}

describe('cardboss/testing Sandbox', () => {
  it('starts on free ports, hands out clients, closes', async () => {
    const sb = await Sandbox.start({ cards: 7, strict: true })
    assert.match(sb.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.match(sb.opsUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.equal((await sb.client().customer()).cardqty, 7)
    assert.equal(sb.stats().total, 1)
    assert.equal(sb.closed, false)
    await sb.close()
    assert.equal(sb.closed, true)
    await assert.rejects(sb.client({ maxRetries: 0 }).customer(), (e) => cardboss.isCardbossError(e) && e.code === 'TRANSPORT')
    await sb.close() // idempotent
  })

  it('closes through Symbol.asyncDispose', async () => {
    const sb = await Sandbox.start({ cards: 1 })
    await sb[Symbol.asyncDispose]()
    assert.equal(sb.closed, true)
  })

  it('an advance of the clock ends a cooldown', async () => {
    const sb = await Sandbox.start({ cards: 5, strict: true })
    try {
      const client = sb.client()
      const card = { msisdn: (await client.listCards(1)).cards[0].msisdn }
      await client.suspend(card)
      // refused locally by the SDK's guard, and by the sandbox itself without the guard
      await assert.rejects(client.resume(card), (e) => e.code === 'COOLDOWN')
      const unguarded = sb.client({ cooldownGuard: false })
      await assert.rejects(unguarded.resume(card), (e) => e.carrierCode === '13009')
      assert.equal(sb.advanceClock(181).offset_secs, 181)
      await unguarded.resume(card)
      assert.equal((await client.cardDetails({ msisdns: [card.msisdn] }))[0].msstatus, 2)
      const applied = sb.ledger().filter((e) => e.cards.includes(card.msisdn) && e.applied)
      assert.equal(applied.length, 2)
    } finally {
      await sb.close()
    }
  })

  it('faults on and off', async () => {
    const sb = await Sandbox.start({ cards: 5, strict: true })
    try {
      const client = sb.client({ maxRetries: 0 })
      assert.deepEqual(sb.setFaults(1, ['http500']).kinds, ['http500'])
      await assert.rejects(client.customer(), (e) => e.code === 'HTTP' && e.httpStatus === 500)
      sb.setFaults(0)
      assert.equal((await client.customer()).cardqty, 5)
    } finally {
      await sb.close()
    }
  })

  it('approving and rejecting orders pushes their results', async () => {
    const sb = await Sandbox.start({ cards: 20, strict: true })
    const pushes = await receiver()
    try {
      sb.setPushUrl(pushes.url)
      const client = sb.client()
      const [approved, rejected] = await renewalOrders(client, 2)
      assert.deepEqual(sb.orders().map((o) => o.orderid).sort(), [approved.orderid, rejected.orderid].sort())
      const guard = new cardboss.PushGuard()

      assert.equal(sb.approveOrder(approved.orderid).status, 'confirmed')
      let push = await guard.handle(await pushes.next(), sb.apikey, (p) => p, { expectedSid: sb.sid, maxAgeMs: 300_000 })
      assert.equal(push.sn, 'OD1002')
      assert.equal(push.content.result.orderid, approved.orderid)
      assert.equal(push.content.result.status, 1)

      assert.equal(sb.rejectOrder(rejected.orderid).status, 'rejected')
      push = await guard.handle(await pushes.next(), sb.apikey, (p) => p, { expectedSid: sb.sid, maxAgeMs: 300_000 })
      assert.equal(push.content.result.orderid, rejected.orderid)
      assert.equal(push.content.result.status, 0)

      assert.ok(sb.ledger().some((e) => e.action === 'renew.rejected'))
      assert.throws(() => sb.approveOrder(rejected.orderid), (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT')
    } finally {
      await sb.close()
      await pushes.close()
    }
  })

  it('sendWarning pushes an OD1010', async () => {
    const sb = await Sandbox.start({ cards: 3, strict: true })
    const pushes = await receiver()
    try {
      sb.setPushUrl(pushes.url)
      const msisdn = (await sb.client().listCards(1)).cards[0].msisdn
      const sent = sb.sendWarning(msisdn, 31)
      assert.equal(sent.pushed, true)
      const push = await (await new cardboss.PushGuard().begin(await pushes.next(), sb.apikey, { maxAgeMs: 300_000 })).commit()
      assert.equal(push.sn, 'OD1010')
    } finally {
      await sb.close()
      await pushes.close()
    }
  })

  it('a bad configuration is refused with INVALID_INPUT', async () => {
    for (const bad of [{ apikey: 'short' }, { faults: 1.5 }, { style: 'nope' }, { cards: -1 }, { seed: -1 }]) {
      await assert.rejects(Sandbox.start(bad), (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT', JSON.stringify(bad))
    }
  })

  it('bad admin calls throw INVALID_INPUT', async () => {
    const sb = await Sandbox.start({ cards: 2 })
    try {
      const invalid = (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT'
      assert.throws(() => sb.approveOrder('nope'), invalid)
      assert.throws(() => sb.setFaults(0.5, ['nope']), invalid)
      assert.throws(() => sb.card('0'), invalid)
    } finally {
      await sb.close()
    }
  })
})
