'use strict'
// client.fleetSync() against the sandbox under injected faults (issue 14), mirroring
// sandbox/tests/fleet_sync.rs: a 10,000-card sync at 20% faults delivers every card exactly once
// in list order, and a crashed sync resumes from its checkpoint (union = fleet, no card twice).
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const cardboss = require('../lib.js')
const { startSandbox } = require('./sandbox.js')

const ALL_KINDS = ['http500', 'http502', 'reset', 'delay', 'truncated', 'code1090']
const TIMEOUT_MS = 700 // a `delay` fault answers after 1 s

describe('fleetSync', () => {
  let sb, fleet

  const faults = (rate) => sb.admin('POST', 'faults', { rate, kinds: ALL_KINDS, delay_secs: 1.0 })

  before(async () => {
    sb = await startSandbox({ cards: 10_000, args: ['--seed', '7'] })
    const client = new cardboss.Client(sb.options())
    fleet = []
    for await (const card of client.cards()) fleet.push(card.msisdn)
  })
  after(() => sb.stop())

  it('10,000 cards at 20% faults: every card exactly once, in list order', async () => {
    await faults(0.2)
    try {
      const client = new cardboss.Client(sb.options({ timeoutMs: TIMEOUT_MS }))
      const sync = client.fleetSync()
      const got = []
      for await (const batch of sync) for (const r of batch) got.push(r.msisdn)
      const report = sync.report()
      console.log('fleetSync of 10,000 cards at 20% faults:', JSON.stringify({ ...report, missingCards: report.missingCards.length }))
      assert.ok(report.finished && report.complete, JSON.stringify(report))
      assert.deepEqual(report.missingCards, [])
      assert.deepEqual(report.missingPages, [])
      assert.equal(report.cards, 10_000)
      assert.deepEqual(got, fleet)
    } finally {
      await faults(0)
    }
  })

  it('a crashed sync resumes from its checkpoint without repeating a card', async () => {
    await faults(0.2)
    try {
      const client = new cardboss.Client(sb.options({ timeoutMs: TIMEOUT_MS }))
      const first = client.fleetSync({ usage: false })
      const got = []
      for (let i = 0; i < 7; i++) {
        const batch = await first.nextBatch()
        for (const r of batch) got.push(r)
      }
      const checkpoint = first.checkpoint()
      first.close() // the crash
      assert.equal(typeof checkpoint, 'string')
      assert.ok(checkpoint.length < 200, checkpoint)
      const second = client.fleetSync({ usage: false, checkpoint })
      for await (const batch of second) for (const r of batch) got.push(r)
      const report = second.report()
      assert.ok(report.complete, JSON.stringify(report))
      assert.equal(report.cards, 10_000 - 700)
      const ids = got.map((r) => r.msisdn)
      assert.equal(new Set(ids).size, ids.length, 'no card twice')
      assert.deepEqual(ids, fleet, 'union = fleet')
      assert.ok(got.every((r) => r.detail_found === true && r.usage_found === false))
      assert.equal(typeof got[0].mno, 'string')
    } finally {
      await faults(0)
    }
  })

  it('bad options throw INVALID_INPUT before anything is sent', () => {
    const client = new cardboss.Client(sb.options())
    assert.throws(() => client.fleetSync({ checkpoint: 'not json' }), (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT')
    assert.throws(() => client.fleetSync({ historyMonth: '199901' }), (e) => e.code === 'INVALID_INPUT')
    assert.throws(() => client.fleetSync({ details: 'yes' }), (e) => e.code === 'INVALID_INPUT')
  })
})
