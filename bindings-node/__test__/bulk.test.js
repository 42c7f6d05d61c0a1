'use strict'
// client.bulk() / client.bulkRun() against the in-process sandbox (strict), mirroring
// sandbox/tests/bulk.rs: suspend then resume (every card once, as the ledger shows), a dry run
// sends nothing, checkState skips, bad input is refused before any request, the iteration gives
// each card once, and a signal cancels a run that still reports every card.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { mkdtempSync, writeFileSync, readFileSync, rmSync } = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const cardboss = require('../lib.js')
const { Sandbox } = require('../testing.js')
const { normalCards, applied, byCard } = require('./bulk-helpers.js')

describe('bulk', () => {
  let sb, client, cards
  /** The next `n` unused cards in state 正常 (each test works on its own cards). */
  const take = (n) => cards.splice(0, n)
  /** `fresh` unused cards, then `cooling` cards this client has just suspended: a suspend of the
   *  latter waits ~3 min for their window, so a run over both ends only when it is stopped, with
   *  the fresh cards done and the cooling ones never sent (whatever the machine's speed). */
  const freshThenCooling = async (fresh, cooling) => {
    const mine = take(fresh + cooling)
    const setup = await client.bulk('suspend', { msisdns: mine.slice(fresh) })
    assert.equal(setup.done, cooling, JSON.stringify(setup))
    return { mine, cooling: new Set(mine.slice(fresh)) }
  }
  /** Each card of `seen` suspended by this run only when its outcome says done. */
  const appliedAsReported = (seen, cooling) => {
    const suspended = applied(sb, '0')
    for (const o of seen) {
      const before = cooling.has(o.card) ? 1 : 0
      assert.equal(suspended.get(o.card) ?? 0, before + (o.status === 'done' ? 1 : 0), o.card)
      if (cooling.has(o.card)) assert.equal(o.status, 'not_attempted', JSON.stringify(o))
    }
  }

  before(async () => {
    sb = await Sandbox.start({ cards: 300, strict: true })
    client = sb.client()
    cards = await normalCards(client, 200)
  })
  after(() => sb.close())

  it('suspends, then (after the window) resumes every card once', async () => {
    const mine = take(12)
    const report = await client.bulk('suspend', { msisdns: mine }, { concurrency: 4 })
    assert.equal(report.op, 'suspend')
    assert.equal(report.cards, 12)
    assert.equal(report.done, 12, JSON.stringify(report))
    assert.equal(report.stopped, undefined)
    assert.deepEqual(Object.keys(byCard(report.outcomes)).sort(), [...mine].sort())
    for (const m of mine) assert.equal(sb.card(m).msstatus, 3)
    const suspended = applied(sb, '0')
    for (const m of mine) assert.equal(suspended.get(m), 1, m)

    // The client's own memory of the windows: nothing is sent while they are open.
    const before = sb.stats().total
    const waiting = await client.bulk('resume', { msisdns: mine }, { waitCooldowns: false })
    assert.equal(waiting.notAttempted, 12)
    assert.match(waiting.outcomes[0].note, /cooling down/)
    assert.equal(sb.stats().total, before)

    sb.advanceClock(181)
    client.clearCooldowns()
    // Half of them by iccid, in one mixed list: each outcome names the card as it was given.
    const iccids = new Map(mine.map((m) => [m, sb.card(m).iccid]))
    const mixed = mine.map((m, i) => (i % 2 ? iccids.get(m) : m))
    const resumed = await client.bulk('resume', { cards: mixed })
    assert.equal(resumed.done, 12, JSON.stringify(resumed))
    assert.deepEqual(Object.keys(byCard(resumed.outcomes)).sort(), [...mixed].sort())
    for (const m of mine) assert.equal(sb.card(m).msstatus, 2)
    const back = applied(sb, '1')
    for (const m of mine) assert.equal(back.get(m), 1, m)
    assert.equal(resumed.requests, sb.stats().total - before)
  })

  it('a dry run sends nothing', async () => {
    const mine = take(5)
    const before = sb.stats().total
    const report = await client.bulk('suspend', { msisdns: mine }, { dryRun: true })
    assert.equal(report.notAttempted, 5)
    assert.equal(report.requests, 0)
    assert.match(report.outcomes[0].note, /^dry run: would send card\/stopkeep/)
    assert.equal(sb.stats().total, before)
    assert.deepEqual(sb.ledger().filter((e) => e.cards.some((c) => mine.includes(c))), [])
  })

  it('checkState skips the cards already in the target state', async () => {
    const mine = take(6)
    await client.suspend({ msisdn: mine[0] })
    const before = sb.stats().total
    const report = await client.bulk('suspend', { msisdns: mine }, { checkState: true })
    const outcomes = byCard(report.outcomes)
    assert.equal(outcomes[mine[0]].status, 'skipped')
    assert.equal(outcomes[mine[0]].observedMsstatus, 3)
    assert.equal(outcomes[mine[0]].attempts, 0)
    assert.equal(report.skipped, 1)
    assert.equal(report.done, 5)
    // One read of the six cards, five suspends: what the sandbox received.
    assert.equal(report.requests, 6)
    assert.equal(sb.stats().total - before, 6)
    assert.equal(applied(sb, '0').get(mine[0]), 1)
  })

  it('refuses bad input with INVALID_INPUT before any request', async () => {
    const [m] = take(1)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cardboss-bulk-'))
    const notes = path.join(dir, 'notes.txt')
    writeFileSync(notes, 'my notes\n')
    const before = sb.stats().total
    const cases = [
      ['suspend', { msisdns: [m, m] }, {}, 'cards'],
      ['suspend', { msisdns: ['12ab'] }, {}, 'msisdns'],
      ['suspend', { msisdns: [] }, {}, 'cards'],
      ['suspend', { cards: [m], msisdns: [m] }, {}, 'cards'],
      ['reboot', { msisdns: [m] }, {}, 'op'],
      ['suspend', { msisdns: [m] }, { pkgcode: 'P1' }, 'pkgcode'],
      ['renew', { msisdns: [m] }, { pkgcode: 'P1', months: 0 }, 'months'],
      ['renew', { msisdns: [m] }, { pkgcode: 'P1', months: 12, startdate: '2024-13-01' }, 'startdate'],
      ['enable_data', { msisdns: [m] }, { minLeftPercent: 101 }, 'min_left_percent'],
      ['suspend', { msisdns: [m] }, { concurrency: 0 }, 'concurrency'],
      ['suspend', { msisdns: [m] }, { deadlineMs: -1 }, 'deadline_ms'],
      ['suspend', { msisdns: [m] }, { concurrency: 'two' }, 'concurrency'],
      ['suspend', { msisdns: [m] }, { journal: notes }, 'journal'],
    ]
    try {
      for (const [op, set, options, field] of cases) {
        const what = `${op} ${JSON.stringify(set)} ${JSON.stringify(options)}`
        const invalid = (e) => {
          assert.ok(e instanceof cardboss.CardbossError, `${what}: ${e}`)
          assert.equal(e.kind, 'invalid_input', what)
          assert.equal(e.code, 'INVALID_INPUT', what)
          assert.equal(e.field, field, `${what}: ${e.message}`)
          return true
        }
        await assert.rejects(client.bulk(op, set, options), invalid)
        assert.throws(() => client.bulkRun(op, set, options), invalid)
      }
      // A file that is not a journal is never appended to.
      assert.equal(readFileSync(notes, 'utf8'), 'my notes\n')
      assert.equal(sb.stats().total, before)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('bulkRun: each card once as it is settled, then the report', async () => {
    const mine = take(20)
    const run = client.bulkRun('suspend', { msisdns: mine }, { concurrency: 3 })
    assert.ok(run instanceof cardboss.BulkRun)
    const seen = []
    for await (const outcome of run) {
      assert.equal(outcome.status, 'done', JSON.stringify(outcome))
      seen.push(outcome.card)
    }
    assert.deepEqual([...seen].sort(), [...mine].sort())
    assert.equal(await run.nextOutcome(), null)
    const report = await run.report()
    assert.equal(report.done, 20)
    assert.deepEqual(report.outcomes.map((o) => o.card), seen)
  })

  it('leaving the loop early cancels the run; what was not sent is still given', async () => {
    const { mine, cooling } = await freshThenCooling(3, 5)
    const run = client.bulkRun('suspend', { msisdns: mine }, { concurrency: 1 })
    const seen = []
    for await (const outcome of run) {
      seen.push(outcome)
      if (seen.length === 2) break
    }
    for (let o = await run.nextOutcome(); o != null; o = await run.nextOutcome()) seen.push(o)
    const report = await run.report()
    assert.equal(report.stopped, 'cancelled')
    assert.equal(seen.length, 8)
    assert.deepEqual(Object.keys(byCard(seen)).sort(), [...mine].sort())
    assert.ok(report.done >= 2 && report.notAttempted >= 5, JSON.stringify(report))
    assert.equal(report.done + report.notAttempted, 8)
    appliedAsReported(seen, cooling)
  })

  it('an AbortSignal cancels the run: requests in flight finish, the rest are not attempted', async () => {
    const { mine, cooling } = await freshThenCooling(3, 5)
    const controller = new AbortController()
    const run = client.bulkRun('suspend', { msisdns: mine }, { concurrency: 1, signal: controller.signal })
    const seen = []
    for await (const outcome of run) {
      seen.push(outcome)
      if (seen.length === 1) controller.abort()
    }
    const report = await run.report()
    assert.equal(report.stopped, 'cancelled')
    assert.equal(seen.length, 8)
    assert.equal(seen[0].status, 'done', JSON.stringify(seen[0]))
    assert.ok(report.notAttempted >= 5, JSON.stringify(report))
    assert.equal(report.done + report.notAttempted, 8)
    assert.match(seen.find((o) => cooling.has(o.card)).note, /not sent: cancelled/)
    appliedAsReported(seen, cooling)

    // An aborted signal given to bulk(): it still resolves, naming every card.
    const more = await freshThenCooling(2, 3)
    const aborted = await client.bulk('suspend', { msisdns: more.mine }, { concurrency: 1, signal: AbortSignal.abort() })
    assert.equal(aborted.stopped, 'cancelled')
    assert.equal(aborted.outcomes.length, 5)
    assert.ok(aborted.notAttempted >= 3, JSON.stringify(aborted))
    appliedAsReported(aborted.outcomes, more.cooling)
  })
})
