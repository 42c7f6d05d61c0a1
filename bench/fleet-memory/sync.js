'use strict'
// One fleet sync through the Node package, for bench/fleet-memory.sh: default options, the
// records counted and dropped (so that what stays is the SDK's), the report checked.
// Arguments: BASE_URL OPS_URL SID APIKEY CARDS. Prints one JSON line; exits 1 if the sync is
// not complete with exactly CARDS cards.
const path = require('node:path')
const cardboss = require(path.join(__dirname, '..', '..', 'bindings-node', 'lib.js'))

async function main() {
  const [baseUrl, opsUrl, sid, apikey, cards] = process.argv.slice(2)
  const started = performance.now()
  const client = new cardboss.Client({ sid, apikey, baseUrl, opsUrl })
  const sync = client.fleetSync()
  let delivered = 0
  for await (const batch of sync) delivered += batch.length
  const report = sync.report()
  const ok = report.complete && report.cards === delivered && delivered === Number(cards) && report.duplicates === 0
  const secs = Math.round((performance.now() - started) / 10) / 100
  console.log(JSON.stringify({ lang: 'node', cards: delivered, requests: report.requests, secs, ok }))
  process.exitCode = ok ? 0 : 1
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
