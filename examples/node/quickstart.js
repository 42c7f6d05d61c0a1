// Quick start (CommonJS): the account, a few cards, their details and usage, an SMS, and
// what an error looks like. Run against the sandbox:
//
//   cargo run -p cardboss-sandbox -- --port1 0 --port2 0      # prints base_url, ops_url, sid, apikey
//   CARDBOSS_SID=10043 CARDBOSS_APIKEY=... CARDBOSS_URL=http://127.0.0.1:PORT1 \
//   CARDBOSS_OPS_URL=http://127.0.0.1:PORT2 node quickstart.js
'use strict'
const { Client, isCardbossError } = require('cardboss')

async function main() {
  const client = Client.fromEnv()

  const me = await client.customer()
  console.log(`${me.name}: balance ${me.balance} yuan, ${me.cardqty} cards`)

  const { cards, totalpage } = await client.listCards(1)
  console.log(`page 1 of ${totalpage}:`, cards.slice(0, 3).map((c) => c.msisdn))

  // Any number of cards: the SDK batches by 100 and keeps the input order.
  const details = await client.cardDetails({ msisdns: cards.slice(0, 5).map((c) => c.msisdn) })
  for (const d of details) console.log(d.msisdn, d.mno, `msstatus ${d.msstatus}`, `${d.flowusage} kb this month`)

  const usage = await client.currentUsage({ iccids: [cards[0].iccid] })
  console.log('usage of', usage[0].iccids, usage[0].pkgleftflow, 'kb left')

  const receipt = await client.sendIotSms([cards[0].msisdn], 'status?')
  console.log(`SMS task ${receipt.taskid}: ${receipt.count} sent, ${receipt.fee} billed`)

  try {
    await client.cardDetails({ msisdns: ['not-a-number'] })
  } catch (err) {
    if (!isCardbossError(err)) throw err
    // code: the platform's code ("1005") or a word ("INVALID_INPUT"); nothing was sent here.
    console.log(`refused: ${err.code} (${err.kind}) ${err.message}`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
