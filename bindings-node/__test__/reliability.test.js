'use strict'
// Reliability of the Node SDK under injected faults (issue 9), mirroring sandbox/tests/reliability.rs.
// Every fault kind at 20%: HTTP 500, 502 HTML, connection resets, answers delayed beyond the
// client timeout, truncated JSON and code 1090.
//
// - a fleet sync of 10,000 cards returns every card exactly once or rejects naming what it could
//   not fetch, never a short result;
// - 1,000 POST operations are never applied twice (one request per call), and every failed one
//   says whether its outcome is unknown, consistently with the sandbox's ledger;
// - no call outlives its timeout × attempts plus the backoff caps.
//
// The figures are printed (`node --test __test__/reliability.test.js`).
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const cardboss = require('../lib.js')
const { startSandbox } = require('./sandbox.js')

const FAULT_RATE = 0.2
/** How late a `delay` fault answers; the client gives up a little before. */
const DELAY_SECS = 1.0
const TIMEOUT_MS = 700
/** The retry backoff the clients are given (below the defaults, 200/5000, so that the bound checks the options are used): full jitter in [0, min(cap, base·2^(n-1))]. */
const RETRY_BASE_MS = 50
const RETRY_CAP_MS = 400
/** Room for a loaded machine (2 shared cores) on top of the computed bound. */
const SLACK_MS = 2000

/** The longest one request may take: every attempt timing out, plus the longest backoff between attempts. */
function callBound(maxRetries) {
  let backoff = 0
  for (let n = 1; n <= maxRetries; n++) backoff += Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (n - 1))
  return TIMEOUT_MS * (maxRetries + 1) + backoff
}

function client(sb, maxRetries) {
  return new cardboss.Client(sb.options({ timeoutMs: TIMEOUT_MS, maxRetries, retryBaseMs: RETRY_BASE_MS, retryCapMs: RETRY_CAP_MS, cooldownGuard: false, concurrency: 8 }))
}

async function faults(sb, rate, kinds = [], extra = {}) {
  const set = await sb.admin('POST', 'faults', { rate, kinds, delay_secs: DELAY_SECS, ...extra })
  assert.equal(set.rate, rate, JSON.stringify(set))
}

const total = async (sb) => (await sb.admin('GET', 'stats')).total
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const secs = (ms) => (ms / 1000).toFixed(2)

/** The errors a fault can cause. */
function isFaultError(e) {
  return cardboss.isCardbossError(e) && (['timeout', 'transport', 'http', 'decode'].includes(e.kind) || e.code === '1090')
}

/** Whether `e` names the batch (and its first card) of a bulk call that failed. */
function namesBatch(e, known) {
  const text = `${e.message} ${e.endpoint ?? ''}`
  const m = / from card ([0-9A-Za-z]+)/.exec(text)
  return /\(batch \d+ of \d+/.test(text) && m !== null && known.has(m[1])
}

// ------------------------------------------------------------------------------ (a) fleet sync

describe('reliability: fleet sync of 10,000 cards at 20% faults', () => {
  const CARDS = 10_000
  let sb, fleet

  before(async () => {
    sb = await startSandbox({ cards: CARDS, args: ['--seed', '7'] })
    fleet = []
    for await (const card of client(sb, 3).cards()) fleet.push(card.msisdn)
    assert.equal(fleet.length, CARDS)
  })
  after(() => sb.stop())

  /** cards() + cardDetails() + currentUsage(): every card exactly once, or a named error. */
  async function sync(c, maxRetries) {
    const known = new Set(fleet)
    const listed = []
    const started = Date.now()
    let error
    try {
      for await (const card of c.cards()) listed.push(card.msisdn)
    } catch (e) {
      error = e
    }
    if (error) {
      assert.ok(isFaultError(error), `a fault-caused error: ${error}`)
      assert.ok(error.endpoint === 'card/list' || error.endpoint.startsWith('card/list (page '), `the error names the listing: ${error.endpoint} / ${error.message}`)
      assert.ok(listed.length < fleet.length && listed.length % 100 === 0, `whole pages before the error: ${listed.length}`)
      assert.deepEqual(listed, fleet.slice(0, listed.length), 'the pages before the error, in order')
      return { completed: false, units: listed.length / 100, failedAt: `card/list after ${listed.length} cards: ${error.message}` }
    }
    const listedIn = Date.now() - started
    assert.equal(listed.length, fleet.length, 'every card listed — never a short result')
    assert.equal(new Set(listed).size, fleet.length, 'no card listed twice')
    assert.deepEqual(listed, fleet, 'the fleet, in page order')
    assert.ok(listedIn <= callBound(maxRetries) * Math.ceil(fleet.length / 100) + SLACK_MS, `listing took ${listedIn} ms`)
    let units = fleet.length / 100
    const set = { msisdns: listed }
    for (const [what, call] of [['details', () => c.cardDetails(set)], ['usage', () => c.currentUsage(set)]]) {
      let got
      try {
        got = await call()
      } catch (e) {
        assert.ok(isFaultError(e), `${what}: ${e}`)
        assert.ok(namesBatch(e, known), `${what}: the error names the batch: ${e.message} (${e.endpoint})`)
        return { completed: false, units, failedAt: `${what}: ${e.message}` }
      }
      assert.equal(got.length, fleet.length, `one ${what} entry per card — never a short result`)
      assert.ok(got.every((d, i) => d.msisdn === listed[i]), `${what} in input order, each card once`)
      units += fleet.length / 100
    }
    return { completed: true, units }
  }

  it('is complete (each card once) or rejects naming the page/batch; never short', async () => {
    await faults(sb, FAULT_RATE)
    let completed = 0
    let failed = 0
    try {
      // At 20% a page or batch fails every attempt with probability 0.2^(retries+1): with 8
      // retries practically never (300 units: ~8e-4 per sync), with none nearly always. Both
      // outcomes are exercised; each must be whole or loud. (The fault sequence is seeded.)
      for (const maxRetries of [8, 0]) {
        const before = await total(sb)
        const started = Date.now()
        const f = await sync(client(sb, maxRetries), maxRetries)
        const elapsed = Date.now() - started
        const sent = (await total(sb)) - before
        if (f.completed) {
          completed++
          console.log(`fleet sync (maxRetries ${maxRetries}): complete, ${CARDS} cards exactly once in cards/details/usage; ${sent} GET requests for ${f.units} pages+batches, ${sent - f.units} faulted attempts retried, ${secs(elapsed)} s`)
        } else {
          failed++
          console.log(`fleet sync (maxRetries ${maxRetries}): rejected after ${sent} GET requests (${f.units} pages+batches fetched), ${secs(elapsed)} s: ${f.failedAt}`)
        }
      }
    } finally {
      await faults(sb, 0)
    }
    console.log(`fleet syncs: ${completed} complete, ${failed} rejected with a named error, 0 short`)
  })
})

// ------------------------------------------------------------------------- (b) POST operations

describe('reliability: 1,000 POST operations at 20% faults', () => {
  const ROUNDS = 10
  const RENEWALS = 40
  const SMS = 30
  const STOPKEEP = 30
  let sb, renewCards, smsCards, stopCards

  before(async () => {
    sb = await startSandbox({ cards: 2000, args: ['--seed', '11'] })
    await sb.admin('POST', 'config', { balance: 100_000_000 })
    // Cards in normal service, each used by one kind of operation only; a renewal renews a
    // package the card owns, for a term every package category accepts (12 × buycycle).
    const c = client(sb, 3)
    const all = []
    for await (const card of c.cards()) all.push(card.msisdn)
    const normal = (await c.cardDetails({ msisdns: all })).filter((d) => d.msstatus === 2 && d.pkgcode).map((d) => d.msisdn)
    renewCards = []
    let i = 0
    for (; renewCards.length < RENEWALS * ROUNDS && i < normal.length; i++) {
      const pkgs = (await c.packages({ msisdn: normal[i] })).pkgs
      if (pkgs.length > 0) renewCards.push({ msisdn: normal[i], pkgcode: pkgs[0].pkgcode, months: 12 * pkgs[0].buycycle })
    }
    const rest = normal.slice(i)
    assert.equal(renewCards.length, RENEWALS * ROUNDS, 'enough cards to renew')
    assert.ok(rest.length >= SMS * ROUNDS + (STOPKEEP * ROUNDS) / 2, `enough cards in service: ${rest.length}`)
    smsCards = rest.slice(0, SMS * ROUNDS)
    stopCards = rest.slice(SMS * ROUNDS, SMS * ROUNDS + (STOPKEEP * ROUNDS) / 2)
  })
  after(() => sb.stop())

  const ENDPOINT = { renew: 'card/pkg/renew', sms: 'sms/sendlotsms', suspend: 'card/stopkeep', resume: 'card/stopkeep' }

  function run(c, op) {
    const card = { msisdn: op.card }
    switch (op.kind) {
      case 'renew': return c.renew(card, op.pkgcode, op.months, { repetition: true, audit: op.audit, remark: `op-${op.n}` })
      case 'sms': return c.sendIotSms([op.card], `reliability op ${op.n}`)
      case 'suspend': return c.suspend(card)
      default: return c.resume(card)
    }
  }

  /** Whether a ledger entry records `op` taking effect. */
  function appliedIn(op, e) {
    if (!e.applied || e.endpoint !== ENDPOINT[op.kind]) return false
    switch (op.kind) {
      case 'renew': return e.action === 'renew.order' && e.details?.remark === `op-${op.n}`
      case 'sms': return e.action === 'sms.send' && e.details?.content === `reliability op ${op.n}`
      case 'suspend': return e.action === 'stop' && e.cards?.[0] === op.card
      default: return e.action === 'resume' && e.cards?.[0] === op.card
    }
  }

  /** Runs `ops` with `limit` in flight. */
  async function pool(ops, limit, work) {
    const out = []
    let next = 0
    await Promise.all(Array.from({ length: limit }, async () => {
      while (next < ops.length) {
        const op = ops[next++]
        out.push(await work(op))
      }
    }))
    return out
  }

  it('no operation applied twice; failures say outcomeUnknown when it may have happened', async () => {
    const c = client(sb, 3)
    const baseline = await sb.admin('GET', 'stats')
    const ledgerBefore = (await sb.admin('GET', 'ledger')).length
    await faults(sb, FAULT_RATE)
    const outcomes = []
    let n = 0
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const ops = []
        renewCards.slice(round * RENEWALS, (round + 1) * RENEWALS).forEach((r, i) => {
          ops.push({ n: ++n, kind: 'renew', card: r.msisdn, pkgcode: r.pkgcode, months: r.months, audit: i % 2 === 0 ? cardboss.Audit.Automatic : cardboss.Audit.Manual })
        })
        for (const card of smsCards.slice(round * SMS, (round + 1) * SMS)) ops.push({ n: ++n, kind: 'sms', card })
        // Even rounds suspend a group of cards, odd rounds resume the same group.
        const g = Math.floor(round / 2)
        for (const card of stopCards.slice(g * STOPKEEP, (g + 1) * STOPKEEP)) ops.push({ n: ++n, kind: round % 2 === 0 ? 'suspend' : 'resume', card })
        outcomes.push(...await pool(ops, 8, async (op) => {
          const started = Date.now()
          let error = null
          try {
            await run(c, op)
          } catch (e) {
            error = e
          }
          return { op, error, elapsed: Date.now() - started }
        }))
        // Let answers delayed past the client's timeout land, then move the sandbox clock past
        // the carrier's 3-minute lifecycle window so the next round is not refused with 13009.
        await sleep(DELAY_SECS * 1000 + 300)
        await sb.admin('POST', 'clock/advance', { seconds: 181 })
      }
    } finally {
      await faults(sb, 0)
    }

    // A refusal the server is sure of (1031: not the card's package) is known not applied.
    const ledgerLen = (await sb.admin('GET', 'ledger')).length
    const refused = await c.renew({ msisdn: renewCards[0].msisdn }, 'nosuchpkg', 12).then(() => null, (e) => e)
    assert.ok(refused, 'refused')
    assert.equal(refused.code, '1031', refused.message)
    assert.equal(refused.outcomeUnknown, false)
    assert.doesNotMatch(refused.message, /outcome is unknown/)
    assert.equal((await sb.admin('GET', 'ledger')).length, ledgerLen, 'a refusal leaves the ledger alone')

    const stats = await sb.admin('GET', 'stats')
    const ledger = (await sb.admin('GET', 'ledger')).slice(ledgerBefore)
    const sent = (e) => (stats.endpoints[e] ?? 0) - (baseline.endpoints[e] ?? 0)
    // One request more on card/pkg/renew: the refusal above.
    const postRequests = sent('card/pkg/renew') + sent('sms/sendlotsms') + sent('card/stopkeep') - 1

    // The SDK never repeats a POST: one request per operation reached the server.
    assert.equal(outcomes.length, ROUNDS * (RENEWALS + SMS + STOPKEEP))
    assert.equal(postRequests, outcomes.length, `requests received == operations run: ${JSON.stringify(stats)}`)

    let duplicates = 0
    let ok = 0
    let failed = 0
    let unknownApplied = 0
    let unknownNotApplied = 0
    let knownNotApplied = 0
    let afterFaultFailures = 0
    let worst = 0
    const errorsByKind = {}
    for (const o of outcomes) {
      const applied = ledger.filter((e) => appliedIn(o.op, e))
      if (applied.length > 1) duplicates++
      const afterFault = applied.some((e) => e.fault?.stage === 'after' || e.fault?.kind === 'delay')
      worst = Math.max(worst, o.elapsed)
      assert.ok(o.elapsed <= TIMEOUT_MS + SLACK_MS, `op ${o.op.n} took ${o.elapsed} ms, beyond its timeout`)
      if (o.error === null) {
        ok++
        assert.equal(applied.length, 1, `a success is applied once: ${JSON.stringify(o.op)}`)
        assert.equal(applied[0].fault, null, `a faulted request cannot succeed: ${JSON.stringify(applied[0])}`)
        continue
      }
      const e = o.error
      failed++
      assert.ok(cardboss.isCardbossError(e), `${e}`)
      errorsByKind[`${e.kind} (${e.code})`] = (errorsByKind[`${e.kind} (${e.code})`] ?? 0) + 1
      assert.equal(typeof e.outcomeUnknown, 'boolean')
      assert.equal(/outcome is unknown/.test(e.message), e.outcomeUnknown, `the message says it too: ${e.message}`)
      if (afterFault) afterFaultFailures++
      if (afterFault || applied.length > 0) {
        assert.equal(e.outcomeUnknown, true, `op ${JSON.stringify(o.op)} took effect (${JSON.stringify(applied)}) but its error claims to know it did not: ${e.message}`)
      }
      if (e.outcomeUnknown && applied.length > 0) unknownApplied++
      else if (e.outcomeUnknown) unknownNotApplied++
      else knownNotApplied++
    }
    assert.equal(duplicates, 0, 'no operation applied twice')
    assert.ok(failed > 0 && afterFaultFailures > 0, `faults were exercised: ${failed} failed, ${afterFaultFailures} after the operation`)

    const faultsByKind = {}
    for (const e of ledger.filter((e) => e.fault)) {
      const key = `${e.fault.kind}/${e.fault.stage}`
      faultsByKind[key] = (faultsByKind[key] ?? 0) + 1
    }
    const faultsRecorded = Object.values(faultsByKind).reduce((a, b) => a + b, 0)
    console.log(`POST operations: ${outcomes.length} run (${RENEWALS * ROUNDS} renewals audit auto/manual, ${SMS * ROUNDS} plain SMS, ${STOPKEEP * ROUNDS} suspend/resume) over ${ROUNDS} rounds; ${postRequests} POST requests received (1 per operation)`)
    console.log(`POST faults recorded in the ledger: ${faultsRecorded} ${JSON.stringify(faultsByKind)}`)
    console.log(`POST results: ${ok} ok (each applied once), ${failed} failed: ${unknownApplied} outcomeUnknown & applied (${afterFaultFailures} with an after-stage/delay fault), ${unknownNotApplied} outcomeUnknown & not applied, ${knownNotApplied} known not applied; errors ${JSON.stringify(errorsByKind)}`)
    console.log(`POST duplicates found: ${duplicates}; slowest call ${secs(worst)} s (timeout ${secs(TIMEOUT_MS)} s)`)
  })
})

// -------------------------------------------------------------------------------- (c) timeouts

describe('reliability: calls never outlive timeout × attempts + backoff', () => {
  let sb, msisdns, target
  before(async () => {
    sb = await startSandbox({ cards: 300, args: ['--seed', '3'] })
    const c = client(sb, 3)
    msisdns = []
    for await (const card of c.cards()) msisdns.push(card.msisdn)
    target = (await c.cardDetails({ msisdns })).find((d) => d.msstatus === 2).msisdn
  })
  after(() => sb.stop())

  it('every answer late: a GET makes every attempt then times out; a POST is tried once', async () => {
    const retries = 3
    const c = client(sb, retries)
    const bound = callBound(retries)
    await faults(sb, 1, ['delay'])
    try {
      let started = Date.now()
      const get = await c.customer().then(() => null, (e) => e)
      const getElapsed = Date.now() - started
      assert.ok(get, 'every attempt times out')
      assert.equal(get.kind, 'timeout', get.message)
      assert.equal(get.code, 'TIMEOUT')
      assert.equal(get.outcomeUnknown, false, 'a GET changes nothing')
      assert.ok(getElapsed >= TIMEOUT_MS * (retries + 1) - 50, `all ${retries + 1} attempts were made: ${getElapsed} ms`)
      assert.ok(getElapsed <= bound + SLACK_MS, `${getElapsed} ms > ${bound} ms + slack`)

      started = Date.now()
      const post = await c.suspend({ msisdn: target }).then(() => null, (e) => e)
      const postElapsed = Date.now() - started
      assert.ok(post, 'times out')
      assert.equal(post.kind, 'timeout', post.message)
      assert.equal(post.outcomeUnknown, true, 'a timed-out POST may have been applied')
      assert.match(post.message, /outcome is unknown/)
      assert.ok(postElapsed >= TIMEOUT_MS - 50 && postElapsed <= TIMEOUT_MS + SLACK_MS, `one attempt: ${postElapsed} ms`)
      console.log(`timeouts (every answer ${DELAY_SECS} s late, timeout ${secs(TIMEOUT_MS)} s): GET failed after ${secs(getElapsed)} s (${retries + 1} attempts, bound ${secs(bound)} s), POST after ${secs(postElapsed)} s (1 attempt, outcome unknown)`)
    } finally {
      await faults(sb, 0)
    }
    await sleep(DELAY_SECS * 1000 + 200) // let the late answers land before the next test
  })

  it('all kinds at 20%: no single-request call exceeds its bound', async () => {
    const retries = 3
    const c = client(sb, retries)
    const bound = callBound(retries)
    await faults(sb, FAULT_RATE)
    let worst = 0
    let failures = 0
    const CALLS = 80
    try {
      for (let i = 0; i < CALLS; i++) {
        const started = Date.now()
        let call
        switch (i % 4) {
          case 0: call = c.customer(); break
          case 1: call = c.listCards(1 + (i % 3)); break
          case 2: call = c.cardDetails({ msisdns: msisdns.slice(0, 100) }); break
          default: call = c.packages({ msisdn: msisdns[i] })
        }
        const error = await call.then(() => null, (e) => e)
        const elapsed = Date.now() - started
        worst = Math.max(worst, elapsed)
        if (error) {
          failures++
          assert.ok(isFaultError(error), `${error}`)
        }
        assert.ok(elapsed <= bound + SLACK_MS, `call ${i} took ${elapsed} ms > ${bound} ms`)
      }
    } finally {
      await faults(sb, 0)
    }
    console.log(`timeouts (20% faults): ${CALLS} GET calls, slowest ${secs(worst)} s, bound ${secs(bound)} s, ${failures} failed after all retries`)
  })
})
