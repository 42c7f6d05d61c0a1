'use strict'
// The shared guard stores on a real redis-server (scripts/redis.sh starts it on a free port and
// stops it), with 4 worker PROCESSES (push-redis-worker.js), as a receiver behind a load
// balancer runs: each push id is handled exactly once, a failed handler loses nothing, two
// processes share one cooldown, and a Redis that went away fails closed.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const path = require('node:path')
const { execFileSync, fork } = require('node:child_process')
const { mkdtempSync, rmSync } = require('node:fs')
const os = require('node:os')

const cardboss = require('..')
const { Sandbox } = require('../testing')

const redisSh = path.join(__dirname, '..', '..', 'scripts', 'redis.sh')
const WORKERS = 4
const PUSHES = 40

/** A receiver on a free port that answers `success` and hands out bodies in arrival order. */
async function receiver() {
  const bodies = []
  const waiting = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      res.end(cardboss.PUSH_ACK)
      const next = waiting.shift()
      if (next) next(Buffer.concat(chunks))
      else bodies.push(Buffer.concat(chunks))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}/push`,
    next: () => (bodies.length ? Promise.resolve(bodies.shift()) : new Promise((resolve) => waiting.push(resolve))),
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** A worker process; resolves once its receiver listens. */
function startWorker(config) {
  const child = fork(path.join(__dirname, 'push-redis-worker.js'), [JSON.stringify(config)])
  const worker = { child, accepted: [], replies: new Map(), seq: 0 }
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.on('message', (m) => {
      if (m.port) {
        worker.url = `http://127.0.0.1:${m.port}/push`
        resolve(worker)
      } else if (m.accepted) {
        worker.accepted.push(m.accepted)
      } else {
        worker.replies.get(m.seq)(m)
        worker.replies.delete(m.seq)
      }
    })
  })
}

/** A lifecycle call made by the worker's own Client: { ok, code? }. */
function call(worker, op, msisdn) {
  const seq = ++worker.seq
  return new Promise((resolve) => {
    worker.replies.set(seq, resolve)
    worker.child.send({ seq, op, msisdn })
  })
}

async function deliver(worker, body, query = '') {
  const res = await fetch(worker.url + query, { method: 'POST', body })
  return { status: res.status, text: await res.text() }
}

describe('guards shared through Redis by 4 worker processes', () => {
  let dir, store, sb, pushes, workers, msisdns
  const bodies = [] // signed OD1010 pushes from the sandbox, each with its own id

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cardboss-redis-'))
    store = execFileSync('bash', [redisSh, 'start', dir], { encoding: 'utf8' }).trim()
    sb = await Sandbox.start({ cards: 10, strict: true })
    pushes = await receiver()
    sb.setPushUrl(pushes.url)
    msisdns = (await sb.client().listCards(1)).cards.map((c) => c.msisdn)
    for (let i = 0; i < PUSHES + 2; i++) {
      assert.equal(sb.sendWarning(msisdns[i % msisdns.length], cardboss.WarningType.DataLow).pushed, true)
      bodies.push(await pushes.next())
    }
    const client = { sid: sb.sid, apikey: sb.apikey, baseUrl: sb.baseUrl, opsUrl: sb.opsUrl, maxRetries: 0 }
    workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker({ store, client })))
  })
  after(async () => {
    for (const w of workers ?? []) w.child.disconnect()
    await Promise.all((workers ?? []).map((w) => (w.child.exitCode === null ? new Promise((r) => w.child.once('exit', r)) : null)))
    await pushes?.close()
    await sb?.close()
    execFileSync('bash', [redisSh, 'stop', dir])
    rmSync(dir, { recursive: true, force: true })
  })

  it('the same pushes to every worker at once: each id is handled exactly once', async () => {
    const batch = bodies.slice(0, PUSHES)
    const answers = await Promise.all(batch.flatMap((body) => workers.map((w) => deliver(w, body))))
    const ids = batch.map((b) => cardboss.verifyPush(b, sb.apikey).id)
    const accepted = workers.flatMap((w) => w.accepted)
    assert.deepEqual(accepted.slice().sort(), ids.slice().sort(), 'each id accepted once, none lost')
    // Every other delivery was refused as a replay (answered success) or as in flight (503).
    const statuses = answers.map((a) => (a.status === 200 ? a.text : `${a.status} ${a.text}`))
    for (const s of statuses) assert.ok(s === cardboss.PUSH_ACK || s === '503 PUSH_IN_FLIGHT', s)
    const inFlight = statuses.filter((s) => s !== cardboss.PUSH_ACK).length
    console.log(`${answers.length} deliveries of ${PUSHES} pushes to ${WORKERS} processes: accepted ${accepted.length}, replays ${answers.length - inFlight - accepted.length}, in flight ${inFlight}`)
    // Once all are committed, a replay to any worker is acknowledged without handling it again.
    const again = await Promise.all(workers.map((w) => deliver(w, batch[0])))
    assert.deepEqual(again.map((a) => a.text), Array(WORKERS).fill(cardboss.PUSH_ACK))
    assert.equal(workers.flatMap((w) => w.accepted).length, PUSHES)
  })

  it('a handler that fails releases the id: the retry on another worker is accepted once', async () => {
    const body = bodies[PUSHES]
    const id = cardboss.verifyPush(body, sb.apikey).id
    assert.deepEqual(await deliver(workers[0], body, '?fail=1'), { status: 500, text: 'HANDLER' })
    assert.deepEqual(await deliver(workers[1], body), { status: 200, text: cardboss.PUSH_ACK })
    assert.deepEqual(await deliver(workers[2], body), { status: 200, text: cardboss.PUSH_ACK }) // a replay
    assert.deepEqual(workers.flatMap((w) => w.accepted).filter((a) => a === id), [id])
    assert.deepEqual(workers[1].accepted.slice(-1), [id])
  })

  it('two processes share a cooldown: the second is refused with COOLDOWN and nothing is sent', async () => {
    const msisdn = msisdns[0]
    assert.deepEqual(await call(workers[0], 'suspend', msisdn), { seq: 1, ok: true })
    const sent = sb.ledger().length
    assert.deepEqual(await call(workers[1], 'resume', msisdn), { seq: 1, ok: false, code: 'COOLDOWN' })
    assert.equal(sb.ledger().length, sent, 'the refused resume sent nothing')
  })

  it('Redis stopped mid-run: STORE_UNAVAILABLE, nothing acknowledged, nothing sent', async () => {
    execFileSync('bash', [redisSh, 'stop', dir])
    const body = bodies[PUSHES + 1]
    const answers = await Promise.all(workers.map((w) => deliver(w, body)))
    assert.deepEqual(answers, Array(WORKERS).fill({ status: 503, text: 'STORE_UNAVAILABLE' }))
    const sent = sb.ledger().length
    const refused = await call(workers[2], 'suspend', msisdns[1])
    assert.deepEqual([refused.ok, refused.code], [false, 'STORE_UNAVAILABLE'])
    assert.equal(sb.ledger().length, sent, 'nothing was sent')
    assert.equal(workers.flatMap((w) => w.accepted).length, PUSHES + 1)
  })
})
