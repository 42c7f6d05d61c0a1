'use strict'
// The Node rows of the benchmark: one fleet sync per process, one JSON line on stdout.
//
//   node node_clients.js MODE BASE_URL SID APIKEY CONCURRENCY
//
// MODE: `sdk`   the cardboss package: for await over client.cards(), cardDetails(), currentUsage()
//       `sdk-fleet` the cardboss package's fleetSync(): the same requests in one call,
//               pipelined, merged records batch by batch
//       `fetch` what users write instead: the global fetch (undici) with a promise pool of
//               CONCURRENCY, signed with node:crypto (md5 of sid + apikey + ts + params, ts
//               yyyyMMddHHmmss in UTC+8), the unused `iccids` sent empty, JSON parsed, any code
//               other than "0" fails the run.
// Same work as every other row: every page of card/list, then card/detail and
// card/usage/current for every card in batches of 100.
//
// The cardboss package is loaded from $CARDBOSS_NODE_PKG (default: ../../bindings-node).

const path = require('node:path')

const PAGE = 100
const PATH = '/iotapi/rest/v2/'

// BENCH_LOOP_DELAY=1: also report the longest the event loop was blocked (diagnostics only;
// off in the measured runs).
const loopDelay = process.env.BENCH_LOOP_DELAY === '1'
  ? require('node:perf_hooks').monitorEventLoopDelay({ resolution: 10 })
  : null
if (loopDelay) loopDelay.enable()

const marks = []
// End of a phase (list, details); the phases' times go in the report, for profiling.
const mark = () => marks.push(process.hrtime.bigint())

function report (started, cardIds, detailIds, usageIds) {
  const end = process.hrtime.bigint()
  const seconds = Number(end - started) / 1e9
  const bounds = [started, ...marks, end]
  const phases = bounds.slice(1).map((b, i) => Math.round(Number(b - bounds[i]) / 1e5) / 1e4)
  const unique = new Set(cardIds)
  const same = (ids) => {
    const s = new Set(ids)
    if (s.size !== unique.size) return false
    for (const id of s) if (!unique.has(id)) return false
    return true
  }
  console.log(JSON.stringify({
    cards: cardIds.length,
    unique: unique.size,
    details: detailIds.length,
    usages: usageIds.length,
    details_match: same(detailIds),
    usages_match: same(usageIds),
    seconds,
    phases,
    ...(loopDelay ? { max_event_loop_block_ms: loopDelay.max / 1e6 } : {})
  }))
}

async function sdk (baseUrl, sid, apikey, concurrency) {
  const pkg = process.env.CARDBOSS_NODE_PKG || path.join(__dirname, '..', '..', 'bindings-node')
  const { Client } = require(pkg)
  const client = new Client({ sid, apikey, baseUrl, concurrency })
  const started = process.hrtime.bigint()
  const ids = []
  for await (const card of client.cards()) ids.push(card.msisdn)
  mark()
  const details = await client.cardDetails({ msisdns: ids })
  mark()
  const usages = await client.currentUsage({ msisdns: ids })
  report(started, ids, details.map((d) => d.msisdn), usages.map((u) => u.msisdn))
}

async function sdkFleet (baseUrl, sid, apikey, concurrency) {
  const pkg = process.env.CARDBOSS_NODE_PKG || path.join(__dirname, '..', '..', 'bindings-node')
  const { Client } = require(pkg)
  const client = new Client({ sid, apikey, baseUrl, concurrency })
  const started = process.hrtime.bigint()
  const ids = []
  const details = []
  const usages = []
  const sync = client.fleetSync()
  for await (const batch of sync) {
    for (const r of batch) {
      ids.push(r.msisdn)
      if (r.detail_found) details.push(r.msisdn)
      if (r.usage_found) usages.push(r.msisdn)
    }
  }
  const done = sync.report()
  if (!done.complete) throw new Error(`fleetSync incomplete: ${JSON.stringify(done)}`)
  report(started, ids, details, usages)
}

// ----------------------------------------------------------------- what users write instead

function tsUtc8 () {
  const d = new Date(Date.now() + 8 * 3600 * 1000)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
}

async function viaFetch (baseUrl, sid, apikey, concurrency) {
  const crypto = require('node:crypto')

  async function get (endpoint, params) {
    const ts = tsUtc8()
    const sign = crypto.createHash('md5')
      .update(sid + apikey + ts + params.map(([, v]) => v).join(''))
      .digest('hex')
    const query = new URLSearchParams([['sid', sid], ['sign', sign], ['ts', ts], ...params])
    const res = await fetch(`${baseUrl}${PATH}${endpoint}?${query}`)
    if (!res.ok) throw new Error(`${endpoint}: HTTP ${res.status}`)
    const body = await res.json()
    if (String(body.code) !== '0') throw new Error(`${endpoint}: CardBOSS refused ${body.code} ${body.msg}`)
    return body.result
  }

  // `concurrency` workers over `jobs`, results in job order.
  async function pool (jobs, run) {
    const results = new Array(jobs.length)
    let next = 0
    async function worker () {
      while (next < jobs.length) {
        const i = next++
        results[i] = await run(jobs[i])
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return results
  }

  const batches = (ids) => {
    const out = []
    for (let i = 0; i < ids.length; i += PAGE) out.push(ids.slice(i, i + PAGE).join(','))
    return out
  }

  const started = process.hrtime.bigint()
  const first = await get('card/list', [['pageindex', '1']])
  const rest = Array.from({ length: Number(first.totalpage) - 1 }, (_, i) => i + 2)
  const pages = await pool(rest, (p) => get('card/list', [['pageindex', String(p)]]))
  const ids = [first, ...pages].flatMap((page) => page.cards.map((c) => c.msisdn || c.msisdns))
  mark()
  const details = await pool(batches(ids), (b) => get('card/detail', [['msisdns', b], ['iccids', '']]))
  mark()
  const usages = await pool(batches(ids), (b) => get('card/usage/current', [['msisdns', b], ['iccids', '']]))
  report(started, ids,
    details.flatMap((r) => r.cards.map((d) => d.msisdn)),
    usages.flatMap((r) => r.usages.map((u) => u.msisdn)))
}

// The bulk rows: client.bulk('suspend', ...) over the msisdns of $BENCH_IDS, lifecycle
// operations to $BENCH_OPS_URL; one JSON line with the cards done and the time.
async function bulkSdk (baseUrl, sid, apikey, concurrency) {
  const pkg = process.env.CARDBOSS_NODE_PKG || path.join(__dirname, '..', '..', 'bindings-node')
  const { Client } = require(pkg)
  const ids = require('node:fs').readFileSync(process.env.BENCH_IDS, 'utf8').split('\n').filter(Boolean)
  const client = new Client({ sid, apikey, baseUrl, opsUrl: process.env.BENCH_OPS_URL, concurrency })
  const started = process.hrtime.bigint()
  const report = await client.bulk('suspend', { msisdns: ids })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  console.log(JSON.stringify({
    cards: report.cards,
    done: report.done,
    seconds,
    ...(loopDelay ? { max_event_loop_block_ms: loopDelay.max / 1e6 } : {})
  }))
}

const MODES = { sdk, 'sdk-fleet': sdkFleet, fetch: viaFetch, 'bulk-sdk': bulkSdk }
const [mode, baseUrl, sid, apikey, concurrency] = process.argv.slice(2)
MODES[mode](baseUrl, sid, apikey, Number(concurrency)).catch((err) => {
  console.error(err)
  process.exit(1)
})
