'use strict'
// The Node fault suite of bulk runs (issue 15): a 1,000-card bulk suspend, then resume, at 20%
// injected faults, with a real crash. A child process runs the bulk with a journal against this
// process's sandbox and is SIGKILLed once it has settled some cards; the run is then repeated
// here with the same journal. The sandbox's ledger must show no card operated twice, and every
// card a final outcome, or an unknown with the state it was read back in.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { fork } = require('node:child_process')
const { once } = require('node:events')
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { Sandbox } = require('../testing.js')
const { normalCards, applied, byCard } = require('./bulk-helpers.js')

const CARDS = 1000
/** Every fault kind but the delay, as sandbox/tests/bulk.rs: the others settle the operation
 * (applied or not) before the answer, so the card's state afterwards is the truth. */
const KINDS = ['http500', 'http502', 'reset', 'truncated', 'code1090']
/** Outcomes the child settles before it is killed. */
const KILL_AFTER = 150
/** Short backoffs; retries enough that a read-back at 20% faults gets through (0.2^9). */
const CLIENT = { timeoutMs: 5000, retryBaseMs: 5, retryCapMs: 50, maxRetries: 8 }
const CONCURRENCY = 8
/** Where the journals go: memory where there is some. The journal fsyncs every line (2,000 a
 * run), which on a shared disk takes most of the suite's time, and a SIGKILL loses nothing the
 * kernel already has, fsynced or not. */
const TMP = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()

/** The journal's lines that parse (a SIGKILL can tear the last one). */
function journalLines(file) {
  return readFileSync(file, 'utf8').split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line)]
    } catch {
      return []
    }
  })
}

describe('bulk fault suite: 1,000 cards, 20% faults, a crash and a resume', () => {
  let sb, cards, dir

  before(async () => {
    sb = await Sandbox.start({ cards: 1400, strict: true })
    cards = await normalCards(sb.client(), CARDS)
    dir = mkdtempSync(path.join(TMP, 'cardboss-bulk-crash-'))
  })
  after(async () => {
    await sb.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Runs `op` in a child process on the journal and SIGKILLs it after KILL_AFTER outcomes;
   * resolves with the statuses the child had settled. */
  async function crash(op, msisdns, journal) {
    const child = fork(path.join(__dirname, 'bulk-crash-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const exited = once(child, 'exit')
    const statuses = []
    child.on('message', (m) => {
      if (m.settled === undefined || child.killed) return
      statuses.push(m.status)
      if (m.settled >= KILL_AFTER) child.kill('SIGKILL')
    })
    const client = { ...CLIENT, sid: sb.sid, apikey: sb.apikey, baseUrl: sb.baseUrl, opsUrl: sb.opsUrl }
    child.send({ client, op, cards: { msisdns }, options: { journal, concurrency: CONCURRENCY } })
    const [code, signal] = await exited
    assert.equal(signal, 'SIGKILL', `the child ended on its own (exit ${code}) before it was killed`)
    const outcomes = journalLines(journal).filter((l) => l.kind === 'outcome')
    assert.ok(outcomes.length >= KILL_AFTER && outcomes.length < msisdns.length, `${outcomes.length} outcomes journaled`)
    return statuses
  }

  /** The crash, then the same run here on its journal; checks the ledger and every outcome. */
  async function crashAndResume(op, msisdns, { target, stopkeep }) {
    const journal = path.join(dir, `${op}.jsonl`)
    sb.setFaults(0.2, KINDS)
    try {
      const child = await crash(op, msisdns, journal)
      const client = sb.client(CLIENT)
      client.clearCooldowns()
      const before = sb.stats().total
      const report = await client.bulk(op, { msisdns }, { journal, concurrency: CONCURRENCY })
      assert.equal(report.requests, sb.stats().total - before, 'every request counted')
      sb.setFaults(0)
      console.log(`bulk ${op} of ${msisdns.length} cards at 20% faults, killed after ${child.length}, repeated:`,
        JSON.stringify({ ...report, outcomes: report.outcomes.length }))

      assert.equal(report.cards, msisdns.length)
      const outcomes = byCard(report.outcomes)
      assert.deepEqual(Object.keys(outcomes).sort(), [...msisdns].sort())
      // The child's final outcomes come from the journal, not sent again.
      assert.ok(report.fromJournal >= child.filter((s) => s === 'done').length, JSON.stringify(report))
      const ledger = applied(sb, stopkeep)
      for (const m of msisdns) {
        assert.ok((ledger.get(m) ?? 0) <= 1, `${m} operated twice`)
        const o = outcomes[m]
        const state = sb.card(m).msstatus
        if (o.status === 'done') {
          assert.equal(state, target, `${m} reported done: ${JSON.stringify(o)}`)
          assert.equal(ledger.get(m), 1, `${m} done without an applied operation`)
        } else {
          assert.equal(o.status, 'unknown', `${m}: ${JSON.stringify(o)}`)
          assert.equal(o.observedMsstatus, state, `${m}: ${JSON.stringify(o)}`)
          assert.notEqual(state, target, `${m} applied but left unknown`)
          assert.match(o.note, /check before repeating/)
        }
      }
      // At 20% faults some answers were lost after the operation applied: read back, settled.
      assert.ok(report.reconciled > 0, JSON.stringify({ ...report, outcomes: undefined }))
      assert.ok(report.done > msisdns.length / 2)
      return report
    } finally {
      sb.setFaults(0)
    }
  }

  it('suspend: a crash mid-run, the run repeated on its journal, nothing applied twice', async () => {
    await crashAndResume('suspend', cards, { target: 3, stopkeep: '0' })
  })

  it('resume, after the window: the same crash and repeat', async () => {
    const suspended = cards.filter((m) => sb.card(m).msstatus === 3)
    assert.ok(suspended.length > CARDS / 2)
    sb.advanceClock(181)
    await crashAndResume('resume', suspended, { target: 2, stopkeep: '1' })
  })
})
