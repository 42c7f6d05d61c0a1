'use strict'
// The addon never blocks the event loop, takes 1,000 calls at once, and streams a large fleet.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const cardboss = require('../lib.js')
const { startSandbox } = require('./sandbox.js')

/** Counts timer ticks while `work` runs. */
async function ticksDuring(work, everyMs = 20) {
  let ticks = 0
  const timer = setInterval(() => ticks++, everyMs)
  const started = Date.now()
  try {
    const result = await work()
    return { ticks, elapsed: Date.now() - started, result }
  } finally {
    clearInterval(timer)
  }
}

describe('concurrency', () => {
  let sb, cards

  before(async () => {
    sb = await startSandbox({ cards: 300 })
    cards = (await new cardboss.Client(sb.options()).listCards(1)).cards
  })
  after(() => sb.stop())

  it('the event loop stays responsive during slow calls', async () => {
    const client = new cardboss.Client(sb.options({ maxRetries: 0, timeoutMs: 10_000 }))
    await sb.admin('POST', 'faults', { rate: 1, kinds: ['delay'], delay_secs: 1.5 })
    try {
      const { ticks, elapsed, result } = await ticksDuring(() =>
        Promise.all([client.customer(), client.pools(), client.cardDetails({ msisdns: [cards[0].msisdn] })]),
      )
      assert.equal(result[0].sid, sb.ready.sid)
      assert.ok(elapsed >= 1400, `the calls were slow (${elapsed} ms)`)
      // A blocked loop would tick about once; a free one about elapsed / 20 times.
      assert.ok(ticks >= elapsed / 20 / 2, `${ticks} ticks in ${elapsed} ms`)

      const impatient = new cardboss.Client(sb.options({ maxRetries: 0, timeoutMs: 300 }))
      const timedOut = await ticksDuring(() => impatient.customer().then(() => null, (e) => e))
      assert.equal(timedOut.result.code, 'TIMEOUT')
      assert.equal(timedOut.result.kind, 'timeout')
      assert.ok(timedOut.ticks >= 5, `${timedOut.ticks} ticks while timing out`)
    } finally {
      await sb.admin('POST', 'faults', { rate: 0 })
    }
  })

  it('1,000 concurrent promises all settle with the right results', async () => {
    const client = new cardboss.Client(sb.options())
    const calls = Array.from({ length: 1000 }, (_, i) => {
      const card = cards[i % cards.length]
      switch (i % 4) {
        case 0: return client.customer().then((c) => c.sid === sb.ready.sid)
        case 1: return client.cardDetails({ msisdns: [card.msisdn] }).then((d) => d[0].msisdn === card.msisdn)
        case 2: return client.packages({ iccid: card.iccid }).then((p) => p.msisdn === card.msisdn)
        default: return client.currentUsage({ iccids: [card.iccid] }).then((u) => u[0].iccids === card.iccid)
      }
    })
    const { ticks, result } = await ticksDuring(() => Promise.all(calls), 5)
    assert.equal(result.length, 1000)
    assert.ok(result.every(Boolean), 'every result is for the card asked')
    assert.ok(ticks >= 1)
  })
})

describe('cards() over a 10,000-card fleet', () => {
  let sb
  before(async () => { sb = await startSandbox({ cards: 10_000 }) })
  after(() => sb.stop())

  it('yields each card exactly once, in page order', async () => {
    const client = new cardboss.Client(sb.options({ concurrency: 8 }))
    const msisdns = []
    const { ticks } = await ticksDuring(async () => {
      for await (const card of client.cards()) msisdns.push(card.msisdn)
    }, 5)
    assert.equal(msisdns.length, 10_000)
    assert.equal(new Set(msisdns).size, 10_000)
    const page50 = await client.listCards(50)
    assert.deepEqual(msisdns.slice(4900, 5000), page50.cards.map((c) => c.msisdn))
    assert.equal((await client.customer()).cardqty, 10_000)
    assert.ok(ticks >= 1)
  })

  it('a failing page rejects the loop with the CardbossError', async () => {
    const client = new cardboss.Client(sb.options({ maxRetries: 0 }))
    const pages = client.cards()
    await pages.nextPage()
    await sb.admin('POST', 'faults', { rate: 1, kinds: ['http500'] })
    try {
      let error
      try {
        for await (const _ of pages) { /* drains the pages fetched ahead, then fails */ }
      } catch (e) {
        error = e
      }
      assert.ok(cardboss.isCardbossError(error), `${error}`)
      assert.equal(error.code, 'HTTP')
      assert.equal(error.httpStatus, 500)
    } finally {
      await sb.admin('POST', 'faults', { rate: 0 })
    }
  })
})
