// Install smoke (scripts/test-install.sh): the npm tarballs as a user installs them, on Debian
// bullseye. The same steps as smoke.py against the sandbox named by argv[2] (its ready line).
'use strict'
const assert = require('node:assert/strict')
const cardboss = require('cardboss')

async function main() {
  const ready = JSON.parse(process.argv[2])
  const client = new cardboss.Client({ sid: ready.sid, apikey: ready.apikey, baseUrl: ready.base_url, opsUrl: ready.ops_url })
  const me = await client.customer()
  assert.equal(me.sid, ready.sid)
  const page = await client.listCards(1)
  assert.ok(page.cards.length > 0)
  let msisdns = []
  for (let n = 1; msisdns.length < 150; n++) msisdns = msisdns.concat((await client.listCards(n)).cards.map((c) => c.msisdn))
  msisdns = msisdns.slice(0, 150)
  const details = await client.cardDetails({ msisdns })
  assert.deepEqual(details.map((d) => d.msisdn), msisdns)
  const receipt = await client.sendIotSms([msisdns[0]], 'install smoke')
  assert.ok(receipt.count === 1 && receipt.taskid)
  const refused = await client.cardDetails({ msisdns: [] }).then(
    () => assert.fail('an empty card set was accepted'),
    (e) => { assert.ok(cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT', String(e)); return e })
  console.log(`node ${process.version} cardboss: customer ${me.sid}, ${page.cards.length} cards on page 1, ` +
    `${details.length} details, sms task ${receipt.taskid}, refused: ${refused.message}`)
}
main().catch((e) => { console.error(e); process.exit(1) })
