'use strict'
// Secrets sweep (issue 9): exercises the client broadly — successes, every error kind including
// injected faults, pushes — and checks that the apikey (and any sign: of the pushes received,
// or a `sign=` / 32-hex-digit value in error texts) shows in none of what the SDK produced:
// messages, String(), stacks, util.inspect (showHidden, deep), JSON.stringify, results.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const util = require('node:util')
const cardboss = require('../lib.js')
const { startSandbox } = require('./sandbox.js')

describe('secrets sweep', () => {
  let sb, server, base
  const results = [] // [label, value] of every success
  const errors = [] // [label, error] of every failure
  const objects = [] // [label, object] SDK objects to inspect
  const pushBodies = [] // raw push bodies received (they carry signs)
  const secrets = new Set() // the apikeys used
  const guard = new cardboss.PushGuard()

  before(async () => {
    sb = await startSandbox({ cards: 200 })
    secrets.add(sb.ready.apikey)
    server = http.createServer((req, res) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', async () => {
        const body = Buffer.concat(chunks)
        pushBodies.push(body.toString())
        const handled = (push) => results.push([`push ${req.url}`, push])
        try {
          if (req.url === '/sms') handled(cardboss.parseSmsPush(body))
          else await guard.handle(body, sb.ready.apikey, handled, { expectedSid: sb.ready.sid, maxAgeMs: 600_000 })
          res.end(cardboss.PUSH_ACK)
        } catch (e) {
          errors.push([`push ${req.url}`, e])
          res.statusCode = 400
          res.end()
        }
      })
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${server.address().port}`
    await sb.admin('POST', 'config', { push_url: `${base}/push`, sms_push_url: `${base}/sms` })
  })
  after(async () => {
    await sb.stop()
    await new Promise((resolve) => server.close(resolve))
  })

  async function ok(label, call) {
    const value = await call()
    results.push([label, value])
    return value
  }
  async function fail(label, call, check = () => true) {
    let error
    try {
      await call()
    } catch (e) {
      error = e
    }
    assert.ok(error, `${label}: must fail`)
    errors.push([label, error])
    assert.ok(check(error), `${label}: ${util.inspect(error)}`)
    return error
  }
  function failSync(label, call, check = () => true) {
    let error
    try {
      call()
    } catch (e) {
      error = e
    }
    assert.ok(error, `${label}: must throw`)
    errors.push([label, error])
    assert.ok(check(error), `${label}: ${util.inspect(error)}`)
  }
  async function withFaults(config, work) {
    await sb.admin('POST', 'faults', { delay_secs: 1.0, ...config })
    try {
      await work()
    } finally {
      await sb.admin('POST', 'faults', { rate: 0 })
    }
  }

  it('exercises successes, every error kind, faults and pushes', async () => {
    const client = new cardboss.Client(sb.options())
    const unguarded = new cardboss.Client(sb.options({ cooldownGuard: false, maxRetries: 0, timeoutMs: 700 }))
    const pages = client.cards()
    objects.push(['client', client], ['unguarded', unguarded], ['pages', pages], ['guard', guard], ['module', cardboss])

    // Successes.
    const cards = (await ok('listCards', () => client.listCards(1))).cards
    const msisdns = cards.map((c) => c.msisdn)
    await ok('customer', () => client.customer())
    await ok('pools', () => client.pools())
    await ok('cardDetails', () => client.cardDetails({ msisdns }))
    await ok('currentUsage', () => client.currentUsage({ iccids: cards.map((c) => c.iccid) }))
    await ok('packages', () => client.packages({ msisdn: msisdns[0] }))
    await ok('nextPage', () => pages.nextPage())
    await ok('sendIotSms', () => client.sendIotSms([msisdns[1]], 'sweep'))
    await ok('sendIotSmsEncrypted', () => client.sendIotSmsEncrypted([msisdns[2]], 'sweep secret'))
    await ok('sendTemplateSms', () => client.sendTemplateSms(['13800000001'], '1001', { 1: '张先生', 2: '即将到期' }))
    await ok('smsReports', () => client.smsReports())
    await ok('smsReplies', () => client.smsReplies())
    const details = await client.cardDetails({ msisdns })
    const inService = details.filter((d) => d.msstatus === 2).map((d) => d.msisdn)
    await ok('suspend', () => unguarded.suspend({ msisdn: inService[0] }))
    // A renewal, approved: the sandbox pushes OD1002 (a signed push) to the receiver.
    let order
    for (const m of inService.slice(1, 20)) {
      const pkg = (await client.packages({ msisdn: m })).pkgs.find((p) => p.mainpkg)
      if (!pkg) continue
      const months = pkg.pkgcategory === 1 ? Math.max(12, pkg.buycycle) : Math.max(1, pkg.buycycle)
      order = await ok('renew', () => client.renew({ msisdn: m }, pkg.pkgcode, months, { remark: 'sweep' }))
      break
    }
    assert.ok(order, 'a card to renew')
    await sb.admin('POST', `orders/${order.orderid}/approve`)
    results.push(['sync helpers', [cardboss.timestamp(), cardboss.smsBillingCount('x'), cardboss.VERSION]])
    const encrypted = cardboss.encryptSms(sb.ready.apikey, [msisdns[0]], 'hello')
    results.push(['decryptSms', cardboss.decryptSms(sb.ready.apikey, encrypted)])

    // Errors: invalid input, cooldown, carrier refusals, API refusals, auth.
    await fail('invalid input', () => client.cardDetails({ msisdns: ['nope'] }), (e) => e.code === 'INVALID_INPUT')
    await fail('invalid months', () => client.renew({ msisdn: msisdns[0] }, 'PKG', 0), (e) => e.code === 'INVALID_INPUT')
    failSync('invalid apikey', () => new cardboss.Client({ sid: sb.ready.sid, apikey: 'short' }), (e) => e.code === 'INVALID_INPUT')
    failSync('decryptSms garbage', () => cardboss.decryptSms(sb.ready.apikey, '%%%'), (e) => e.code === 'INVALID_INPUT')
    await client.suspend({ msisdn: inService[3] })
    await fail('cooldown', () => client.resume({ msisdn: inService[3] }), (e) => e.code === 'COOLDOWN')
    await fail('rate limited (13009)', () => unguarded.resume({ msisdn: inService[0] }), (e) => e.kind === 'rate_limited')
    await fail('api refusal (1031)', () => client.renew({ msisdn: msisdns[0] }, 'NO-SUCH-PKG', 12), (e) => e.code === '1031' && typeof e.result === 'string')
    const otherKey = 'y'.repeat(32)
    secrets.add(otherKey)
    const forged = new cardboss.Client(sb.options({ apikey: otherKey }))
    objects.push(['forged client', forged])
    await fail('auth (1005)', () => forged.customer(), (e) => e.kind === 'auth')
    await fail('auth on a POST', () => forged.sendIotSms([msisdns[0]], 'x'), (e) => e.kind === 'auth')

    // Every fault kind, on GETs and POSTs, before and after the operation.
    const expected = { http500: 'http', http502: 'http', reset: 'transport', delay: 'timeout', truncated: 'decode', code1090: 'api' }
    for (const [kind, errorKind] of Object.entries(expected)) {
      for (const stage of ['before', 'after']) {
        await withFaults({ rate: 1, kinds: [kind], stage }, async () => {
          await fail(`${kind} GET`, () => unguarded.customer(), (e) => e.kind === errorKind)
          await fail(`${kind} bulk GET`, () => unguarded.cardDetails({ msisdns }), (e) => e.kind === errorKind)
          await fail(`${kind} ${stage} POST`, () => unguarded.sendIotSms([msisdns[4]], `fault ${kind}`), (e) => e.outcomeUnknown === true)
          await fail(`${kind} ${stage} renew`, () => unguarded.renew({ msisdn: msisdns[5] }, 'PKG', 12, { repetition: true }), (e) => e.outcomeUnknown === true)
        })
      }
    }
    await withFaults({ rate: 1, kinds: ['http500'] }, async () => {
      const failing = unguarded.cards()
      objects.push(['failing pages', failing])
      await fail('cards() page', async () => { for await (const _ of failing) { /* fails */ } }, (e) => e.code === 'HTTP')
    })
    // Transport to a closed port, and a panic inside the addon.
    const closed = new cardboss.Client(sb.options({ baseUrl: 'http://127.0.0.1:1', opsUrl: 'http://127.0.0.1:1', maxRetries: 0 }))
    await fail('transport GET', () => closed.customer(), (e) => e.code === 'TRANSPORT')
    await fail('transport POST', () => closed.suspend({ msisdn: msisdns[0] }), (e) => e.code === 'TRANSPORT')
    failSync('panic', () => cardboss._debugPanic(), (e) => e.code === 'INTERNAL')
    await fail('panic async', () => cardboss._debugPanicAsync(), (e) => e.code === 'INTERNAL')

    // Pushes: wait for the OD1002 and the SMS report pushes; forged and replayed pushes refused.
    for (let i = 0; i < 100 && !results.some(([l, p]) => l === 'push /push' && p.content?.result?.orderid === order.orderid); i++) {
      await new Promise((r) => setTimeout(r, 50))
    }
    const signed = pushBodies.find((b) => b.includes(order.orderid))
    assert.ok(signed, 'the OD1002 push arrived and verified')
    await fail('push replay', () => guard.begin(signed, sb.ready.apikey), (e) => e.code === 'PUSH_REPLAY')
    const second = new cardboss.PushGuard()
    const ticket = await second.begin(signed, sb.ready.apikey)
    objects.push(['ticket', ticket])
    await fail('push in flight', () => second.handle(signed, sb.ready.apikey, () => {}), (e) => e.code === 'PUSH_IN_FLIGHT')
    await ticket.release()
    // A Redis store whose password is the apikey, unreachable: the error names the store without it.
    const redisGuard = new cardboss.PushGuard({ store: `redis://:${sb.ready.apikey}@127.0.0.1:1/0` })
    objects.push(['redis guard', redisGuard])
    await fail('store unavailable', () => redisGuard.begin(signed, sb.ready.apikey), (e) => e.code === 'STORE_UNAVAILABLE')
    failSync('push wrong key', () => cardboss.verifyPush(signed, otherKey), (e) => e.code === 'PUSH_REJECTED')
    failSync('push wrong sid', () => cardboss.verifyPush(signed, sb.ready.apikey, { expectedSid: '99999' }), (e) => e.code === 'PUSH_REJECTED')
    const tampered = JSON.parse(signed)
    tampered.data = tampered.data.replace(order.orderid, 'NR0000000000')
    failSync('push forged', () => cardboss.verifyPush(JSON.stringify(tampered), sb.ready.apikey), (e) => e.code === 'PUSH_REJECTED')
    failSync('sms push bad', () => cardboss.parseSmsPush('{"type":"P0009","data":"[]"}'), (e) => e.code === 'PUSH_REJECTED')
    results.push(['verifyPush', cardboss.verifyPush(signed, sb.ready.apikey)])
    pages.close()

    const kinds = new Set(errors.map(([, e]) => e.kind))
    for (const k of ['invalid_input', 'cooldown', 'rate_limited', 'api', 'auth', 'timeout', 'transport', 'http', 'decode', 'push_rejected', 'push_replay', 'push_in_flight', 'store_unavailable', 'internal']) {
      assert.ok(kinds.has(k), `an error of kind ${k} was exercised`)
    }
    assert.ok(errors.length >= 60, `${errors.length} errors`)
  })

  it('the apikey and signs appear in none of it', () => {
    // Every sign the run saw on the wire (pushes); request signs are caught by the patterns below.
    const signs = new Set()
    for (const body of pushBodies) {
      for (const m of body.matchAll(/sign(?:"\s*:\s*"|=)([0-9A-Fa-f]{32})/g)) signs.add(m[1].toLowerCase())
    }
    assert.ok(signs.size >= 1, 'the pushes carried signs')
    // Push ids are 32 hex digits too, and public (a replay error names its id): not a secret.
    const ids = new Set()
    for (const body of pushBodies) for (const m of body.matchAll(/\bid(?:"\s*:\s*"|=)([0-9A-Fa-f]{32})/g)) ids.add(m[1].toLowerCase())
    const deep = { showHidden: true, depth: 10, getters: true }
    /** Every text the SDK produced: for errors also the `sign=` / 32-hex patterns. */
    const texts = [] // [label, text, strict]
    for (const [label, e] of errors) {
      texts.push([label, e.message ?? '', true], [label, String(e), true], [label, e.stack ?? '', true])
      texts.push([label, util.inspect(e, deep), true], [label, JSON.stringify(e), true], [label, JSON.stringify(Object.entries(e)), true])
      texts.push([label, util.format('%s %o %j', e, e, e), true])
    }
    for (const [label, value] of results) texts.push([label, util.inspect(value, deep), false], [label, JSON.stringify(value) ?? '', false])
    for (const [label, object] of objects) {
      texts.push([label, util.inspect(object, deep), true], [label, String(object), true])
      texts.push([label, JSON.stringify(object) ?? '', true], [label, Object.getOwnPropertyNames(object).join(' '), true])
    }
    let checked = 0
    for (const [label, text, strict] of texts) {
      const lower = text.toLowerCase()
      for (const secret of secrets) assert.ok(!text.includes(secret), `${label}: the apikey in ${text}`)
      for (const sign of signs) assert.ok(!lower.includes(sign), `${label}: a push sign in ${text}`)
      if (strict) {
        assert.doesNotMatch(text, /sign=|"sign"|apikey=/i, `${label}: a sign or apikey parameter in ${text}`)
        const hex = [...text.matchAll(/\b[0-9a-f]{32}\b/gi)].map((m) => m[0].toLowerCase()).filter((h) => !ids.has(h))
        assert.deepEqual(hex, [], `${label}: a 32-hex-digit value (a sign?) in ${text}`)
      }
      checked += text.length
    }
    console.log(`secrets sweep: ${results.length} results, ${errors.length} errors (${new Set(errors.map(([, e]) => e.kind)).size} kinds), ${objects.length} SDK objects, ${pushBodies.length} pushes (${signs.size} signs); ${texts.length} texts, ${checked} characters: apikey 0, signs 0`)
  })
})
