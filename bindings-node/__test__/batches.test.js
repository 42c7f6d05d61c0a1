'use strict'
// Bulk results batch by batch (cardDetailBatches, currentUsageBatches, usageHistoryBatches), the
// bulk calls that collect them, and renewPackage, against the sandbox.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const cardboss = require('../lib.js')
const { startSandbox, requestCount } = require('./sandbox.js')

describe('bulk results, batch by batch', () => {
  let sb, client, all

  before(async () => {
    sb = await startSandbox({ cards: 250 })
    client = new cardboss.Client(sb.options())
    all = []
    for await (const card of client.cards()) all.push(card)
  })
  after(() => sb.stop())

  it('cardDetailBatches: batches of 100 in input order, as plain objects', async () => {
    const msisdns = all.map((c) => c.msisdn).reverse()
    const sizes = []
    const seen = []
    for await (const batch of client.cardDetailBatches({ msisdns })) {
      assert.ok(Array.isArray(batch))
      sizes.push(batch.length)
      for (const d of batch) seen.push(d.msisdn)
    }
    assert.deepEqual(sizes, [100, 100, 50])
    assert.deepEqual(seen, msisdns)
    const [one] = await client.cardDetails({ msisdns: [msisdns[0]] })
    assert.equal(typeof one.msstatus, 'number')
    assert.equal(typeof one.extra, 'object')
    assert.ok(Object.values(one).every((v) => v !== null), 'absent options are left out, not null')
  })

  it('the batch streams and the collected calls give the same records', async () => {
    const iccids = all.map((c) => c.iccid)
    const usage = []
    const stream = client.currentUsageBatches({ iccids })
    for (let b = await stream.nextBatch(); b != null; b = await stream.nextBatch()) usage.push(...b)
    assert.deepEqual(usage, await client.currentUsage({ iccids }))
    assert.deepEqual(usage.map((u) => u.iccids), iccids)

    const month = cardboss.timestamp().slice(0, 6)
    const history = []
    for await (const batch of client.usageHistoryBatches(month, { iccids })) history.push(...batch)
    assert.deepEqual(history, await client.usageHistory(month, { iccids }))
    assert.ok(history.every((u) => u.month === month))
  })

  it('bad input throws at the call, before anything is sent', async () => {
    const before = await requestCount(sb)
    for (const [field, call] of [
      ['msisdns', () => client.cardDetailBatches({ msisdns: [all[0].msisdn, 'x1'] })],
      ['cards', () => client.currentUsageBatches({})],
      ['month', () => client.usageHistoryBatches('199901', { msisdns: [all[0].msisdn] })],
    ]) {
      assert.throws(call, (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT', field)
    }
    await assert.rejects(client.cardDetails({ msisdns: ['x1'] }), { code: 'INVALID_INPUT', field: 'msisdns' })
    assert.equal(await requestCount(sb), before)
  })

  it('leaving the loop early stops the fetching', async () => {
    const c = new cardboss.Client(sb.options({ concurrency: 1 }))
    const ids = Array.from({ length: 25 }, () => all.map((x) => x.msisdn)).flat() // 6,250 cards, 63 batches
    const before = (await sb.admin('GET', 'stats')).endpoints['card/detail'] ?? 0
    for await (const batch of c.cardDetailBatches({ msisdns: ids })) {
      assert.equal(batch.length, 100)
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    const sent = (await sb.admin('GET', 'stats')).endpoints['card/detail'] - before
    assert.ok(sent <= 4, `no more batches after the loop ends (${sent} of 63 requested)`)
    const stream = c.cardDetailBatches({ msisdns: ids })
    stream.close()
    assert.equal(await stream.nextBatch(), null)
  })

  it('a failed batch rejects with its CardbossError, and the stream ends there', async () => {
    const c = new cardboss.Client(sb.options({ maxRetries: 0 }))
    await sb.admin('POST', 'faults', { rate: 1, kinds: ['http500'] })
    try {
      const stream = c.cardDetailBatches({ msisdns: all.map((x) => x.msisdn) })
      await assert.rejects(stream.nextBatch(), (e) => cardboss.isCardbossError(e) && e.kind === 'http' && e.httpStatus === 500 && /card\/detail \(batch \d of 3/.test(e.endpoint))
      assert.equal(await stream.nextBatch(), null)
      await assert.rejects(c.currentUsage({ msisdns: [all[0].msisdn] }), { kind: 'http' })
    } finally {
      await sb.admin('POST', 'faults', { rate: 0 })
    }
  })

  it('GETs are retried with the configured backoff (retryBaseMs, retryCapMs)', async () => {
    const c = new cardboss.Client(sb.options({ maxRetries: 5, retryBaseMs: 1, retryCapMs: 2 }))
    await sb.admin('POST', 'faults', { rate: 0.5, kinds: ['http500'] })
    try {
      const before = await requestCount(sb)
      const details = await c.cardDetails({ msisdns: all.map((x) => x.msisdn) })
      assert.equal(details.length, 250)
      assert.ok((await requestCount(sb)) - before > 3, 'some batches were retried')
    } finally {
      await sb.admin('POST', 'faults', { rate: 0 })
    }
  })
})

describe('renewPackage', () => {
  let sb, client, card, pkg

  before(async () => {
    sb = await startSandbox({ cards: 60 })
    client = new cardboss.Client(sb.options())
    for await (const c of client.cards()) {
      pkg = (await client.packages({ msisdn: c.msisdn })).pkgs.find((p) => p.mainpkg && p.pkgcategory === 1)
      if (pkg) {
        card = { msisdn: c.msisdn }
        break
      }
    }
    assert.ok(pkg, 'a card with a month package')
  })
  after(() => sb.stop())

  it('renews a package as packages() listed it', async () => {
    const order = await client.renewPackage(card, pkg, 12, { audit: cardboss.Audit.Automatic })
    assert.equal(order.msisdn, card.msisdn)
    const orders = await sb.admin('GET', 'orders')
    assert.ok(orders.some((o) => o.orderid === order.orderid && o.msisdn === card.msisdn))
  })

  it('refuses a length the package does not allow, sending nothing', async () => {
    const before = await requestCount(sb)
    await assert.rejects(client.renewPackage(card, pkg, 3), (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT' && e.field === 'months')
    assert.equal(await requestCount(sb), before)
  })
})
