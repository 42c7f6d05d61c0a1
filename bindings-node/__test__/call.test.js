'use strict'
// The JS side of a call: `CardbossError` (instanceof, kind), a call's `signal` and `timeoutMs`,
// `client.close()` / `Symbol.asyncDispose`, and models that survive `structuredClone()`.
// Slow answers come from the sandbox's `delay` fault (30 s): a call that settles in well under
// that was cut by the SDK, not answered. The test waits for the sandbox to have the request
// before it aborts (the stats count it), never for a fixed time.
const { describe, it, before, after, afterEach } = require('node:test')
const assert = require('node:assert/strict')
const cardboss = require('../lib.js')
const { startSandbox, requestCount } = require('./sandbox.js')

const DELAY_SECS = 30

describe('calls', () => {
  let sb, client, cards

  before(async () => {
    sb = await startSandbox({ cards: 50 })
    client = new cardboss.Client(sb.options({ maxRetries: 0 }))
    cards = (await client.listCards(1)).cards
  })
  after(() => sb.stop())
  afterEach(() => sb.admin('POST', 'faults', { rate: 0 }))

  /** Every request is answered after 30 s (POSTs applied after the delay). */
  const slow = () => sb.admin('POST', 'faults', { rate: 1, kinds: ['delay'], delay_secs: DELAY_SECS, stage: 'before' })

  /** Resolves once the sandbox has received `count` more requests than `base`. */
  async function received(base, count = 1) {
    while ((await requestCount(sb)) < base + count) await new Promise((resolve) => setImmediate(resolve))
  }

  /** Settles `pending` and returns its error, with the time it took to reject. */
  async function rejection(pending, started) {
    const error = await pending.then(() => assert.fail('the call must fail'), (e) => e)
    return { error, ms: performance.now() - started }
  }

  it('every error is a CardbossError instance with a kind of the union', async () => {
    const e = await client.listCards(0).catch((x) => x)
    assert.ok(e instanceof cardboss.CardbossError)
    assert.ok(e instanceof Error)
    assert.equal(e.name, 'CardbossError')
    assert.equal(e.kind, 'invalid_input')
    assert.ok(cardboss.isCardbossError(e))
    assert.ok(!cardboss.isCardbossError(new Error('x')))
    // Sync throws and napi's argument-type refusals are instances too.
    assert.throws(() => cardboss.sign(5), (x) => x instanceof cardboss.CardbossError && x.kind === 'invalid_input')
    assert.throws(() => new cardboss.Client({ sid: 1 }), (x) => x instanceof cardboss.CardbossError && x.field === 'sid')
    // Errors other code makes are not.
    assert.ok(!(new Error('x') instanceof cardboss.CardbossError))
  })

  it('an already aborted signal rejects at once and sends nothing', async () => {
    const base = await requestCount(sb)
    const controller = new AbortController()
    controller.abort()
    const e = await client.suspend({ msisdn: cards[0].msisdn }, { signal: controller.signal }).catch((x) => x)
    assert.ok(e instanceof cardboss.CardbossError)
    assert.equal(e.code, 'CANCELLED')
    assert.equal(e.kind, 'cancelled')
    assert.equal(e.outcomeUnknown, false)
    assert.equal(await requestCount(sb), base, 'nothing was sent')
  })

  it('aborting a GET in flight rejects promptly; its outcome is known', async () => {
    await slow()
    const base = await requestCount(sb)
    const controller = new AbortController()
    const started = performance.now()
    const pending = client.customer({ signal: controller.signal })
    await received(base)
    controller.abort()
    const { error, ms } = await rejection(pending, started)
    assert.equal(error.code, 'CANCELLED')
    assert.equal(error.endpoint, 'customer/get')
    assert.equal(error.outcomeUnknown, false)
    assert.ok(ms < DELAY_SECS * 1000, `rejected after ${ms} ms, before the answer`)
  })

  it('aborting a POST once sent reports its outcome unknown', async () => {
    await slow()
    const base = await requestCount(sb)
    const controller = new AbortController()
    const started = performance.now()
    const pending = client.sendIotSms([cards[1].msisdn], 'hello', { signal: controller.signal })
    await received(base)
    controller.abort()
    const { error, ms } = await rejection(pending, started)
    assert.equal(error.code, 'CANCELLED')
    assert.equal(error.endpoint, 'sms/sendlotsms')
    assert.equal(error.outcomeUnknown, true)
    assert.match(error.message, /outcome is unknown/)
    assert.ok(ms < DELAY_SECS * 1000)
  })

  it('timeoutMs ends one call (TIMEOUT), outcome unknown for a sent POST', async () => {
    await slow()
    const get = await client.customer({ timeoutMs: 200 }).catch((x) => x)
    assert.equal(get.code, 'TIMEOUT')
    assert.equal(get.kind, 'timeout')
    assert.equal(get.outcomeUnknown, false)
    const post = await client.sendIotSms([cards[2].msisdn], 'hello', { timeoutMs: 200 }).catch((x) => x)
    assert.equal(post.code, 'TIMEOUT')
    assert.equal(post.outcomeUnknown, true)
    // A bulk call's timeout bounds the whole call.
    const bulk = await client.cardDetails({ msisdns: [cards[3].msisdn] }, { timeoutMs: 200 }).catch((x) => x)
    assert.equal(bulk.code, 'TIMEOUT')
    // The rule (positive) is the core's: refused before anything is sent.
    const zero = await client.customer({ timeoutMs: 0 }).catch((x) => x)
    assert.equal(zero.code, 'INVALID_INPUT')
  })

  it('a signal also ends a stream of batches and for-await over it', async () => {
    await slow()
    const base = await requestCount(sb)
    const controller = new AbortController()
    const pending = client.cardDetails({ msisdns: [cards[4].msisdn] }, { signal: controller.signal })
    await received(base)
    controller.abort()
    const e = await pending.catch((x) => x)
    assert.equal(e.code, 'CANCELLED')
  })

  it('close() ends calls in flight and refuses later ones; await using closes', async () => {
    const closing = new cardboss.Client(sb.options({ maxRetries: 0 }))
    assert.equal((await closing.customer()).sid, sb.ready.sid)
    await slow()
    const base = await requestCount(sb)
    const inFlight = closing.customer()
    await received(base)
    closing.close()
    const e = await inFlight.catch((x) => x)
    assert.equal(e.code, 'CANCELLED')
    assert.match(e.message, /closed/)
    const later = await closing.customer().catch((x) => x)
    assert.equal(later.code, 'CANCELLED')
    assert.throws(() => closing.cards(), { code: 'CANCELLED' })
    closing.close() // twice is fine
    assert.equal(await requestCount(sb), base + 1, 'nothing sent after close()')

    const disposable = new cardboss.Client(sb.options())
    await disposable[Symbol.asyncDispose]()
    assert.equal((await disposable.pools().catch((x) => x)).code, 'CANCELLED')
  })

  it('models survive structuredClone() and go back into the SDK', async () => {
    const me = await client.customer()
    const page = await client.listCards(1)
    const details = await client.cardDetails({ msisdns: cards.slice(0, 20).map((c) => c.msisdn) })
    const renewable = [] // [card, its packages, its month package], two cards
    for (const c of cards) {
      const packages = await client.packages({ msisdn: c.msisdn })
      const pkg = packages.pkgs.find((p) => p.mainpkg && p.pkgcategory === 1)
      if (pkg) renewable.push([{ msisdn: c.msisdn }, packages, pkg])
      if (renewable.length === 2) break
    }
    assert.equal(renewable.length, 2, 'two cards with a month package')
    for (const model of [me, page, details, renewable[0][1]]) {
      const copy = structuredClone(model)
      assert.notEqual(copy, model)
      assert.deepEqual(copy, model)
      assert.deepEqual(JSON.parse(JSON.stringify(model)), model)
    }
    // A model the caller built (a clone; a literal with its fields) goes back into the SDK.
    const [[first, , pkg1], [second, , pkg2]] = renewable
    const order = await client.renewPackage(first, structuredClone(pkg1), 12, { audit: cardboss.Audit.Automatic })
    assert.equal(order.msisdn, first.msisdn)
    const built = await client.renewPackage(second, { ...pkg2, extra: {} }, 12, { audit: cardboss.Audit.Automatic })
    assert.equal(built.msisdn, second.msisdn)
  })
})
