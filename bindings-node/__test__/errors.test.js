'use strict'
// Each error path: invalid input (nothing sent), the local cooldown guard, the carrier's
// refusals, authentication, faults; the apikey never shows; a panic is an Error, not a crash.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const cardboss = require('../lib.js')
const { startSandbox, requestCount } = require('./sandbox.js')

describe('errors', () => {
  let sb, client, cards
  const seen = [] // every error caught here, checked for the apikey at the end

  /** Runs `call`, expecting a rejection, and returns the error. */
  async function failure(call) {
    let error
    try {
      await call()
    } catch (e) {
      error = e
    }
    assert.ok(error, 'the call must fail')
    seen.push(error)
    assert.ok(error instanceof Error)
    assert.ok(cardboss.isCardbossError(error), `a CardbossError: ${util.inspect(error)}`)
    assert.equal(error.name, 'CardbossError')
    return error
  }

  before(async () => {
    sb = await startSandbox({ style: 'example', cards: 200 })
    client = new cardboss.Client(sb.options())
    cards = (await client.listCards(1)).cards
  })
  after(() => sb.stop())

  it('invalid input is refused before anything is sent', async () => {
    const card = { msisdn: cards[0].msisdn }
    const invalid = [
      ['cards', () => client.cardDetails({})],
      ['msisdns', () => client.cardDetails({ msisdns: ['not-a-number'] })],
      ['iccids', () => client.currentUsage({ iccids: ['short'] })],
      ['month', () => client.usageHistory('199901', { msisdns: [cards[0].msisdn] })],
      ['card', () => client.packages({})],
      ['page', () => client.listCards(0)],
      ['months', () => client.renew(card, 'PKG', 0)],
      ['startdate', () => client.renew(card, 'PKG', 12, { startdate: '2024/01/01' })],
      ['min_left_percent', () => client.enableData(card, undefined, 101)],
      ['numbers', () => client.addVoiceWhitelist(card, ['1', '2', '3', '4', '5', '6'])],
      ['numbers', () => client.removeVoiceWhitelist(card, ['1', '2', '3'])],
      ['content', () => client.sendIotSms([cards[0].msisdn], 'x'.repeat(351))],
      ['mobiles', () => client.sendIotSms([], 'hello')],
      ['template_id', () => client.sendTemplateSms(['13800000001'], ' ')],
    ]
    const before = await requestCount(sb)
    for (const [field, call] of invalid) {
      const e = await failure(call)
      assert.equal(e.code, 'INVALID_INPUT', `${field}: ${e.message}`)
      assert.equal(e.kind, 'invalid_input')
      assert.equal(typeof e.field, 'string')
      assert.equal(e.outcomeUnknown, false)
      assert.ok(!('httpStatus' in e))
    }
    assert.equal(await requestCount(sb), before, 'no request reached the sandbox')
  })

  it('arguments of the wrong JS type are INVALID_INPUT CardbossErrors too, and send nothing', async () => {
    const before = await requestCount(sb)
    const rejected = [
      ['msisdns', () => client.cardDetails({ msisdns: 5 })],
      ['msisdns', () => client.currentUsage({ msisdns: [5] })],
      ['arguments', () => client.listCards('1')],
      ['arguments', () => client.renew({ msisdn: cards[0].msisdn }, 12, 12)],
      ['arguments', () => client.sendIotSms(cards[0].msisdn, 'hello')],
    ]
    for (const [field, call] of rejected) {
      const pending = call()
      assert.ok(pending instanceof Promise, `${field}: a Promise-returning method rejects, it does not throw`)
      await assert.rejects(pending, (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT' && e.kind === 'invalid_input' && e.field === field)
    }
    const thrown = [
      ['sid', () => new cardboss.Client({ sid: 10043, apikey: sb.ready.apikey })],
      ['arguments', () => cardboss.sign('abc')],
      ['msisdns', () => client.cardDetailBatches({ msisdns: [5] })],
      ['arguments', () => cardboss.verifyPush(5, sb.ready.apikey)],
    ]
    for (const [field, call] of thrown) {
      assert.throws(call, (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT' && e.field === field && !e.message.includes('rust'))
    }
    // napi's message can quote the value: a mistyped apikey must not end up in the error.
    assert.throws(() => new cardboss.Client({ sid: '10043', apikey: 12345678901234567890 }), (e) => e.code === 'INVALID_INPUT' && !String(e.message).includes('1234567'))
    assert.equal(await requestCount(sb), before, 'no request reached the sandbox')
  })

  it('constructor and sync functions throw CardbossErrors', () => {
    assert.throws(() => new cardboss.Client({ sid: '10043', apikey: 'too short' }), { code: 'INVALID_INPUT', field: 'apikey' })
    assert.throws(() => cardboss.decryptSms(sb.ready.apikey, '%%%'), { code: 'INVALID_INPUT' })
    assert.throws(() => cardboss.parseSmsPush('{"type":"P0009","data":"[]"}'), { code: 'PUSH_REJECTED' })
  })

  it('the cooldown guard refuses a repeat locally, sending nothing', async () => {
    const card = { msisdn: cards[10].msisdn }
    await client.suspend(card)
    const before = await requestCount(sb)
    const e = await failure(() => client.resume(card))
    assert.equal(e.code, 'COOLDOWN')
    assert.equal(e.kind, 'cooldown')
    assert.equal(e.endpoint, 'card/stopkeep')
    assert.ok(e.retryAfterMs > 0 && e.retryAfterMs <= 180_000)
    assert.equal(await requestCount(sb), before)
    client.clearCooldowns()
  })

  it("the carrier's refusals: 13009 inside 1099, the carrier shape (13010, 12144)", async () => {
    const unguarded = new cardboss.Client(sb.options({ cooldownGuard: false }))
    const card = { msisdn: cards[20].msisdn }
    await unguarded.suspend(card)
    const repeat = await failure(() => unguarded.resume(card))
    assert.equal(repeat.code, '1099')
    assert.equal(repeat.kind, 'rate_limited')
    assert.equal(repeat.carrierCode, '13009')
    assert.equal(repeat.retryAfterMs, 180_000)
    assert.equal(repeat.httpStatus, 200)
    assert.equal(repeat.endpoint, 'card/stopkeep')
    assert.ok(repeat.msg.length > 0)
    assert.match(repeat.detail, /13009/)

    const wl = { msisdn: cards[21].msisdn }
    await unguarded.addVoiceWhitelist(wl, ['13800000001'])
    const tooSoon = await failure(() => unguarded.addVoiceWhitelist(wl, ['13800000002']))
    assert.equal(tooSoon.code, '13010')
    assert.equal(tooSoon.kind, 'rate_limited')
    assert.equal(tooSoon.retryAfterMs, 60_000)

    const rm = { msisdn: cards[22].msisdn }
    await unguarded.removeVoiceWhitelist(rm, ['13800000001'])
    await sb.admin('POST', 'clock/advance', { seconds: 61 })
    const monthly = await failure(() => unguarded.removeVoiceWhitelist(rm, ['13800000002']))
    assert.equal(monthly.code, '12144')
    assert.equal(monthly.kind, 'api')
    assert.ok(monthly.msg.length > 0)
  })

  it('a refused renewal carries its result object', async () => {
    const e = await failure(() => client.renew({ msisdn: cards[30].msisdn }, 'NO-SUCH-PKG', 12))
    assert.equal(e.code, '1031')
    assert.equal(e.kind, 'api')
    assert.equal(typeof e.result, 'string')
    assert.equal(JSON.parse(e.result).msisdn, cards[30].msisdn)
  })

  it('a wrong apikey is an auth error (1005)', async () => {
    const forged = new cardboss.Client(sb.options({ apikey: 'x'.repeat(32) }))
    const e = await failure(() => forged.customer())
    assert.equal(e.code, '1005')
    assert.equal(e.kind, 'auth')
    assert.equal(e.httpStatus, 200)
    assert.equal(e.endpoint, 'customer/get')
  })

  it('HTTP faults, transport failures and 1090 on a POST (outcome unknown)', async () => {
    const fast = new cardboss.Client(sb.options({ maxRetries: 0 }))
    await sb.admin('POST', 'faults', { rate: 1, kinds: ['http502'] })
    try {
      const http = await failure(() => fast.customer())
      assert.equal(http.code, 'HTTP')
      assert.equal(http.httpStatus, 502)
      await sb.admin('POST', 'faults', { rate: 1, kinds: ['code1090'], stage: 'after' })
      const unknown = await failure(() => fast.sendIotSms([cards[40].msisdn], 'hello'))
      assert.equal(unknown.code, '1090')
      assert.equal(unknown.outcomeUnknown, true)
      assert.match(unknown.message, /outcome is unknown/)
    } finally {
      await sb.admin('POST', 'faults', { rate: 0 })
    }
    const closed = new cardboss.Client(sb.options({ baseUrl: 'http://127.0.0.1:1', maxRetries: 0 }))
    const transport = await failure(() => closed.customer())
    assert.equal(transport.code, 'TRANSPORT')
    assert.equal(transport.kind, 'transport')
  })

  it('a Rust panic becomes a thrown Error / a rejected Promise, and the addon keeps working', async () => {
    assert.throws(() => cardboss._debugPanic(), (e) => {
      seen.push(e)
      return e instanceof Error && e.code === 'INTERNAL' && e.kind === 'internal' && /panic/.test(e.message)
    })
    const e = await failure(() => cardboss._debugPanicAsync())
    assert.equal(e.code, 'INTERNAL')
    assert.equal((await client.customer()).sid, sb.ready.sid)
  })

  it('the apikey appears in no error message and no inspected object', async () => {
    const apikey = sb.ready.apikey
    assert.ok(seen.length >= 20, `${seen.length} errors collected`)
    for (const e of seen) {
      for (const text of [e.message, String(e), e.stack ?? '', util.inspect(e, { depth: 5, showHidden: true }), JSON.stringify(e)]) {
        assert.ok(!text.includes(apikey), `apikey in ${text}`)
      }
    }
    const pages = client.cards()
    for (const object of [client, pages, new cardboss.PushGuard()]) {
      assert.ok(!util.inspect(object, { showHidden: true, depth: 5 }).includes(apikey))
      assert.ok(!String(object).includes(apikey))
    }
    pages.close()
  })
})
